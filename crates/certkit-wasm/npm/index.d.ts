// Type declarations for the `certkit` package. Every function rejects with an
// `Error` whose message names the field that is wrong and how to fix it, in
// the same words as the `certkit` command line (see CertkitError).

/**
 * What the functions reject with: an `Error` whose one-line message names
 * what is wrong and how to fix it. Where a field of the request, of sign's
 * signing config or of kubernetesCsr's options is at fault, `field` holds
 * its path, such as `"hosts[1]"`, `"key.size"`, `"names[0].C"` or
 * `"signing.profiles.www.expiry"`.
 */
export interface CertkitError extends Error {
  field?: string;
}

/** One entry of cfssl's `names`: the subject's attributes. */
export interface CsrName {
  C?: string;
  ST?: string;
  L?: string;
  O?: string;
  OU?: string;
  /** emailAddress (legacy; prefer an email in `hosts`). */
  E?: string;
  /** The subject's serialNumber attribute. */
  SerialNumber?: string;
}

/** cfssl's CSR JSON, as `cfssl genkey` and `certkit genkey` take it. */
export interface CsrRequest {
  CN?: string;
  /** DNS names, IP addresses, email addresses and URIs: the subjectAltName. */
  hosts?: string[];
  /** Default: ECDSA P-256. */
  key?: { algo: 'ecdsa' | 'rsa' | 'ed25519'; size?: number };
  names?: CsrName[];
  serialnumber?: string;
}

export interface GenkeyOptions {
  /**
   * Where the key is made: `"auto"` (default) uses the platform's native
   * crypto where it can make the key (Web Crypto; node:crypto in Node) and
   * certkit's wasm otherwise; `"native"` (or `"webcrypto"`) and `"wasm"`
   * force one path.
   */
  keygen?: 'auto' | 'native' | 'webcrypto' | 'wasm';
}

/** A private key and its CSR, as PEM: what `certkit genkey` prints. */
export interface KeyAndCsr {
  /** The PKCS#10 CSR (`-----BEGIN CERTIFICATE REQUEST-----`). */
  csr: string;
  /** The private key, unencrypted PKCS#8 (`-----BEGIN PRIVATE KEY-----`). */
  key: string;
}

/** cfssl's certinfo name object. */
export interface NameInfo {
  common_name?: string;
  serial_number?: string;
  country?: string;
  organization?: string;
  organizational_unit?: string;
  locality?: string;
  province?: string;
  street_address?: string;
  postal_code?: string;
  names?: string[];
}

/** cfssl's certinfo for a certificate. */
export interface CertificateInfo {
  subject: NameInfo;
  issuer: NameInfo;
  serial_number: string;
  sans?: string[];
  not_before: string;
  not_after: string;
  sigalg: string;
  authority_key_id: string;
  subject_key_id: string;
  pem: string;
}

/** certkit's certinfo for a CSR (the certificate's shape, where it applies). */
export interface CsrInfo {
  subject: NameInfo;
  sans?: string[];
  sigalg: string;
  public_key: string;
  pem: string;
}

/** What Kubernetes' CertificateSigningRequest should say. */
export interface KubernetesCsrOptions {
  /** metadata.name: a DNS subdomain. */
  name: string;
  /** spec.signerName, e.g. `kubernetes.io/kubelet-serving` or `example.com/my-signer`. */
  signerName: string;
  /** spec.usages; default: the signer's usual usages for the key. */
  usages?: string[];
  /** spec.expirationSeconds, at least 600. */
  expirationSeconds?: number;
  /**
   * The cfssl CSR JSON (an object or JSON text) the CSR was made from. When
   * the CSR is the one certkit makes from it for the CSR's key, the
   * manifest comes from the small `kube` wasm module, without decoding the
   * CSR or verifying its signature (the API server verifies it); otherwise
   * the full module reads the CSR, as without this option. The manifest is
   * the same either way.
   */
  request?: CsrRequest | string;
}

/** PEM text, or DER bytes (an ArrayBuffer, a Uint8Array or any other typed array or DataView). */
export type PemOrDer = string | ArrayBuffer | ArrayBufferView;

/** certkit's version. */
export function version(): Promise<string>;

/**
 * Bytes of linear memory each loaded wasm module holds (null: not loaded
 * yet). Wasm memory grows and never shrinks: a long-running server can
 * watch it for leaks.
 */
export function memoryUsage(): Promise<{ lite: number | null; kube: number | null; full: number | null }>;

/**
 * Loads the wasm modules now rather than on first use: "lite" (a CSR for a
 * key the platform makes) or "full" (everything); both when not given.
 */
export function preload(which?: 'lite' | 'full'): Promise<void>;

/** Makes a private key and a CSR from cfssl's CSR JSON (an object or JSON text). */
export function genkey(request: CsrRequest | string, options?: GenkeyOptions): Promise<KeyAndCsr>;

/** Rejects with the error `genkey` would raise for this request, without making a key. */
export function checkRequest(request: CsrRequest | string): Promise<void>;

/** The kind of SAN each hosts entry becomes, by certkit's rules, without validating it. */
export function hostKinds(hosts: string[]): Promise<Array<'DNS' | 'IP' | 'email' | 'URI'>>;

/**
 * cfssl's certinfo for a certificate or a CSR: what it holds, including what
 * certkit would not sign. A CSR whose self-signature certkit can check
 * (its key types and algorithms) must verify.
 */
export function certinfo(pem: PemOrDer): Promise<CertificateInfo | CsrInfo>;

/** Options of `encryptKey`. */
export interface EncryptKeyOptions {
  /**
   * How the AES-256-CBC key is derived from the passphrase: `"scrypt"`
   * (the default; N = 2^14, r = 8, p = 1, in wasm) or `"pbkdf2"`
   * (PBKDF2-HMAC-SHA256, 600,000 iterations, computed by the runtime's
   * Web Crypto where it can, by wasm where it cannot — a Worker past its
   * 100,000-iteration limit). Both open with `openssl pkcs8` and
   * `decryptKey`; `"pbkdf2"` keeps a web page on the small wasm module.
   */
  kdf?: 'scrypt' | 'pbkdf2';
}

/** Encrypts a private key as PKCS#8 (AES-256-CBC, scrypt or PBKDF2); `openssl pkcs8` opens it. */
export function encryptKey(keyPem: PemOrDer, passphrase: string, options?: EncryptKeyOptions): Promise<string>;

/** Options of `decryptKey`. */
export interface DecryptKeyOptions {
  /**
   * The most work the key's derivation may cost, in PBKDF2-HMAC-SHA256
   * iterations (an HMAC-SHA384/512 iteration counts twice; AES-256 from
   * SHA-1 or SHA-224 twice; scrypt N·r·p × 5/2). Default 1,000,000 (0.7–1 s
   * in wasm; every key certkit writes is within it); at most
   * 5,000,000, the CLI's bound. A key over it is refused before any work.
   */
  maxKdfCost?: number;
}

/**
 * Decrypts an encrypted PKCS#8 key; resolves to the unencrypted PKCS#8 PEM.
 * The key's derivation is bounded by `options.maxKdfCost`: a key is
 * otherwise a cheap way to keep a thread busy for seconds.
 */
export function decryptKey(encryptedPem: PemOrDer, passphrase: string, options?: DecryptKeyOptions): Promise<string>;

/**
 * Signs a CSR with a CA, as `certkit sign` does. `config` is cfssl's signing
 * config (JSON text or object; default: cfssl's default profile).
 */
export function sign(
  csrPem: PemOrDer,
  caCertPem: PemOrDer,
  caKeyPem: PemOrDer,
  config?: string | object,
  profile?: string,
): Promise<{ cert: string; warnings: string[] }>;

/** A CertificateSigningRequest manifest (YAML) for `kubectl apply -f -`. */
export function kubernetesCsr(csrPem: PemOrDer, options: KubernetesCsrOptions): Promise<string>;

/**
 * A Web Crypto key pair (a `CryptoKeyPair`), described by its shape so that
 * these declarations need no DOM library.
 */
export interface WebCryptoKeyPair {
  privateKey: object;
  publicKey: object;
}

/** Options of `csrForKey`, for a key given as PEM or DER. */
export interface CsrForKeyOptions {
  /** The passphrase of an encrypted PKCS#8 key. */
  passphrase?: string;
  /** The most an encrypted key's derivation may cost, as in `DecryptKeyOptions`. */
  maxKdfCost?: number;
}

/**
 * A CSR for a key that already exists, as `certkit gencsr -key` makes it.
 * `request` is checked as `genkey` checks it; its `key`, if given, must
 * name the key's type. `key` is PEM text or DER bytes (PKCS#8, SEC1,
 * PKCS#1, or encrypted PKCS#8 with `options.passphrase`), or a Web Crypto
 * key pair (ECDSA P-256/P-384, RSASSA-PKCS1-v1_5 with the hash certkit
 * uses for its size, Ed25519 where the runtime has it) whose private key
 * may be non-extractable: only the public key is exported, and the private
 * key is only asked to sign. Resolves to the CSR's PEM; no key.
 */
export function csrForKey(
  request: CsrRequest | string,
  key: PemOrDer | WebCryptoKeyPair,
  options?: CsrForKeyOptions,
): Promise<{ csr: string }>;

/** Whether a private key belongs to a certificate or a CSR. */
export function keyMatches(certOrCsrPem: PemOrDer, keyPem: PemOrDer): Promise<boolean>;

/** What goes into a PKCS#12 file. */
export interface Pkcs12Options {
  /** The certificate (PEM or DER). */
  cert: PemOrDer;
  /** Its private key, unencrypted (decrypt it first with decryptKey). */
  key: PemOrDer;
  /** The chain above the certificate, its issuer first (PEM, one or more certificates). */
  chain?: PemOrDer;
  /** The .p12's passphrase; empty only with noPassphrase. */
  passphrase: string;
  /** The friendly name importers show (Java's alias). */
  name?: string;
  /** 3DES and SHA-1 for importers that read nothing newer (macOS before 15, Java 8). */
  legacy?: boolean;
  /** Key-derivation and MAC iterations (default 2048, as OpenSSL 3). */
  iterations?: number;
  /** Allow an empty passphrase (some importers refuse such files). */
  noPassphrase?: boolean;
}

/**
 * A PKCS#12 file (.p12) as `certkit pkcs12` writes it: AES-256-CBC and
 * HMAC-SHA-256, or 3DES and SHA-1 with `legacy`. Rejects a key that is not
 * the certificate's and a chain that does not chain.
 */
export function pkcs12(options: Pkcs12Options): Promise<Uint8Array>;

/** verify's options. */
export interface VerifyOptions {
  /** The trusted roots (PEM, one or more certificates). */
  roots: PemOrDer;
  /** Untrusted intermediates, in any order (PEM, one or more certificates). */
  intermediates?: PemOrDer;
  /** The DNS name or IP address the certificate must be valid for (subjectAltName only). */
  host?: string;
  /** A TLS server (extendedKeyUsage serverAuth; the default) or client (clientAuth). */
  purpose?: 'server' | 'client';
  /** The time of verification: a Date, an RFC 3339 string or milliseconds since 1970 (default: now). */
  at?: Date | string | number;
  /** CRLs (PEM or DER); a certificate whose issuer's CRL is here is checked against it. */
  crls?: PemOrDer | PemOrDer[];
}

/** One certificate of a verified path. */
export interface VerifiedCertificate {
  /** The subject, as RFC 4514 writes it (`CN=leaf,O=Example`). */
  subject: string;
  /** SHA-256 of the DER, lower-case hex. */
  sha256: string;
}

/** verify's verdict. */
export interface Verdict {
  /** Whether the certificate is valid for the purpose (and host). */
  ok: boolean;
  /** The path, leaf first, root last; on failure, the likeliest path as far as it goes. */
  chain: VerifiedCertificate[];
  /** One line per failure, naming the certificate and the rule; empty when ok. */
  errors: string[];
}

/**
 * Verifies a certificate's chain to trusted roots as `certkit verify` does
 * (RFC 5280 path validation: signatures, validity, CA flags and pathLen,
 * key usages, name constraints, CRLs). An invalid chain resolves with
 * `ok: false`; unreadable input rejects with an Error.
 */
export function verify(certPem: PemOrDer, options: VerifyOptions): Promise<Verdict>;

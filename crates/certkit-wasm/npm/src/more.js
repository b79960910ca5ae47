// The functions of the API that a page's first CSR does not need: api.js
// loads this file on first use of one of them and passes in the helpers
// they share with it (`later()`), so the page's first download carries
// none of their code. Each takes the helpers first, then the caller's
// arguments.

/** Decrypts an encrypted PKCS#8 key; resolves to the plain PKCS#8 PEM. */
export async function decryptKey([ready, guard, bytes, text, optionalJson], encryptedPem, passphrase, options) {
  const key = bytes(encryptedPem, 'encryptedPem');
  text(passphrase, 'passphrase');
  const json = optionalJson(options, 'options');
  const m = await ready('full');
  return guard(m, () => m.decryptKey(key, passphrase, json));
}

// encryptKey: an encrypted PKCS#8 key.
//
// scrypt (the default) is the core's, in the full module. PBKDF2 is "the
// platform computes, the core builds": the core checks the key and the
// passphrase and chooses the parameters (600,000 iterations; the salt and
// IV from getRandomValues, drawn here so that the small wasm module links
// no random generator), Web Crypto derives the key and encrypts, and the core writes
// the EncryptedPrivateKeyInfo. A plain PKCS#8 that carries its public key
// (what Web Crypto makes) stays on the lite module; any other key is read
// by the full one. Without Web Crypto's PBKDF2 at this count (Workers cap
// it at 100,000), the core encrypts instead.

const KDFS = ['scrypt', 'pbkdf2'];

export async function encryptKey([ready, guard, bytes, text, , , describe], keyPem, passphrase, options) {
  const key = bytes(keyPem, 'keyPem');
  text(passphrase, 'passphrase');
  if (options !== undefined && options !== null) {
    if (typeof options !== 'object' || Array.isArray(options)) {
      throw new Error(`options must be an object such as { kdf: "pbkdf2" }; got ${describe(options)}`);
    }
    const unknown = Object.keys(options).find((k) => k !== 'kdf');
    if (unknown !== undefined) throw new Error(`options.${unknown} is not an option of encryptKey; its one option is kdf ("scrypt" or "pbkdf2")`);
  }
  const kdf = options?.kdf ?? 'scrypt';
  if (!KDFS.includes(kdf)) throw new Error(`options.kdf must be "scrypt" or "pbkdf2"; got ${JSON.stringify(kdf)}`);
  const subtle = globalThis.crypto?.subtle;
  if (kdf === 'pbkdf2' && subtle) {
    let m = await ready('lite');
    // The salt and IV (the core checks there are 32 bytes).
    const random = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const der = pkcs8Der(keyPem, key);
    let job = der && guard(m, () => m.encryptKeyPrepare(der, passphrase, random));
    if (der && der !== key) der.fill(0);
    if (!job) {
      m = await ready('full');
      job = guard(m, () => m.encryptKeyPrepare(key, passphrase, random));
    }
    let ciphertext;
    try {
      const password = new TextEncoder().encode(passphrase);
      ciphertext = await encrypt(subtle, password, job, false);
      password.fill(0);
    } catch {
      job.free();
      job = null;
    }
    if (job) {
      try {
        return guard(m, () => job.finish(ciphertext));
      } finally {
        job.free();
      }
    }
  }
  const m = await ready('full');
  return guard(m, () => m.encryptKey(key, passphrase, kdf === 'pbkdf2'));
}

// The DER of one `PRIVATE KEY` PEM block (the lite module reads no PEM),
// DER bytes as they are, or null: the full module reads anything else
// (other labels, several blocks, headers) by the core's PEM rules.
function pkcs8Der(keyPem, key) {
  return typeof keyPem === 'string' ? pemBlock(keyPem, 'PRIVATE KEY') : key;
}

// The DER of `text` if it is one PEM block labelled `label` and nothing
// else (no headers), or null.
function pemBlock(text, label) {
  const pattern = `^\\s*-----BEGIN ${label}-----\\r?\\n([A-Za-z0-9+/=\\r\\n]+)-----END ${label}-----\\s*$`;
  const body = new RegExp(pattern).exec(text)?.[1];
  if (!body) return null;
  try {
    return Uint8Array.from(atob(body.replace(/[\r\n]/g, '')), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Signs a CSR with a CA, as `certkit sign` does; resolves to `{ cert, warnings }`. */
export async function sign([ready, guard, bytes, text, optionalJson], csrPem, caCertPem, caKeyPem, config, profile) {
  const csr = bytes(csrPem, 'csrPem');
  const caCert = bytes(caCertPem, 'caCertPem');
  const caKey = bytes(caKeyPem, 'caKeyPem');
  const cfg = optionalJson(config, 'config');
  if (profile !== undefined && profile !== null) text(profile, 'profile');
  const m = await ready('full');
  const args = [csr, caCert, caKey, cfg, profile ?? undefined];
  const subtle = globalThis.crypto?.subtle;
  return subtle ? signWithPlatform(m, guard, subtle, args) : guard(m, () => m.sign(...args));
}

// sign with Web Crypto: the core makes every check and builds the
// certificate (SignJob, on m.sign's path through the core); the platform's
// native arithmetic verifies the CSR's signature, signs with the CA key and
// verifies that signature with the CA certificate's public key. In wasm
// those (and reading the CA key) are most of a cold Worker's first
// certificate. What the platform cannot do (an algorithm or a key it
// lacks) the core does; each verdict goes back to the core, which decides.
async function signWithPlatform(m, guard, subtle, args) {
  const job = guard(m, () => m.SignJob.start(...args));
  try {
    const check = job.csrCheck();
    const key = job.caKey();
    const [verdict, signer] = await Promise.all([check && verified(subtle, check), key && imported(subtle, key)]);
    const tbs = guard(m, () => job.prepare(verdict, Boolean(signer)));
    let signature;
    let ok;
    if (tbs) {
      try {
        // Verified with the CA certificate's key, which the core read.
        const [sig, verifier] = await Promise.all([
          subtle.sign(key.algorithm, signer, tbs),
          subtle.importKey('spki', job.caSpki(), key.algorithm, false, ['verify']),
        ]);
        signature = new Uint8Array(sig);
        ok = await subtle.verify(key.algorithm, verifier, signature, tbs);
      } catch {
        // The core verifies, or signs, instead.
      }
    }
    return guard(m, () => job.finish(signature, ok));
  } finally {
    job.free();
  }
}

// The platform's verdict on a signature, or undefined where it has no
// verdict (an algorithm it lacks): the core then verifies.
async function verified(subtle, { spki, algorithm, signature, data }) {
  try {
    const key = await subtle.importKey('spki', spki, algorithm, false, ['verify']);
    return await subtle.verify(algorithm, key, signature, data);
  } catch {
    return undefined;
  }
}

// The CA key imported into Web Crypto to sign, or null where the platform
// will not take it (the core then reads and uses it). Its bytes are wiped.
async function imported(subtle, { pkcs8, algorithm }) {
  try {
    return await subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
  } catch {
    return null;
  } finally {
    pkcs8.fill(0);
  }
}

// csrForKey: a CSR for a key that already exists.
//
// A Web Crypto key pair never leaves the platform: only its public key is
// exported (`exportKey('spki', publicKey)`); the core builds the bytes to
// sign, the platform signs them with the private key (which may be
// non-extractable), and the core assembles the CSR once the signature
// verifies. A key given as PEM or DER is read and used by the core, as
// `certkit gencsr -key` reads it. Both go through the full module, whose
// request check is the CLI's (the lite module carries neither).

const OPTIONS = ['passphrase', 'maxKdfCost'];

export async function csrForKey([ready, guard, bytes, text, , requestJson, describe], request, key, options) {
  const json = requestJson(request);
  if (options !== undefined && options !== null) {
    if (typeof options !== 'object' || Array.isArray(options)) {
      throw new Error(`options must be an object such as { passphrase }; got ${describe(options)}`);
    }
    const unknown = Object.keys(options).find((k) => !OPTIONS.includes(k));
    if (unknown !== undefined) throw new Error(`options.${unknown} is not an option of csrForKey; its options are ${OPTIONS.join(', ')}`);
  }
  if (isKeyPair(key)) {
    if (options?.passphrase !== undefined) throw new Error('options.passphrase is for an encrypted key file; a CryptoKeyPair has none');
    return { csr: await withKeyPair(await ready('full'), guard, json, key) };
  }
  const input = bytes(key, 'key');
  const passphrase = options?.passphrase ?? undefined;
  if (passphrase !== undefined) text(passphrase, 'options.passphrase');
  const cost = options?.maxKdfCost === undefined ? undefined : JSON.stringify({ maxKdfCost: options.maxKdfCost });
  const m = await ready('full');
  try {
    return { csr: guard(m, () => m.csrForKeyBytes(json, input, passphrase, cost)) };
  } finally {
    // Our copy of the key (a string's UTF-8); the caller's bytes are theirs.
    if (input !== key) input.fill(0);
  }
}

function isKeyPair(key) {
  return key !== null && typeof key === 'object' && !ArrayBuffer.isView(key) && ('privateKey' in key || 'publicKey' in key);
}

// Web Crypto's algorithm name for each of the core's key types.
const NAMES = { ecdsa: 'ECDSA', rsa: 'RSASSA-PKCS1-v1_5', ed25519: 'Ed25519' };

async function withKeyPair(m, guard, json, { privateKey, publicKey }) {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('key is a CryptoKeyPair, but this runtime has no Web Crypto (crypto.subtle)');
  if (privateKey?.type !== 'private' || publicKey?.type !== 'public') {
    throw new Error('key must be PEM text, DER bytes or a CryptoKeyPair ({ privateKey, publicKey } from crypto.subtle.generateKey or importKey)');
  }
  if (!privateKey.usages.includes('sign')) {
    throw new Error(`key.privateKey cannot sign (its usages: ${privateKey.usages.join(', ') || 'none'}); make or import it with usages ['sign']`);
  }
  // The public key only: the private key is never exported.
  const spki = new Uint8Array(await subtle.exportKey('spki', publicKey));
  const req = guard(m, () => m.KeyRequest.forKey(json, spki));
  try {
    const algorithm = privateKey.algorithm;
    if (algorithm.name !== NAMES[req.algo]) {
      throw new Error(`key.privateKey is a ${algorithm.name} key; certkit signs CSRs with ${NAMES[req.algo]} for this ${req.algo} key`);
    }
    if (req.algo === 'rsa' && algorithm.hash?.name !== req.hash) {
      throw new Error(`key.privateKey signs with ${algorithm.hash?.name}; an RSA-${req.size} CSR is signed with ${req.hash}: make or import the key with hash "${req.hash}"`);
    }
    const tbs = guard(m, () => req.prepare(spki));
    const params = req.algo === 'ecdsa' ? { name: 'ECDSA', hash: req.hash } : { name: algorithm.name };
    const signature = new Uint8Array(await subtle.sign(params, privateKey, tbs));
    // ECDSA is verified by the platform (in wasm it costs more than the
    // rest), against the public key the CSR carries; RSA and Ed25519 by the core.
    let verified = false;
    if (req.algo === 'ecdsa') {
      const check = await subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: algorithm.namedCurve }, false, ['verify']);
      if (!(await subtle.verify(params, check, signature, tbs))) {
        throw new Error("key.privateKey's signature does not verify with key.publicKey: they are not one key pair");
      }
      verified = true;
    }
    return guard(m, () => req.finishCsr(signature, verified));
  } finally {
    req.free();
  }
}

// pkcs12: a PKCS#12 file with the platform's Web Crypto.
//
// The full module reads and checks the options, its inputs as bytes() does,
// and lays the file out; Web Crypto does its two PBES2 encryptions
// (PBKDF2-HMAC-SHA-256, AES-256-CBC) where it has them, and the core the
// rest: the MAC, whose PKCS#12 key derivation Web Crypto lacks, and legacy
// files (3DES).

export async function pkcs12([ready, guard], options) {
  const m = await ready('full');
  const subtle = globalThis.crypto?.subtle;
  const pending = subtle && guard(m, () => m.pkcs12Prepare(options));
  if (!pending) return guard(m, () => m.pkcs12(options));
  let sealed;
  try {
    const password = new TextEncoder().encode(options.passphrase ?? '');
    sealed = await Promise.all([pending.certificates, pending.key].map((job) => pbes2(subtle, password, job)));
    password.fill(0);
  } catch {
    // A runtime without these algorithms or this many iterations (Workers
    // cap PBKDF2 at 100,000): the core encrypts instead.
    pending.free();
    return guard(m, () => m.pkcs12(options));
  }
  return guard(m, () => pending.finish(...sealed));
}

// One PBES2 encryption with Web Crypto; the plaintext's copy is wiped, and
// the job freed if `free`.
function pbes2(subtle, password, job) {
  return encrypt(subtle, password, job, true);
}

async function encrypt(subtle, password, job, free) {
  const plaintext = job.plaintext;
  try {
    const base = await subtle.importKey('raw', password, 'PBKDF2', false, ['deriveKey']);
    const pbkdf2 = { name: 'PBKDF2', hash: 'SHA-256', salt: job.salt, iterations: job.iterations };
    const key = await subtle.deriveKey(pbkdf2, base, { name: 'AES-CBC', length: 256 }, false, ['encrypt']);
    return new Uint8Array(await subtle.encrypt({ name: 'AES-CBC', iv: job.iv }, key, plaintext));
  } finally {
    plaintext.fill(0);
    if (free) job.free();
  }
}

/** Verifies a certificate's chain as `certkit verify` does; resolves to `{ ok, chain, errors }`. */
export async function verify([ready, guard], certPem, options) {
  const m = await ready('full');
  return JSON.parse(guard(m, () => m.verifyJson(certPem, options)));
}

export async function certinfo([ready, guard, bytes], pem) {
  const input = bytes(pem, 'pem');
  const m = await ready('full');
  return JSON.parse(guard(m, () => m.certinfoJson(input)));
}

// kubernetesCsr: with `request`, the cfssl CSR JSON the CSR was made from,
// the `kube` module (the request reader, the CSR builder and the manifest:
// a page's) checks that the CSR is byte for byte the one the core makes
// from that request for the CSR's key and writes the manifest from the
// request, without decoding the CSR; any other CSR (one made elsewhere,
// or for a request that asks for cA, which the small modules refuse) goes
// to the full module, which reads and verifies it. The manifest is the same.
export async function kubernetesCsr([ready, guard, bytes, , , requestJson, , toJson], csrPem, options) {
  const csr = bytes(csrPem, 'csrPem');
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error('options must be an object: { name, signerName, usages?, expirationSeconds?, request? }');
  }
  const { request, ...manifestOptions } = options;
  const json = toJson(manifestOptions, 'options');
  if (request !== undefined) {
    const requestText = requestJson(request);
    const der = csrDer(csrPem, csr);
    if (der) {
      const m = await ready('kube');
      const manifest = guard(m, () => m.kubernetesCsrFromRequest(requestText, der, json));
      if (manifest !== undefined) return manifest;
    }
  }
  const m = await ready('full');
  return guard(m, () => m.kubernetesCsr(csr, json));
}

// The DER of one `CERTIFICATE REQUEST` PEM block, DER bytes as they are,
// or null (the full module reads anything else by the core's PEM rules).
function csrDer(csrPem, csr) {
  if (typeof csrPem === 'string') return pemBlock(csrPem, 'CERTIFICATE REQUEST');
  return csr[0] === 0x30 ? csr : null;
}

export async function keyMatches([ready, guard, bytes], certOrCsrPem, keyPem) {
  const cert = bytes(certOrCsrPem, 'certOrCsrPem');
  const key = bytes(keyPem, 'keyPem');
  const m = await ready('full');
  return guard(m, () => m.keyMatches(cert, key));
}

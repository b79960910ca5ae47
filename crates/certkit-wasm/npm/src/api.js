// certkit's public JavaScript API, shared by every runtime's entry point.
//
// Every decision is made by certkit's Rust core, compiled to wasm: this file
// only checks argument types, moves bytes between the core and the
// platform's Web Crypto, and turns the core's results into objects.
//
// Where the platform's native crypto can make the key (Web Crypto, or
// node:crypto in Node: P-256, P-384, RSA and, where supported, Ed25519), it
// makes the key and the signature; the core builds the CSR and checks that
// the private key is the one the CSR names. Elsewhere the core makes the key
// in wasm.

import * as liteGlue from '../wasm/certkit_lite.js';
import { runtime } from './runtime.js';

// Three wasm modules: `lite` makes a CSR for a key Web Crypto made (what a
// web page needs first, and small); `kube` makes the Kubernetes manifest
// of a CSR made from a request (a page's manifest);
// `full` does everything, including keys made in wasm. Each is loaded on
// first use, the others' JS glue too. A runtime whose entry does not ship
// `kube` (workerd's, to keep its cold start) gets `full` for it.
const glue = {
  lite: async () => liteGlue,
  kube: () => import('../wasm/certkit_kube.js'),
  full: () => import('../wasm/certkit_full.js'),
};
const loading = {};
const memories = {}; // each loaded module's linear memory

function ready(wanted) {
  const name = runtime.modules.includes(wanted) ? wanted : 'full';
  if (!loading[name]) {
    loading[name] = (async () => {
      if (!runtime.loader) throw new Error('certkit: no wasm loader; import "certkit", not its internal files');
      const [m, source] = await Promise.all([glue[name](), runtime.loader(name)]);
      memories[name] =
        source instanceof WebAssembly.Module || ArrayBuffer.isView(source) || source instanceof ArrayBuffer
          ? m.initSync({ module: source }).memory
          : (await m.default({ module_or_path: source })).memory;
      // The limit below is the core's; a package built with them apart fails
      // loudly rather than letting oversized input into wasm memory.
      if (m.maxInputLen() !== MAX_INPUT_LEN) {
        throw new Error(`certkit: the package's JavaScript and its ${name} wasm disagree on the input limit; rebuild it`);
      }
      return m;
    })();
    // A failed load may be retried (for example after the network returns).
    loading[name].catch(() => {
      delete loading[name];
    });
  }
  return loading[name];
}

// Runs a call into the core, turning a wasm trap (a bug in certkit) into a
// readable Error and anything else that is not an Error into one.
function guard(m, fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      const panic = safe(() => m.lastPanic());
      throw new Error(`certkit: internal error (${panic || e.message}); please report it`);
    }
    if (e instanceof Error) throw e;
    throw new Error(`certkit: ${String(e)}`);
  }
}

function safe(fn) {
  try {
    return fn();
  } catch {
    return '';
  }
}

const encoder = new TextEncoder();

// The core's limit on any one input (certkit_core::MAX_INPUT_LEN, checked
// against each wasm module as it loads), applied here too so that an
// oversized input is refused before it is copied into wasm memory, which
// never shrinks.
const MAX_INPUT_LEN = 1024 * 1024;

// Strings are measured as the UTF-8 the core receives (at least one byte
// per UTF-16 unit, so only a string near the limit is encoded to count).
function limited(input, name) {
  let n = input.length;
  if (typeof input === 'string' && n <= MAX_INPUT_LEN && n * 3 > MAX_INPUT_LEN) n = encoder.encode(input).length;
  if (n > MAX_INPUT_LEN) {
    throw new Error(`${name} is ${n} bytes, more than certkit's ${MAX_INPUT_LEN}-byte limit for one input; check you passed the right value`);
  }
  return input;
}

// JSON text of a plain value; a value JSON cannot carry (a cycle, a BigInt)
// or text UTF-8 cannot carry (a lone surrogate) is refused by name.
// Infinity, -Infinity and NaN, which JSON.stringify writes as null ("not
// given"), are written as { "Infinity": 0 }: a value no member takes,
// so the core refuses it with the member's path and what it takes.
function toJson(value, name) {
  let json;
  try {
    json = JSON.stringify(value, (key, v) => {
      if (typeof v === 'string' && typeof v.isWellFormed === 'function' && !v.isWellFormed()) {
        throw new Error(`${key ? `its member ${JSON.stringify(key)}` : 'it'} holds a lone UTF-16 surrogate, which is not text`);
      }
      return typeof v === 'number' && !isFinite(v) ? { [v]: 0 } : v;
    });
  } catch (e) {
    throw new Error(`${name} cannot be written as JSON: ${e.message}; pass plain objects, arrays, strings and numbers`);
  }
  return limited(json, name);
}

// PEM text or DER bytes, as the core takes them.
function bytes(value, name) {
  if ((typeof value === 'string' || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) && !(value.length ?? value.byteLength)) {
    throw new Error(`${name} is empty; give PEM text or DER bytes`);
  }
  if (typeof value === 'string') return limited(encoder.encode(limited(value, name)), name);
  if (value instanceof Uint8Array) return limited(value, name);
  if (value instanceof ArrayBuffer) return limited(new Uint8Array(value), name);
  if (ArrayBuffer.isView(value)) return limited(new Uint8Array(value.buffer, value.byteOffset, value.byteLength), name);
  throw new Error(`${name} must be PEM text (a string) or DER bytes (a Uint8Array); got ${describe(value)}`);
}

function text(value, name) {
  if (typeof value !== 'string') throw new Error(`${name} must be a string; got ${describe(value)}`);
  return limited(value, name);
}

function optionalJson(value, name) {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return limited(value, name);
  if (typeof value === 'object' && !Array.isArray(value)) return toJson(value, name);
  throw new Error(`${name} must be a JSON string or an object; got ${describe(value)}`);
}

function describe(value) {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'without a prototype'})`;
  return `a ${typeof value}`;
}

// The functions a page's first CSR does not need (more.js), loaded on first
// use and given the helpers they share with this file.
function later(name) {
  return async (...args) => (await import('./more.js'))[name]([ready, guard, bytes, text, optionalJson, requestJson, describe, toJson], ...args);
}

/**
 * Loads the wasm modules now instead of on first use: `"lite"` (what a CSR
 * for a platform key needs) or `"full"` (everything); both by default.
 */
export async function preload(which) {
  const names = which === undefined ? ['lite', 'full'] : [which];
  for (const name of names) {
    if (name !== 'lite' && name !== 'full') throw new Error(`preload takes "lite" or "full"; got ${JSON.stringify(name)}`);
  }
  await Promise.all(names.map((name) => ready(name)));
}

/**
 * Bytes of linear memory each loaded wasm module holds (null: not loaded).
 * Wasm memory grows and never shrinks, so a server can watch it for leaks.
 */
export async function memoryUsage() {
  const size = (name) => memories[name]?.buffer.byteLength ?? null;
  return { lite: size('lite'), kube: size('kube'), full: size('full') };
}

/** certkit's version. */
export async function version() {
  const m = await ready('lite');
  return guard(m, () => m.version());
}

// The Web Crypto algorithm for a key request, or null where the platform
// cannot make this key.
function webCryptoParams(algo, size, hash) {
  switch (algo) {
    case 'ecdsa': {
      const namedCurve = size === 384 ? 'P-384' : 'P-256';
      return { gen: { name: 'ECDSA', namedCurve }, sign: { name: 'ECDSA', hash } };
    }
    case 'rsa':
      return {
        gen: {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: size,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash,
        },
        sign: { name: 'RSASSA-PKCS1-v1_5' },
      };
    case 'ed25519':
      return { gen: { name: 'Ed25519' }, sign: { name: 'Ed25519' } };
    default:
      return null;
  }
}

// Which paths genkey may take: "auto" (the platform's native crypto, then
// wasm), "native" (also spelt "webcrypto") or "wasm".
function keyPath(options) {
  if (options !== undefined && options !== null) {
    if (typeof options !== 'object' || Array.isArray(options)) {
      throw new Error(`options must be an object such as { keygen: "wasm" }; got ${describe(options)}`);
    }
    const unknown = Object.keys(options).find((k) => k !== 'keygen');
    if (unknown !== undefined) {
      throw new Error(`options.${unknown} is not an option of genkey; its one option is keygen ("auto", "native" or "wasm")`);
    }
  }
  const path = options?.keygen ?? 'auto';
  if (!['auto', 'native', 'webcrypto', 'wasm'].includes(path)) {
    throw new Error(`options.keygen must be "auto", "native" or "wasm"; got ${JSON.stringify(path)}`);
  }
  return path === 'webcrypto' ? 'native' : path;
}

// A key pair the platform made, as genkey uses it:
//   { pkcs8, spki, sign(bytes), verify(bytes, signature) }
// pkcs8 is the private key's DER (genkey wipes it after use); spki is the
// public key's DER;
// sign resolves to the signature as Web Crypto gives it (r ‖ s for ECDSA);
// verify resolves to a boolean. Null when the platform cannot make the key.
//
// Web Crypto by default; the Node entry point installs node:crypto, the same
// OpenSSL without Web Crypto's thread-pool round trip per call.
async function webCryptoKey(algo, size, hash) {
  const subtle = globalThis.crypto?.subtle;
  const params = webCryptoParams(algo, size, hash);
  if (!subtle || !params) return null;
  let pair;
  try {
    pair = await subtle.generateKey(params.gen, true, ['sign', 'verify']);
  } catch {
    // This runtime's Web Crypto cannot make this key (e.g. no Ed25519).
    return null;
  }
  // Both halves: the CSR is built from the public key's SPKI, and the
  // PKCS#8 is checked against it. (Reading the public key out of the
  // PKCS#8 instead would save an export but cost the page 11.6 KB gzip of
  // PKCS#8, SEC1 and PKCS#1 decoders.)
  const [pkcs8, spki] = await Promise.all([subtle.exportKey('pkcs8', pair.privateKey), subtle.exportKey('spki', pair.publicKey)]);
  return {
    pkcs8: new Uint8Array(pkcs8),
    spki: new Uint8Array(spki),
    sign: async (bytes) => new Uint8Array(await subtle.sign(params.sign, pair.privateKey, bytes)),
    verify: (bytes, signature) => subtle.verify(params.sign, pair.publicKey, signature, bytes),
  };
}

// The CSR for a key pair the platform made: the core builds the bytes to
// sign, the platform signs them, the core assembles the CSR and checks the
// private key is the CSR's. ECDSA signatures are verified by the platform
// (in wasm it would cost more than everything else together), and so is
// every signature the lite module takes; the full module verifies RSA and
// Ed25519 signatures itself. Nothing is returned before the check passes.
async function withPlatformKey(m, req, key) {
  try {
    const tbs = guard(m, () => req.prepare(key.spki));
    const signature = await key.sign(tbs);
    const external = req.algo === 'ecdsa' || !m.KeyRequest.prototype.generate;
    const verifying = external ? key.verify(tbs, signature) : true;
    const made = guard(m, () => req.finish(signature, key.pkcs8, external));
    if (!(await verifying)) {
      throw new Error("the platform's signature does not verify with its own public key; its crypto is faulty");
    }
    return made;
  } finally {
    key.pkcs8.fill(0);
  }
}

/**
 * A private key and a CSR from cfssl's CSR JSON, as `certkit genkey` makes
 * them: resolves to `{ csr, key }` (PEM).
 */
export async function genkey(request, options) {
  const json = requestJson(request);
  const path = keyPath(options);
  if (path !== 'wasm') {
    const lite = await ready('lite');
    const req = guard(lite, () => new lite.KeyRequest(json));
    try {
      const key = await (runtime.makeKey ?? webCryptoKey)(req.algo, req.size, req.hash);
      if (key) {
        // Ed25519's PKCS#8 does not carry its public key: only the full
        // module can check the pair.
        const m = req.algo === 'ed25519' ? await ready('full') : lite;
        const r = m === lite ? req : guard(m, () => new m.KeyRequest(json));
        try {
          return await withPlatformKey(m, r, key);
        } finally {
          if (r !== req) r.free();
        }
      }
      if (path === 'native') {
        const kind = { ecdsa: `an ECDSA P-${req.size}`, rsa: `an RSA-${req.size}`, ed25519: 'an Ed25519' }[req.algo] ?? `a ${req.algo}`;
        throw new Error(`this runtime cannot make ${kind} key natively; use options.keygen "auto" or "wasm"`);
      }
    } finally {
      req.free();
    }
  }
  const m = await ready('full');
  const req = guard(m, () => new m.KeyRequest(json));
  try {
    return guard(m, () => req.generate());
  } finally {
    req.free();
  }
}

function requestJson(request) {
  const json = optionalJson(request, 'request');
  if (json === undefined) throw new Error('request must be cfssl CSR JSON, e.g. { CN: "web", hosts: ["web.example.com"] }');
  return json;
}

/** Throws the error `genkey` would raise for this request, without making a key. */
export async function checkRequest(request) {
  const json = requestJson(request);
  const m = await ready('lite');
  guard(m, () => m.checkRequest(json));
}

/** The kind of SAN each hosts entry becomes ("DNS", "IP", "email", "URI"), without validating it. */
export async function hostKinds(hosts) {
  if (!Array.isArray(hosts)) throw new Error(`hosts must be an array of strings; got ${describe(hosts)}`);
  const i = hosts.findIndex((h) => typeof h !== 'string');
  if (i >= 0) throw new Error(`hosts[${i}] must be a string; got ${describe(hosts[i])}`);
  toJson(hosts, 'hosts');
  const m = await ready('lite');
  return guard(m, () => hosts.map((host) => m.hostKind(host)));
}

/** cfssl's certinfo object for a certificate or CSR (PEM or DER) (more.js). */
export const certinfo = later('certinfo');

/**
 * Encrypts a private key as PKCS#8 with AES-256-CBC, as `openssl pkcs8`
 * reads it: its key derived with scrypt, or with `{ kdf: "pbkdf2" }`
 * PBKDF2-HMAC-SHA256, which Web Crypto computes (more.js).
 */
export const encryptKey = later('encryptKey');

/**
 * Decrypts an encrypted PKCS#8 key; resolves to the plain PKCS#8 PEM.
 * options.maxKdfCost bounds the key derivation's work (see index.d.ts).
 */
export const decryptKey = later('decryptKey');

/**
 * Signs a CSR with a CA, as `certkit sign` does; resolves to `{ cert,
 * warnings }`. `config` is cfssl's signing config (JSON text or object).
 */
export const sign = later('sign');

/**
 * A Kubernetes CertificateSigningRequest manifest (YAML) for a CSR, with the
 * checks of `certkit k8s request` (more.js).
 */
export const kubernetesCsr = later('kubernetesCsr');

/** Whether a private key belongs to a certificate or CSR (more.js). */
export const keyMatches = later('keyMatches');

/**
 * A PKCS#12 file (.p12) as `certkit pkcs12` writes it; resolves to its bytes
 * (more.js: the full module checks the options and lays the file out, Web
 * Crypto encrypts where it can).
 */
export const pkcs12 = later('pkcs12');

/**
 * A CSR for a key that already exists, as `certkit gencsr -key` makes it:
 * `key` is PEM text or DER bytes (options.passphrase for an encrypted one)
 * or a Web Crypto CryptoKeyPair, whose private key may be non-extractable
 * (it is only asked to sign). Resolves to `{ csr }`.
 */
export const csrForKey = later('csrForKey');

/**
 * Verifies a certificate's chain as `certkit verify` does; resolves to
 * `{ ok, chain, errors }` (more.js; the full module reads and checks the
 * options).
 */
export const verify = later('verify');

// Node.js (>= 20): the wasm modules are read from the package's own files,
// and keys are made and used with node:crypto — the same OpenSSL as Node's
// Web Crypto, without a thread-pool round trip for every call. RSA keys,
// which take long, are still made off the event loop.
import { readFile } from 'node:fs/promises';
import { generateKeyPair, generateKeyPairSync, sign, verify } from 'node:crypto';
import { promisify } from 'node:util';
import { setLoader, setKeyMaker } from './runtime.js';

setLoader((name) => readFile(new URL(`../wasm/certkit_${name}_bg.wasm`, import.meta.url)));

const generateKeyPairAsync = promisify(generateKeyPair);

setKeyMaker(async (algo, size, hash) => {
  let pair;
  switch (algo) {
    case 'ecdsa':
      pair = generateKeyPairSync('ec', { namedCurve: size === 384 ? 'P-384' : 'P-256' });
      break;
    case 'rsa':
      pair = await generateKeyPairAsync('rsa', { modulusLength: size, publicExponent: 0x10001 });
      break;
    case 'ed25519':
      pair = generateKeyPairSync('ed25519');
      break;
    default:
      return null;
  }
  // "SHA-256" → "sha256"; Ed25519 hashes internally (null).
  const digest = hash ? hash.replace('SHA-', 'sha') : null;
  // ECDSA signatures as r ‖ s, as Web Crypto gives them.
  const signer = { key: pair.privateKey, dsaEncoding: 'ieee-p1363' };
  const verifier = { key: pair.publicKey, dsaEncoding: 'ieee-p1363' };
  return {
    pkcs8: pair.privateKey.export({ type: 'pkcs8', format: 'der' }),
    spki: pair.publicKey.export({ type: 'spki', format: 'der' }),
    sign: (bytes) => sign(digest, bytes, signer),
    verify: (bytes, signature) => verify(digest, bytes, verifier, signature),
  };
});

export * from './api.js';

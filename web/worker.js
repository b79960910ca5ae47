// The page's worker: every certkit call runs here, off the page's main
// thread. The page keeps two of them (see app/background.js): one for quick
// calls and one for genkey, which Cancel terminates mid-key.
//
// Messages in: { id, fn, args }. Out: { id, value } or { id, error } with
// the error's message and, where the package sets it, its field path.

import * as certkit from './certkit/src/web.js';

const calls = {
  generate: (request, keygen) => certkit.genkey(request, keygen ? { keygen } : undefined),
  version: () => certkit.version(),
  checkRequest: (request) => certkit.checkRequest(request),
  hostKinds: (hosts) => certkit.hostKinds(hosts),
  // With the kind of each SAN (certinfo lists their values), for display.
  certinfo: async (pem) => {
    const info = await certkit.certinfo(pem);
    if (info.sans) info.sanKinds = await certkit.hostKinds(info.sans);
    return info;
  },
  // PBKDF2 (Web Crypto computes, the lite module builds the file): no
  // scrypt, which only the full module has.
  encryptKey: (key, passphrase) => certkit.encryptKey(key, passphrase, { kdf: 'pbkdf2' }),
  kubernetesCsr: (csr, options) => certkit.kubernetesCsr(csr, options),
  keyMatches: (cert, key) => certkit.keyMatches(cert, key),
  pkcs12: (options) => certkit.pkcs12(options),
  // A CSR for a key the user already has (PEM or DER bytes).
  csrForKey: (request, key, options) => certkit.csrForKey(request, key, options),
};

self.onmessage = async ({ data: { id, fn, args } }) => {
  try {
    if (!Object.hasOwn(calls, fn)) throw new Error(`worker.js has no call ${fn}`);
    postMessage({ id, value: await calls[fn](...args) });
  } catch (error) {
    postMessage({ id, error: { message: error?.message ?? String(error), field: error?.field } });
  }
};

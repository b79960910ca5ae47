// The same scenario in every runtime: what a user of the `certkit` package
// does first. Returns plain JSON for the test to judge with OpenSSL and the
// certkit CLI.

export const HOSTS = ['edge.example.com', 'www.edge.example.com', '10.1.2.3', '2001:db8::1'];

const BAD = {
  badHost: (ck) => ck.genkey({ CN: 'x', hosts: ['ok.example.com', 'bad host!'] }),
  badKeySize: (ck) => ck.genkey({ CN: 'x', key: { algo: 'rsa', size: 1000 } }),
  garbagePem: (ck) => ck.certinfo('-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n'),
  notAnObject: (ck) => ck.genkey(42),
};

// `ca`: a CA's { cert, key } (PEM) to sign the P-256 CSR with, for a .p12.
/**
 * `verify` gets chains made by tests/verify/chains.sh (the runtimes test
 * writes them to verify-data.mjs): `{ name: { cert, options } }`.
 */
export async function scenario(ck, ca, verifyCases = {}) {
  const out = { version: await ck.version(), exports: Object.keys(ck).sort(), csrs: {}, keys: {}, matches: {}, errors: {} };
  for (const [name, key] of [
    ['p256', { algo: 'ecdsa', size: 256 }],
    ['rsa2048', { algo: 'rsa', size: 2048 }],
  ]) {
    const { csr, key: pem } = await ck.genkey({ CN: 'edge.example.com', hosts: HOSTS, key, names: [{ O: 'certkit', C: 'DE' }] });
    out.csrs[name] = csr;
    out.keys[name] = pem;
    out.matches[name] = await ck.keyMatches(csr, pem);
  }
  // The last step: the signed certificate, its key and the CA in a .p12
  // (Web Crypto's PBKDF2 and AES where the runtime has them).
  const { cert } = await ck.sign(out.csrs.p256, ca.cert, ca.key);
  out.cert = cert;
  const p12 = await ck.pkcs12({ cert, key: out.keys.p256, chain: ca.cert, passphrase: 'correct horse', name: 'edge' });
  out.p12 = btoa(String.fromCharCode(...p12));
  const info = await ck.certinfo(out.csrs.p256);
  out.certinfoSans = info.sans;
  out.manifest = await ck.kubernetesCsr(out.csrs.p256, { name: 'edge', signerName: 'example.com/edge' });
  // From the request it was made from: the kube module (the full one in workerd).
  const request = { CN: 'edge.example.com', hosts: HOSTS, key: { algo: 'ecdsa', size: 256 }, names: [{ O: 'certkit', C: 'DE' }] };
  out.manifestFromRequest = await ck.kubernetesCsr(out.csrs.p256, { name: 'edge', signerName: 'example.com/edge', request });
  await existingKeys(ck, out);
  out.verify = {};
  for (const [name, { cert, options }] of Object.entries(verifyCases)) {
    const v = await ck.verify(cert, options);
    out.verify[name] = { ok: v.ok, chain: v.chain.map((l) => l.subject), errors: v.errors };
  }
  for (const [name, run] of Object.entries(BAD)) {
    try {
      await run(ck);
      out.errors[name] = { thrown: false };
    } catch (e) {
      out.errors[name] = { thrown: true, isError: e instanceof Error, message: String(e?.message), field: e?.field ?? null };
    }
  }
  return out;
}

// csrForKey with key pairs Web Crypto made non-extractable (Ed25519 where
// the runtime has it), with crypto.subtle.exportKey wrapped first: every
// call it sees is recorded, and none may be for a private key. Each CSR
// comes back with the pair's public key (SPKI, base64) for OpenSSL to compare.
async function existingKeys(ck, out) {
  const subtle = globalThis.crypto.subtle;
  const exportKey = subtle.exportKey;
  const calls = [];
  out.existing = {};
  out.exportKeyCalls = calls;
  subtle.exportKey = function (format, key) {
    calls.push({ format, type: key?.type ?? null, extractable: key?.extractable ?? null });
    return exportKey.call(this, format, key);
  };
  try {
    for (const [name, params] of [
      ['p256', { name: 'ECDSA', namedCurve: 'P-256' }],
      ['rsa2048', { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }],
      ['ed25519', { name: 'Ed25519' }],
    ]) {
      let pair;
      try {
        pair = await subtle.generateKey(params, false, ['sign', 'verify']);
      } catch {
        continue; // this runtime's Web Crypto has no such key
      }
      const { csr } = await ck.csrForKey({ CN: 'existing.example', hosts: ['existing.example'] }, pair);
      const spki = new Uint8Array(await exportKey.call(subtle, 'spki', pair.publicKey));
      out.existing[name] = { csr, spki: btoa(String.fromCharCode(...spki)), extractable: pair.privateKey.extractable };
    }
  } finally {
    // Own property on the instance: removing it restores the prototype's.
    if (Object.hasOwn(subtle, 'exportKey')) delete subtle.exportKey;
    else subtle.exportKey = exportKey;
  }
}

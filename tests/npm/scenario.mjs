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
export async function scenario(ck, ca) {
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

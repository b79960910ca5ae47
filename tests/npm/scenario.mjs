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

/**
 * `verify` gets chains made by tests/verify/chains.sh (the runtimes test
 * writes them to verify-data.mjs): `{ name: { cert, options } }`.
 */
export async function scenario(ck, verifyCases = {}) {
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
  const info = await ck.certinfo(out.csrs.p256);
  out.certinfoSans = info.sans;
  out.manifest = await ck.kubernetesCsr(out.csrs.p256, { name: 'edge', signerName: 'example.com/edge' });
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

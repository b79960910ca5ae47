// certkit's npm `verify` against pkijs's CertificateChainValidationEngine in
// Node: the same 3-certificate P-256 chain (root, intermediate, leaf made by
// tests/verify/chains.sh), the same process, rounds interleaved, medians.
// Both verdicts are checked first (valid; and invalid for a leaf whose
// signature is broken).
//
//   node bench/wasm/bench-verify.mjs CHAINS_DIR OUT.json
//
// CERTKIT_DIR: the package (default target/npm/certkit).
import { readFileSync, writeFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as pkijs from 'pkijs';
import * as asn1js from 'asn1js';

const here = fileURLToPath(new URL('.', import.meta.url));
const ck = await import(pathToFileURL(join(resolve(process.env.CERTKIT_DIR ?? `${here}/../../target/npm/certkit`), 'src/node.js')).href);
const [dir, out] = process.argv.slice(2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 400);

pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto }));
const read = (f) => readFileSync(join(dir, f), 'utf8');
const der = (pem) => {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return Uint8Array.from(Buffer.from(b64, 'base64'));
};
const parse = (pem) => pkijs.Certificate.fromBER(der(pem));
const at = new Date(Number(read('cases.tsv').split('\t')[7]) * 1000);
const pems = { root: read('root.pem'), int: read('int.pem'), leaf: read('leaf.pem'), bad: read('badsig.pem') };

async function certkit(leaf) {
  const v = await ck.verify(leaf, { roots: pems.root, intermediates: pems.int, at });
  return v.ok;
}

async function pkijsVerify(leaf) {
  // Parsing is part of the work, as certkit parses its PEM input.
  const engine = new pkijs.CertificateChainValidationEngine({
    trustedCerts: [parse(pems.root)],
    certs: [parse(pems.int), parse(leaf)], // pkijs takes the end entity last
    checkDate: at,
  });
  const r = await engine.verify();
  return r.result;
}

for (const [name, fn] of [['certkit', certkit], ['pkijs', pkijsVerify]]) {
  if ((await fn(pems.leaf)) !== true) throw new Error(`${name} does not accept the good chain`);
  if ((await fn(pems.bad)) !== false) throw new Error(`${name} accepts a broken signature`);
}
void asn1js;

const times = { certkit: [], pkijs: [] };
for (let i = 0; i < 20; i++) {
  await certkit(pems.leaf);
  await pkijsVerify(pems.leaf);
}
for (let i = 0; i < ROUNDS; i++) {
  for (const [name, fn] of [['certkit', certkit], ['pkijs', pkijsVerify]]) {
    const t0 = process.hrtime.bigint();
    await fn(pems.leaf);
    times[name].push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const result = { rounds: ROUNDS, node: process.version, certkit: median(times.certkit), pkijs: median(times.pkijs) };
writeFileSync(out, JSON.stringify(result));
console.log(JSON.stringify(result));

// certkit's npm package against its peers in Node (issue #3).
//
//   node bench/wasm/bench-node.mjs OUT.json
//
// Imports the built package's Node entry (CERTKIT_DIR: run.sh points it at
// an unpacked copy of the .tgz; default target/npm/certkit), runs the suites of peers.js round-robin, checks one
// output per library with openssl and writes the results as JSON.
// BENCH_QUICK=1 cuts the rounds for a smoke test.
import { execFileSync } from 'node:child_process';
import nodeCrypto from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { keygenStarted, runAll } from './peers.js';

const here = fileURLToPath(new URL('.', import.meta.url));
export const certkitDir = resolve(process.env.CERTKIT_DIR ?? `${here}/../../target/npm/certkit`);

export const rounds = process.env.BENCH_QUICK
  ? { p256Rounds: 10, p256PureRounds: 3, rsaRounds: 2, pureRounds: 1 }
  : { p256Rounds: 200, p256PureRounds: 40, rsaRounds: 40, pureRounds: 80 };

function openssl(args, input) {
  // stderr is kept: `req -verify` reports its verdict there.
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8' });
}

/**
 * Checks each sample with openssl: the CSR's self-signature verifies, it
 * names CN=web and all four SANs, and the private key is the CSR's key.
 * Throws on the first failure; returns one line per sample.
 */
export function verifySamples(samples, runtime) {
  const lines = [];
  for (const s of samples) {
    const what = `${runtime} ${s.suite} ${s.name}`;
    let text;
    try {
      text = execFileSync('openssl', ['req', '-verify', '-noout', '-text'], {
        input: s.csr,
        stdio: ['pipe', 'pipe', 'pipe'],
        encoding: 'utf8',
      });
    } catch (e) {
      throw new Error(`${what}: openssl req -verify rejected the CSR: ${e.stderr}\n${s.csr}`);
    }
    const want = ['CN = web', 'DNS:a.example.com', 'DNS:b.example.com', 'IP Address:10.0.0.1', 'IP Address:10.0.0.2',
      s.algo === 'ecdsa' ? 'NIST CURVE: P-256' : 'Public-Key: (2048 bit)'];
    for (const w of want) if (!text.includes(w)) throw new Error(`${what}: CSR lacks ${w}\n${text}`);
    const csrPub = openssl(['req', '-pubkey', '-noout'], s.csr);
    const keyPub = openssl(['pkey', '-pubout'], s.key);
    if (csrPub !== keyPub) throw new Error(`${what}: the private key is not the CSR's key`);
    lines.push(`openssl ok: ${what}`);
  }
  return lines;
}

/**
 * Has the key-generation clock (peers.js) count node:crypto's
 * generateKeyPair, which certkit's Node entry uses for RSA: wrapped before
 * certkit is imported, and published to ES module imports.
 */
function clockNodeKeygen() {
  const generateKeyPair = nodeCrypto.generateKeyPair;
  const wrapped = function (...args) {
    const callback = args.pop();
    const done = keygenStarted();
    return generateKeyPair.call(this, ...args, (...result) => {
      done();
      callback(...result);
    });
  };
  // What util.promisify(generateKeyPair) resolves to: both keys.
  wrapped[promisify.custom] = (...args) =>
    new Promise((resolve, reject) => {
      wrapped(...args, (err, publicKey, privateKey) => (err ? reject(err) : resolve({ publicKey, privateKey })));
    });
  nodeCrypto.generateKeyPair = wrapped;
  syncBuiltinESMExports();
}

async function main() {
  const outFile = process.argv[2];
  clockNodeKeygen();
  const ck = await import(pathToFileURL(`${certkitDir}/src/node.js`).href);
  const log = (m) => console.error(`[node] ${m}`);
  const result = await runAll(ck, rounds, log);
  for (const line of verifySamples(result.samples, 'node')) log(line);
  delete result.samples;
  result.runtime = `Node ${process.version}`;
  result.certkitVersion = await ck.version();
  const json = JSON.stringify(result, null, 1);
  if (outFile) writeFileSync(outFile, json);
  else console.log(json);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();

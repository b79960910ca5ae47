// encryptKey in Node, one run, medians of 7: scrypt (the default, the full
// wasm module), PBKDF2-HMAC-SHA256 at 600,000 iterations (Node's Web Crypto
// derives and encrypts, the lite module writes the file), and OpenSSL
// writing the same PBKDF2 file. Needs target/npm/certkit
// (scripts/build-npm.sh) and openssl.
//   node bench/wasm/bench-encrypt-key.mjs
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ck = await import(pathToFileURL(`${root}target/npm/certkit/src/node.js`).href);
const { key } = await ck.genkey({ CN: 'a' });
await ck.encryptKey(key, 'pw');
await ck.encryptKey(key, 'pw', { kdf: 'pbkdf2' });
async function median(f) {
  const times = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    await f();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[3].toFixed(0);
}
console.log(`| scrypt N=2^14 (wasm, full module) | ${await median(() => ck.encryptKey(key, 'pw'))} ms |`);
console.log(`| PBKDF2 600,000 (Web Crypto + lite module) | ${await median(() => ck.encryptKey(key, 'pw', { kdf: 'pbkdf2' }))} ms |`);
const openssl = ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256', '-iter', '600000', '-passout', 'pass:pw'];
console.log(`| openssl pkcs8 -v2 aes-256-cbc -iter 600000 (process included) | ${await median(() => execFileSync('openssl', openssl, { input: key }))} ms |`);

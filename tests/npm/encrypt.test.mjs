// encryptKey with { kdf: "pbkdf2" }: Node's Web Crypto derives the key
// and encrypts, the core (on the lite wasm module for the keys Web Crypto
// makes) chooses the parameters and writes the EncryptedPrivateKeyInfo.
// OpenSSL judges the file; a fresh process shows which wasm module the
// call loaded.
//
// Needs: target/npm/certkit (scripts/build-npm.sh) and openssl.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const entry = pathToFileURL(join(root, 'target/npm/certkit/src/node.js')).href;
const ck = await import(entry);

const openssl = (args, input) => execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
// The key OpenSSL reads back, as its public half (the same for the same key).
const publicOf = (pem, pass) => openssl(['pkey', '-pubout', ...(pass ? ['-passin', `pass:${pass}`] : [])], pem);

// A fresh Node process that runs `body` (with `ck`, the package) and prints
// its result and the modules it loaded, as JSON.
function fresh(body) {
  const script = `const ck = await import(${JSON.stringify(entry)});
const out = await (async () => { ${body} })();
console.log(JSON.stringify({ out, memory: await ck.memoryUsage() }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

test('OpenSSL opens a PBKDF2 key made by the package with Node\'s Web Crypto: PBKDF2-HMAC-SHA256, 600,000 iterations, AES-256-CBC', async () => {
  for (const request of [{ CN: 'p256' }, { CN: 'p384', key: { algo: 'ecdsa', size: 384 } }, { CN: 'rsa', key: { algo: 'rsa', size: 2048 } }]) {
    const { key } = await ck.genkey(request);
    const encrypted = await ck.encryptKey(key, 'correct horse', { kdf: 'pbkdf2' });
    assert.match(encrypted, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    const info = openssl(['asn1parse'], encrypted);
    assert.match(info, /:PBES2\n/);
    assert.match(info, /:PBKDF2\n/);
    assert.match(info, /INTEGER\s+:0?927C0\n/, '600,000 iterations'); // 0x927C0
    assert.match(info, /:hmacWithSHA256\n/);
    assert.match(info, /:aes-256-cbc\n/);
    const plain = openssl(['pkcs8', '-passin', 'pass:correct horse'], encrypted);
    assert.equal(publicOf(plain), publicOf(key), request.CN);
    assert.throws(() => openssl(['pkcs8', '-passin', 'pass:wrong'], encrypted));
    // certkit reads it back too.
    assert.equal(await ck.decryptKey(encrypted, 'correct horse'), key);
  }
});

test('encryptKey with PBKDF2 for a key Web Crypto made loads only the lite wasm module', () => {
  const { out, memory } = fresh(`
    const { privateKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
    const der = new Uint8Array(await crypto.subtle.exportKey('pkcs8', privateKey));
    const pem = '-----BEGIN PRIVATE KEY-----\\n' + btoa(String.fromCharCode(...der)).replace(/.{64}/g, '$&\\n').replace(/\\n?$/, '\\n') + '-----END PRIVATE KEY-----\\n';
    return [await ck.encryptKey(pem, 'pw', { kdf: 'pbkdf2' }), await ck.encryptKey(der, 'pw', { kdf: 'pbkdf2' })];`);
  assert.ok(memory.lite > 0, 'the lite module is loaded');
  assert.equal(memory.full, null, 'the full module is not');
  for (const pem of out) assert.match(openssl(['pkcs8', '-passin', 'pass:pw'], pem), /BEGIN PRIVATE KEY/);
});

test('keys the lite module cannot read by structure go to the full module, and are still encrypted by Web Crypto', async () => {
  // SEC1 and PKCS#1 (OpenSSL's traditional forms), an Ed25519 PKCS#8 (no
  // public key inside).
  const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
  for (const key of [readFileSync(join(root, 'tests/data/openssl-ec-sec1.pem'), 'utf8'), readFileSync(join(root, 'tests/data/openssl-rsa-pkcs1.pem'), 'utf8'), ed]) {
    const encrypted = await ck.encryptKey(key, 'pw', { kdf: 'pbkdf2' });
    assert.match(openssl(['asn1parse'], encrypted), /:PBKDF2\n/);
    assert.equal(publicOf(openssl(['pkcs8', '-passin', 'pass:pw'], encrypted)), publicOf(key));
  }
});

test('without Web Crypto\'s subtle API the core encrypts with the same parameters', () => {
  const { out, memory } = fresh(`
    const { key } = await ck.genkey({ CN: 'a' });
    Object.defineProperty(globalThis.crypto, 'subtle', { value: undefined });
    return [key, await ck.encryptKey(key, 'pw', { kdf: 'pbkdf2' })];`);
  const [key, encrypted] = out;
  assert.ok(memory.full > 0, 'the core encrypted in the full module');
  assert.match(openssl(['asn1parse'], encrypted), /INTEGER\s+:0?927C0\n/);
  assert.equal(publicOf(openssl(['pkcs8', '-passin', 'pass:pw'], encrypted)), publicOf(key));
});

test('encryptKey\'s errors: the same words on either module; options are checked', async () => {
  const { key } = await ck.genkey({ CN: 'a' });
  const message = async (p) => {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof Error);
      return e.message;
    }
    assert.fail('resolved');
  };
  assert.equal(await message(ck.encryptKey(key, '', { kdf: 'pbkdf2' })), await message(ck.encryptKey(key, '')));
  const sec1 = readFileSync(join(root, 'tests/data/openssl-ec-sec1.pem'), 'utf8');
  assert.equal(await message(ck.encryptKey(sec1, '', { kdf: 'pbkdf2' })), await message(ck.encryptKey(sec1, '')));
  const garbage = '-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----\n';
  assert.equal(await message(ck.encryptKey(garbage, 'pw', { kdf: 'pbkdf2' })), await message(ck.encryptKey(garbage, 'pw')));
  assert.match(await message(ck.encryptKey(key, 'pw', { kdf: 'argon2' })), /^options\.kdf must be "scrypt" or "pbkdf2"; got "argon2"$/);
  assert.match(await message(ck.encryptKey(key, 'pw', { KDF: 'pbkdf2' })), /^options\.KDF is not an option of encryptKey/);
  assert.match(await message(ck.encryptKey(key, 'pw', 'pbkdf2')), /^options must be an object/);
  // scrypt stays the default, and is still what the CLI and OpenSSL read.
  assert.match(openssl(['asn1parse'], await ck.encryptKey(key, 'pw')), /:scrypt\n/);
});

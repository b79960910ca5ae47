// The package's API at its edges, in Node: what a caller gets back for
// arguments of the wrong kind, for keys and CSRs made by OpenSSL that
// certkit would not make itself, and for values JSON cannot carry. Each
// case is one a review found wrong once.
//
// Needs: target/npm/certkit (scripts/build-npm.sh) and openssl.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const data = join(root, 'tests/data');
const ck = await import(pathToFileURL(join(root, 'target/npm/certkit/src/node.js')).href);

/** The Error a promise rejects with (failing if it resolves or throws a non-Error). */
async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof Error, `rejected with a non-Error: ${e}`);
    assert.doesNotMatch(e.message, /internal error|RuntimeError|unreachable/);
    return e;
  }
  assert.fail('resolved; expected an Error');
}

test('a wrong member of the request is named in error.field, with its path', async () => {
  for (const [request, field] of [
    [{ CN: 42 }, 'CN'],
    [{ CN: 'a', key: { algo: 'ecdsa', size: 256.5 } }, 'key.size'],
    [{ CN: 'a', key: { algo: 'ecdsa', size: -256 } }, 'key.size'],
    [{ CN: 'a', hosts: 'a.example' }, 'hosts'],
    [{ CN: 'a', hosts: ['a.example', 1] }, 'hosts[1]'],
    [{ CN: 'a', names: [{ C: 1 }] }, 'names[0].C'],
    [{ CN: 'a', foo: 1 }, 'foo'],
    [{ CN: 'a', hosts: Array.from({ length: 1001 }, (_, i) => `h${i}.example`) }, 'hosts'],
  ]) {
    const e = await rejection(ck.checkRequest(request));
    assert.equal(e.field, field, `${JSON.stringify(request).slice(0, 80)}: ${e.message}`);
    assert.ok(!e.message.includes('\n'), e.message);
  }
  const e = await rejection(ck.checkRequest({ CN: 'a', ca: { expiry: '1h' } }));
  assert.doesNotMatch(e.message, /add -initca/);
});

test('arguments of the wrong kind are named plainly', async () => {
  assert.match((await rejection(ck.certinfo(undefined))).message, /got undefined$/);
  assert.match((await rejection(ck.certinfo({}))).message, /got an object \(Object\)$/);
  assert.match((await rejection(ck.certinfo(''))).message, /^pem is empty/);
  assert.match((await rejection(ck.encryptKey(new Uint8Array(0), 'p'))).message, /^keyPem is empty/);
  assert.match((await rejection(ck.hostKinds(['a.example', 1]))).message, /^hosts\[1\] must be a string; got a number$/);
  assert.match((await rejection(ck.genkey({ CN: 'a' }, 42))).message, /^options must be an object/);
  assert.match((await rejection(ck.genkey({ CN: 'a' }, { keyGen: 'wasm' }))).message, /^options\.keyGen is not an option/);
  assert.match((await rejection(ck.genkey({ CN: 'a', n: 1n }))).message, /cannot be written as JSON/);
  const cyclic = { CN: 'a' };
  cyclic.self = cyclic;
  assert.match((await rejection(ck.genkey(cyclic))).message, /cannot be written as JSON/);
  assert.match((await rejection(ck.checkRequest({ CN: 'a\ud800' }))).message, /lone UTF-16 surrogate/);
  // The 1 MiB limit counts the UTF-8 the core would get, not UTF-16 units.
  const e = await rejection(ck.checkRequest({ CN: '€'.repeat(400_000) }));
  assert.match(e.message, /^request is 12000\d\d bytes, more than certkit's 1048576-byte limit/);
});

test('encrypted keys OpenSSL writes: PBKDF2-SHA1 is read; 3DES and PBES1 are named, not called a wrong passphrase', async () => {
  const plain = await ck.decryptKey(readFileSync(join(data, 'openssl-pkcs8-hmacsha1.pem'), 'utf8'), 'fixture');
  assert.match(plain, /BEGIN PRIVATE KEY/);
  for (const file of ['openssl-pkcs8-3des.pem', 'openssl-pkcs8-pbes1.pem']) {
    const e = await rejection(ck.decryptKey(readFileSync(join(data, file), 'utf8'), 'fixture'));
    assert.doesNotMatch(e.message, /passphrase does not decrypt/, file);
    assert.match(e.message, /certkit does not read.*openssl pkcs8 -topk8 -v2 aes-256-cbc/, file);
  }
});

test('decryptKey bounds the key derivation by its cost: the costliest key is refused at once; maxKdfCost raises the bound', async () => {
  // PBKDF2-HMAC-SHA512 at 5,000,000 iterations: 6.7 s per call before #22.
  const costly = readFileSync(join(data, 'bad/key-encrypted-pbkdf2-sha512-5m.pem'), 'utf8');
  await ck.preload('full');
  const start = performance.now();
  const e = await rejection(ck.decryptKey(costly, 'hostile'));
  const ms = performance.now() - start;
  assert.match(e.message, /^the encrypted key: its key derivation \(PBKDF2-HMAC-SHA512, 5000000 iterations\) costs 10000000, above the limit of 1000000 .*maxKdfCost/, e.message);
  assert.ok(ms < 100, `refused after ${ms.toFixed(1)} ms; the bound is checked before any derivation`);
  // Raising the bound is limited by the CLI's own.
  const over = await rejection(ck.decryptKey(costly, 'hostile', { maxKdfCost: 10_000_000 }));
  assert.equal(over.field, 'maxKdfCost', over.message);
  assert.match((await rejection(ck.decryptKey(costly, 'hostile', { maxKdfCosts: 1 }))).message, /unknown field `maxKdfCosts`/);
  // What certkit writes (scrypt N=2^14, r=8; PBKDF2-SHA256 at 600,000) is within the default.
  const { key } = await ck.genkey({ CN: 'a' });
  assert.equal(await ck.decryptKey(await ck.encryptKey(key, 'pw'), 'pw'), key);
  // A key over the default (HMAC-SHA512 at 600,000 iterations costs
  // 1,200,000) is read when the caller raises the bound.
  const pem = execFileSync('openssl', ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA512', '-iter', '600000',
    '-in', join(data, 'openssl-rsa-pkcs1.pem'), '-passout', 'pass:pw'], { encoding: 'utf8' });
  assert.match((await rejection(ck.decryptKey(pem, 'pw'))).message, /costs 1200000, above the limit of 1000000/);
  assert.match(await ck.decryptKey(pem, 'pw', { maxKdfCost: 1_200_000 }), /BEGIN PRIVATE KEY/);
});

test('certinfo and keyMatches take CSRs certkit would not sign, in PEM and DER', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'certkit-api-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const csr = execFileSync('openssl', [
    'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'), '-subj', '/CN=x',
    '-addext', 'subjectAltName=DNS:my_host.example.com,email:x@[192.0.2.1]',
  ], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  const key = readFileSync(join(dir, 'key.pem'), 'utf8');
  const der = execFileSync('openssl', ['req', '-outform', 'DER'], { input: csr });
  for (const input of [csr, new Uint8Array(der), key + csr]) {
    const info = await ck.certinfo(input);
    assert.deepEqual(info.sans, ['my_host.example.com', 'x@[192.0.2.1]']);
    assert.equal(await ck.keyMatches(input, key), true);
  }
});

test('kubernetesCsr names a wrong option in error.field', async () => {
  const { csr } = await ck.genkey({ CN: 'web', hosts: ['web.example.com'] });
  const e = await rejection(ck.kubernetesCsr(csr, { name: 'web', signerName: 'example.com/serving', expirationSeconds: 1.5 }));
  assert.equal(e.field, 'expirationSeconds', e.message);
  assert.doesNotMatch(e.message, /line \d+ column/);
});

test('Infinity, -Infinity and NaN are named errors, not a missing member (JSON null)', async () => {
  const { csr } = await ck.genkey({ CN: 'web', hosts: ['web.example.com'] });
  const manifest = (extra) => ck.kubernetesCsr(csr, { name: 'web', signerName: 'example.com/serving', ...extra });
  for (const bad of [Infinity, -Infinity, NaN]) {
    for (const [call, field, named] of [
      [() => ck.checkRequest({ CN: 'a', key: { algo: 'rsa', size: bad } }), 'key.size'],
      [() => ck.checkRequest({ CN: bad }), 'CN'],
      [() => ck.checkRequest({ CN: 'a', names: [{ C: bad }] }), 'names[0].C'],
      [() => ck.checkRequest({ CN: 'a', hosts: ['a.example', bad] }), 'hosts[1]'],
      [() => ck.checkRequest({ CN: 'a', key: bad }), `key.${bad}`, `unknown field \`${bad}\` in \`key\``],
      [() => ck.genkey({ CN: 'a', key: { algo: 'ecdsa', size: bad } }), 'key.size'],
      [() => manifest({ expirationSeconds: bad }), 'expirationSeconds'],
    ]) {
      const e = await rejection(call());
      assert.equal(e.field, field, `${bad} as ${field}: ${e.message}`);
      assert.ok(e.message.includes(named ?? `\`${field}\``), e.message);
    }
  }
});

test('sign names a wrong member of the signing config in error.field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'certkit-api-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', join(dir, 'ca-key.pem'), '-out', join(dir, 'ca.pem'), '-subj', '/CN=Test CA', '-days', '30',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    { stdio: 'pipe' });
    const caCert = readFileSync(join(dir, 'ca.pem'), 'utf8');
    const caKey = readFileSync(join(dir, 'ca-key.pem'), 'utf8');
    const { csr } = await ck.genkey({ CN: 'web', hosts: ['web.example.com'] });
    const good = { signing: { profiles: { www: { usages: ['server auth'], expiry: '24h' } } } };
    const { cert } = await ck.sign(csr, caCert, caKey, good, 'www');
    assert.match(cert, /^-----BEGIN CERTIFICATE-----/);
    for (const [config, field] of [
      [{ signing: { profiles: { www: { usages: ['server auth'], expiry: 24 } } } }, 'signing.profiles.www.expiry'],
      [{ signing: { profiles: { www: { usages: 'server auth' } } } }, 'signing.profiles.www.usages'],
      [{ signing: { profiles: { www: { usages: ['server auth'], expiri: '1h' } } } }, 'signing.profiles.www.expiri'],
      [{ signing: { profiles: { www: { usages: ['bogus'] } } } }, 'signing.profiles.www.usages[0]'],
    ]) {
      const e = await rejection(ck.sign(csr, caCert, caKey, config, 'www'));
      assert.equal(e.field, field, e.message);
      assert.match(e.message, /^the signing config is not valid: |^signing\.profiles\.www\./);
      assert.ok(e.message.includes(field.split('.').pop().replace(/\[\d+\]$/, '')), e.message);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pkcs12: legacy output opens in OpenSSL; a foreign key, a broken chain, an empty passphrase and unknown options are refused', async () => {
  const cert = readFileSync(join(data, 'pkcs12-leaf.pem'), 'utf8');
  const key = readFileSync(join(data, 'pkcs12-leaf-key.pem'), 'utf8');
  const chain = readFileSync(join(data, 'pkcs12-ca.pem'), 'utf8');
  const p12 = await ck.pkcs12({ cert, key, chain, passphrase: 'pw', legacy: true, iterations: 4096 });
  assert.ok(p12 instanceof Uint8Array);
  // OpenSSL prints -info on stderr.
  const info = spawnSync('openssl', ['pkcs12', '-info', '-noout', '-legacy', '-passin', 'pass:pw'], { input: p12 });
  assert.equal(info.status, 0, info.stderr.toString());
  const text = info.stderr.toString();
  assert.match(text, /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 4096/);
  const other = (await ck.genkey({ CN: 'other' })).key;
  let e = await rejection(ck.pkcs12({ cert, key: other, passphrase: 'pw' }));
  assert.match(e.message, /^the key is not the certificate's key/);
  e = await rejection(ck.pkcs12({ cert, key, chain: cert, passphrase: 'pw' }));
  assert.match(e.message, /^chain certificate 1 did not issue the certificate/);
  e = await rejection(ck.pkcs12({ cert, key, passphrase: '' }));
  assert.match(e.message, /^options.passphrase is empty/);
  e = await rejection(ck.pkcs12({ cert, key, passphrase: 'pw', password: 'x' }));
  assert.match(e.message, /^options.password is not an option of pkcs12/);
  e = await rejection(ck.pkcs12({ cert, key, passphrase: 'pw', iterations: 0 }));
  assert.match(e.message, /^options.iterations must be a whole number/);
  assert.ok((await ck.pkcs12({ cert, key, passphrase: '', noPassphrase: true })).length > 0);
});

test('pkcs12: Web Crypto does the PBES2 encryptions; the core falls back when it cannot', async () => {
  const cert = readFileSync(join(data, 'pkcs12-leaf.pem'), 'utf8');
  const key = readFileSync(join(data, 'pkcs12-leaf-key.pem'), 'utf8');
  const chain = readFileSync(join(data, 'pkcs12-ca.pem'), 'utf8');
  const subtle = globalThis.crypto.subtle;
  const calls = [];
  const { deriveKey, encrypt } = subtle;
  const opens = (p12, pw) => {
    const out = spawnSync('openssl', ['pkcs12', '-info', '-noout', '-passin', `pass:${pw}`], { input: p12 });
    assert.equal(out.status, 0, out.stderr.toString());
    return out.stderr.toString();
  };
  try {
    subtle.deriveKey = function (params, ...rest) {
      calls.push(['deriveKey', params.name, params.iterations]);
      return deriveKey.call(this, params, ...rest);
    };
    subtle.encrypt = function (params, ...rest) {
      calls.push(['encrypt', params.name]);
      return encrypt.call(this, params, ...rest);
    };
    const p12 = await ck.pkcs12({ cert, key, chain, passphrase: 'pässwörd', iterations: 3000 });
    assert.deepEqual(calls.sort(), [
      ['deriveKey', 'PBKDF2', 3000], ['deriveKey', 'PBKDF2', 3000], ['encrypt', 'AES-CBC'], ['encrypt', 'AES-CBC'],
    ]);
    const info = opens(p12, 'pässwörd');
    assert.match(info, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 3000, PRF hmacWithSHA256/);
    assert.match(info, /MAC: sha256, Iteration 3000/);
    const pem = spawnSync('openssl', ['pkcs12', '-nokeys', '-clcerts', '-passin', 'pass:pässwörd'], { input: p12 });
    assert.equal(pem.stdout.toString().match(/-----BEGIN CERTIFICATE-----[^-]+/)[0], cert.match(/-----BEGIN CERTIFICATE-----[^-]+/)[0]);

    // Web Crypto refusing (as Workers do past 100,000 iterations): the core encrypts.
    calls.length = 0;
    subtle.deriveKey = async () => {
      calls.push('refused');
      throw new DOMException('iteration counts above 100000 are not supported', 'NotSupportedError');
    };
    opens(await ck.pkcs12({ cert, key, passphrase: 'pw' }), 'pw');
    assert.ok(calls.includes('refused'));
  } finally {
    Object.assign(subtle, { deriveKey, encrypt });
  }
});

// --- csrForKey: CSRs for keys that already exist ---------------------------

/** OpenSSL's verdict on a CSR and its public key (PEM), from a temporary folder. */
function opensslCsr(dir, name, csr) {
  const file = join(dir, `${name}.csr`);
  writeFileSync(file, csr);
  const verify = spawnSync('openssl', ['req', '-in', file, '-verify', '-noout'], { encoding: 'utf8' });
  assert.equal(verify.status, 0, `${name}: ${verify.stderr}`);
  return execFileSync('openssl', ['req', '-in', file, '-noout', '-pubkey'], { encoding: 'utf8' });
}

test('csrForKey: keys OpenSSL made (PKCS#8, SEC1, PKCS#1, encrypted) get CSRs OpenSSL verifies, for the key given', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'certkit-csrforkey-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(join(dir, 'pass'), 'correct horse\n');
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'p256.pem');
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', 'p384.pem');
  openssl('genpkey', '-algorithm', 'ed25519', '-out', 'ed25519.pem');
  openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa.pem');
  openssl('ec', '-in', 'p384.pem', '-out', 'sec1.pem');
  openssl('rsa', '-in', 'rsa.pem', '-traditional', '-out', 'pkcs1.pem');
  openssl('pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'p256.pem', '-passout', 'file:pass', '-out', 'enc.pem');
  openssl('pkey', '-in', 'ed25519.pem', '-outform', 'DER', '-out', 'ed25519.der');
  const request = { CN: 'existing.example', hosts: ['existing.example', '192.0.2.9'] };
  for (const [name, options] of [['p256'], ['p384'], ['ed25519'], ['rsa'], ['sec1'], ['pkcs1'], ['enc', { passphrase: 'correct horse' }], ['ed25519.der']]) {
    const file = join(dir, name.includes('.') ? name : `${name}.pem`);
    const key = name.endsWith('.der') ? new Uint8Array(readFileSync(file)) : readFileSync(file, 'utf8');
    const result = await ck.csrForKey(request, key, options);
    assert.deepEqual(Object.keys(result), ['csr'], 'no key in the result');
    const fromCsr = opensslCsr(dir, name, result.csr);
    const fromKey = execFileSync('openssl', ['pkey', '-in', file, '-pubout', '-passin', 'file:pass', ...(name.endsWith('.der') ? ['-inform', 'DER'] : [])], { cwd: dir, encoding: 'utf8' });
    assert.equal(fromCsr, fromKey, `${name}: the CSR is not for the key`);
  }
  // What goes wrong is named: no passphrase, a wrong one, a request for another key, not a key.
  const enc = readFileSync(join(dir, 'enc.pem'), 'utf8');
  assert.match((await rejection(ck.csrForKey(request, enc))).message, /encrypted; give its passphrase as csrForKey\(request, key, \{ passphrase \}\)$/);
  assert.match((await rejection(ck.csrForKey(request, enc, { passphrase: 'wrong' }))).message, /the passphrase does not decrypt/);
  const e = await rejection(ck.csrForKey({ ...request, key: { algo: 'rsa', size: 2048 } }, readFileSync(join(dir, 'p256.pem'), 'utf8')));
  assert.equal(e.field, 'key');
  assert.match(e.message, /asks for an RSA 2048 key, but the key given is ECDSA P-256/);
  assert.match((await rejection(ck.csrForKey(request, 'not a key'))).message, /neither PEM nor DER/);
  assert.match((await rejection(ck.csrForKey(request, 42))).message, /^key must be PEM text .* got a number$/);
  assert.match((await rejection(ck.csrForKey(request, readFileSync(join(dir, 'p256.pem'), 'utf8'), { passwd: 'x' }))).message, /^options\.passwd is not an option of csrForKey/);
  assert.match((await rejection(ck.csrForKey({ CN: 'x', hosts: ['bad host!'] }, readFileSync(join(dir, 'p256.pem'), 'utf8')))).message, /hosts\[0\]/);
});

test('csrForKey: a non-extractable Web Crypto pair signs its CSR; exportKey is never called on its private key', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'certkit-csrforkey-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { subtle } = globalThis.crypto;
  const exportKey = subtle.exportKey;
  const calls = [];
  subtle.exportKey = function (format, key) {
    calls.push({ format, type: key?.type });
    return exportKey.call(this, format, key);
  };
  t.after(() => delete subtle.exportKey);
  const rsa = (hash) => ({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash });
  const request = { CN: 'pair.example', hosts: ['pair.example'] };
  for (const [name, params] of [
    ['p256', { name: 'ECDSA', namedCurve: 'P-256' }],
    ['p384', { name: 'ECDSA', namedCurve: 'P-384' }],
    ['rsa2048', rsa('SHA-256')],
    ['ed25519', { name: 'Ed25519' }],
  ]) {
    const pair = await subtle.generateKey(params, false, ['sign', 'verify']);
    assert.equal(pair.privateKey.extractable, false);
    const { csr } = await ck.csrForKey(request, pair);
    const spki = Buffer.from(await exportKey.call(subtle, 'spki', pair.publicKey)).toString('base64');
    const pem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g).join('\n')}\n-----END PUBLIC KEY-----\n`;
    assert.equal(opensslCsr(dir, name, csr), pem, `${name}: the CSR's key is not the pair's`);
  }
  assert.ok(calls.length >= 4, 'the wrapper saw the public keys exported');
  assert.deepEqual(calls.filter((c) => c.type !== 'public'), [], 'exportKey was called on a private key');

  // Two halves of different pairs, and an RSA key bound to another hash, are refused.
  const a = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const b = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  assert.match((await rejection(ck.csrForKey(request, { privateKey: a.privateKey, publicKey: b.publicKey }))).message, /not one key pair/);
  const r512 = await subtle.generateKey(rsa('SHA-512'), false, ['sign', 'verify']);
  assert.match((await rejection(ck.csrForKey(request, r512))).message, /signs with SHA-512; an RSA-2048 CSR is signed with SHA-256/);
  const r256 = await subtle.generateKey(rsa('SHA-256'), false, ['sign', 'verify']);
  assert.match((await rejection(ck.csrForKey(request, { privateKey: r256.privateKey, publicKey: r512.publicKey }))).message, /does not verify/);
  assert.match((await rejection(ck.csrForKey(request, { privateKey: a.publicKey, publicKey: a.publicKey }))).message, /^key must be PEM text, DER bytes or a CryptoKeyPair/);
});

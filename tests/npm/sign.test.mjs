// sign with Web Crypto against sign in wasm, in Node: where the runtime has
// Web Crypto, `sign` lets the platform verify the CSR's signature, sign with
// the CA key and verify that signature (more.js, full.rs's SignJob), while
// the core makes every check and builds the certificate. Without Web Crypto
// the core does it all. Both must give the same certificate for the same
// inputs and the same error, word for word, for every input the core
// refuses; OpenSSL verifies every certificate against its CA.
//
// Needs: target/npm/certkit (scripts/build-npm.sh) and openssl.
//
//   node --test tests/npm/sign.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const data = join(root, 'tests/data');
const ck = await import(pathToFileURL(join(root, 'target/npm/certkit/src/node.js')).href);

const dir = mkdtempSync(join(tmpdir(), 'certkit-sign-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

/** A CA made by OpenSSL for the key in `keyFile` (any form OpenSSL writes). */
function opensslCa(name, keyFile) {
  openssl('req', '-x509', '-new', '-key', keyFile, '-out', `${name}.pem`, '-subj', `/CN=${name}`, '-days', '30',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  return { cert: readFileSync(join(dir, `${name}.pem`), 'utf8'), key: readFileSync(resolve(dir, keyFile), 'utf8') };
}

// CA keys in the forms and algorithms the platform path takes: PKCS#8 from
// certkit's CLI form (OpenSSL's genpkey), SEC1 with its curve, PKCS#1, and
// a 3072-bit RSA key (signed with SHA-384).
openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'p256.pem');
openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072', '-out', 'rsa3072.pem');
const CAS = {
  'P-256 PKCS#8': opensslCa('p256-ca', 'p256.pem'),
  'P-384 SEC1': opensslCa('p384-ca', join(data, 'openssl-ec384-with-params.pem')),
  'RSA-2048 PKCS#1': opensslCa('rsa-ca', join(data, 'openssl-rsa-pkcs1.pem')),
  'RSA-3072 PKCS#8': opensslCa('rsa3072-ca', 'rsa3072.pem'),
};

/** Web Crypto's calls during `fn`, by method and algorithm name. */
async function watched(fn) {
  const subtle = globalThis.crypto.subtle;
  const { sign, verify, importKey } = subtle;
  const calls = [];
  const spy = (name, original) =>
    function (...args) {
      const algorithm = name === 'importKey' ? `${args[0]} ${args[2].name}` : args[0].name;
      calls.push(`${name} ${algorithm}`);
      return original.apply(this, args);
    };
  Object.assign(subtle, { sign: spy('sign', sign), verify: spy('verify', verify), importKey: spy('importKey', importKey) });
  try {
    return [await settled(fn()), calls];
  } finally {
    Object.assign(subtle, { sign, verify, importKey });
    for (const k of ['sign', 'verify', 'importKey']) delete subtle[k];
  }
}

/** `fn` with no Web Crypto (globalThis.crypto keeps getRandomValues, which the wasm's random numbers need). */
async function inWasm(fn) {
  const real = globalThis.crypto;
  const plain = { getRandomValues: (a) => real.getRandomValues(a) };
  Object.defineProperty(globalThis, 'crypto', { value: plain, configurable: true, writable: true });
  try {
    return await settled(fn());
  } finally {
    Object.defineProperty(globalThis, 'crypto', { value: real, configurable: true, writable: true });
  }
}

async function settled(promise) {
  try {
    return { value: await promise };
  } catch (e) {
    assert.ok(e instanceof Error, `rejected with a non-Error: ${e}`);
    assert.doesNotMatch(e.message, /internal error|RuntimeError|unreachable/);
    return { error: e.message };
  }
}

/** The certificate's fields that do not change from one signing to the next (serial, times and signature do). */
async function fields(cert) {
  const info = await ck.certinfo(cert);
  const text = openssl('x509', '-noout', '-text', '-certopt', 'no_serial,no_validity,no_sigdump', '-in', save('fields.pem', cert));
  const lifetime = Date.parse(info.not_after) - Date.parse(info.not_before);
  return { ...info, serial_number: undefined, not_before: undefined, not_after: undefined, pem: undefined, lifetime, text };
}

function save(name, content) {
  writeFileSync(join(dir, name), content);
  return name;
}

function opensslVerifies(ca, cert) {
  const out = spawnSync('openssl', ['verify', '-CAfile', save('ca.pem', ca.cert), save('leaf.pem', cert)], { cwd: dir, encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr + out.stdout);
}

test('Web Crypto and wasm sign the same certificate, for EC and RSA CA keys in every form and CSRs of every key type', async () => {
  const csrs = {
    'P-256': (await ck.genkey({ CN: 'web.example.com', hosts: ['web.example.com', '10.0.0.1'] })).csr,
    'RSA-2048': (await ck.genkey({ CN: 'rsa.example.com', hosts: ['rsa.example.com'], key: { algo: 'rsa', size: 2048 } })).csr,
    Ed25519: (await ck.genkey({ CN: 'ed.example.com', hosts: ['ed.example.com'], key: { algo: 'ed25519', size: 0 } }, { keygen: 'wasm' })).csr,
    'P-384 (OpenSSL)': readFileSync(join(data, 'csr-openssl-p256.pem'), 'utf8'),
  };
  const config = { signing: { default: { usages: ['digital signature', 'server auth'], expiry: '720h' } } };
  for (const [caName, ca] of Object.entries(CAS)) {
    for (const [csrName, csr] of Object.entries(csrs)) {
      const what = `${caName} CA, ${csrName} CSR`;
      const [platform, calls] = await watched(() => ck.sign(csr, ca.cert, ca.key, config));
      const wasm = await inWasm(() => ck.sign(csr, ca.cert, ca.key, config));
      assert.ok(platform.value && wasm.value, `${what}: ${platform.error ?? wasm.error}`);
      opensslVerifies(ca, platform.value.cert);
      opensslVerifies(ca, wasm.value.cert);
      assert.deepEqual(await fields(platform.value.cert), await fields(wasm.value.cert), what);
      assert.deepEqual(platform.value.warnings, wasm.value.warnings, what);
      // The platform signed with the CA key and verified that signature;
      // it verified the CSR's unless that is Ed25519 (the core's, strict).
      const alg = caName.startsWith('RSA') ? 'RSASSA-PKCS1-v1_5' : 'ECDSA';
      assert.ok(calls.includes(`importKey pkcs8 ${alg}`) && calls.includes(`sign ${alg}`), `${what}: ${calls}`);
      assert.equal(calls.filter((c) => c.startsWith('verify')).length, csrName === 'Ed25519' ? 1 : 2, `${what}: ${calls}`);
    }
  }
});

test('an Ed25519 CA key and an encrypted-key refusal take the core path with the same results', async () => {
  const ed = openssl('genpkey', '-algorithm', 'ed25519');
  save('ed.pem', ed);
  const ca = opensslCa('ed-ca', 'ed.pem');
  const { csr } = await ck.genkey({ CN: 'leaf.example.com', hosts: ['leaf.example.com'] });
  const [platform, calls] = await watched(() => ck.sign(csr, ca.cert, ca.key));
  const wasm = await inWasm(() => ck.sign(csr, ca.cert, ca.key));
  opensslVerifies(ca, platform.value.cert);
  assert.deepEqual(await fields(platform.value.cert), await fields(wasm.value.cert));
  assert.ok(!calls.some((c) => c.startsWith('sign')), `${calls}`);
  const encrypted = openssl('pkey', '-in', 'p256.pem', '-aes-256-cbc', '-passout', 'pass:pw');
  const p = CAS['P-256 PKCS#8'];
  const [a] = await watched(() => ck.sign(csr, p.cert, encrypted));
  const b = await inWasm(() => ck.sign(csr, p.cert, encrypted));
  assert.match(a.error, /decryptKey/);
  assert.equal(a.error, b.error);
});

test('a CA key that is not the CA certificate\'s is refused on the Web Crypto path, as in wasm', async () => {
  const { csr } = await ck.genkey({ CN: 'leaf.example.com', hosts: ['leaf.example.com'] });
  for (const [certOf, keyOf] of [['P-256 PKCS#8', 'P-384 SEC1'], ['RSA-2048 PKCS#1', 'RSA-3072 PKCS#8'], ['P-384 SEC1', 'RSA-2048 PKCS#1']]) {
    const [platform, calls] = await watched(() => ck.sign(csr, CAS[certOf].cert, CAS[keyOf].key));
    const wasm = await inWasm(() => ck.sign(csr, CAS[certOf].cert, CAS[keyOf].key));
    assert.match(platform.error ?? `signed: ${platform.value?.cert}`, /the CA key does not match the CA certificate/i, `${certOf} cert, ${keyOf} key`);
    assert.equal(platform.error, wasm.error);
    // The platform took the key (the refusal is the core's, not a fallback's) and signed nothing.
    assert.ok(calls.some((c) => c.startsWith('importKey pkcs8')), `${calls}`);
    assert.ok(!calls.some((c) => c.startsWith('sign')), `${calls}`);
  }
});

test('a key file whose stated public key is not its own is refused as in wasm, whatever the platform signs', async () => {
  // An EC key whose SEC1 publicKey is the CA certificate's but whose private
  // scalar is another key's: its signatures never verify with the certificate.
  const ca = CAS['P-256 PKCS#8'];
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'other.pem');
  const der = (file) => execFileSync('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', file, '-outform', 'DER'], { cwd: dir });
  // In the PKCS#8, the SEC1 ECPrivateKey's version (02 01 01) and scalar (04 20 …).
  const scalar = (key) => key.indexOf(Buffer.from([0x02, 0x01, 0x01, 0x04, 0x20])) + 5;
  const [own, other] = [der('p256.pem'), der('other.pem')];
  const forged = Buffer.from(own);
  other.copy(forged, scalar(own), scalar(other), scalar(other) + 32);
  const { csr } = await ck.genkey({ CN: 'leaf.example.com', hosts: ['leaf.example.com'] });
  const wasm = await inWasm(() => ck.sign(csr, ca.cert, new Uint8Array(forged)));
  assert.match(wasm.error, /the public key stored with it is not its own/);
  // Node's Web Crypto refuses to import it; the core then reads it.
  const [platform, calls] = await watched(() => ck.sign(csr, ca.cert, new Uint8Array(forged)));
  assert.equal(platform.error, wasm.error);
  assert.ok(calls.includes('importKey pkcs8 ECDSA') && !calls.includes('sign ECDSA'), `${calls}`);
  // A platform that imports it without a check (as `other`'s scalar) signs;
  // the signature fails to verify with the certificate's key, and the core
  // names the key file's fault.
  const subtle = globalThis.crypto.subtle;
  const { importKey } = subtle;
  subtle.importKey = function (format, keyData, ...rest) {
    const lenient = format === 'pkcs8' && Buffer.from(keyData).equals(forged) ? other : keyData;
    return importKey.call(this, format, lenient, ...rest);
  };
  try {
    const [lenient, lenientCalls] = await watched(() => ck.sign(csr, ca.cert, new Uint8Array(forged)));
    assert.equal(lenient.error, wasm.error);
    assert.ok(lenientCalls.includes('sign ECDSA'), `${lenientCalls}`);
  } finally {
    delete subtle.importKey;
  }
});

test('every hostile CSR, CA certificate and CA key gets the same error on both paths, word for word', async () => {
  const corpus = join(data, 'bad');
  const fx = {
    csr: readFileSync(join(data, 'csr-openssl-p256.pem'), 'utf8'),
    ca: opensslCa('hostile-ca', join(data, 'openssl-ec-sec1.pem')),
    rsaKey: readFileSync(join(data, 'openssl-rsa-pkcs1.pem'), 'utf8'),
  };
  let compared = 0;
  for (const name of readdirSync(corpus).sort()) {
    const b = new Uint8Array(readFileSync(join(corpus, name)));
    const calls = [];
    if (name.startsWith('csr-') || name.startsWith('der-') || name.startsWith('pem-')) calls.push(() => ck.sign(b, fx.ca.cert, fx.ca.key));
    if (name.startsWith('cert-') || name.startsWith('der-') || name.startsWith('pem-')) calls.push(() => ck.sign(fx.csr, b, fx.rsaKey));
    if (name.startsWith('key-') || name.startsWith('der-') || name.startsWith('pem-')) calls.push(() => ck.sign(fx.csr, fx.ca.cert, b));
    for (const call of calls) {
      const [platform] = await watched(call);
      const wasm = await inWasm(call);
      assert.deepEqual(platform, wasm, name);
      assert.ok(platform.error, `${name}: signed`);
      compared++;
    }
  }
  assert.ok(compared > 60, `only ${compared} hostile inputs compared`);
});

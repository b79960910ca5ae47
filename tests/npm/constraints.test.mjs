// Name constraints in the npm package's sign: a CA made by OpenSSL whose
// certificate, or one above it in the CA file, carries nameConstraints
// (RFC 5280 4.2.1.10) signs names inside and refuses names outside, with
// the core's message naming the name, the constraint and the CA.
//
// Needs: target/npm/certkit (scripts/build-npm.sh) and openssl.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const ck = await import(pathToFileURL(join(root, 'target/npm/certkit/src/node.js')).href);

const ossl = (dir, args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** root → int (constrained) → sub (not), all made by OpenSSL. */
function hierarchy(dir) {
  const ca = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n';
  writeFileSync(join(dir, 'int.ext'), ca + 'nameConstraints=critical,permitted;DNS:example.com,permitted;IP:10.0.0.0/255.0.0.0,excluded;DNS:bad.example.com\n');
  writeFileSync(join(dir, 'sub.ext'), ca);
  ossl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'root-key.pem',
    '-out', 'root.pem', '-subj', '/CN=NC Root', '-days', '30',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  for (const [name, parent] of [['int', 'root'], ['sub', 'int']]) {
    ossl(dir, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}-key.pem`,
      '-out', `${name}.csr`, '-subj', `/CN=${name} CA`]);
    ossl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${parent}.pem`, '-CAkey', `${parent}-key.pem`, '-days', '20',
      '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
  }
  const read = (f) => readFileSync(join(dir, f), 'utf8');
  return { read };
}

test('sign refuses a CSR whose names lie outside the name constraints of the CA or above it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'certkit-nc-'));
  try {
    const { read } = hierarchy(dir);
    const inside = (await ck.genkey({ CN: 'www.example.com', hosts: ['www.example.com', '10.1.2.3'] })).csr;
    const outside = (await ck.genkey({ CN: 'w', hosts: ['www.example.org'] })).csr;
    const excluded = (await ck.genkey({ CN: 'w', hosts: ['x.bad.example.com'] })).csr;
    const cnOutside = (await ck.genkey({ CN: 'api.example.net' })).csr;
    for (const [caCert, caKey, carrier] of [
      [read('int.pem'), read('int-key.pem'), 'CN=int CA'],
      // The sub CA carries no constraint; the file's chain above it does.
      [read('sub.pem') + read('int.pem') + read('root.pem'), read('sub-key.pem'), 'CN=int CA'],
    ]) {
      const { cert } = await ck.sign(inside, caCert, caKey);
      assert.match(cert, /^-----BEGIN CERTIFICATE-----/);
      for (const [csr, says] of [
        [outside, 'the DNS SAN `www.example.org` is outside the permitted subtrees (DNS example.com)'],
        [excluded, 'the DNS SAN `x.bad.example.com` lies in the excluded subtree DNS bad.example.com'],
        [cnOutside, 'the CN `api.example.net` is outside the permitted subtrees (DNS example.com)'],
      ]) {
        let error;
        try {
          await ck.sign(csr, caCert, caKey);
        } catch (e) {
          error = e;
        }
        assert.ok(error instanceof Error, `signed ${says}`);
        assert.ok(error.message.includes(says), error.message);
        assert.ok(error.message.includes(`of the CA certificate \`${carrier}\``), error.message);
      }
    }
    // What certkit signed below the sub CA verifies in OpenSSL.
    const { cert } = await ck.sign(inside, read('sub.pem') + read('int.pem') + read('root.pem'), read('sub-key.pem'));
    writeFileSync(join(dir, 'leaf.pem'), cert);
    writeFileSync(join(dir, 'chain.pem'), read('sub.pem') + read('int.pem'));
    const out = ossl(dir, ['verify', '-CAfile', 'root.pem', '-untrusted', 'chain.pem', 'leaf.pem']).toString();
    assert.match(out, /leaf.pem: OK/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

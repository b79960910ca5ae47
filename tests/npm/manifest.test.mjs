// kubernetesCsr: the package's manifest is the CLI's `certkit k8s request`
// YAML, byte for byte, for the same CSR and options — both written by the
// core's one writer for this shape (kube::Manifest::to_yaml), which
// replaced serde-saphyr in the wasm and must write what it wrote.
//
// Needs: target/npm/certkit (scripts/build-npm.sh) and the CLI
// (CERTKIT_BIN, default target/debug/certkit).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const ck = await import(pathToFileURL(join(root, 'target/npm/certkit/src/node.js')).href);
const certkit = process.env.CERTKIT_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug/certkit');

test('the manifest from the npm package equals the CLI\'s for the same CSR, names YAML would misread included', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'certkit-manifest-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cases = [
    [{ CN: 'web.example.com', hosts: ['web.example.com'] }, { name: 'web.example.com', signerName: 'example.com/serving' }],
    [{ CN: 'x', key: { algo: 'rsa', size: 2048 } }, { name: 'no', signerName: 'example.com/x', usages: ['digital signature', 'key encipherment', 'server auth'], expirationSeconds: 3600 }],
    // YAML 1.1 reads these as a number, a date, a boolean: quoted.
    [{ CN: 'a' }, { name: '1.5', signerName: 'example.com/1e3' }],
    [{ CN: 'a' }, { name: '2024-01-01', signerName: 'x.io/on' }],
    [{ CN: 'a' }, { name: '0x1f', signerName: 'example.com/y', usages: ['client auth'] }],
    // Longer than 80 characters: a folded block.
    [{ CN: 'a' }, { name: `${'a'.repeat(63)}.${'b'.repeat(30)}`, signerName: `${'s'.repeat(60)}.example.com/p` }],
    [{ CN: 'system:node:n1', names: [{ O: 'system:nodes' }], key: { algo: 'ecdsa', size: 384 } }, { name: 'node-csr', signerName: 'kubernetes.io/kube-apiserver-client-kubelet' }],
  ];
  for (const [request, options] of cases) {
    const { csr } = await ck.genkey(request);
    const yaml = await ck.kubernetesCsr(csr, options);
    const path = join(dir, 'req.csr');
    writeFileSync(path, csr);
    const args = ['k8s', 'request', '--name', options.name, '--signer', options.signerName, path];
    if (options.usages) args.push('--usages', options.usages.join(','));
    if (options.expirationSeconds) args.push('--expiration-seconds', String(options.expirationSeconds));
    assert.equal(yaml, execFileSync(certkit, args, { encoding: 'utf8' }), JSON.stringify(options));
    assert.match(yaml, /^apiVersion: certificates\.k8s\.io\/v1\nkind: CertificateSigningRequest\n/);
  }
});

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
    // From the request (the kube module): the same bytes, PEM or DER.
    assert.equal(await ck.kubernetesCsr(csr, { ...options, request }), yaml, `with request: ${JSON.stringify(options)}`);
    const der = Buffer.from(csr.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    assert.equal(await ck.kubernetesCsr(der, { ...options, request: JSON.stringify(request) }), yaml);
  }
});

// A fresh Node process that runs `body` (with `ck`, the package) and prints
// its result and the modules it loaded, as JSON.
function fresh(body) {
  const entry = pathToFileURL(join(root, 'target/npm/certkit/src/node.js')).href;
  const script = `const ck = await import(${JSON.stringify(entry)});
const out = await (async () => { ${body} })();
console.log(JSON.stringify({ out, memory: await ck.memoryUsage() }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

const NODE_REQUEST = { CN: 'system:node:n1', names: [{ O: 'system:nodes' }], hosts: ['n1.example', '10.0.0.1'] };
const NODE_OPTIONS = { name: 'n1', signerName: 'kubernetes.io/kubelet-serving' };
// Options each path must refuse with the same message and field.
const BAD_OPTIONS = [{ usages: ['client auth'] }, { expirationSeconds: 60 }, { name: 'N1' }, { nmae: 'x' }];

async function refusals(csr, extra) {
  const out = [];
  for (const bad of BAD_OPTIONS) {
    try {
      await ck.kubernetesCsr(csr, { ...NODE_OPTIONS, ...bad, ...extra });
      out.push(null);
    } catch (e) {
      out.push([e.message, e.field ?? null]);
    }
  }
  return out;
}

test('with the request a CSR was made from, kubernetesCsr loads the kube module and not the full one, and refuses as the full one does', async () => {
  const { out, memory } = fresh(`
    const request = ${JSON.stringify(NODE_REQUEST)};
    const { csr } = await ck.genkey(request);
    const refused = [];
    for (const bad of ${JSON.stringify(BAD_OPTIONS)}) {
      try { await ck.kubernetesCsr(csr, { ...${JSON.stringify(NODE_OPTIONS)}, ...bad, request }); refused.push(null); }
      catch (e) { refused.push([e.message, e.field ?? null]); }
    }
    return { yaml: await ck.kubernetesCsr(csr, { ...${JSON.stringify(NODE_OPTIONS)}, request }), csr, refused };`);
  assert.ok(memory.lite > 0 && memory.kube > 0, 'the lite and kube modules are loaded');
  assert.equal(memory.full, null, 'the full module is not');
  assert.equal(out.yaml, await ck.kubernetesCsr(out.csr, NODE_OPTIONS), 'the full module writes the same manifest');
  assert.match(out.yaml, /usages:\n {2}- digital signature\n {2}- server auth\n/);
  assert.deepEqual(out.refused, await refusals(out.csr, {}), 'the full module refuses with the same words');
  assert.ok(out.refused.every((r) => r !== null), JSON.stringify(out.refused));
  assert.match(out.refused[0][0], /breaks the rules of kubernetes\.io\/kubelet-serving: usages did not match/);
});

test('a CSR not made from the request given is read by the full module, and gets its own manifest', () => {
  const { out, memory } = fresh(`
    const { csr } = await ck.genkey({ CN: 'made.example', hosts: ['made.example'] });
    const options = { name: 'made', signerName: 'example.com/serving' };
    return { csr, mismatched: await ck.kubernetesCsr(csr, { ...options, request: { CN: 'other.example' } }), plain: await ck.kubernetesCsr(csr, options) };`);
  assert.ok(memory.kube > 0 && memory.full > 0, 'the kube module said no, the full one made it');
  assert.equal(out.mismatched, out.plain);
});

test('kubernetesCsr with a request: a CA request\'s CSR goes to the full module; a bad request is an error naming its field', async () => {
  const { generateKeyPairSync } = await import('node:crypto');
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  const request = { CN: 'Intermediate', names: [{ O: 'Example' }], ca: { pathlen: 0 } };
  const { csr } = await ck.csrForKey(request, key);
  const options = { name: 'intermediate', signerName: 'example.com/ca' };
  assert.equal(await ck.kubernetesCsr(csr, { ...options, request }), await ck.kubernetesCsr(csr, options));
  await assert.rejects(ck.kubernetesCsr(csr, { ...options, request: { CN: 'x', hosts: ['bad host!'] } }), (e) => e.field === 'hosts[0]' && /not a valid DNS name/.test(e.message));
  await assert.rejects(ck.kubernetesCsr(csr, { ...options, request: 42 }), /request must be/);
});

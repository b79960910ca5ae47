// The packed `certkit` npm package, installed from its tarball into a fresh
// project as a user would, run in Node, Deno, workerd and headless Chromium
// (no bundler, no network). Each runtime runs scenario.mjs; OpenSSL judges
// the CSRs, and the certkit CLI signs the CSR each runtime made — the round
// trip an edge deployment does.
//
// Needs: target/npm/certkit-*.tgz (scripts/build-npm.sh), the certkit CLI
// (CERTKIT_BIN, default target/debug/certkit), openssl, /usr/bin/chromium,
// and this directory's npm packages (tests/npm/run.sh sets all of it up).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOSTS } from './scenario.mjs';
import { installedProject } from './packed.mjs';
import { retry, run, serve, startWorkerd } from './local.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const bin = (name) => join(here, 'node_modules', '.bin', name);
const certkit = process.env.CERTKIT_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug/certkit');

let project; // the user's project, with certkit installed from the tarball
let ca; // a CA made by the certkit CLI
const results = {};

before(() => {
  project = installedProject('certkit-npm-');
  copyFileSync(join(here, 'scenario.mjs'), join(project, 'scenario.mjs'));
  ca = mkdtempSync(join(tmpdir(), 'certkit-ca-'));
  writeFileSync(join(ca, 'ca-csr.json'), JSON.stringify({ CN: 'Edge Test CA', key: { algo: 'ecdsa', size: 256 } }));
  const out = execFileSync(certkit, ['gencert', '-initca', join(ca, 'ca-csr.json')]);
  const { cert, key } = JSON.parse(out);
  writeFileSync(join(ca, 'ca.pem'), cert);
  writeFileSync(join(ca, 'ca-key.pem'), key, { mode: 0o600 });
  // Every runtime's entry passes the CA to the scenario, which signs and makes a .p12 with it.
  writeFileSync(join(project, 'ca.mjs'), `export const CA = ${JSON.stringify({ cert, key })};\n`);
  // Chains for verify (tests/verify/chains.sh), handed to every runtime.
  const chains = join(ca, 'chains');
  execFileSync('bash', [join(root, 'tests/verify/chains.sh'), chains], { stdio: ['ignore', 'ignore', 'inherit'] });
  const read = (f) => readFileSync(join(chains, f), 'utf8');
  const at = new Date(Number(read('cases.tsv').split('\t')[7]) * 1000).toISOString();
  const base = { roots: read('root.pem'), intermediates: read('int.pem'), at };
  const cases = {
    good: { cert: read('leaf.pem'), options: { ...base, host: 'good.example.com' } },
    revoked: { cert: read('revleaf.pem'), options: { ...base, crls: [read('root.crl'), read('int.crl')] } },
    wrongHost: { cert: read('leaf.pem'), options: { ...base, host: '10.9.9.9' } },
  };
  writeFileSync(join(project, 'verify-data.mjs'), `export const VERIFY = ${JSON.stringify(cases)};\n`);
});

after(() => {
  for (const dir of [project, ca]) if (dir) rmSync(dir, { recursive: true, force: true });
});

// --- the runtimes -----------------------------------------------------------

async function inNode() {
  const main = "import * as ck from 'certkit'; import { scenario } from './scenario.mjs'; import { CA } from './ca.mjs'; import { VERIFY } from './verify-data.mjs'; console.log(JSON.stringify(await scenario(ck, CA, VERIFY)));";
  return JSON.parse(await run(process.execPath, ['--input-type=module', '-e', main], project));
}

async function inDeno() {
  writeFileSync(join(project, 'deno-main.mjs'), "import * as ck from 'certkit';\nimport { scenario } from './scenario.mjs';\nimport { CA } from './ca.mjs';\nimport { VERIFY } from './verify-data.mjs';\nconsole.log(JSON.stringify(await scenario(ck, CA, VERIFY)));\n");
  // Deno resolves 'certkit' from node_modules (package.json present); it may
  // read the project and nothing else, and has no network.
  const env = { ...process.env, DENO_DIR: join(project, '.deno'), NO_COLOR: '1' };
  return JSON.parse(await run(bin('deno'), ['run', '--quiet', '--no-remote', `--allow-read=${project}`, 'deno-main.mjs'], project, env));
}

async function inWorkerd() {
  writeFileSync(
    join(project, 'worker.mjs'),
    "import * as ck from 'certkit';\nimport { scenario } from './scenario.mjs';\nimport { CA } from './ca.mjs';\nimport { VERIFY } from './verify-data.mjs';\nexport default { async fetch() { return Response.json(await scenario(ck, CA, VERIFY)); } };\n",
  );
  const workerd = await startWorkerd(project, ['worker.mjs', 'scenario.mjs', 'ca.mjs', 'verify-data.mjs']);
  try {
    const res = await retry(() => fetch(`http://127.0.0.1:${workerd.port}/`), 60_000, () => workerd.exited() !== null && `workerd exited with ${workerd.exited()}`);
    assert.equal(res.status, 200, await res.clone().text());
    return await res.json();
  } finally {
    workerd.stop();
  }
}

async function inChromium() {
  const { chromium } = await import('playwright-core');
  // The page imports the package as a plain ES module through an import map.
  writeFileSync(
    join(project, 'index.html'),
    `<!doctype html><meta charset="utf-8"><title>certkit</title>
<script type="importmap">{ "imports": { "certkit": "/node_modules/certkit/src/web.js" } }</script>
<script type="module">
import * as ck from 'certkit';
import { scenario } from '/scenario.mjs';
import { CA } from '/ca.mjs';
import { VERIFY } from '/verify-data.mjs';
window.result = scenario(ck, CA, VERIFY).then((r) => JSON.stringify(r));
</script>`,
  );
  const server = await serve(project);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    const offsite = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith(server.origin)) offsite.push(r.url());
    });
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => window.result !== undefined);
    const json = await page.evaluate(() => window.result);
    assert.deepEqual(errors, [], 'uncaught exceptions in the page');
    assert.deepEqual(offsite, [], 'requests that left the origin');
    return JSON.parse(json);
  } finally {
    await browser.close();
    server.close();
  }
}

// --- what every runtime must show -------------------------------------------

for (const [runtime, fn] of Object.entries({ node: inNode, deno: inDeno, workerd: inWorkerd, chromium: inChromium })) {
  test(`${runtime}: P-256 and RSA-2048 CSRs verify with OpenSSL, errors are Errors, and the CLI signs the CSR`, async (t) => {
    const r = (results[runtime] = await fn());
    assert.match(r.version, /^\d+\.\d+\.\d+/);
    // Exactly the documented API (index.d.ts), nothing internal.
    const documented = [...readFileSync(join(root, 'crates/certkit-wasm/npm/index.d.ts'), 'utf8').matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
    assert.deepEqual(r.exports, documented.sort());
    for (const name of ['p256', 'rsa2048']) {
      const csrFile = join(ca, `${runtime}-${name}.csr`);
      writeFileSync(csrFile, r.csrs[name]);
      const text = execFileSync('openssl', ['req', '-verify', '-noout', '-text', '-in', csrFile], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
      assert.match(text, /Subject: .*CN\s*=\s*edge\.example\.com/);
      for (const h of ['DNS:edge.example.com', 'DNS:www.edge.example.com', 'IP Address:10.1.2.3', 'IP Address:2001:DB8:0:0:0:0:0:1']) {
        assert.ok(text.includes(h), `${name} CSR lacks ${h}:\n${text}`);
      }
      assert.match(text, name === 'p256' ? /ASN1 OID: prime256v1/ : /Public-Key: \(2048 bit\)/);
      // The private key is the CSR's, by OpenSSL's reckoning too.
      const keyFile = join(ca, `${runtime}-${name}-key.pem`);
      writeFileSync(keyFile, r.keys[name], { mode: 0o600 });
      const fromKey = execFileSync('openssl', ['pkey', '-in', keyFile, '-pubout']).toString();
      const fromCsr = execFileSync('openssl', ['req', '-in', csrFile, '-pubkey', '-noout']).toString();
      assert.equal(fromKey, fromCsr);
      assert.equal(r.matches[name], true);
      // The round trip: the certkit CLI signs it, OpenSSL verifies the chain.
      const certFile = join(ca, `${runtime}-${name}.pem`);
      const signed = JSON.parse(execFileSync(certkit, ['sign', '-ca', join(ca, 'ca.pem'), '-ca-key', join(ca, 'ca-key.pem'), csrFile]));
      writeFileSync(certFile, signed.cert);
      const verify = execFileSync('openssl', ['verify', '-CAfile', join(ca, 'ca.pem'), certFile]).toString();
      assert.match(verify, /: OK/);
      const certText = execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-ext', 'subjectAltName']).toString();
      assert.ok(certText.includes('DNS:edge.example.com') && certText.includes('IP Address:10.1.2.3'), certText);
    }
    // The .p12: OpenSSL opens it with AES-256-CBC and a SHA-256 MAC, and
    // what it holds is what went in.
    const p12 = join(ca, `${runtime}.p12`);
    writeFileSync(p12, Buffer.from(r.p12, 'base64'));
    const pass = ['-passin', 'pass:correct horse'];
    const info = spawnSync('openssl', ['pkcs12', '-in', p12, ...pass, '-info', '-noout'], { encoding: 'utf8' });
    assert.equal(info.status, 0, info.stderr);
    assert.match(info.stderr, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
    assert.match(info.stderr, /MAC: sha256, Iteration 2048/);
    const certs = execFileSync('openssl', ['pkcs12', '-in', p12, ...pass, '-nokeys']).toString();
    const body = (pem) => pem.match(/-----BEGIN CERTIFICATE-----[^-]+/g);
    assert.deepEqual(body(certs), [...body(r.cert), ...body(readFileSync(join(ca, 'ca.pem'), 'utf8'))]);
    const key = execFileSync('openssl', ['pkcs12', '-in', p12, ...pass, '-nocerts', '-noenc']).toString();
    assert.equal(execFileSync('openssl', ['pkey', '-pubout'], { input: key }).toString(), execFileSync('openssl', ['pkey', '-in', join(ca, `${runtime}-p256-key.pem`), '-pubout']).toString());
    // csrForKey with non-extractable Web Crypto pairs: OpenSSL verifies each
    // CSR, its key is the pair's, and exportKey never saw a private key.
    assert.ok(r.existing.p256 && r.existing.rsa2048, `csrForKey made no P-256 or RSA CSR in ${runtime}`);
    for (const [name, { csr, spki, extractable }] of Object.entries(r.existing)) {
      assert.equal(extractable, false, `${runtime} ${name}`);
      const csrFile = join(ca, `${runtime}-existing-${name}.csr`);
      writeFileSync(csrFile, csr);
      execFileSync('openssl', ['req', '-verify', '-noout', '-in', csrFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      const fromCsr = execFileSync('openssl', ['req', '-in', csrFile, '-pubkey', '-noout']).toString();
      assert.equal(fromCsr, `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g).join('\n')}\n-----END PUBLIC KEY-----\n`, `${runtime} ${name}`);
    }
    assert.ok(r.exportKeyCalls.length >= Object.keys(r.existing).length, `${runtime}: the exportKey wrapper saw no call`);
    assert.deepEqual(r.exportKeyCalls.filter((c) => c.type !== 'public'), [], `${runtime}: exportKey was called on a private key`);
    t.diagnostic(`csrForKey with non-extractable pairs: ${Object.keys(r.existing).join(', ')}`);
    assert.deepEqual(r.certinfoSans, HOSTS);
    // verify: OpenSSL accepts the good chain and refuses the other two (tests/flows/verify.rs).
    assert.deepEqual(r.verify.good, { ok: true, chain: ['CN=leaf', 'CN=int', 'CN=root'], errors: [] });
    assert.equal(r.verify.revoked.ok, false);
    assert.match(r.verify.revoked.errors.join('\n'), /^leaf `CN=revleaf`: revoked at .* by the CRL of `CN=int`$/m);
    assert.equal(r.verify.wrongHost.ok, false);
    assert.match(r.verify.wrongHost.errors.join('\n'), /not valid for host `10\.9\.9\.9`/);
    checkManifest(r.manifest, r.csrs.p256, `${runtime}-csr.yaml`);
    assert.equal(r.manifestFromRequest, r.manifest, `${runtime}: the manifest from the request`);
    // Errors: real Errors, with the core's message — the CLI's words.
    for (const [name, e] of Object.entries(r.errors)) {
      assert.equal(e.thrown, true, `${name} did not throw`);
      assert.equal(e.isError, true, `${name} threw a non-Error`);
      assert.ok(e.message.length > 10, `${name}: ${e.message}`);
    }
    assert.equal(r.errors.badHost.field, 'hosts[1]');
    assert.equal(r.errors.badHost.message, cliError({ CN: 'x', hosts: ['ok.example.com', 'bad host!'] }));
    assert.equal(r.errors.badKeySize.field, 'key.size');
    assert.equal(r.errors.badKeySize.message, cliError({ CN: 'x', key: { algo: 'rsa', size: 1000 } }));
    assert.match(r.errors.garbagePem.message, /is not valid DER .*the file is corrupt, truncated or of another kind/);
    assert.match(r.errors.notAnObject.message, /^request must be/);
  });
}

test('every runtime makes the same kind of CSR', () => {
  const runtimes = Object.keys(results);
  assert.equal(runtimes.length, 4, `only ${runtimes.join(', ')} ran`);
  const shape = (r) => JSON.stringify({ sans: r.certinfoSans, verify: r.verify, errors: Object.fromEntries(Object.entries(r.errors).map(([k, e]) => [k, e.message])) });
  for (const r of runtimes) assert.equal(shape(results[r]), shape(results.node), `${r} differs from node`);
});

// --- helpers ----------------------------------------------------------------

// The manifest kubernetesCsr wrote: the CLI's YAML, its spec.request the
// CSR, and (where scripts/test.sh installed it) valid by the official
// Kubernetes OpenAPI schema.
function checkManifest(yaml, csr, name) {
  assert.match(yaml, /^apiVersion: certificates\.k8s\.io\/v1\nkind: CertificateSigningRequest\n/);
  assert.match(yaml, /signerName: example\.com\/edge\n/);
  const request = yaml.match(/request: >-\n\s+(\S+)\n/)?.[1] ?? yaml.match(/request: (\S+)\n/)?.[1];
  assert.equal(Buffer.from(request, 'base64').toString(), csr);
  const validator = process.env.CERTKIT_KUBERNETES_VALIDATE;
  if (!validator) {
    assert.ok(!process.env.CI, 'CI must set CERTKIT_KUBERNETES_VALIDATE (scripts/test.sh does)');
    return;
  }
  const file = join(ca, name);
  writeFileSync(file, yaml);
  const out = execFileSync(validator, ['--strict', file]).toString();
  assert.match(out, /passed/);
}

// What the certkit CLI says for a request (without its "certkit: " prefix).
function cliError(request) {
  const file = join(ca, 'bad.json');
  writeFileSync(file, JSON.stringify(request));
  try {
    execFileSync(certkit, ['genkey', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return e.stderr.toString().trim().replace(/^certkit: /, '');
  }
  throw new Error(`certkit genkey accepted ${JSON.stringify(request)}`);
}


// End-to-end tests of the web page (web/, assembled into target/web by
// scripts/build-web.sh) in Debian's headless Chromium. OpenSSL checks what
// the page makes; certkit's own Node entry (from the same build) gives the
// error messages the page must show. Run with tests/web/run.sh.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { createServer } from 'node:http';
import { ensureArtifacts, launchBrowser, openPage, site, startPlainServer, startServer } from './harness.mjs';

const TIMEOUT = { timeout: 180_000 };

let server;
let browser;
let certkit; // the package's Node entry, for the core's expected messages
let scratch;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'certkit-web-'));
  certkit = await import(pathToFileURL(`${site}/certkit/src/node.js`).href);
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

// ------------------------------------------------------------------ helpers

// Every file the site ships, as the URL paths a browser may ask for.
function sitePaths(dir = site) {
  const paths = new Set(['/']);
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else paths.add(`/${relative(site, p)}`);
    }
  };
  walk(dir);
  return paths;
}

/**
 * Opens the page, gives it its first use (focus on Common name, which loads
 * certkit) and waits until it can generate; `done()` asserts it stayed clean.
 */
async function open(path = '', contextOptions = {}) {
  const opened = await openPage(browser, server.url, path, contextOptions);
  await opened.page.getByLabel('Common name').focus();
  await opened.page.waitForSelector('html[data-generator="ready"][data-warm="ready"]', { timeout: 30_000 });
  opened.done = async () => {
    assertClean(opened.log);
    await opened.context.close();
  };
  return opened;
}

// No uncaught exception, no console error, and no request but GETs of the
// site's own files (downloads are same-origin blob: URLs).
function assertClean(log) {
  assert.deepEqual(log.pageErrors, [], 'uncaught exceptions on the page');
  assert.deepEqual(log.consoleErrors, [], 'console errors on the page');
  const origin = new URL(server.url).origin;
  const assets = sitePaths();
  for (const { url, method } of log.requests) {
    const u = new URL(url);
    if (u.protocol === 'blob:') {
      assert.equal(new URL(u.pathname).origin, origin, `a blob from another origin: ${url}`);
      continue;
    }
    assert.equal(u.origin, origin, `a request to another origin: ${url}`);
    assert.equal(method, 'GET', `not a plain asset load: ${method} ${url}`);
    assert.ok(assets.has(u.pathname), `a request for something the site does not ship: ${url}`);
  }
}

async function fillRequest(page, fields) {
  for (const [label, value] of Object.entries(fields)) {
    await page.getByLabel(label, { exact: true }).fill(value);
  }
}

async function generatedCount(page) {
  return Number((await page.locator('#results').getAttribute('data-count')) ?? 0);
}

async function waitForGenerated(page, count, timeout = 60_000) {
  await page.waitForSelector(`#results[data-count="${count}"]:not([hidden])`, { timeout });
}

// Clicks Generate and resolves to the CSR shown.
async function generate(page) {
  const next = (await generatedCount(page)) + 1;
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await waitForGenerated(page, next);
  return page.getByLabel('CSR (PEM)').inputValue();
}

// Clicks a download button; resolves to the file's name, path and text.
async function download(page, buttonName) {
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: buttonName, exact: true }).click(),
  ]);
  const path = join(scratch, `${Date.now()}-${dl.suggestedFilename()}`);
  await dl.saveAs(path);
  return { name: dl.suggestedFilename(), path, text: readFileSync(path, 'utf8') };
}

function file(name, text) {
  const path = join(scratch, `${Date.now()}-${Math.random().toString(36).slice(2)}-${name}`);
  writeFileSync(path, text);
  return path;
}

function openssl(...args) {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// `openssl req -verify -noout -text`: fails the test unless the
// self-signature verifies; returns the text.
function verifiedCsrText(csrPem) {
  const path = file('req.csr', csrPem);
  const run = spawnSync('openssl', ['req', '-verify', '-noout', '-text', '-in', path], { encoding: 'utf8' });
  assert.equal(run.status, 0, `openssl req -verify failed: ${run.stderr}`);
  assert.match(run.stderr + run.stdout, /verify OK/, 'OpenSSL did not verify the self-signature');
  return run.stdout;
}

function csrPublicKey(csrPem) {
  return openssl('req', '-pubkey', '-noout', '-in', file('req.csr', csrPem));
}

function keyPublicKey(keyPath) {
  return openssl('pkey', '-pubout', '-in', keyPath);
}

function subjectLine(text) {
  return /Subject: (.*)/.exec(text)?.[1] ?? '';
}

function sanLine(text) {
  return /X509v3 Subject Alternative Name:.*\n\s*(.*)/.exec(text)?.[1] ?? '';
}

// The message the core gives for a request (via certkit's Node entry).
async function coreError(fn, ...args) {
  try {
    await certkit[fn](...args);
  } catch (error) {
    return error.message;
  }
  throw new Error(`certkit.${fn} accepted ${JSON.stringify(args)}`);
}

// The text of the error a control's aria-describedby points at.
async function describedError(page, label) {
  const control = page.getByLabel(label, { exact: true });
  assert.equal(await control.getAttribute('aria-invalid'), 'true', `${label} is not marked invalid`);
  const ids = (await control.getAttribute('aria-describedby')).split(/\s+/);
  const errorId = ids.find((id) => id.endsWith('-error'));
  assert.ok(errorId, `${label}'s aria-describedby names no error`);
  const slot = page.locator(`#${errorId}`);
  assert.ok(await slot.isVisible(), `${label}'s error is not shown`);
  return slot.textContent();
}

const WEB_REQUEST = {
  'Common name': 'web.example.com',
  Hosts: 'web.example.com\n10.0.0.1, admin@example.com\nhttps://web.example.com/app',
  Country: 'US',
  State: 'California',
  Locality: 'San Francisco',
  Organization: 'Example Inc',
  'Organizational unit': 'Web',
};

const WEB_SUBJECT = [
  'C = US',
  'ST = California',
  'L = San Francisco',
  'O = Example Inc',
  'OU = Web',
  'CN = web.example.com',
];
const WEB_SANS = 'DNS:web.example.com, IP Address:10.0.0.1, email:admin@example.com, URI:https://web.example.com/app';

// ------------------------------------------------------------------- tests

test('the page ships a strict CSP, no inline code, and shows the version', TIMEOUT, async () => {
  const html = readFileSync(`${site}/index.html`, 'utf8');
  assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/, 'an inline script');
  assert.doesNotMatch(html, /<style|\sstyle=/, 'an inline style');
  assert.doesNotMatch(html, /\son[a-z]+=/, 'an inline event handler');

  // Before any use: the version shows, and nothing of certkit has loaded.
  const { page, context, log } = await openPage(browser, server.url);
  await page.waitForTimeout(300);
  const version = await certkit.version();
  assert.equal(await page.locator('#version').textContent(), version);
  const early = log.requests.map((r) => new URL(r.url).pathname);
  assert.deepEqual(
    early.filter((p) => /worker|certkit|wasm/.test(p)),
    [],
    'certkit loaded before first use',
  );

  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  for (const directive of [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "connect-src 'self'",
    'worker-src blob:;',
  ]) {
    assert.ok(csp.includes(directive), `CSP lacks ${directive}: ${csp}`);
  }
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|\*/);
  assert.match(await page.locator('body').innerText(), /key never leaves the browser/i);
  // The server sends web/_headers' set too (the workers need none: they
  // start from blob: URLs under the page's policy; see the plain-server test).
  const workerCsp = (await fetch(new URL('worker.js', server.url))).headers.get('content-security-policy') ?? '';
  for (const directive of ["default-src 'self'", "connect-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"]) {
    assert.ok(workerCsp.includes(directive), `worker CSP lacks ${directive}: ${workerCsp}`);
  }

  // First use loads certkit (the workers' requests are recorded too), and
  // the footer then shows what certkit itself reports.
  await page.getByLabel('Common name').focus();
  await page.waitForSelector('html[data-generator="ready"][data-warm="ready"]');
  assert.ok(
    log.requests.some((r) => r.url.endsWith('.wasm')),
    "no wasm request seen: the workers' requests are not recorded",
  );
  assert.equal(await page.locator('#version').textContent(), version);
  assertClean(log);
  await context.close();
});

test('on a plain file server (no headers), code in either worker cannot reach another origin', TIMEOUT, async (t) => {
  // Issue #22: a <meta> CSP does not govern workers made from a script's
  // URL; theirs would come from the host's headers, and this host sends
  // none. Another origin here is a second local server that answers
  // anything, with CORS, and counts what reaches it.
  let reached = 0;
  const other = createServer((req, res) => {
    reached++;
    res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/javascript' });
    res.end('export const x = 1;');
  });
  await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
  const otherUrl = `http://127.0.0.1:${other.address().port}/`;
  const plain = await startPlainServer();
  t.after(async () => {
    other.close();
    await plain.stop();
  });
  const headers = (await fetch(new URL('worker.js', plain.url))).headers;
  assert.equal(headers.get('content-security-policy'), null, 'the plain server sends a CSP');

  const { page, context, log } = await openPage(browser, plain.url);
  await page.getByLabel('Common name').focus();
  await page.waitForSelector('html[data-generator="ready"][data-warm="ready"]', { timeout: 30_000 });
  const workers = page.workers();
  assert.equal(workers.length, 2, `the page runs ${workers.length} workers, expected the tools worker and the generator`);
  for (const worker of workers) {
    const tries = await worker.evaluate(async (url) => {
      const attempt = async (what, fn) => {
        try {
          await fn();
          return `${what}: reached`;
        } catch (e) {
          return `${what}: blocked`;
        }
      };
      return [
        await attempt('fetch', () => fetch(url)),
        await attempt('fetch no-cors', () => fetch(url, { mode: 'no-cors' })),
        await attempt('import', () => import(`${url}module.js`)),
      ];
    }, otherUrl);
    assert.deepEqual(tries, ['fetch: blocked', 'fetch no-cors: blocked', 'import: blocked'], worker.url());
  }
  assert.equal(reached, 0, 'a request reached the other origin');
  // The page still makes a CSR under its own policy alone.
  await page.getByLabel('Common name').fill('plain.example.com');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await page.waitForSelector('#results[data-count="1"]:not([hidden])', { timeout: 60_000 });
  verifiedCsrText(await page.getByLabel('CSR (PEM)').inputValue());
  assert.deepEqual(log.pageErrors, []);
  await context.close();
});

test('P-256: OpenSSL verifies the CSR, the downloads and the manifest', TIMEOUT, async (t) => {
  const { page, context, done } = await open();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
  await fillRequest(page, WEB_REQUEST);
  const sans = page.getByRole('list', { name: 'Subject alternative names' });
  assert.deepEqual(await sans.getByRole('listitem').allInnerTexts(), [
    'DNS web.example.com',
    'IP 10.0.0.1',
    'Email admin@example.com',
    'URI https://web.example.com/app',
  ]);

  const csr = await generate(page);
  const text = verifiedCsrText(csr);
  for (const part of WEB_SUBJECT)
    assert.ok(subjectLine(text).includes(part), `subject lacks ${part}: ${subjectLine(text)}`);
  assert.equal(sanLine(text), WEB_SANS);
  assert.match(text, /ASN1 OID: prime256v1/);
  assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);

  // The summary (the request, with each SAN's kind) names the subject, SANs and key.
  await page.waitForFunction(() => document.getElementById('csr-info').textContent.includes('ECDSA P-256'));
  const summary = await page.locator('#csr-info').innerText();
  for (const part of [
    'CN=web.example.com',
    'O=Example Inc',
    'C=US',
    'IP 10.0.0.1',
    'URI https://web.example.com/app',
  ]) {
    assert.ok(summary.includes(part), `summary lacks ${part}: ${summary}`);
  }

  // Downloads: the CSR as shown; the key matches the CSR's public key.
  const csrFile = await download(page, 'Download server.csr');
  assert.equal(csrFile.name, 'server.csr');
  assert.equal(csrFile.text, csr);
  const keyFile = await download(page, 'Download server-key.pem');
  assert.equal(keyFile.name, 'server-key.pem');
  assert.match(keyFile.text, /^-----BEGIN PRIVATE KEY-----/);
  assert.equal(keyPublicKey(keyFile.path), csrPublicKey(csr));

  // With a passphrase: encrypted PKCS#8 that `openssl pkcs8` opens
  // (PBKDF2-HMAC-SHA256 by Web Crypto, the file by the lite module).
  await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
  const encrypted = await download(page, 'Download encrypted server-key.pem');
  assert.match(encrypted.text, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  assert.match(openssl('asn1parse', '-in', encrypted.path), /:PBKDF2\n[^]*:hmacWithSHA256\n[^]*:aes-256-cbc\n/);
  const decrypted = openssl('pkcs8', '-in', encrypted.path, '-passin', 'pass:correct horse battery');
  assert.equal(keyPublicKey(file('dec.pem', decrypted)), csrPublicKey(csr));
  assert.throws(() => openssl('pkcs8', '-in', encrypted.path, '-passin', 'pass:wrong'));

  // Copy puts the CSR on the clipboard.
  await page.getByRole('button', { name: 'Copy CSR' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), csr);

  // The Kubernetes manifest: YAML whose spec.request is the CSR.
  await page.getByText('Kubernetes manifest', { exact: true }).click();
  await page.waitForFunction(() => document.getElementById('k8s-yaml').value !== '');
  const yamlText = await page.getByLabel('Manifest (YAML)').inputValue();
  const manifest = parseYaml(yamlText);
  assert.equal(manifest.kind, 'CertificateSigningRequest');
  assert.equal(manifest.metadata.name, 'web.example.com');
  assert.equal(manifest.spec.signerName, 'example.com/serving');
  assert.equal(Buffer.from(manifest.spec.request, 'base64').toString('utf8'), csr);
  const yamlFile = await download(page, 'Download csr.yaml');
  assert.equal(yamlFile.name, 'csr.yaml');
  assert.equal(yamlFile.text, yamlText);

  // A bad signer name: the core's message next to the field, no YAML.
  await page.getByLabel('Signer name').fill('nope');
  await page.waitForSelector('#k8s-signer[aria-invalid="true"]');
  const signerError = await coreError('kubernetesCsr', csr, { name: 'web.example.com', signerName: 'nope' });
  assert.equal(await describedError(page, 'Signer name'), signerError);
  assert.equal(await page.getByLabel('Manifest (YAML)').inputValue(), '');

  // Fixed, with usages and an expiry: the YAML follows live.
  await page.getByLabel('Signer name').fill('kubernetes.io/kube-apiserver-client');
  await page.getByLabel('Usages').fill('digital signature, client auth');
  await page.getByLabel('Expiration seconds').fill('3600');
  await page.waitForFunction(() => document.getElementById('k8s-yaml').value.includes('expirationSeconds: 3600'));
  const live = parseYaml(await page.getByLabel('Manifest (YAML)').inputValue());
  assert.equal(live.spec.signerName, 'kubernetes.io/kube-apiserver-client');
  assert.deepEqual(live.spec.usages, ['digital signature', 'client auth']);
  // Both manifests are valid by the official Kubernetes OpenAPI schema,
  // where scripts/test.sh installed the validator (kubernetes-validate).
  const validator = process.env.CERTKIT_KUBERNETES_VALIDATE;
  if (validator) {
    for (const [name, text] of [['csr.yaml', yamlText], ['live.yaml', await page.getByLabel('Manifest (YAML)').inputValue()]]) {
      const file = join(scratch, name);
      writeFileSync(file, text);
      assert.match(execFileSync(validator, ['--strict', file]).toString(), /passed/);
    }
  } else {
    assert.ok(!process.env.CI, 'CI must set CERTKIT_KUBERNETES_VALIDATE (scripts/test.sh does)');
  }
  assert.equal(await page.getByLabel('Signer name').getAttribute('aria-invalid'), null);

  // Screenshots after generation: desktop, and phone width (light and dark).
  const dir = ensureArtifacts();
  await page.screenshot({ path: `${dir}/desktop.png`, fullPage: true });
  t.diagnostic(`screenshots in ${dir}`);
  await done();
});

test('Inspect: the certificate sent back, the key the page made and the CA download as a .p12 OpenSSL opens', TIMEOUT, async () => {
  const { page, done } = await open();
  await fillRequest(page, { 'Common name': 'p12.example.com', Hosts: 'p12.example.com' });
  const csr = await generate(page);
  // The CA signs the CSR elsewhere (OpenSSL here) and sends the certificate back.
  const caKey = file('ca.key', '');
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', caKey);
  const caCert = file('ca.crt', '');
  openssl('req', '-x509', '-new', '-key', caKey, '-subj', '/CN=Page CA', '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign', '-out', caCert);
  const certPath = file('p12.crt', '');
  openssl('x509', '-req', '-in', file('p12.csr', csr), '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-days', '2', '-out', certPath);
  await page.getByRole('button', { name: 'Inspect the CSR and key' }).click();
  await page.getByLabel('Certificate or CSR').fill(readFileSync(certPath, 'utf8'));
  await page.waitForFunction(() => /matches/.test(document.getElementById('match').textContent) && !/not/.test(document.getElementById('match').textContent));
  await page.getByLabel('CA certificates').fill(readFileSync(caCert, 'utf8'));

  // No passphrase: refused next to the field, nothing downloaded.
  await page.getByRole('button', { name: 'Download .p12', exact: true }).click();
  await page.waitForSelector('#p12-passphrase[aria-invalid="true"]');
  assert.match(await describedError(page, 'Password for the .p12'), /passphrase is empty/);

  await page.getByLabel('Password for the .p12').fill('correct horse');
  const p12 = await download(page, 'Download .p12');
  assert.equal(p12.name, 'certificate.p12');
  // OpenSSL prints -info on stderr.
  const info = spawnSync('openssl', ['pkcs12', '-in', p12.path, '-passin', 'pass:correct horse', '-info', '-noout'], { encoding: 'utf8' });
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stderr, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/);
  const out = (what) => openssl('pkcs12', '-in', p12.path, '-passin', 'pass:correct horse', ...what);
  const fingerprint = (pem) => openssl('x509', '-in', file('f.pem', pem), '-noout', '-fingerprint', '-sha256');
  assert.equal(fingerprint(out(['-clcerts', '-nokeys'])), fingerprint(readFileSync(certPath, 'utf8')));
  assert.equal(fingerprint(out(['-cacerts', '-nokeys'])), fingerprint(readFileSync(caCert, 'utf8')));
  const key = await page.getByLabel('Private key to check').inputValue();
  assert.equal(openssl('pkey', '-in', file('k.pem', out(['-nocerts', '-noenc'])), '-pubout'), openssl('pkey', '-in', file('k2.pem', key), '-pubout'));

  // A chain that did not issue the certificate: the core's message.
  await page.getByLabel('CA certificates').fill(readFileSync(certPath, 'utf8'));
  await page.getByRole('button', { name: 'Download .p12', exact: true }).click();
  await page.waitForFunction(() => /did not issue/.test(document.getElementById('p12-passphrase-error').textContent));
  await done();
});

// Which wasm modules the page has fetched (both workers' requests).
function wasmFetched(log) {
  return [...new Set(log.requests.map((r) => new URL(r.url).pathname).filter((p) => p.endsWith('.wasm')))].sort();
}

const LITE = '/certkit/wasm/certkit_lite_bg.wasm';
const KUBE = '/certkit/wasm/certkit_kube_bg.wasm';
const FULL = '/certkit/wasm/certkit_full_bg.wasm';

test('which wasm module each action loads: generate (P-256, RSA with Web Crypto), the encrypted key, cfssl JSON stay on lite; Inspect fetches full', TIMEOUT, async () => {
  const { page, log, done } = await open();
  const only = (modules, action) => assert.deepEqual(wasmFetched(log), modules, `after ${action}`);
  only([LITE], 'first use');

  await fillRequest(page, { 'Common name': 'modules.example.com', Hosts: 'modules.example.com\n10.0.0.2' });
  await generate(page);
  await page.waitForFunction(() => document.getElementById('csr-info').textContent.includes('ECDSA P-256'));
  only([LITE], 'generate P-256 (and its summary)');

  await page.getByLabel('Key type').selectOption({ label: 'RSA 2048' });
  await generate(page);
  only([LITE], 'generate RSA-2048 with Web Crypto');

  await page.getByLabel('Passphrase', { exact: true }).fill('correct horse');
  const encrypted = await download(page, 'Download encrypted server-key.pem');
  assert.match(encrypted.text, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  openssl('pkcs8', '-in', encrypted.path, '-passin', 'pass:correct horse');
  only([LITE], 'the encrypted key download');

  await page.getByText('cfssl CSR JSON: import or export').click();
  const exported = await download(page, 'Download csr.json');
  await page.getByLabel('Import cfssl CSR JSON').fill(exported.text.replace('modules.example.com', 'imported.example.com'));
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.waitForFunction(() => document.getElementById('cn').value === 'imported.example.com');
  await page.waitForSelector('#generate[aria-disabled="false"]');
  only([LITE], 'cfssl JSON export and import');

  await page.getByRole('button', { name: 'Inspect the CSR and key' }).click();
  await page.waitForFunction(() => document.getElementById('inspect-info').textContent.includes('RSA'));
  only([FULL, LITE], 'Inspect');
  await done();
});

// The manifest comes from the small `kube` module: the core checks that the CSR is the one it made from the
// page's request and writes the manifest from the request, so the card
// needs neither the X.509 decoders nor the full module.
test('which wasm module each action loads: the Kubernetes manifest fetches the kube module, not full, when its card is opened', TIMEOUT, async () => {
  const { page, log, done } = await open();
  await fillRequest(page, { 'Common name': 'manifest.example.com' });
  await generate(page);
  assert.deepEqual(wasmFetched(log), [LITE], 'before the Kubernetes manifest card is opened');
  await page.getByText('Kubernetes manifest', { exact: true }).click();
  await page.waitForFunction(() => document.getElementById('k8s-yaml').value !== '');
  const yaml = await page.locator('#k8s-yaml').inputValue();
  const csr = await page.getByLabel('CSR (PEM)').inputValue();
  const request = /^ {2}request: >-\n {4}(\S+)$/m.exec(yaml)?.[1];
  assert.equal(Buffer.from(request ?? '', 'base64').toString(), csr, 'the manifest carries the CSR shown');
  await done();
  assert.deepEqual(wasmFetched(log), [KUBE, LITE], 'after the Kubernetes manifest');
});

test('RSA-2048: OpenSSL verifies the CSR and the key matches it', TIMEOUT, async () => {
  const { page, done } = await open();
  await fillRequest(page, { ...WEB_REQUEST, Hosts: 'rsa.example.com' });
  await page.getByLabel('Key type').selectOption({ label: 'RSA 2048' });
  const csr = await generate(page);
  const text = verifiedCsrText(csr);
  for (const part of WEB_SUBJECT) assert.ok(subjectLine(text).includes(part), `subject lacks ${part}`);
  assert.equal(sanLine(text), 'DNS:rsa.example.com');
  assert.match(text, /Public-Key: \(2048 bit\)/);
  assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
  const keyFile = await download(page, 'Download server-key.pem');
  assert.equal(keyPublicKey(keyFile.path), csrPublicKey(csr));
  await done();
});

test('a key I already have: P-256 and encrypted RSA key files get CSRs OpenSSL verifies for them, read on the page', TIMEOUT, async () => {
  const { page, log, done } = await open();
  const p256 = file('p256-key.pem', '');
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p256);
  const rsa = file('rsa-key.pem', '');
  openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-aes-256-cbc', '-pass', 'pass:correct horse', '-out', rsa);
  assert.match(readFileSync(rsa, 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/);
  await fillRequest(page, { ...WEB_REQUEST, Hosts: 'existing.example.com' });
  await page.getByText('Use a key I already have').click();

  // A plain key: the CSR is for it, with the form's name; no key is shown.
  await page.getByLabel('Private key file').setInputFiles(p256);
  assert.equal(await page.getByLabel('Key passphrase').isVisible(), false, 'a plain key asks for no passphrase');
  let next = (await generatedCount(page)) + 1;
  await page.getByRole('button', { name: 'Make the CSR for this key' }).click();
  await waitForGenerated(page, next);
  let csr = await page.getByLabel('CSR (PEM)').inputValue();
  let text = verifiedCsrText(csr);
  for (const part of WEB_SUBJECT) assert.ok(subjectLine(text).includes(part), `subject lacks ${part}`);
  assert.equal(sanLine(text), 'DNS:existing.example.com');
  assert.equal(csrPublicKey(csr), keyPublicKey(p256));
  assert.equal(await page.locator('#key-card').isVisible(), false, 'the key card is shown for a key the page did not make');
  assert.equal(await page.locator('#results-title').textContent(), 'Your CSR');

  // An encrypted key asks for its passphrase; a wrong one is named there.
  await page.getByLabel('Private key file').setInputFiles(rsa);
  await page.getByLabel('Key passphrase').waitFor({ state: 'visible' });
  await page.getByRole('button', { name: 'Make the CSR for this key' }).click();
  await page.locator('#existing-passphrase-error').waitFor({ state: 'visible' });
  assert.match(await describedError(page, 'Key passphrase'), /encrypted: enter its passphrase/);
  await page.getByLabel('Key passphrase').fill('wrong horse');
  await page.getByRole('button', { name: 'Make the CSR for this key' }).click();
  await page.waitForFunction(() => /does not decrypt/.test(document.getElementById('existing-passphrase-error').textContent));
  await page.getByLabel('Key passphrase').fill('correct horse');
  next = (await generatedCount(page)) + 1;
  await page.getByRole('button', { name: 'Make the CSR for this key' }).click();
  await waitForGenerated(page, next);
  csr = await page.getByLabel('CSR (PEM)').inputValue();
  text = verifiedCsrText(csr);
  assert.match(text, /Public-Key: \(2048 bit\)/);
  assert.equal(csrPublicKey(csr), openssl('pkey', '-pubout', '-in', rsa, '-passin', 'pass:correct horse'));

  // Not a key: one message next to the file.
  await page.getByLabel('Private key file').setInputFiles(file('notes.txt', 'hello'));
  await page.getByRole('button', { name: 'Make the CSR for this key' }).click();
  await page.locator('#existing-key-error').waitFor({ state: 'visible' });
  assert.match(await describedError(page, 'Private key file'), /neither PEM nor DER/);

  // What loaded: the page's module for this path, the package's lazy
  // functions and the full wasm module — from this site only (done()).
  const paths = log.requests.map((r) => new URL(r.url).pathname);
  for (const loaded of ['/app/existing.js', '/certkit/src/more.js', '/certkit/wasm/certkit_full_bg.wasm']) {
    assert.ok(paths.includes(loaded), `${loaded} was not loaded: ${paths.join(' ')}`);
  }
  await done();
});

test('a bad host shows the core message next to Hosts and generates nothing', TIMEOUT, async () => {
  const { page, done } = await open();
  await fillRequest(page, { 'Common name': 'web.example.com', Hosts: 'ok.example.com\nbad host!' });
  // Generate at once, before the debounced check: genkey refuses it too.
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await page.waitForSelector('#hosts[aria-invalid="true"]');
  const hostError = await coreError('checkRequest', {
    CN: 'web.example.com',
    hosts: ['ok.example.com', 'bad host!'],
    key: { algo: 'ecdsa', size: 256 },
  });
  assert.match(hostError, /^hosts\[1\] `bad host!` is not a valid DNS name/);
  assert.equal(await describedError(page, 'Hosts'), hostError);
  assert.equal(await page.locator('#sans li.bad').innerText(), 'DNS bad host!');
  assert.equal(await page.getByRole('button', { name: 'Generate', exact: true }).getAttribute('aria-disabled'), 'true');

  // Refused again once the check is known (keyboard, since the button says
  // it is disabled); nothing was generated either time.
  await page.getByRole('button', { name: 'Generate', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
  assert.equal(await generatedCount(page), 0);
  assert.ok(await page.locator('#results').isHidden());

  // Fixed host, bad country: the error moves to Country.
  await page.getByLabel('Hosts').fill('ok.example.com');
  await page.getByLabel('Country').fill('USA');
  await page.waitForSelector('#country[aria-invalid="true"]');
  assert.equal(await page.getByLabel('Hosts').getAttribute('aria-invalid'), null);
  const countryError = await coreError('checkRequest', {
    CN: 'web.example.com',
    hosts: ['ok.example.com'],
    key: { algo: 'ecdsa', size: 256 },
    names: [{ C: 'USA' }],
  });
  assert.equal(await describedError(page, 'Country'), countryError);

  // Nothing at all: the core's message, at the field it names (CN, in
  // packages that set error.field) or else under the form.
  await fillRequest(page, { 'Common name': '', Hosts: '', Country: '' });
  const empty = await certkit.checkRequest({ key: { algo: 'ecdsa', size: 256 } }).catch((e) => e);
  assert.ok(empty instanceof Error, 'the core accepted an empty request');
  if (empty.field === 'CN') {
    await page.waitForSelector('#cn[aria-invalid="true"]');
    assert.equal(await describedError(page, 'Common name'), empty.message);
  } else {
    await page.waitForSelector('#request-error:not([hidden])');
    assert.equal(await page.locator('#request-error').textContent(), empty.message);
  }

  // Valid again: Generate works.
  await fillRequest(page, { 'Common name': 'fixed.example.com' });
  await page.waitForSelector('#generate[aria-disabled="false"]');
  const csr = await generate(page);
  assert.match(subjectLine(verifiedCsrText(csr)), /CN = fixed\.example\.com/);
  await done();
});

test('import fills the form from cfssl CSR JSON; export downloads it', TIMEOUT, async () => {
  const { page, done } = await open();
  await page.getByText('cfssl CSR JSON: import or export').click();
  const imported = {
    CN: 'imported.example.com',
    hosts: ['imported.example.com', '192.0.2.7'],
    key: { algo: 'rsa', size: 3072 },
    names: [{ C: 'DE', L: 'Berlin', O: 'Example GmbH' }],
    serialnumber: '42',
  };
  await page.getByLabel('Import cfssl CSR JSON').fill(JSON.stringify(imported));
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  assert.equal(await page.getByLabel('Common name').inputValue(), 'imported.example.com');
  assert.equal(await page.getByLabel('Hosts').inputValue(), 'imported.example.com\n192.0.2.7');
  assert.equal(await page.getByLabel('Key type').inputValue(), 'rsa-3072');
  assert.equal(await page.getByLabel('Country').inputValue(), 'DE');
  assert.equal(await page.getByLabel('Locality').inputValue(), 'Berlin');
  assert.equal(await page.getByLabel('Organization', { exact: true }).inputValue(), 'Example GmbH');
  assert.match(await page.locator('#import-json-note').textContent(), /serialnumber/);

  const exported = await download(page, 'Download csr.json');
  assert.equal(exported.name, 'csr.json');
  const { serialnumber, ...expected } = imported;
  assert.deepEqual(JSON.parse(exported.text), expected);

  await page.getByLabel('Import cfssl CSR JSON').fill('{"CN": ');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  assert.match(await describedError(page, 'Import cfssl CSR JSON'), /not JSON/);
  await done();
});

test('RSA-4096 in wasm: the page stays responsive and Cancel stops it', TIMEOUT, async (t) => {
  // ?keygen=wasm: the test hook that forces genkey's pure-wasm path, where
  // RSA-4096 takes seconds (Web Crypto makes it in well under one).
  const { page, done } = await open('?keygen=wasm');
  await fillRequest(page, { 'Common name': 'slow.example.com' });
  await page.getByLabel('Key type').selectOption({ label: 'RSA 4096' });
  const generateButton = page.getByRole('button', { name: 'Generate', exact: true });
  const cancelButton = page.getByRole('button', { name: 'Cancel', exact: true });

  // A lucky RSA key can come in under a second; then try again.
  let cancelled = false;
  for (let attempt = 1; attempt <= 3 && !cancelled; attempt++) {
    await generateButton.click();
    await cancelButton.waitFor({ state: 'visible' });
    assert.ok(await page.locator('#progress').isVisible(), 'no progress indicator');
    if (attempt === 1) await page.screenshot({ path: `${ensureArtifacts()}/generating.png` });

    // Typing is answered while the key is being made.
    const typed = `typed while busy ${attempt}`;
    const started = performance.now();
    await page.getByLabel('Locality').fill(typed);
    const readBack = await page.getByLabel('Locality').inputValue();
    const elapsed = performance.now() - started;
    assert.equal(readBack, typed);
    t.diagnostic(`type and read back while RSA-4096 generates: ${elapsed.toFixed(1)} ms`);
    assert.ok(elapsed < 1000, `the page took ${elapsed} ms to answer`);

    try {
      await cancelButton.click({ timeout: 1000 });
      cancelled = (await generatedCount(page)) === 0;
    } catch {
      t.diagnostic(`attempt ${attempt}: the key was done before Cancel`);
    }
  }
  assert.ok(cancelled, 'could not cancel an RSA-4096 generation in three attempts');

  // Cancelled: no CSR, and the controls are back to their resting state,
  // and stay so (the old worker is gone, not just ignored).
  await page.waitForTimeout(1500);
  assert.equal(await generatedCount(page), 0);
  assert.ok(await page.locator('#results').isHidden());
  assert.equal(await page.getByLabel('CSR (PEM)').inputValue(), '');
  assert.ok(await cancelButton.isHidden());
  assert.ok(await page.locator('#progress').isHidden());
  assert.equal(await generateButton.getAttribute('aria-disabled'), 'false');

  // A new generation afterwards works.
  await page.getByLabel('Key type').selectOption({ label: 'ECDSA P-256' });
  const csr = await generate(page);
  assert.match(subjectLine(verifiedCsrText(csr)), /CN = slow\.example\.com/);
  await done();
});

test('keyboard only: Tab reaches Generate, Enter and Space press it; tabs follow arrows', TIMEOUT, async () => {
  const { page, done } = await open();
  await page.getByLabel('Common name').fill('keyboard.example.com');
  await page.getByLabel('Common name').focus();
  let onGenerate = false;
  for (let i = 0; i < 30 && !onGenerate; i++) {
    await page.keyboard.press('Tab');
    onGenerate = await page.evaluate(() => document.activeElement?.id === 'generate');
  }
  assert.ok(onGenerate, 'Tab never reached Generate');
  assert.ok(await page.evaluate(() => document.activeElement.matches(':focus-visible')));
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none');

  await page.keyboard.press('Enter');
  await waitForGenerated(page, 1);
  const first = await page.getByLabel('CSR (PEM)').inputValue();
  assert.ok(await page.evaluate(() => document.activeElement?.id === 'generate'), 'focus left Generate');
  await page.keyboard.press('Space');
  await waitForGenerated(page, 2);
  const second = await page.getByLabel('CSR (PEM)').inputValue();
  assert.notEqual(second, first);
  assert.match(subjectLine(verifiedCsrText(second)), /CN = keyboard\.example\.com/);

  // The tabs: real tab buttons, moved between with the arrow keys.
  await page.getByRole('tab', { name: 'New key & CSR' }).focus();
  await page.keyboard.press('ArrowRight');
  const inspectTab = page.getByRole('tab', { name: 'Inspect' });
  assert.equal(await inspectTab.getAttribute('aria-selected'), 'true');
  assert.ok(await page.evaluate(() => document.activeElement?.id === 'tab-inspect'));
  assert.ok(await page.getByRole('tabpanel', { name: 'Inspect' }).isVisible());
  assert.ok(await page.locator('#panel-new').isHidden());
  await page.keyboard.press('ArrowLeft');
  assert.ok(await page.getByRole('tabpanel', { name: 'New key & CSR' }).isVisible());
  await done();
});

test('Inspect: certinfo of a CSR and a certificate, and whether a key matches', TIMEOUT, async () => {
  const { page, done } = await open();
  await fillRequest(page, { 'Common name': 'inspect.example.com', Hosts: 'inspect.example.com' });
  const csr = await generate(page);
  await page.getByRole('button', { name: 'Inspect the CSR and key' }).click();
  assert.equal(await page.getByLabel('Certificate or CSR').inputValue(), csr);
  await page.waitForFunction(() => document.getElementById('match').textContent !== '');
  assert.match(await page.locator('#match').textContent(), /matches/);
  assert.doesNotMatch(await page.locator('#match').textContent(), /not/);
  assert.match(
    await page.locator('#inspect-info').innerText(),
    /CN=inspect\.example\.com[\s\S]*DNS inspect\.example\.com/,
  );

  // A certificate OpenSSL made: its issuer and serial show; its key
  // matches it and the generated key does not.
  const keyPath = file('other.key', '');
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyPath);
  const certPath = file('other.crt', '');
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    keyPath,
    '-subj',
    '/CN=openssl.example.com/O=Elsewhere',
    '-days',
    '2',
    '-out',
    certPath,
  );
  await page.getByLabel('Certificate or CSR').fill(readFileSync(certPath, 'utf8'));
  await page.waitForFunction(() => document.getElementById('match').textContent.includes('not'));
  const info = await page.locator('#inspect-info').innerText();
  assert.match(info, /Issuer\s+CN=openssl\.example\.com, O=Elsewhere/);
  assert.match(info, /Serial number/);
  await page.getByLabel('Private key to check').fill(readFileSync(keyPath, 'utf8'));
  await page.waitForFunction(
    () =>
      /matches/.test(document.getElementById('match').textContent) &&
      !/not/.test(document.getElementById('match').textContent),
  );

  // Garbage: the core's message next to the field.
  await page.getByLabel('Private key to check').fill('not a key');
  await page.waitForSelector('#inspect-key[aria-invalid="true"]');
  assert.equal(
    await describedError(page, 'Private key to check'),
    await coreError('keyMatches', readFileSync(certPath, 'utf8'), 'not a key'),
  );
  await done();
});

test('Inspect: a bidi-spoofed subject shows isolated, its controls as escapes (issue #22)', TIMEOUT, async () => {
  // CN "\u202Emoc.knab-eruces" displays as "secure-bank.com" and, unclosed,
  // used to flip the whole line to "CN=dtL livE=O ,secure-bank.com".
  const { page, done } = await open();
  const keyPath = file('spoof.key', '');
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyPath);
  const csrPath = file('spoof.csr', '');
  openssl('req', '-new', '-key', keyPath, '-utf8', '-subj', '/CN=\u202Emoc.knab-eruces/O=Evil Ltd', '-out', csrPath);
  await page.getByRole('tab', { name: 'Inspect' }).click();
  await page.getByLabel('Certificate or CSR').fill(readFileSync(csrPath, 'utf8'));
  const subject = page.locator('#inspect-info dt:text-is("Subject") + dd');
  await subject.waitFor();
  assert.equal(await subject.textContent(), 'CN=\\u{202e}moc.knab-eruces, O=Evil Ltd');
  // Each value in its own <bdi>, so no value's direction reaches another.
  assert.deepEqual(await subject.locator('bdi').allTextContents(), ['\\u{202e}moc.knab-eruces', 'Evil Ltd']);
  assert.doesNotMatch(await page.locator('#inspect-info').textContent(), /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  await subject.screenshot({ path: `${ensureArtifacts()}/inspect-bidi-subject.png` });
  await done();
});

test('phone width: the page fits 390 px and follows dark mode', TIMEOUT, async () => {
  const dir = ensureArtifacts();
  for (const colorScheme of ['light', 'dark']) {
    const { page, done } = await open('', { viewport: { width: 390, height: 844 }, colorScheme });
    await fillRequest(page, WEB_REQUEST);
    await generate(page);
    await page.getByText('Kubernetes manifest', { exact: true }).click();
    await page.waitForFunction(() => document.getElementById('k8s-yaml').value !== '');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'the page scrolls sideways');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const dark = background === 'rgb(13, 17, 23)';
    assert.equal(dark, colorScheme === 'dark', `background ${background} in ${colorScheme} mode`);
    await page.screenshot({ path: `${dir}/phone${colorScheme === 'dark' ? '-dark' : ''}.png`, fullPage: true });
    await done();
  }
});

// The package README's examples (crates/certkit-wasm/npm/README.md), run as
// a user would copy them: each fenced code block is taken from the README by
// its section heading — so the README as edited is what runs, not a copy —
// and run in its runtime against the packed package installed from its
// tarball: Node, Deno, workerd, and a plain page (and a module worker) in
// headless Chromium. OpenSSL judges every CSR they make, and what an example
// says it logs is what it must log. A code block no test runs fails the
// last test, so a new example cannot go untested.
//
// Needs: target/npm/certkit-*.tgz (scripts/build-npm.sh), openssl,
// /usr/bin/chromium and this directory's npm packages (tests/npm/run.sh
// sets all of it up).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { get } from 'node:http';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installedProject } from './packed.mjs';
import { retry, run, serve, startWorkerd } from './local.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const bin = (name) => join(here, 'node_modules', '.bin', name);
const README = readFileSync(join(root, 'crates/certkit-wasm/npm/README.md'), 'utf8');

// --- the README's code blocks -----------------------------------------------

/** Every fenced block: its section's heading, its language, its code. */
function fencedBlocks(markdown) {
  const blocks = [];
  let heading = '';
  let block = null;
  for (const line of markdown.split('\n')) {
    if (block) {
      if (/^```\s*$/.test(line)) {
        blocks.push(block);
        block = null;
      } else {
        block.code += `${line}\n`;
      }
      continue;
    }
    heading = line.match(/^#+\s+(.*?)\s*$/)?.[1] ?? heading;
    const fence = line.match(/^```(\w*)/);
    if (fence) block = { heading, lang: fence[1], code: '', used: false };
  }
  assert.equal(block, null, 'the README has an unclosed code block');
  return blocks;
}

const blocks = fencedBlocks(README);

/** The one block of `lang` under `heading`, marked as run by a test. */
function example(heading, lang) {
  const found = blocks.filter((b) => b.heading === heading && b.lang === lang);
  assert.equal(found.length, 1, `the README should have one \`\`\`${lang} block under "${heading}"`);
  found[0].used = true;
  return found[0].code;
}

/** The prose of the README section under `heading`. */
function section(heading) {
  const start = README.indexOf(`${heading}\n`);
  assert.ok(start >= 0, `the README has no section "${heading}"`);
  return README.slice(start).split(/\n#+ /)[0];
}

// Taken when this file loads, so the last test knows which blocks are run.
const NODE = example('Node.js', 'js');
const DENO = example('Deno', 'js');
const PKCS12 = example('PKCS#12 for browsers, macOS, Windows and Java', 'js');
const EXISTING = example('A CSR for a key you already have', 'js');
const BROWSER = example('Browsers', 'html');
const WEB_WORKER = example('Keeping the page responsive', 'js');
const CLOUDFLARE = example('Cloudflare Workers', 'js');

// --- the user's project -----------------------------------------------------

let project; // the package installed from its tarball, as a user installs it
let server; // a static file server for the project, for Chromium
let browser;

before(async () => {
  project = installedProject('certkit-readme-');
  server = await serve(project);
});

after(async () => {
  await browser?.close();
  server?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

// --- the examples -------------------------------------------------------------

test('Node.js: the example runs, logs what its comment says, and its CSR verifies', async () => {
  // The example logs the CSR's SANs; one line added at its end hands its
  // `csr` and `key` to the test (a file in the temporary project).
  const code = `${NODE}\n// Added by readme.test.mjs:\n(await import('node:fs')).writeFileSync('node-out.json', JSON.stringify({ csr, key }));\n`;
  writeFileSync(join(project, 'node-example.js'), code);
  const out = await run(process.execPath, ['node-example.js'], project);
  assert.deepEqual(out.trim().split('\n'), claimedOutput(NODE));
  const { csr, key } = JSON.parse(readFileSync(join(project, 'node-out.json'), 'utf8'));
  const text = verifiedCsr(csr, 'CN\\s*=\\s*web\\.example\\.com', ['DNS:web.example.com', 'IP Address:10.0.0.1']);
  assert.match(text, /ASN1 OID: prime256v1/);
  assertKeyIsCsrs(key, csr);
});

test('A CSR for a key you already have: the example runs, logs what its comment says, and its CSR verifies', async () => {
  const code = `${EXISTING}\n// Added by readme.test.mjs:\n(await import('node:fs')).writeFileSync('existing-out.json', JSON.stringify({ csr }));\n`;
  writeFileSync(join(project, 'existing-example.js'), code);
  const out = await run(process.execPath, ['existing-example.js'], project);
  assert.deepEqual(out.trim().split('\n'), claimedOutput(EXISTING));
  const { csr } = JSON.parse(readFileSync(join(project, 'existing-out.json'), 'utf8'));
  const text = verifiedCsr(csr, 'CN\\s*=\\s*device-42', ['DNS:device-42.example.com']);
  assert.match(text, /ASN1 OID: prime256v1/);
});

test('PKCS#12: the example writes a .p12 that OpenSSL opens, holding the certificate, key and chain it was given', async () => {
  // The files it reads, made by the certkit CLI: a CA and a server certificate.
  const certkit = process.env.CERTKIT_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug/certkit');
  const cli = (args, input) => execFileSync(certkit, args, { cwd: project, input, stdio: ['pipe', 'pipe', 'pipe'] });
  cli(['cfssljson', '-bare', 'ca'], cli(['gencert', '-initca', '-'], '{"CN":"README CA"}'));
  cli(['cfssljson', '-bare', 'web'], cli(['gencert', '-ca', 'ca.pem', '-ca-key', 'ca-key.pem', '-'], '{"CN":"web","hosts":["web.example"]}'));
  writeFileSync(join(project, 'pkcs12-example.js'), PKCS12);
  const out = await run(process.execPath, ['pkcs12-example.js'], project);
  assert.deepEqual(out.trim().split('\n'), claimedOutput(PKCS12));
  const openssl = (args) => execFileSync('openssl', args, { cwd: project, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
  const pass = ['-passin', 'pass:correct horse battery staple'];
  // OpenSSL prints -info on stderr.
  const info = spawnSync('openssl', ['pkcs12', '-in', 'web.p12', ...pass, '-info', '-noout'], { cwd: project, encoding: 'utf8' });
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stderr, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/);
  const fingerprint = (pem) => execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: pem }).toString();
  const pubkey = (pem) => execFileSync('openssl', ['pkey', '-pubout'], { input: pem }).toString();
  const read = (f) => readFileSync(join(project, f), 'utf8');
  assert.equal(fingerprint(openssl(['pkcs12', '-in', 'web.p12', ...pass, '-clcerts', '-nokeys'])), fingerprint(read('web.pem')));
  assert.equal(fingerprint(openssl(['pkcs12', '-in', 'web.p12', ...pass, '-cacerts', '-nokeys'])), fingerprint(read('ca.pem')));
  assert.equal(pubkey(openssl(['pkcs12', '-in', 'web.p12', ...pass, '-nocerts', '-noenc'])), pubkey(read('web-key.pem')));
});

test('Deno: the example runs with the permissions the README gives and writes a CSR that verifies', async () => {
  // The command line the README gives, as it gives it, but offline
  // (--no-remote) and quiet: the example needs neither network nor output.
  const command = section('## Deno').match(/`(deno run [^`]+)`/)?.[1];
  assert.ok(command, 'the Deno section gives no `deno run` command line');
  const [, , ...args] = command.split(/\s+/);
  writeFileSync(join(project, args.at(-1)), DENO);
  const env = { ...process.env, DENO_DIR: join(project, '.deno'), NO_COLOR: '1' };
  await run(bin('deno'), ['run', '--quiet', '--no-remote', ...args], project, env);
  verifiedCsr(readFileSync(join(project, 'api.csr'), 'utf8'), 'CN\\s*=\\s*api\\.example\\.com', ['DNS:api.example.com']);
});

test("Browsers: the page runs under the README's Content-Security-Policy; its CSR verifies and its manifest holds it", async () => {
  // The block is the page's body as the README shows it; one line added to
  // its module hands `csr`, `key` and `manifest` to the test (module
  // variables are not reachable otherwise).
  const body = BROWSER.replace(/<\/script>\s*$/, '  window.readme = { csr, key, manifest }; // added by readme.test.mjs\n</script>\n');
  assert.notEqual(body, BROWSER, 'the browser example no longer ends with its module script');
  // What the README says a CSP needs: 'wasm-unsafe-eval', and the inline
  // import map and module allowed by their hashes.
  const hashes = [...body.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
  const csp = `default-src 'self'; script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`;
  writeFileSync(join(project, 'browser-example.html'), `<!doctype html><meta charset="utf-8"><title>certkit</title>\n${body}`);
  const { csr, key, manifest } = await inPage('/browser-example.html', csp);
  verifiedCsr(csr, 'CN\\s*=\\s*web\\b', ['DNS:web.example.com']);
  assertKeyIsCsrs(key, csr);
  assert.match(manifest, /^apiVersion: certificates\.k8s\.io\/v1\nkind: CertificateSigningRequest\n/);
  assert.match(manifest, /\n {2}name: web\n/);
  assert.match(manifest, /signerName: example\.com\/serving\n/);
  const request = manifest.match(/request: >-\n\s+(\S+)\n/)?.[1] ?? manifest.match(/request: (\S+)\n/)?.[1];
  assert.equal(Buffer.from(request, 'base64').toString(), csr);
});

test('Browsers, module worker: worker.js makes the RSA-4096 key and CSR that page.js asks for', async () => {
  // The block holds two files, each after a `// name.js` line.
  const files = Object.fromEntries([...WEB_WORKER.matchAll(/^\/\/ (\S+\.js)\n([\s\S]*?)(?=^\/\/ \S+\.js\n|(?![\s\S]))/gm)].map((m) => [m[1], m[2]]));
  assert.deepEqual(Object.keys(files), ['worker.js', 'page.js']);
  for (const [name, code] of Object.entries(files)) writeFileSync(join(project, name), code);
  // page.js is a fragment of a page: it calls `show`, `showError` and
  // `cancelButton`, which the page around it defines; these stand-ins hand
  // the result to the test.
  writeFileSync(
    join(project, 'worker-example.html'),
    `<!doctype html><meta charset="utf-8"><title>certkit</title>
<button id="cancel">Cancel</button>
<script>
  // A worker that fails to load tells only its Worker object, which page.js
  // does not listen to; this one tells the test.
  window.Worker = class extends Worker {
    constructor(...args) {
      super(...args);
      this.addEventListener('error', (e) => (window.readme = { error: e.message ?? 'the worker failed to load' }));
    }
  };
  const cancelButton = document.getElementById('cancel');
  const show = (result) => (window.readme = { result });
  const showError = (error) => (window.readme = { error });
</script>
<script type="module" src="/page.js"></script>`,
  );
  const { result, error } = await inPage('/worker-example.html');
  assert.equal(error, undefined, JSON.stringify(error));
  const text = verifiedCsr(result.csr, 'CN\\s*=\\s*web\\b', []);
  assert.match(text, /Public-Key: \(4096 bit\)/);
  assertKeyIsCsrs(result.key, result.csr);
});

test('Cloudflare Workers: the Worker answers with a CSR for the hostname it was asked for', async () => {
  // workerd run directly, configured as the README's paragraph below the
  // example says: the package's files as modules named by their paths, and
  // a module 'certkit' re-exporting the workerd entry.
  writeFileSync(join(project, 'cloudflare-example.js'), CLOUDFLARE);
  const workerd = await startWorkerd(project, ['cloudflare-example.js']);
  try {
    // The Worker names the CSR after the request's host, as it would be on
    // its route.
    const res = await retry(() => request(workerd.port, 'edge.example.com'), 60_000, () => workerd.exited() !== null && `workerd exited with ${workerd.exited()}`);
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/x-pem-file');
    verifiedCsr(res.body, 'CN\\s*=\\s*edge\\.example\\.com', ['DNS:edge.example.com']);
  } finally {
    workerd.stop();
  }
});

test('every code block in the README is run by a test here', () => {
  const untested = blocks.filter((b) => !b.used).map((b) => `\`\`\`${b.lang} under "${b.heading}"`);
  assert.deepEqual(untested, []);
});

// --- judging the output -------------------------------------------------------

/** What an example says it logs: the `// …` after each console.log line. */
function claimedOutput(code) {
  const claims = [...code.matchAll(/console\.log\(.*\);\s*\/\/\s*(.+)$/gm)].map((m) => m[1].trim());
  assert.ok(claims.length > 0, 'the example no longer says what it logs');
  return claims;
}

/** OpenSSL's text for a CSR whose self-signature verifies, with this subject and these SANs. */
function verifiedCsr(csr, subject, sans) {
  assert.match(csr, /^-----BEGIN CERTIFICATE REQUEST-----\n/);
  const text = execFileSync('openssl', ['req', '-verify', '-noout', '-text'], { input: csr, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
  assert.match(text, new RegExp(`Subject: .*${subject}`));
  for (const san of sans) assert.ok(text.includes(san), `the CSR lacks ${san}:\n${text}`);
  return text;
}

/** The private key is the CSR's, by OpenSSL's reckoning (the key goes only to openssl's stdin). */
function assertKeyIsCsrs(key, csr) {
  const fromKey = execFileSync('openssl', ['pkey', '-pubout'], { input: key, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
  const fromCsr = execFileSync('openssl', ['req', '-pubkey', '-noout'], { input: csr }).toString();
  assert.equal(fromKey, fromCsr, 'the key is not the CSR’s');
}

// --- the runtimes -------------------------------------------------------------

/** Opens a page of the project in headless Chromium; resolves to what it set as window.readme. */
async function inPage(path, csp) {
  if (!browser) {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }
  server.csp = csp;
  const page = await browser.newPage();
  try {
    // The first error in the page (or a request off the origin) ends the wait.
    let fail;
    const failed = new Promise((_, reject) => (fail = (why) => reject(new Error(`${path}: ${why}`))));
    page.on('pageerror', (e) => fail(`uncaught ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && fail(`console error: ${m.text()}`));
    // (Chromium asks for a favicon by itself.)
    page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && fail(`${r.status()} for ${r.url()}`));
    page.on('request', (r) => !r.url().startsWith(server.origin) && fail(`request off the origin: ${r.url()}`));
    await page.goto(`${server.origin}${path}`);
    await Promise.race([page.waitForFunction(() => window.readme, null, { timeout: 60_000 }), failed]);
    return await page.evaluate(() => window.readme);
  } finally {
    await page.close();
  }
}

/** A GET to 127.0.0.1:port with this Host header; resolves to { status, headers, body }. */
function request(port, host) {
  return new Promise((resolveRequest, reject) => {
    get({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolveRequest({ status: res.statusCode, headers: res.headers, body }));
    }).on('error', reject);
  });
}


// Cold starts (issue #19), certkit's package against @peculiar/x509 on Web
// Crypto, side by side in one run:
//  1. workerd: from starting a fresh `workerd serve` process with a Worker
//     that imports the library to its first signed certificate (`sign` of a
//     P-256 CSR with a P-256 CA key) answered on 127.0.0.1; ROUNDS fresh
//     processes each, alternating.
//  2. Chromium: the first P-256 CSR in a fresh page (a new browser context,
//     nothing cached): navigation start to the CSR's text shown.
// Medians, and a 95% bootstrap interval of the ratio. Every certificate and
// CSR is checked (OpenSSL verifies the certificate against the CA, the CSR's
// self-signature). --write puts the table between <!-- cold:start --> and
// <!-- cold:end --> of BENCHMARKS.md.
//
//   bash scripts/build-npm.sh && cargo build -p certkit && (cd bench/wasm && npm ci) \
//     && (cd tests/npm && npm ci) && node bench/wasm/cold.mjs [--write]

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { freePort, serve, workerdConfig } from '../../tests/npm/local.mjs';
import { median, ratioCi, writeSection } from './report.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '../..');
const certkitDir = resolve(process.env.CERTKIT_DIR ?? join(root, 'target/npm/certkit'));
const certkitBin = process.env.CERTKIT_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug/certkit');
const workerdBin = join(root, 'tests/npm/node_modules/.bin/workerd');
const ROUNDS = Number(process.env.ROUNDS ?? 20);

// ---- the two Workers -----------------------------------------------------------

// The time of the sign() call itself goes back in a header (Date.now()
// runs in \`workerd serve\`; 1 ms steps), for the breakdown below the table.
const CERTKIT_WORKER = `import * as ck from 'certkit';
import { CA } from './ca.mjs';
export default {
  async fetch(request) {
    const csr = new Uint8Array(await request.arrayBuffer());
    const start = Date.now();
    const { cert } = await ck.sign(csr, CA.cert, CA.key);
    return new Response(cert, { headers: { 'x-sign-ms': String(Date.now() - start) } });
  },
};
`;
// The breakdown's middle step: the same Worker, importing the package
// (workerd compiles its wasm modules) but answering without calling it.
const IMPORT_WORKER = `import * as ck from 'certkit';
export default { fetch: () => new Response(typeof ck.sign) };
`;

// What certkit's default profile writes, as closely as @peculiar/x509 says
// it: the CSR's subject and SANs, a random 20-byte serial, a year, CA:FALSE,
// digitalSignature + keyEncipherment, server and client auth, SKI and AKI.
const PEER_WORKER = `import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { CA } from './ca.mjs';
x509.cryptoProvider.set(crypto);
const der = (pem) => Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\\s/g, '')), (c) => c.charCodeAt(0));
export default {
  async fetch(request) {
    const csr = new x509.Pkcs10CertificateRequest(await request.text());
    if (!(await csr.verify())) return new Response('bad CSR signature', { status: 400 });
    const ca = new x509.X509Certificate(CA.cert);
    const key = await crypto.subtle.importKey('pkcs8', der(CA.key), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const serial = crypto.getRandomValues(new Uint8Array(20));
    serial[0] &= 0x7f;
    const now = Date.now();
    const san = csr.getExtension(x509.SubjectAlternativeNameExtension);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: Array.from(serial, (b) => b.toString(16).padStart(2, '0')).join(''),
      subject: csr.subject,
      issuer: ca.subject,
      notBefore: new Date(now - 5 * 60 * 1000),
      notAfter: new Date(now + 365 * 24 * 3600 * 1000),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      publicKey: csr.publicKey,
      signingKey: key,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        await x509.SubjectKeyIdentifierExtension.create(csr.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(ca),
        ...(san ? [san] : []),
      ],
    });
    return new Response(cert.toString('pem'));
  },
};
`;

/** A folder per library with its Worker and a workerd config for `port`. */
async function workerProjects(ca) {
  const caModule = `export const CA = ${JSON.stringify(ca)};\n`;
  // certkit: the package as startWorkerd in tests/npm/local.mjs gives it.
  const ck = mkdtempSync(join(tmpdir(), 'certkit-cold-'));
  cpSync(certkitDir, join(ck, 'node_modules/certkit'), { recursive: true });
  writeFileSync(join(ck, 'worker.mjs'), CERTKIT_WORKER);
  writeFileSync(join(ck, 'import.mjs'), IMPORT_WORKER);
  writeFileSync(join(ck, 'ca.mjs'), caModule);
  const ckModules = ['(name = "worker.mjs", esModule = embed "worker.mjs")', '(name = "ca.mjs", esModule = embed "ca.mjs")',
    '(name = "certkit", esModule = "export * from \\"./node_modules/certkit/src/workerd.js\\";")'];
  for (const dir of ['src', 'wasm']) {
    for (const f of readdirSync(join(ck, 'node_modules/certkit', dir))) {
      const path = relative(ck, join(ck, 'node_modules/certkit', dir, f));
      if (f.endsWith('.js')) ckModules.push(`(name = "${path}", esModule = embed "${path}")`);
      if (f.endsWith('.wasm')) ckModules.push(`(name = "${path}", wasm = embed "${path}")`);
    }
  }
  // @peculiar/x509: bundled by esbuild into one module (with reflect-metadata).
  const peer = mkdtempSync(join(tmpdir(), 'certkit-cold-peer-'));
  writeFileSync(join(peer, 'ca.mjs'), caModule);
  await esbuild.build({
    stdin: { contents: PEER_WORKER, resolveDir: here, loader: 'js' },
    bundle: true, format: 'esm', minify: true, platform: 'neutral', mainFields: ['module', 'main'],
    external: ['./ca.mjs'], outfile: join(peer, 'worker.mjs'), logLevel: 'warning',
  });
  const peerModules = ['(name = "worker.mjs", esModule = embed "worker.mjs")', '(name = "ca.mjs", esModule = embed "ca.mjs")'];
  // The floor: a Worker that answers at once, without any library.
  const floor = mkdtempSync(join(tmpdir(), 'certkit-cold-floor-'));
  writeFileSync(join(floor, 'worker.mjs'), 'export default { fetch: () => new Response("-----BEGIN CERTIFICATE-----") };\n');
  return {
    certkit: { dir: ck, modules: ckModules },
    'certkit import': { dir: ck, modules: ['(name = "import.mjs", esModule = embed "import.mjs")', ...ckModules.slice(2)] },
    '@peculiar/x509': { dir: peer, modules: peerModules },
    floor: { dir: floor, modules: ['(name = "worker.mjs", esModule = embed "worker.mjs")'] },
  };
}

/** Starts workerd for `project`; resolves to [ms from spawn to the first 200, the certificate, the response's headers]. */
async function coldWorker(project, csr) {
  const port = await freePort();
  const config = `workerd-${port}.capnp`;
  writeFileSync(join(project.dir, config), workerdConfig(port, project.modules));
  const start = performance.now();
  const child = spawn(workerdBin, ['serve', config], { cwd: project.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`workerd exited ${child.exitCode}: ${stderr}`);
      if (performance.now() - start > 60_000) throw new Error(`no answer in 60 s: ${stderr}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: csr });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`status ${res.status}: ${body}`);
        return [performance.now() - start, body, res.headers];
      } catch (e) {
        if (e.message.startsWith('status')) throw e;
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  } finally {
    child.kill('SIGKILL');
  }
}

// ---- the two pages ---------------------------------------------------------------

const CERTKIT_PAGE = `import * as ck from '/certkit/src/web.js';
const { csr } = await ck.genkey({ CN: 'web.example.com', hosts: ['web.example.com'], key: { algo: 'ecdsa', size: 256 } });
document.getElementById('out').textContent = csr;
window.shown = performance.now();
`;
const PEER_PAGE = `import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
x509.cryptoProvider.set(crypto);
const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
const csr = await x509.Pkcs10CertificateRequestGenerator.create({
  name: 'CN=web.example.com', keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'web.example.com' }])],
});
const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
document.getElementById('out').textContent = csr.toString('pem');
window.key = pkcs8.byteLength;
window.shown = performance.now();
`;

async function pageSite() {
  const dir = mkdtempSync(join(tmpdir(), 'certkit-cold-page-'));
  cpSync(certkitDir, join(dir, 'certkit'), { recursive: true });
  const html = (script) => `<!doctype html><meta charset="utf-8"><title>cold</title><pre id="out"></pre><script type="module" src="${script}"></script>`;
  writeFileSync(join(dir, 'certkit.html'), html('/certkit-page.js'));
  writeFileSync(join(dir, 'certkit-page.js'), CERTKIT_PAGE);
  writeFileSync(join(dir, 'peer.html'), html('/peer-page.js'));
  await esbuild.build({
    stdin: { contents: PEER_PAGE, resolveDir: here, loader: 'js' },
    bundle: true, format: 'esm', minify: true, platform: 'browser', outfile: join(dir, 'peer-page.js'), logLevel: 'warning',
  });
  return dir;
}

async function coldPage(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => window.shown !== undefined, null, { timeout: 60_000 });
    assert.deepEqual(errors, []);
    // performance.now() counts from the navigation's start.
    return [await page.evaluate(() => window.shown), await page.evaluate(() => document.getElementById('out').textContent)];
  } finally {
    await context.close();
  }
}

// ---- numbers -----------------------------------------------------------------------

function openssl(args, input) {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'certkit-cold-ca-'));
  writeFileSync(join(work, 'ca.json'), JSON.stringify({ CN: 'Cold CA', key: { algo: 'ecdsa', size: 256 } }));
  const ca = JSON.parse(execFileSync(certkitBin, ['gencert', '-initca', join(work, 'ca.json')]));
  writeFileSync(join(work, 'ca.pem'), ca.cert);
  writeFileSync(join(work, 'csr.json'), JSON.stringify({ CN: 'edge.example.com', hosts: ['edge.example.com'], key: { algo: 'ecdsa', size: 256 } }));
  const csr = JSON.parse(execFileSync(certkitBin, ['genkey', join(work, 'csr.json')])).csr;
  const projects = await workerProjects({ cert: ca.cert, key: ca.key });
  const site = await pageSite();
  const server = await serve(site);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const t = { worker: { certkit: [], '@peculiar/x509': [], floor: [], 'certkit import': [], 'certkit sign()': [] }, page: { certkit: [], '@peculiar/x509': [] } };
  const load = loadavg()[0];
  try {
    for (let i = 0; i < ROUNDS + 1; i++) {
      for (const lib of i % 2 ? ['@peculiar/x509', 'certkit'] : ['certkit', '@peculiar/x509']) {
        const [ms, cert, headers] = await coldWorker(projects[lib], csr);
        writeFileSync(join(work, 'leaf.pem'), cert);
        assert.match(openssl(['verify', '-CAfile', join(work, 'ca.pem'), join(work, 'leaf.pem')]), /: OK/, lib);
        const [pageMs, text] = await coldPage(browser, `${server.origin}/${lib === 'certkit' ? 'certkit' : 'peer'}.html`);
        writeFileSync(join(work, 'page.csr'), text);
        openssl(['req', '-verify', '-noout', '-in', join(work, 'page.csr')]);
        if (i === 0) continue; // the first round warms the machine's file cache
        t.worker[lib].push(ms);
        t.page[lib].push(pageMs);
        if (lib === 'certkit') t.worker['certkit sign()'].push(Number(headers.get('x-sign-ms')));
      }
      for (const name of i % 2 ? ['certkit import', 'floor'] : ['floor', 'certkit import']) {
        const [floorMs] = await coldWorker(projects[name], csr);
        if (i) t.worker[name].push(floorMs);
      }
      if (i) console.error(`[cold] round ${i}: workerd ${t.worker.certkit.at(-1).toFixed(0)} / ${t.worker['@peculiar/x509'].at(-1).toFixed(0)} ms, page ${t.page.certkit.at(-1).toFixed(0)} / ${t.page['@peculiar/x509'].at(-1).toFixed(0)} ms`);
    }
  } finally {
    await browser.close();
    server.close();
    for (const d of [work, site, ...Object.values(projects).map((p) => p.dir)]) rmSync(d, { recursive: true, force: true });
  }
  const workerdVersion = execFileSync(workerdBin, ['--version']).toString().trim();
  const chromiumVersion = execFileSync('/usr/bin/chromium', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  const x509Version = JSON.parse(readFileSync(join(here, 'node_modules/@peculiar/x509/package.json'), 'utf8')).version;
  const row = (what, a, b) => {
    const [lo, hi] = ratioCi(a, b);
    const r = median(a) / median(b);
    return `| ${what} | ${a.length} | ${median(a).toFixed(1)} ms | ${median(b).toFixed(1)} ms | ${r.toFixed(2)}× (${lo.toFixed(2)}–${hi.toFixed(2)}) ${r <= 1 ? '✅' : '❌'} |`;
  };
  const ms = (x) => `${x.toFixed(1)} ms`;
  const floor = median(t.worker.floor);
  const imported = median(t.worker['certkit import']);
  const signCall = median(t.worker['certkit sign()']);
  const table = [
    `Written by \`node bench/wasm/cold.mjs --write\` on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (load average ${load.toFixed(1)} at the start), ${workerdVersion}, ${chromiumVersion} headless, @peculiar/x509 ${x509Version} (with reflect-metadata, bundled by esbuild into one module). Alternating, ${ROUNDS} rounds after one warm-up round; medians and a 95% bootstrap interval of the ratio. **workerd**: a fresh \`workerd serve\` process per start, its Worker importing the library (certkit: the packed package's modules, as its README's workerd config lists them); time from spawning it to the first 200 answer to a POSTed P-256 CSR, signed with a P-256 CA key (the client polls every 2 ms until the socket answers); each certificate verified by OpenSSL against the CA. **Chromium**: a new browser context per start (nothing cached), a page whose module makes one P-256 CSR (certkit: \`genkey\`, Web Crypto's key and the lite module; @peculiar/x509: \`Pkcs10CertificateRequestGenerator\` with Web Crypto, the key exported as certkit's is); time from navigation start to the CSR's text in the page; each CSR verified by OpenSSL. Targets (issue #19): certkit ≤ 1.0× @peculiar/x509 for both.`,
    '',
    '| cold start | starts | certkit | @peculiar/x509 | certkit / @peculiar/x509 (95% interval) |',
    '|---|---|---|---|---|',
    row('workerd: spawn → first signed certificate', t.worker.certkit, t.worker['@peculiar/x509']),
    row('Chromium: navigation → first P-256 CSR shown', t.page.certkit, t.page['@peculiar/x509']),
    '',
    `Where the milliseconds go (medians of the same rounds): the floor, the same workerd start with a Worker that answers at once without any library, ${ms(floor)}; a Worker that imports certkit but answers without calling it, ${ms(imported)} (+${ms(imported - floor)}: workerd compiling the package's two wasm modules, which its config lists, and its JavaScript); the first \`sign()\` inside the Worker (Date.now() around the call, 1 ms steps), ${ms(signCall)}: instantiating the full module, the core's checks and DER in baseline-compiled wasm, and Web Crypto verifying the CSR's signature, importing the CA key, signing and verifying that signature; the same starts less their \`sign()\` call, ${ms(median(t.worker.certkit.map((x, k) => x - t.worker['certkit sign()'][k])))}, match the import-only Worker within the noise. @peculiar/x509 costs ${ms(median(t.worker['@peculiar/x509']) - floor)} above the floor (its JavaScript, and Web Crypto's native P-256). Before \`sign\` used Web Crypto (commit c24ac20, measured the same way on 2026-12-03: 62.7 ms against 59.7 ms, 1.05×) the first \`sign()\` took about 22 ms and a second 8 ms: reading the CA key, verifying the CSR, signing and verifying the signature, each a P-256 scalar multiplication in wasm, most of the first call's time being V8 compiling those functions on first use. The lite module, which \`sign\` does not use, is at most about 3 ms of that compiling (a probe: a Worker whose config lists only the full module against one listing both), and not importing it does not save it: a Worker listing both modules and importing neither started as slowly as one importing both, so workerd compiles what its config lists; the entry point keeps importing both, and users' configs keep working.`,
  ].join('\n') + '\n';
  console.log(table);
  if (process.argv.includes('--write')) writeSection('cold', table);
}

await main();

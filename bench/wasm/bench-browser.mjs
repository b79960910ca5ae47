// certkit's npm package against its peers in headless Chromium, and the
// download sizes (issue #3).
//
//   node bench/wasm/bench-browser.mjs OUT.json
//
// Serves pages from a small static server on 127.0.0.1 (certkit's built
// package under /certkit/, peers.js bundled by esbuild under /peers.js) and
// drives Debian's Chromium with playwright-core:
//  1. a fresh page that only imports certkit's web.js and makes one P-256
//     CSR: every response it loads is recorded and gzipped (-9), which is
//     what a page must download, whatever the package's wasm files are called;
//  2. a page that runs the same round-robin suites as bench-node.mjs.
// Also gzips every file of the package, and min+gzips a tiny P-256 CSR
// bundle per peer library.
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { certkitDir, rounds, verifySamples } from './bench-node.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const work = resolve(here, '../../target/bench-wasm');
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const log = (m) => console.error(`[browser] ${m}`);

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// ---- peers' bundles ---------------------------------------------------------

// Each size bundle makes a P-256 CSR (node-forge: RSA-2048, as forge has no
// ECDSA CSRs) with one library. peers.js imports all of them, and esbuild
// keeps CommonJS imports even when unused, so the other libraries are
// replaced by empty stubs: each bundle holds exactly one library. Each
// bundle is then run once in the page and its CSR checked with openssl.
const SIZE_ENTRIES = {
  '@peculiar/x509': { fn: 'x509Csr', arg: "'ecdsa'", algo: 'ecdsa', keep: ['@peculiar/x509', 'reflect-metadata'], job: 'P-256 CSR (with reflect-metadata, which it requires)' },
  '@peculiar/x509 (RSA)': { lib: '@peculiar/x509', fn: 'x509Csr', arg: "'rsa'", algo: 'rsa', keep: ['@peculiar/x509', 'reflect-metadata'], job: 'RSA-2048 CSR, Web Crypto key (with reflect-metadata)' },
  'node-forge': { fn: 'forgeRsaCsr', arg: '', algo: 'rsa', keep: ['node-forge'], job: 'RSA-2048 CSR (forge has no ECDSA CSRs)' },
  jsrsasign: { fn: 'jsrsasignP256Csr', arg: '', algo: 'ecdsa', keep: ['jsrsasign'], job: 'P-256 CSR' },
  pkijs: { fn: 'pkijsCsr', arg: "'ecdsa'", algo: 'ecdsa', keep: ['pkijs', 'asn1js'], job: 'P-256 CSR (with asn1js)' },
};
const PEER_PACKAGES = ['@peculiar/x509', 'reflect-metadata', 'node-forge', 'jsrsasign', 'pkijs', 'asn1js'];

async function peerBundles() {
  const bundles = [];
  for (const [lib, e] of Object.entries(SIZE_ENTRIES)) {
    const stubs = PEER_PACKAGES.filter((p) => !e.keep.includes(p));
    const stubPlugin = {
      name: 'stub-other-peers',
      setup(build) {
        const filter = new RegExp(`^(${stubs.map((s) => s.replace(/[/.]/g, '\\$&')).join('|')})$`);
        // Only peers.js's own imports: the kept library's dependencies (e.g.
        // @peculiar/x509's asn1js) must stay real.
        build.onResolve({ filter }, (args) =>
          args.importer === join(here, 'peers.js') ? { path: args.path, namespace: 'stub' } : undefined,
        );
        build.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
      },
    };
    const res = await esbuild.build({
      stdin: {
        contents: `import { ${e.fn} } from './peers.js';\nexport const csr = () => ${e.fn}(${e.arg});\n`,
        resolveDir: here,
        loader: 'js',
      },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      plugins: [stubPlugin],
      logLevel: 'error',
    });
    const code = res.outputFiles[0].contents;
    writeFileSync(join(work, `size-${lib.replace(/[^a-z0-9]+/gi, '_')}.min.js`), code);
    bundles.push({ lib: e.lib ?? lib, job: e.job, algo: e.algo, code, minBytes: code.length, gzipBytes: gz(code) });
  }
  return bundles;
}

// Runs each size bundle once in the page: proof that it does the job.
async function checkPeerBundles(page, bundles) {
  const samples = [];
  for (const [i, b] of bundles.entries()) {
    const r = await page.evaluate(async (url) => (await import(url)).csr(), `/size/${i}.js`);
    samples.push({ suite: 'min+gzip bundle', name: b.lib, algo: b.algo, csr: r.csr, key: r.key });
  }
  return verifySamples(samples, 'chromium');
}

// ---- the package ------------------------------------------------------------

function filesUnder(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function packageSizes() {
  const files = ['src', 'wasm'].flatMap((d) => filesUnder(join(certkitDir, d)));
  const rows = files.map((f) => {
    const buf = readFileSync(f);
    return { file: f.slice(certkitDir.length + 1), bytes: buf.length, gzipBytes: gz(buf) };
  });
  return { files: rows, gzipBytes: rows.reduce((a, r) => a + r.gzipBytes, 0) };
}

// ---- the static server ------------------------------------------------------

const MIME = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.json': 'application/json' };

// ?rsa makes an RSA-2048 CSR (Web Crypto's key) instead of a P-256 one.
const SIZE_PAGE = `<!doctype html><meta charset="utf-8"><title>certkit: one CSR</title>
<script type="module">
const t0 = performance.now();
const key = location.search === '?rsa' ? { algo: 'rsa', size: 2048 } : { algo: 'ecdsa', size: 256 };
try {
  const ck = await import('/certkit/src/web.js');
  const { csr } = await ck.genkey({ CN: 'web', hosts: ['a.example.com', 'b.example.com', '10.0.0.1', '10.0.0.2'], key });
  window.done = { ms: performance.now() - t0, ok: csr.startsWith('-----BEGIN CERTIFICATE REQUEST-----') };
} catch (e) {
  window.done = { ok: false, error: String(e && e.stack || e) };
}
</script>`;

const BENCH_PAGE = `<!doctype html><meta charset="utf-8"><title>certkit bench</title>
<script type="module">
import * as ck from '/certkit/src/web.js';
import * as peers from '/peers.js';
window.ck = ck;
window.peers = peers;
window.loaded = true;
</script>`;

function serve(peersBundle, sizeBundles) {
  const pkgRoot = certkitDir + sep;
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let body = null;
    let type = 'text/html';
    if (path === '/size.html') body = SIZE_PAGE;
    else if (path === '/bench.html') body = BENCH_PAGE;
    else if (path === '/peers.js') [body, type] = [peersBundle, MIME['.js']];
    else if (/^\/size\/\d+\.js$/.test(path)) [body, type] = [sizeBundles[parseInt(path.slice(6), 10)]?.code ?? null, MIME['.js']];
    else if (path.startsWith('/certkit/')) {
      const file = resolve(certkitDir, path.slice('/certkit/'.length));
      if (file.startsWith(pkgRoot)) {
        try {
          body = readFileSync(file);
          type = MIME[extname(file)] ?? 'application/octet-stream';
        } catch {
          body = null;
        }
      }
    }
    if (body === null) {
      res.writeHead(404).end();
      return;
    }
    // Cross-origin isolation gives the page performance.now() at 5 us
    // instead of 100 us, which matters for ~1 ms operations.
    res.writeHead(200, {
      'Content-Type': type,
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(body);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

// ---- main -------------------------------------------------------------------

async function sizePage(browser, base, query = '') {
  const context = await browser.newContext();
  const page = await context.newPage();
  const bodies = [];
  page.on('response', (r) => bodies.push(r.body().then((b) => ({ url: r.url(), status: r.status(), body: b }))));
  await page.goto(`${base}/size.html${query}`);
  await page.waitForFunction(() => window.done, null, { timeout: 60_000 });
  const done = await page.evaluate(() => window.done);
  if (!done.ok) throw new Error(`the size page made no CSR: ${done.error}`);
  const responses = await Promise.all(bodies);
  await context.close();
  const files = responses
    .filter((r) => new URL(r.url).pathname.startsWith('/certkit/'))
    .map((r) => ({ file: new URL(r.url).pathname.slice('/certkit/'.length), status: r.status, bytes: r.body.length, gzipBytes: gz(r.body) }));
  if (files.some((f) => f.status !== 200)) throw new Error(`the size page failed to load: ${JSON.stringify(files)}`);
  return { coldPageMs: done.ms, files, gzipBytes: files.reduce((a, f) => a + f.gzipBytes, 0) };
}

async function main() {
  const outFile = process.argv[2];
  mkdirSync(work, { recursive: true });

  const bundled = await esbuild.build({
    entryPoints: [join(here, 'peers.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'error',
  });
  const peersBundle = bundled.outputFiles[0].contents;
  const sizeBundles = await peerBundles();
  const server = await serve(peersBundle, sizeBundles);
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    log(`Chromium ${browser.version()} at ${base}`);
    const download = await sizePage(browser, base);
    log(`one P-256 CSR downloads ${download.files.map((f) => `${f.file} ${f.gzipBytes} B gz`).join(', ')}`);
    const downloadRsa = await sizePage(browser, base, '?rsa');
    log(`one RSA-2048 CSR downloads ${downloadRsa.files.map((f) => `${f.file} ${f.gzipBytes} B gz`).join(', ')}`);

    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('console', (m) => log(m.text()));
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    await page.goto(`${base}/bench.html`);
    await page.waitForFunction(() => window.loaded, null, { timeout: 60_000 });
    if (!(await page.evaluate(() => self.crossOriginIsolated))) log('warning: page not cross-origin isolated; timer resolution is 100 us');
    const result = await page.evaluate((r) => window.peers.runAll(window.ck, r, (m) => console.log(m)), rounds);
    for (const line of verifySamples(result.samples, 'chromium')) log(line);
    for (const line of await checkPeerBundles(page, sizeBundles)) log(line);
    delete result.samples;
    result.runtime = `Chromium ${browser.version()}`;
    result.crossOriginIsolated = await page.evaluate(() => self.crossOriginIsolated);
    await context.close();

    const peers = sizeBundles.map(({ lib, job, algo, minBytes, gzipBytes }) => ({ lib, job, algo, minBytes, gzipBytes }));
    result.sizes = { download, downloadRsa, package: packageSizes(), peers };
    const json = JSON.stringify(result, null, 1);
    if (outFile) writeFileSync(outFile, json);
    else console.log(json);
  } finally {
    await browser.close();
    server.close();
  }
}

await main();

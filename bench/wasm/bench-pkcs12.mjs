// certkit's npm pkcs12() against PKI.js building the same PFX, in one
// headless Chromium page (issue #17).
//
//   bash scripts/build-npm.sh && (cd bench/wasm && npm ci) && node bench/wasm/bench-pkcs12.mjs [--write]
//
// The same P-256 leaf, key and CA (tests/data/pkcs12-*.pem), passphrase and
// iteration count; both write what OpenSSL 3 writes: the certificates in an
// EncryptedData and the key in a shrouded bag, each PBES2 (PBKDF2-HMAC-SHA-256,
// AES-256-CBC) on the page's Web Crypto, and an HMAC-SHA-256 MAC over the
// PKCS#12 key derivation. The two alternate in one page, RUNS times each
// after warm-ups; one output of each is opened with `openssl pkcs12` first,
// and must hold the inputs. --write puts the table into BENCHMARKS.md
// between <!-- pkcs12-browser:start --> and <!-- pkcs12-browser:end -->.
// Target: certkit ≤ 1.0× PKI.js.

import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { median, ratioCi, writeSection } from './report.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '../..');
const certkitDir = resolve(process.env.CERTKIT_DIR ?? join(root, 'target/npm/certkit'));
const RUNS = Number(process.env.RUNS ?? 60);
const WARMUP = 5;
const ITERATIONS = [2048, 100000];
const PASSPHRASE = 'correct horse battery staple';
const read = (name) => readFileSync(join(root, 'tests/data', name), 'utf8');
const inputs = { cert: read('pkcs12-leaf.pem'), key: read('pkcs12-leaf-key.pem'), chain: read('pkcs12-ca.pem') };

// PKI.js's PFX, as its PKCS#12 example builds one: the key in a
// PKCS8ShroudedKeyBag (privacy mode 0), the certificates in an EncryptedData
// (privacy mode 1), password-based integrity; local key ID and friendly name
// on both bags, as certkit writes them.
const PEER = `
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
const der = (pem) => Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\\s/g, '')), (c) => c.charCodeAt(0)).buffer;
export async function pkijsPfx({ cert, key, chain }, passphrase, iterations) {
  const password = new TextEncoder().encode(passphrase).buffer;
  const leaf = pkijs.Certificate.fromBER(der(cert));
  const ca = pkijs.Certificate.fromBER(der(chain));
  const pkcs8 = pkijs.PrivateKeyInfo.fromBER(der(key));
  const id = await crypto.subtle.digest('SHA-1', der(cert));
  const attributes = () => [
    new pkijs.Attribute({ type: '1.2.840.113549.1.9.21', values: [new asn1js.OctetString({ valueHex: id })] }),
    new pkijs.Attribute({ type: '1.2.840.113549.1.9.20', values: [new asn1js.BmpString({ value: 'web' })] }),
  ];
  const pfx = new pkijs.PFX({
    parsedValue: {
      integrityMode: 0,
      authenticatedSafe: new pkijs.AuthenticatedSafe({
        parsedValue: {
          safeContents: [
            { privacyMode: 0, value: new pkijs.SafeContents({ safeBags: [new pkijs.SafeBag({
              bagId: '1.2.840.113549.1.12.10.1.2',
              bagValue: new pkijs.PKCS8ShroudedKeyBag({ parsedValue: pkcs8 }),
              bagAttributes: attributes(),
            })] }) },
            { privacyMode: 1, value: new pkijs.SafeContents({ safeBags: [
              new pkijs.SafeBag({ bagId: '1.2.840.113549.1.12.10.1.3', bagValue: new pkijs.CertBag({ parsedValue: leaf }), bagAttributes: attributes() }),
              new pkijs.SafeBag({ bagId: '1.2.840.113549.1.12.10.1.3', bagValue: new pkijs.CertBag({ parsedValue: ca }) }),
            ] }) },
          ],
        },
      }),
    },
  });
  const pbes2 = { password, contentEncryptionAlgorithm: { name: 'AES-CBC', length: 256 }, hmacHashAlgorithm: 'SHA-256', iterationCount: iterations };
  await pfx.parsedValue.authenticatedSafe.parsedValue.safeContents[0].value.safeBags[0].bagValue.makeInternalValues(pbes2);
  await pfx.parsedValue.authenticatedSafe.makeInternalValues({ safeContents: [{}, pbes2] });
  await pfx.makeInternalValues({ password, iterations, pbkdf2HashAlgorithm: 'SHA-256', hmacHashAlgorithm: 'SHA-256' });
  return new Uint8Array(pfx.toSchema().toBER(false));
}
`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>pkcs12 bench</title>
<script type="module">
import * as ck from '/certkit/src/web.js';
import { pkijsPfx } from '/peer.js';
window.ready = (async () => {
  await ck.preload('full');
  window.certkit = (inputs, passphrase, iterations) => ck.pkcs12({ ...inputs, passphrase, name: 'web', iterations });
  window.pkijs = pkijsPfx;
  return true;
})();
</script>`;

const MIME = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

async function main() {
  const peer = await esbuild.build({
    stdin: { contents: PEER, resolveDir: here, loader: 'js' },
    bundle: true, format: 'esm', minify: true, write: false, platform: 'browser', logLevel: 'warning',
  });
  const peerJs = peer.outputFiles[0].text;
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let body = null;
    let type = MIME['.html'];
    if (path === '/') body = PAGE;
    else if (path === '/peer.js') [body, type] = [peerJs, MIME['.js']];
    else if (path.startsWith('/certkit/')) {
      const file = resolve(certkitDir, path.slice('/certkit/'.length));
      if (file.startsWith(certkitDir + sep)) {
        try {
          [body, type] = [readFileSync(file), MIME[extname(file)] ?? 'application/octet-stream'];
        } catch {
          body = null;
        }
      }
    }
    if (body === null) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': type }).end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const results = [];
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.ready);
    await page.evaluate(() => window.ready);
    if (errors.length) throw new Error(errors.join('\n'));
    for (const iterations of ITERATIONS) {
      // One file of each, judged by OpenSSL before anything is timed.
      for (const lib of ['certkit', 'pkijs']) {
        const b64 = await page.evaluate(async ([lib, inputs, pw, it]) => {
          const p12 = await window[lib](inputs, pw, it);
          return btoa(String.fromCharCode(...p12));
        }, [lib, inputs, PASSPHRASE, iterations]);
        check(lib, Buffer.from(b64, 'base64'), iterations);
      }
      const runs = iterations > 10000 ? Math.max(10, RUNS >> 2) : RUNS;
      const times = await page.evaluate(async ([inputs, pw, it, runs, warmup]) => {
        const t = { certkit: [], pkijs: [] };
        for (let i = 0; i < runs + warmup; i++) {
          for (const lib of i % 2 ? ['pkijs', 'certkit'] : ['certkit', 'pkijs']) {
            const start = performance.now();
            await window[lib](inputs, pw, it);
            if (i >= warmup) t[lib].push(performance.now() - start);
          }
        }
        return t;
      }, [inputs, PASSPHRASE, iterations, runs, WARMUP]);
      results.push({ iterations, runs, certkit: times.certkit, pkijs: times.pkijs });
      console.error(`[pkcs12] ${iterations} iterations: certkit ${median(times.certkit).toFixed(2)} ms, PKI.js ${median(times.pkijs).toFixed(2)} ms`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  const version = execFileSync('/usr/bin/chromium', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  const pkijsVersion = JSON.parse(readFileSync(join(here, 'node_modules/pkijs/package.json'), 'utf8')).version;
  const table = report(results, version, pkijsVersion);
  console.log(table);
  if (process.argv.includes('--write')) writeSection('pkcs12-browser', table);
}

// OpenSSL opens the file with the passphrase, reads AES-256-CBC and a
// SHA-256 MAC, and finds the inputs in it.
function check(lib, p12, iterations) {
  const dir = mkdtempSync(join(tmpdir(), 'certkit-p12-bench-'));
  try {
    const file = join(dir, 'out.p12');
    writeFileSync(file, p12);
    const pass = ['-passin', `pass:${PASSPHRASE}`];
    const info = spawnSync('openssl', ['pkcs12', '-in', file, ...pass, '-info', '-noout'], { encoding: 'utf8' });
    const err = info.stderr;
    if (info.status !== 0) throw new Error(`${lib}: OpenSSL cannot open it:\n${err}`);
    if (!err.includes(`AES-256-CBC, Iteration ${iterations}`) || !err.includes(`MAC: sha256, Iteration ${iterations}`)) {
      throw new Error(`${lib}: not AES-256-CBC with a SHA-256 MAC at ${iterations} iterations:\n${err}`);
    }
    const body = (pem) => pem.match(/-----BEGIN CERTIFICATE-----[^-]+/g).sort();
    const certs = execFileSync('openssl', ['pkcs12', '-in', file, ...pass, '-nokeys']).toString();
    if (JSON.stringify(body(certs)) !== JSON.stringify(body(inputs.cert + inputs.chain))) throw new Error(`${lib}: other certificates`);
    const key = execFileSync('openssl', ['pkcs12', '-in', file, ...pass, '-nocerts', '-noenc']).toString();
    const pub = (pem) => execFileSync('openssl', ['pkey', '-pubout'], { input: pem }).toString();
    if (pub(key) !== pub(inputs.key)) throw new Error(`${lib}: another key`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(results, chromiumVersion, pkijsVersion) {
  const date = new Date().toISOString().slice(0, 10);
  const lines = [
    `Written by \`node bench/wasm/bench-pkcs12.mjs --write\` on ${date}, ${cpus().length} cores (load average ${loadavg()[0].toFixed(1)}), ${chromiumVersion} headless, certkit's package from ${certkitDir.replace(root + '/', '')}, PKI.js ${pkijsVersion} (bundled by esbuild). One page: certkit's \`pkcs12()\` and PKI.js's PFX (its PKCS#12 example's layout) alternate, ${WARMUP} warm-ups, then the runs below; medians, and a 95% bootstrap interval of the ratio. The same P-256 leaf, key and CA, passphrase and iterations; both write PBES2 (PBKDF2-HMAC-SHA-256, AES-256-CBC) on Web Crypto and an HMAC-SHA-256 MAC; one file of each is opened with \`openssl pkcs12\` first and holds the inputs. Target (issue #17): certkit ≤ 1.0× PKI.js.`,
    '',
    '| iterations | runs | certkit | PKI.js | certkit / PKI.js (95% interval) |',
    '|---|---|---|---|---|',
  ];
  for (const r of results) {
    const [lo, hi] = ratioCi(r.certkit, r.pkijs);
    const ratio = median(r.certkit) / median(r.pkijs);
    lines.push(`| ${r.iterations.toLocaleString('en-US')} | ${r.runs} | ${median(r.certkit).toFixed(2)} ms | ${median(r.pkijs).toFixed(2)} ms | ${ratio.toFixed(2)}× (${lo.toFixed(2)}–${hi.toFixed(2)}) ${ratio <= 1 ? '✅' : '❌'} |`);
  }
  return lines.join('\n') + '\n';
}

await main();

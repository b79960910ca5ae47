#!/usr/bin/env bash
# certkit's npm package against pkijs, @peculiar/x509, node-forge and
# jsrsasign, in Node and in headless Chromium, plus download sizes (issue #3).
# Writes the section between <!-- wasm-bench:start --> and
# <!-- wasm-bench:end --> of BENCHMARKS.md, then issue #19's tables, one
# script after the other: where the modules' bytes go (sizes.py), cold
# starts in workerd and Chromium against @peculiar/x509 (cold.mjs) and the
# package under load (load.mjs); it leaves the rest of the file alone.
# BENCH_SKIP_19=1 leaves #19's tables out.
#
#   bash bench/wasm/run.sh
#
# CERTKIT_SKIP_NPM_BUILD=1 uses target/npm/certkit-*.tgz as it is; BENCH_QUICK=1
# cuts the rounds for a smoke test (its numbers mean little).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
bench="$root/bench/wasm"
out="$root/target/bench-wasm"
mkdir -p "$out"

# Pinned peers, esbuild and playwright-core, exactly as package-lock.json says.
if ! cmp -s "$bench/package-lock.json" "$bench/node_modules/.package-lock.json.ci" 2>/dev/null; then
  (cd "$bench" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$bench/package-lock.json" "$bench/node_modules/.package-lock.json.ci"
fi
# Debian's Chromium; playwright-core never downloads a browser of its own.
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
if [ "${CERTKIT_SKIP_NPM_BUILD:-}" != 1 ]; then
  bash scripts/build-npm.sh >/dev/null
fi

# Measure a private copy of the packed package: others may rebuild
# target/npm/certkit while this runs, and the .tgz is what npm publishes.
# (A .tgz caught mid-write fails to unpack; try again.)
tgz="$(ls -t target/npm/certkit-*.tgz | head -1)"
for try in 1 2 3 4 5; do
  rm -rf "$out/pkg" && mkdir -p "$out/pkg" && cp "$tgz" "$out/certkit.tgz" \
    && tar -xzf "$out/certkit.tgz" -C "$out/pkg" 2>/dev/null && [ -f "$out/pkg/package/src/web.js" ] && break
  [ "$try" = 5 ] && { echo "cannot unpack $tgz" >&2; exit 1; }
  sleep 10
done
export CERTKIT_DIR="$out/pkg/package"
export BENCH_PKG="$(basename "$tgz"), sha256 $(sha256sum "$out/certkit.tgz" | cut -c1-12)"

# One after the other, never together: the machine has 2 cores.
# BENCH_REPORT_ONLY=1 rewrites the report from the last run's JSON.
if [ "${BENCH_REPORT_ONLY:-}" != 1 ]; then
  node "$bench/bench-node.mjs" "$out/node.json"
  node "$bench/bench-browser.mjs" "$out/browser.json"
fi

export BENCH_DATE="$(date -u +%Y-%m-%d)"
export BENCH_NPROC="$(nproc)"
export BENCH_CPU="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
export BENCH_KERNEL="$(uname -sr)"
export BENCH_QUICK="${BENCH_QUICK:-}"
node --input-type=module - "$out/node.json" "$out/browser.json" "$root/BENCHMARKS.md" <<'EOF'
import { readFileSync, writeFileSync } from 'node:fs';
const [nodeFile, browserFile, mdFile] = process.argv.slice(2);
const runs = [JSON.parse(readFileSync(nodeFile, 'utf8')), JSON.parse(readFileSync(browserFile, 'utf8'))];
const [node, chromium] = runs;
const env = process.env;

const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ratio = (x) => `${x.toFixed(2)}×`;
const mark = (ok) => (ok ? '✅' : '❌');
const bytes = (n) => n.toLocaleString('en-US');
const KB = 1000; // targets in KB of 1000 bytes, the stricter reading
const find = (run, suite, name) => run.suites.find((s) => s.id === suite).cases.find((c) => c.name === name);
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

// 95% interval of a ratio of medians, by bootstrap: resample both cases'
// times with replacement. RSA key generation times spread widely (the prime
// search is luck), so a verdict near the line may be chance; this says so.
function ratioCi(a, b) {
  let seed = 0x5eed;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const med = (xs) => {
    const s = Float64Array.from(xs, () => xs[Math.floor(random() * xs.length)]).sort();
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const rs = Array.from({ length: 2000 }, () => med(a) / med(b)).sort((x, y) => x - y);
  return [rs[Math.floor(rs.length * 0.025)], rs[Math.floor(rs.length * 0.975)]];
}

function verdict(run, suiteId, t) {
  const of = find(run, suiteId, t.of);
  const vs = find(run, suiteId, t.vs);
  if (of.keygen) return pairedVerdict(run, suiteId, t);
  const r = of.median / vs.median;
  const [lo, hi] = ratioCi(of.times, vs.times);
  return `${ratio(r)} ${mark(r <= t.max)} (95% CI ${lo.toFixed(2)}–${hi.toFixed(2)})`;
}

// Where every case waits on the same native key generation, whose time is
// luck (RSA's prime search), the verdict compares the libraries with equal
// luck: each operation's own time (its time minus the time its generateKey
// took, clocked by wrapping it) plus the median generateKey time of the
// whole table. The end-to-end ratio is given beside it.
const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
function keygenSplit(run, suiteId) {
  const suite = run.suites.find((s) => s.id === suiteId);
  for (const c of suite.cases) {
    if (c.keygen.some((k) => !(k > 0))) throw new Error(`${run.runtime} ${suiteId}: ${c.name}'s key generation was not clocked`);
  }
  const own = Object.fromEntries(suite.cases.map((c) => [c.name, c.times.map((x, i) => x - c.keygen[i])]));
  return { own, keygen: suite.cases.flatMap((c) => c.keygen) };
}
function pairedRatio(run, suiteId, t) {
  const { own, keygen } = keygenSplit(run, suiteId);
  const g = med(keygen);
  const r = (g + med(own[t.of])) / (g + med(own[t.vs]));
  let seed = 0x5eed;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const resample = (xs) => med(Array.from(xs, () => xs[Math.floor(random() * xs.length)]));
  const rs = Array.from({ length: 2000 }, () => {
    const gb = resample(keygen);
    return (gb + resample(own[t.of])) / (gb + resample(own[t.vs]));
  }).sort((x, y) => x - y);
  return { r, lo: rs[50], hi: rs[1949] };
}
function pairedVerdict(run, suiteId, t) {
  const { r, lo, hi } = pairedRatio(run, suiteId, t);
  const e2e = find(run, suiteId, t.of).median / find(run, suiteId, t.vs).median;
  const [elo, ehi] = ratioCi(find(run, suiteId, t.of).times, find(run, suiteId, t.vs).times);
  return `${ratio(r)} ${mark(r <= t.max)} with equal key-generation luck (95% CI ${lo.toFixed(3)}–${hi.toFixed(3)}); end to end ${ratio(e2e)} (95% CI ${elo.toFixed(2)}–${ehi.toFixed(2)})`;
}

const targets = [];
for (const suite of node.suites) {
  for (const t of suite.targets) {
    targets.push(`| ${suite.title}: ${t.of} ≤ ${t.max.toFixed(1)}× ${t.vs} | ${runs.map((run) => verdict(run, suite.id, t)).join(' | ')} |`);
  }
}
const sizes = chromium.sizes;
const dl = sizes.download.gzipBytes;
const pkg = sizes.package.gzipBytes;
// Issue #19: each download ≤ 58 KB gzip, below @peculiar/x509's bundle for
// the same job in this run. (#3's complete-package target, 250 KB, is
// withdrawn by #19: a page pays for what it downloads, not for the package.)
const dlRsa = sizes.downloadRsa.gzipBytes;
const peculiar = (algo) => sizes.peers.find((p) => p.lib === '@peculiar/x509' && p.algo === algo)?.gzipBytes;
for (const [what, n, algo] of [['P-256', dl, 'ecdsa'], ['RSA-2048 (Web Crypto key)', dlRsa, 'rsa']]) {
  const peer = peculiar(algo);
  targets.push(`| a page's download for one ${what} CSR (JS glue + wasm) ≤ 58 KB gzip and below @peculiar/x509's ${bytes(peer)} B | — | ${bytes(n)} B ${mark(n <= 58 * KB && n < peer)} |`);
}

// The RSA Web Crypto verdict: what each library adds to generateKey.
function rsaNote() {
  const parts = runs.map((run) => {
    const { own, keygen } = keygenSplit(run, 'rsa-webcrypto');
    const names = ['certkit', '@peculiar/x509 (Web Crypto)', 'pkijs (Web Crypto)'];
    return `${run.runtime}: ${names.map((n) => `${n} ${ms(med(own[n]))} ms`).join(', ')}, on top of a ${ms(med(keygen))} ms median generateKey (${ms(Math.min(...keygen))}–${ms(Math.max(...keygen))} ms)`;
  });
  return `RSA-2048 with Web Crypto: every library waits on the same native generateKey, whose time is luck (the prime search: it spreads over an order of magnitude), so end-to-end medians of a few dozen rounds differ by chance more than by the libraries. The verdict therefore takes each operation's own time — its time minus the time its generateKey call took, clocked by wrapping crypto.subtle.generateKey (and, in Node, node:crypto's generateKeyPair, which certkit uses there) — and adds the median generateKey time of the whole table to each library: the same luck for all. Median own time per operation — ${parts.join('; ')}. The pooled-key table below measures the same thing another way, with generateKey handing out keys made beforehand.`;
}

function suiteTables(run) {
  const lines = [];
  for (const suite of run.suites) {
    const base = find(run, suite.id, suite.base).median;
    const paired = suite.cases[0].keygen ? keygenSplit(run, suite.id) : null;
    lines.push(`**${suite.title}** (${plural(suite.cases[0].runs, 'round')}, ${suite.seconds.toFixed(0)} s)`, '');
    if (paired) {
      lines.push(`| library | median (ms) | min–max (ms) | runs | × ${suite.base} | own time: median without generateKey (ms) | target, with equal key-generation luck |`, '|---|---|---|---|---|---|---|');
    } else {
      lines.push(`| library | median (ms) | min–max (ms) | runs | × ${suite.base} | target |`, '|---|---|---|---|---|---|');
    }
    for (const c of suite.cases) {
      const t = suite.targets.find((x) => x.of === c.name);
      const r = paired && t ? pairedRatio(run, suite.id, t).r : c.median / base;
      const goal = t ? `${paired ? `${ratio(r)}, ` : ''}≤ ${t.max.toFixed(1)}× ${mark(r <= t.max)}` : '';
      const own = paired ? ` ${ms(med(paired.own[c.name]))} |` : '';
      lines.push(`| ${c.name} | ${ms(c.median)} | ${ms(c.min)}–${ms(c.max)} | ${c.runs} | ${ratio(c.median / base)} |${own} ${goal} |`);
    }
    lines.push('');
  }
  return lines;
}

const md = [
  `Written by \`bench/wasm/run.sh\` on ${env.BENCH_DATE}, on ${env.BENCH_NPROC} cores (nproc) of ${env.BENCH_CPU}, ${env.BENCH_KERNEL}; ${node.runtime}; ${chromium.runtime} headless (Debian's, driven by playwright-core, page served from 127.0.0.1${chromium.crossOriginIsolated ? ', cross-origin isolated for a 5 µs timer' : ''}). certkit ${node.certkitVersion}: target/npm/${env.BENCH_PKG} (scripts/build-npm.sh), unpacked.${env.BENCH_QUICK ? ' **BENCH_QUICK run: too few rounds to mean much.**' : ''}`,
  '',
  'Reproduce with `bash bench/wasm/run.sh`.',
  '',
  'One operation: a key pair, a CSR for CN=web with 2 DNS and 2 IP SANs, and PEM export of the CSR and the private key (PKCS#8). In each runtime every library of a table runs in the same process or page, round-robin (each round in a new seeded-shuffled order) after warm-up rounds; times are medians of performance.now() around one whole operation, and each target ratio comes with a bootstrap 95% interval. One output per library and runtime, taken outside the timed loops, is checked with `openssl req -verify` (self-signature), its subject and SANs, and that the private key is the CSR\'s. "certkit" is the default `genkey(request)`: the platform makes the key and the signature (Web Crypto in Chromium, node:crypto in Node), certkit\'s wasm builds the CSR; "certkit {keygen:\'wasm\'}" makes the key in wasm too. The Web Crypto rows are floors, not libraries: `generateKey` alone, and the Web Crypto calls certkit makes where it uses Web Crypto (generateKey, a PKCS#8 and an SPKI export, a signature and its verification). In Node the pooled-key RSA table has no certkit row: certkit makes keys with node:crypto there, which a pool of Web Crypto keys cannot serve.',
  '',
  '### Targets',
  '',
  '| target | Node | Chromium |',
  '|---|---|---|',
  ...targets,
  '',
  rsaNote(),
  '',
  `### ${node.runtime}`,
  '',
  ...suiteTables(node),
  `### ${chromium.runtime} (headless)`,
  '',
  ...suiteTables(chromium),
  "### Where certkit's P-256 time goes",
  '',
  `certkit's default P-256 \`genkey\` run ${node.suites[0].cases[0].runs} more times alone, back to back, with \`crypto.subtle\`'s methods wrapped: the time during which a Web Crypto call is pending (and each method's own time, summed per operation), and the rest (certkit's wasm — request parsing, CSR encoding, key and signature checks — its JS glue and promise hops). Medians; without the other libraries' garbage between calls, so below the round-robin median. Cold: the first call in a fresh process or page, loading and compiling the wasm.`,
  '',
  '| runtime | total (ms) | in Web Crypto (ms) | of which generateKey | exportKey ×2 (concurrent) | sign | wasm + glue (ms) | cold first call (ms) |',
  '|---|---|---|---|---|---|---|---|',
  ...runs.map(({ runtime, phases: p, coldFirstCallMs }) =>
    `| ${runtime} | ${ms(p.total)} | ${ms(p.webcrypto)} | ${ms(p.generateKey)} | ${ms(p.exportKey)} | ${ms(p.sign)} | ${ms(p.wasmAndGlue)} | ${ms(coldFirstCallMs)} |`),
  '',
  `A fresh Chromium page that imports certkit and makes one P-256 CSR: ${ms(sizes.download.coldPageMs)} ms from the first line of its script to the CSR.`,
  '',
  '### Sizes',
  '',
  "What a page downloads to make one P-256 CSR, and one RSA-2048 CSR with Web Crypto's key, from the responses Chromium recorded for a fresh page that imports certkit's `src/web.js` and calls `genkey` once (each body gzip -9):",
  '',
  '| CSR | file | bytes | gzip -9 |',
  '|---|---|---|---|',
  ...[['P-256', sizes.download], ['RSA-2048', sizes.downloadRsa]].flatMap(([what, d]) => [
    ...d.files.map((f) => `| ${what} | ${f.file} | ${bytes(f.bytes)} | ${bytes(f.gzipBytes)} |`),
    `| ${what} | **total** | ${bytes(d.files.reduce((a, f) => a + f.bytes, 0))} | **${bytes(d.gzipBytes)}** |`,
  ]),
  '',
  'The complete package, every file under src/ and wasm/, each gzip -9:',
  '',
  '| file | bytes | gzip -9 |',
  '|---|---|---|',
  ...sizes.package.files.map((f) => `| ${f.file} | ${bytes(f.bytes)} | ${bytes(f.gzipBytes)} |`),
  `| **total** | ${bytes(sizes.package.files.reduce((a, f) => a + f.bytes, 0))} | **${bytes(pkg)}** |`,
  '',
  'Peers, the same job as one esbuild bundle each (a tiny entry that makes the CSR; `--bundle --minify --format=esm --platform=browser`, then gzip -9); each bundle was run once in Chromium and its CSR checked with openssl:',
  '',
  '| library | job | minified | min + gzip |',
  '|---|---|---|---|',
  ...sizes.peers.map((p) => `| ${p.lib} | ${p.job} | ${bytes(p.minBytes)} | ${bytes(p.gzipBytes)} |`),
  '',
].join('\n');

const START = '<!-- wasm-bench:start -->';
const END = '<!-- wasm-bench:end -->';
let doc = readFileSync(mdFile, 'utf8');
const a = doc.indexOf(START);
const b = doc.indexOf(END);
if (a < 0 || b < a) {
  doc = `${doc.replace(/\n*$/, '\n')}\n## npm package (issue #3)\n\n${START}\n${md}${END}\n`;
} else {
  doc = `${doc.slice(0, a + START.length)}\n${md}${doc.slice(b)}`;
}
writeFileSync(mdFile, doc);
console.log(md);
EOF

# Issue #19's tables, each written into its own section of BENCHMARKS.md.
if [ "${BENCH_REPORT_ONLY:-}" != 1 ] && [ "${BENCH_SKIP_19:-}" != 1 ]; then
  if [ ! -x tests/npm/node_modules/.bin/workerd ] || [ tests/npm/package-lock.json -nt tests/npm/node_modules/.package-lock.json ]; then
    (cd tests/npm && npm ci --silent --no-audit --no-fund)
  fi
  cargo build -q -p certkit --locked
  python3 "$bench/sizes.py" --write >/dev/null
  node "$bench/cold.mjs" --write
  node "$bench/load.mjs" --write
fi

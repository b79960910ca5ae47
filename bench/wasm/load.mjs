// The package under load (issue #19): 10,000 signing requests to one workerd
// Worker from 8 clients, and 10,000 genkey + certinfo operations in Node;
// every tenth hostile. The checks are tests/npm/load.mjs's (the test runs
// 1,000 in CI); this writes the figures between <!-- load:start --> and
// <!-- load:end --> of BENCHMARKS.md.
//
//   bash scripts/build-npm.sh && cargo build -p certkit && (cd tests/npm && npm ci) \
//     && node bench/wasm/load.mjs [--write]
//
// REQUESTS=N changes the count.

import assert from 'node:assert/strict';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSection } from './report.mjs';
import { MEMORY_SLACK, WARM, checkMemory, nodeLoad, workerLoad } from '../../tests/npm/load.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const certkit = process.env.CERTKIT_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug/certkit');
const REQUESTS = Number(process.env.REQUESTS ?? 10000);

const runs = [];
for (const [where, fn, job] of [
  ['workerd (one Worker)', workerLoad, '`sign` of a P-256 CSR with a P-256 CA key, one POST each'],
  ['Node (in-process)', nodeLoad, '`genkey` (P-256) then `certinfo` of its CSR'],
]) {
  const load = loadavg()[0];
  const r = await fn({ requests: REQUESTS, certkit });
  assert.deepEqual(r.failures.slice(0, 10), [], `${where}: failures`);
  checkMemory(r.memory);
  runs.push({ where, job, load, ...r });
  console.error(`[load] ${where}: median ${r.median.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.perSecond.toFixed(0)}/s`);
}

const kib = (n) => (n === null ? '–' : `${(n / 1024).toLocaleString('en-US')} KiB`);
const mem = (m) => ['lite', 'full'].filter((k) => m[k] !== null).map((k) => `${k} ${kib(m[k])}`).join(', ');
const lines = [
  `Written by \`node bench/wasm/load.mjs --write\` on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores; certkit's packed package installed in a fresh project. ${REQUESTS.toLocaleString('en-US')} operations from 8 concurrent clients, every tenth a hostile CSR from tests/data/bad (each answered with the core's message for that file, word for word: 400 from the Worker, a rejection in Node); every good reply checked (the Worker's certificates: signed by the CA, for that CSR's key, no serial twice). Latency is per operation as the client sees it (the Worker's includes the HTTP round trip on 127.0.0.1 and queueing behind the other 7 clients: one Worker runs one request at a time). Memory: the wasm linear memory of each loaded module (\`memoryUsage()\`) after ${WARM} operations and at the end; the bound is +${MEMORY_SLACK / 1024 / 1024} MiB. The CI test (tests/npm/load.test.mjs) runs 1,000 with the same checks.`,
  '',
  '| where | operation | operations | median | p99 | throughput | wasm memory after 500 → at the end | hostile inputs |',
  '|---|---|---|---|---|---|---|---|',
  ...runs.map(
    (r) =>
      `| ${r.where} | ${r.job} | ${r.requests.toLocaleString('en-US')} | ${r.median.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${r.perSecond.toFixed(0)}/s | ${mem(r.memory.warm)} → ${mem(r.memory.end)} ✅ | ${Math.floor(r.requests / 10).toLocaleString('en-US')} from ${r.hostileFiles} files, all refused as expected |`,
  ),
  '',
  `Load average at the start of each run: ${runs.map((r) => `${r.where} ${r.load.toFixed(1)}`).join(', ')}.`,
];
const table = lines.join('\n') + '\n';
console.log(table);
if (process.argv.includes('--write')) writeSection('load', table);

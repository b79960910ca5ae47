// The package under load, short form (issue #19): 1,000 requests to one
// workerd Worker signing CSRs from 8 clients, and 1,000 genkey + certinfo
// operations in Node; every tenth a hostile input. See load.mjs for what is
// checked; bench/wasm/load.mjs runs 10,000 and writes BENCHMARKS.md.
//
// Needs: target/npm/certkit-*.tgz (scripts/build-npm.sh), the certkit CLI
// (CERTKIT_BIN, default target/debug/certkit), workerd (npm ci here).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkMemory, nodeLoad, workerLoad } from './load.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const certkit = process.env.CERTKIT_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug/certkit');
const REQUESTS = Number(process.env.LOAD_REQUESTS ?? 1000);

test(`workerd: ${REQUESTS} signing requests from 8 clients, every tenth hostile; wasm memory flat after 500`, { timeout: 600_000 }, async () => {
  const r = await workerLoad({ requests: REQUESTS, certkit });
  assert.deepEqual(r.failures.slice(0, 10), []);
  assert.equal(r.good + r.hostile, REQUESTS);
  assert.equal(r.hostile, Math.floor(REQUESTS / 10));
  checkMemory(r.memory);
  console.log(`workerd: median ${r.median.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.perSecond.toFixed(0)}/s; memory ${JSON.stringify(r.memory)}`);
});

test(`node: ${REQUESTS} genkey + certinfo operations from 8 loops, every tenth hostile; wasm memory flat after 500`, { timeout: 600_000 }, async () => {
  const r = await nodeLoad({ requests: REQUESTS, certkit });
  assert.deepEqual(r.failures.slice(0, 10), []);
  checkMemory(r.memory);
  console.log(`node: median ${r.median.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.perSecond.toFixed(0)}/s; memory ${JSON.stringify(r.memory)}`);
});

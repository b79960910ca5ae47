// The package under load (issue #19), shared by tests/npm/load.test.mjs (a
// short run in CI) and bench/wasm/load.mjs (the full run, into
// BENCHMARKS.md). Everything stays on 127.0.0.1 and is bounded in count.
//
//  - workerLoad: one workerd Worker that signs CSRs with `sign` (a P-256 CA
//    key) serves REQUESTS from CLIENTS concurrent clients; every tenth
//    request carries a hostile CSR from tests/data/bad. Good replies must be
//    certificates the CA signed for that CSR's key, each serial once;
//    hostile ones a 400 whose body is the core's message for that file,
//    word for word (as the package says it in Node, in a fresh process).
//  - nodeLoad: the same kind of loop in Node, in-process: genkey, then
//    certinfo of what it made, every tenth certinfo on a hostile input.
// Both read the wasm memory of each module (memoryUsage()) after the first
// 500 operations and at the end: it may not grow by more than 1 MiB in
// between (checkMemory).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { installedProject } from './packed.mjs';
import { retry, startWorkerd } from './local.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const corpus = join(root, 'tests/data/bad');
export const WARM = 500; // operations before the first memory reading
export const MEMORY_SLACK = 1024 * 1024;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

/** The package as a user installs it, imported in this process. */
async function packageInNode(project) {
  return import(pathToFileURL(join(project, 'node_modules/certkit/src/node.js')).href);
}

/**
 * The hostile CSRs of tests/data/bad that `sign` refuses, each with the
 * message the package gives for it (read in this process, before any load).
 */
async function hostileCsrs(ck, ca) {
  const out = [];
  for (const name of readdirSync(corpus).filter((f) => f.startsWith('csr-')).sort()) {
    const bytes = new Uint8Array(readFileSync(join(corpus, name)));
    try {
      await ck.sign(bytes, ca.cert, ca.key);
    } catch (e) {
      assert.doesNotMatch(e.message, /internal error/, `${name}: ${e.message}`);
      out.push({ name, bytes, message: e.message });
    }
  }
  assert.ok(out.length >= 20, `only ${out.length} hostile CSRs in ${corpus}`);
  return out;
}

/** A CA made by the certkit CLI, and the public key to check its signatures. */
function makeCa(certkit, dir) {
  writeFileSync(join(dir, 'ca-csr.json'), JSON.stringify({ CN: 'Load Test CA', key: { algo: 'ecdsa', size: 256 } }));
  const { cert, key } = JSON.parse(execFileSync(certkit, ['gencert', '-initca', join(dir, 'ca-csr.json')]));
  return { cert, key, publicKey: createPublicKey(cert) };
}

/**
 * Runs `requests` operations over `clients` concurrent loops; `op(i)`
 * resolves to anything, and its time is recorded. `at(count)` runs once when
 * `count` operations have finished and none is under way (a barrier).
 */
async function drive(requests, clients, op, atWarm) {
  const times = new Array(requests);
  const phase = async (from, to) => {
    let next = from;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let i = next++; i < to; i = next++) {
          const start = performance.now();
          await op(i);
          times[i] = performance.now() - start;
        }
      }),
    );
  };
  const started = performance.now();
  await phase(0, Math.min(WARM, requests));
  const warm = await atWarm();
  await phase(Math.min(WARM, requests), requests);
  const seconds = (performance.now() - started) / 1000;
  return { times, warm, seconds };
}

function summary(times, seconds) {
  return {
    median: median(times),
    p99: percentile(times, 0.99),
    max: Math.max(...times),
    perSecond: times.length / seconds,
  };
}

/** One workerd Worker signing CSRs under load. */
export async function workerLoad({ requests, clients = 8, certkit }) {
  const project = installedProject('certkit-load-');
  const workerd = { stop() {} };
  try {
    const ck = await packageInNode(project);
    const ca = makeCa(certkit, project);
    writeFileSync(join(project, 'ca.mjs'), `export const CA = ${JSON.stringify({ cert: ca.cert, key: ca.key })};\n`);
    writeFileSync(
      join(project, 'worker.mjs'),
      `import * as ck from 'certkit';
import { CA } from './ca.mjs';
export default {
  async fetch(request) {
    if (new URL(request.url).pathname === '/memory') return Response.json(await ck.memoryUsage());
    const csr = new Uint8Array(await request.arrayBuffer());
    try {
      const { cert } = await ck.sign(csr, CA.cert, CA.key);
      return new Response(cert, { headers: { 'content-type': 'application/x-pem-file' } });
    } catch (e) {
      return new Response(e.message, { status: 400 });
    }
  },
};
`,
    );
    const hostile = await hostileCsrs(ck, ca);
    // Good CSRs, each for its own key (the reply must name that key).
    const good = [];
    for (let i = 0; i < 16; i++) {
      const { csr, key } = await ck.genkey({ CN: `load-${i}.example.com`, hosts: [`load-${i}.example.com`] });
      good.push({ csr: new TextEncoder().encode(csr), cn: `load-${i}.example.com`, spki: createPublicKey(key).export({ type: 'spki', format: 'der' }) });
    }
    Object.assign(workerd, await startWorkerd(project, ['worker.mjs', 'ca.mjs']));
    const origin = `http://127.0.0.1:${workerd.port}`;
    const memory = async () => (await fetch(`${origin}/memory`)).json();
    await retry(() => fetch(`${origin}/memory`), 60_000, () => workerd.exited() !== null && `workerd exited with ${workerd.exited()}`);

    const serials = new Set();
    const failures = [];
    let goodCount = 0;
    let hostileCount = 0;
    const op = async (i) => {
      const isHostile = i % 10 === 9;
      const item = isHostile ? hostile[Math.floor(i / 10) % hostile.length] : good[i % good.length];
      const res = await fetch(origin, { method: 'POST', body: isHostile ? item.bytes : item.csr });
      const body = await res.text();
      if (isHostile) {
        hostileCount++;
        if (res.status !== 400 || body !== item.message) {
          failures.push(`request ${i} (${item.name}): ${res.status} ${JSON.stringify(body.slice(0, 200))}, expected 400 ${JSON.stringify(item.message.slice(0, 200))}`);
        }
        return;
      }
      goodCount++;
      if (res.status !== 200) {
        failures.push(`request ${i} (${item.cn}): ${res.status} ${body.slice(0, 200)}`);
        return;
      }
      const cert = new X509Certificate(body);
      const ok =
        cert.verify(ca.publicKey) &&
        cert.subject.includes(`CN=${item.cn}`) &&
        cert.publicKey.export({ type: 'spki', format: 'der' }).equals(item.spki) &&
        !serials.has(cert.serialNumber);
      serials.add(cert.serialNumber);
      if (!ok) failures.push(`request ${i} (${item.cn}): a certificate that is not the CA's for this CSR, or a repeated serial`);
    };
    const { times, warm, seconds } = await drive(requests, clients, op, memory);
    const end = await memory();
    assert.equal(workerd.exited(), null, 'workerd exited during the run');
    return { requests, clients, good: goodCount, hostile: hostileCount, hostileFiles: hostile.length, failures, memory: { warm, end }, ...summary(times, seconds) };
  } finally {
    workerd.stop();
    rmSync(project, { recursive: true, force: true });
  }
}

/** genkey and certinfo in a loop in Node, in this process. */
export async function nodeLoad({ requests, clients = 8, certkit }) {
  const project = installedProject('certkit-load-node-');
  try {
    const ck = await packageInNode(project);
    const ca = makeCa(certkit, project);
    const hostile = await hostileCsrs(ck, ca);
    const expected = new Map();
    for (const h of hostile) {
      try {
        await ck.certinfo(h.bytes);
      } catch (e) {
        expected.set(h.name, e.message);
      }
    }
    const refused = hostile.filter((h) => expected.has(h.name));
    assert.ok(refused.length >= 10, `only ${refused.length} hostile CSRs that certinfo refuses`);
    const failures = [];
    const op = async (i) => {
      if (i % 10 === 9) {
        const h = refused[Math.floor(i / 10) % refused.length];
        try {
          await ck.certinfo(h.bytes);
          failures.push(`operation ${i} (${h.name}): certinfo resolved`);
        } catch (e) {
          if (e.message !== expected.get(h.name)) failures.push(`operation ${i} (${h.name}): ${e.message}`);
        }
        return;
      }
      const cn = `node-${i}.example.com`;
      const { csr, key } = await ck.genkey({ CN: cn, hosts: [cn] });
      const info = await ck.certinfo(csr);
      if (info.subject?.common_name !== cn || !key.startsWith('-----BEGIN PRIVATE KEY-----')) {
        failures.push(`operation ${i}: certinfo says ${JSON.stringify(info.subject)}`);
      }
    };
    const { times, warm, seconds } = await drive(requests, clients, op, () => ck.memoryUsage());
    const end = await ck.memoryUsage();
    return { requests, clients, hostileFiles: refused.length, failures, memory: { warm, end }, ...summary(times, seconds) };
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

/** The end-of-run memory of each loaded module is within MEMORY_SLACK of its reading after WARM operations. */
export function checkMemory({ warm, end }) {
  for (const m of ['lite', 'full']) {
    if (warm[m] === null) continue;
    assert.ok(end[m] <= warm[m] + MEMORY_SLACK, `the ${m} module's memory grew from ${warm[m]} to ${end[m]} bytes after ${WARM} operations`);
  }
}

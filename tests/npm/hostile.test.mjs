// The hostile-input corpus (tests/data/bad, made by its make.py; its
// README says what each family exercises) through the npm package, as
// tests/flows/hostile.rs sends it through the CLI.
//
// Every file, and a 10 MB buffer made here, goes to each package function
// that takes that kind of input (chosen by the file name's prefix). Every
// call must reject with an `Error` whose message is non-empty, is not the
// package's "internal error" (a panic in the wasm) and carries no private
// key; it must settle within TIME_LIMIT_MS and grow the worker's
// `external` memory (where V8 counts WebAssembly.Memory, i.e. the wasm
// heap, which never shrinks) by at most MEMORY_LIMIT_BYTES. The slowest
// call and the memory use are reported (`node --test` prints them as
// diagnostics).
//
// The calls run in a worker thread: wasm runs synchronously, so a call
// that never returns can only be stopped by terminating its thread. The
// main thread gives each call KILL_MS, then terminates the worker, records
// the hang and carries on in a fresh one. A fresh worker is also started
// after a wasm panic (the instance is not trusted afterwards) and after a
// call that grew the wasm memory past the limit.
//
// Needs: target/npm/certkit (bash scripts/build-npm.sh) and openssl (to
// make the test CA from a committed test key).
//
//   node --test tests/npm/hostile.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const entry = join(root, 'target/npm/certkit/src/node.js');
const corpus = join(root, 'tests/data/bad');
const fixtures = join(root, 'tests/data');

const TIME_LIMIT_MS = 5_000; // the aim is well under a second; loaded 2-core machines are slow
const KILL_MS = 20_000; // after this a call is a hang: its worker is terminated
const MEMORY_LIMIT_BYTES = 64 * 1024 * 1024; // the allocation budget, per call
const BIG_LEN = 10 * 1024 * 1024; // ten times the core's 1 MiB input limit
const PASSPHRASE = 'hostile'; // what make.py encrypts the corpus's keys with

// The package calls, by name. `b` is the file's bytes; `fx` the fixtures:
// a good CSR, a CA certificate and its key, and the RSA key the corpus's
// own (broken) CA certificates were made with.
const text = (b) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(b); // bad bytes become U+FFFD
const K8S_OPTIONS = { name: 'n', signerName: 'example.com/x' };
const CALLS = {
  certinfo: (ck, b) => ck.certinfo(b),
  'sign(csr)': (ck, b, fx) => ck.sign(b, fx.caCert, fx.caKey),
  kubernetesCsr: (ck, b) => ck.kubernetesCsr(b, K8S_OPTIONS),
  // With a request: the kube module reads the CSR's elements first.
  'kubernetesCsr(request)': (ck, b) => ck.kubernetesCsr(b, { ...K8S_OPTIONS, request: { CN: 'x' } }),
  'keyMatches(csr)': (ck, b, fx) => ck.keyMatches(b, fx.caKey),
  'sign(caCert)': (ck, b, fx) => ck.sign(fx.goodCsr, b, fx.rsaKey),
  'keyMatches(cert)': (ck, b, fx) => ck.keyMatches(b, fx.rsaKey),
  decryptKey: (ck, b) => ck.decryptKey(b, PASSPHRASE),
  encryptKey: (ck, b) => ck.encryptKey(b, PASSPHRASE),
  // A plain PKCS#8 goes to the lite module (its structure only), the rest
  // to the full one.
  'encryptKey(pbkdf2)': (ck, b) => ck.encryptKey(b, PASSPHRASE, { kdf: 'pbkdf2' }),
  'keyMatches(key)': (ck, b, fx) => ck.keyMatches(fx.caCert, b),
  'sign(caKey)': (ck, b, fx) => ck.sign(fx.goodCsr, fx.caCert, b),
  checkRequest: (ck, b) => ck.checkRequest(text(b)),
  genkey: (ck, b) => ck.genkey(text(b)),
  'sign(config)': (ck, b, fx) => ck.sign(fx.goodCsr, fx.caCert, fx.caKey, text(b)),
  // Kubernetes objects: the package makes them but reads none, so a
  // request inside one is what it could be handed (Node's base64 decoder
  // skips what is not base64, as a hurried caller's would).
  'kubernetesCsr(spec.request)': (ck, b) => ck.kubernetesCsr(specRequest(b), K8S_OPTIONS),
};

function specRequest(b) {
  const request = JSON.parse(text(b))?.spec?.request;
  // A harness mistake must not pass for the package's rejection.
  if (typeof request !== 'string') throw new Error('HARNESS: this k8s-request-* file has no string spec.request');
  return new Uint8Array(Buffer.from(request, 'base64'));
}

const AS_CSR = ['certinfo', 'sign(csr)', 'kubernetesCsr', 'kubernetesCsr(request)', 'keyMatches(csr)'];
const AS_CERT = ['certinfo', 'sign(caCert)', 'keyMatches(cert)'];
const AS_KEY = ['decryptKey', 'encryptKey', 'encryptKey(pbkdf2)', 'keyMatches(key)', 'sign(caKey)'];
const AS_CSR_JSON = ['checkRequest', 'genkey'];
const AS_CONFIG = ['sign(config)'];
const uniq = (a) => [...new Set(a)];

/** The calls for a corpus file, by its name's prefix (as hostile.rs routes the CLI). */
function callsFor(name) {
  if (name.startsWith('csr-')) return AS_CSR;
  if (name.startsWith('cert-')) return AS_CERT;
  if (name.startsWith('key-')) return AS_KEY;
  if (name.startsWith('der-') || name.startsWith('pem-')) return uniq([...AS_CSR, ...AS_CERT, ...AS_KEY]);
  if (name.startsWith('json-csr-')) return AS_CSR_JSON;
  if (name.startsWith('json-config-')) return AS_CONFIG;
  if (name.startsWith('json-')) return [...AS_CSR_JSON, ...AS_CONFIG];
  // Only k8s-request-* objects carry a request that is itself hostile (not
  // always a broken one: a certificate is fine for certinfo, not as a CSR).
  if (name.startsWith('k8s-request-')) return ['certinfo', 'kubernetesCsr(spec.request)'];
  if (name.startsWith('k8s-')) return ['certinfo'];
  if (name === 'big') return uniq([...AS_CSR, ...AS_CERT, ...AS_KEY, ...AS_CSR_JSON, ...AS_CONFIG]);
  throw new Error(`${name}: no package call reads this prefix (see tests/data/bad/README.md)`);
}

/** 10 MB of a kubectl-style List of empty objects, as hostile.rs makes it. */
function bigInput() {
  const head = '{"apiVersion":"v1","kind":"List","items":[';
  const n = Math.floor((BIG_LEN - head.length - 4) / 3);
  return new TextEncoder().encode(head + '{},'.repeat(n) + '{}]}');
}

// --- the worker: runs one call at a time, reports how it went ----------------

async function workerMain() {
  const ck = await import(pathToFileURL(workerData.entry).href);
  const fx = workerData.fixtures;
  let big = null;
  parentPort.on('message', async (job) => {
    const input = job.big ? (big ??= bigInput()) : new Uint8Array(readFileSync(job.path));
    const before = process.memoryUsage();
    const start = performance.now();
    let report;
    try {
      const value = await CALLS[job.call](ck, input, fx);
      report = { settled: 'resolved', value: JSON.stringify(value)?.slice(0, 200) };
    } catch (e) {
      report = { settled: 'rejected', isError: e instanceof Error, message: String(e?.message ?? e) };
    }
    const ms = performance.now() - start;
    const after = process.memoryUsage();
    parentPort.postMessage({
      id: job.id,
      ...report,
      ms,
      externalGrowth: after.external - before.external,
      external: after.external,
      rss: after.rss,
      heapUsed: after.heapUsed,
    });
  });
  parentPort.postMessage({ ready: true });
}

// --- the main thread ---------------------------------------------------------

/** A worker that runs jobs one at a time; `run` resolves to its report or `{ hang: true }`. */
class Runner {
  constructor(fixtureData) {
    this.fixtures = fixtureData;
    this.nextId = 0;
    this.started = 0;
  }

  async start() {
    this.started += 1;
    const worker = new Worker(new URL(import.meta.url), { workerData: { entry, fixtures: this.fixtures } });
    // Each worker has its own map of waiting calls, so a terminated
    // worker's late events cannot settle its successor's calls.
    const pending = new Map();
    worker.on('message', (m) => pending.get(m.ready ? 'ready' : m.id)?.(m));
    worker.on('error', (e) => {
      for (const done of pending.values()) done({ crashed: String(e?.stack ?? e) });
    });
    worker.on('exit', (code) => {
      for (const done of pending.values()) done({ crashed: `worker exited with code ${code}` });
    });
    await new Promise((ok, fail) => pending.set('ready', (m) => (m.ready ? ok() : fail(new Error(m.crashed)))));
    pending.delete('ready');
    this.worker = worker;
    this.pending = pending;
  }

  async run(job) {
    const id = this.nextId++;
    let timer;
    const report = await new Promise((done) => {
      this.pending.set(id, done);
      timer = setTimeout(() => done({ hang: true }), KILL_MS);
      this.worker.postMessage({ id, ...job });
    });
    clearTimeout(timer);
    this.pending.delete(id);
    // After a hang or a wasm panic this worker is not trusted again; after
    // a blow-up its wasm memory stays grown (it never shrinks), which
    // would blur every later figure.
    const panicked = /internal error/.test(report.message ?? '');
    if (report.hang || report.crashed || panicked || report.externalGrowth > MEMORY_LIMIT_BYTES) {
      this.pending.clear();
      await this.worker.terminate();
      await this.start();
    }
    return report;
  }

  stop() {
    this.pending.clear();
    return this.worker.terminate();
  }
}

const PRIVATE_KEY_ARMOUR = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

// certinfo describes, and keyMatches compares, a CSR OpenSSL reads even
// where certkit would not sign it (a weak key, an odd SAN): for those calls
// on such a file a description (or true/false) is allowed — never for input
// OpenSSL cannot read.
const DESCRIBING = { certinfo: (v) => v.startsWith('{"subject"'), 'keyMatches(csr)': (v) => v === 'true' || v === 'false' };

function opensslReadsCsr(path) {
  return ['PEM', 'DER'].some((form) => {
    try {
      execFileSync('openssl', ['req', '-noout', '-inform', form, '-in', path], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
}

/** What is wrong with a call's outcome (nothing, for a clear, quick, small rejection). */
function problems(r, job) {
  if (r.hang) return [`did not settle within ${KILL_MS / 1000} s (worker terminated)`];
  if (r.crashed) return [`the worker crashed: ${r.crashed.slice(0, 300)}`];
  const out = [];
  const describes = job.mayDescribe && DESCRIBING[job.call];
  if (r.settled !== 'rejected') {
    if (!describes) out.push(`resolved instead of rejecting: ${r.value}`);
    else if (!describes(r.value ?? '')) out.push(`resolved with something that is not a description: ${r.value}`);
  } else {
    if (!r.isError) out.push('rejected with something that is not an Error');
    if (!r.message.trim()) out.push('empty message');
    if (/internal error|RuntimeError|unreachable/.test(r.message)) out.push('a panic inside the wasm');
    if (PRIVATE_KEY_ARMOUR.test(r.message)) out.push('the message carries a private key');
    // Values quoted from the input are escaped by the core: no NUL, escape
    // sequence or line break of the input reaches Error.message.
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f-\u009f]/.test(r.message)) out.push('the message holds a control character');
    if (r.message.startsWith('HARNESS')) out.push('the test could not make this call');
  }
  if (r.ms > TIME_LIMIT_MS) out.push(`took ${(r.ms / 1000).toFixed(2)} s`);
  if (r.externalGrowth > MEMORY_LIMIT_BYTES) out.push(`grew the wasm memory by ${mib(r.externalGrowth)}`);
  if (out.length && r.message) out.push(`message: ${r.message.slice(0, 300)}`);
  return out;
}

const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;

/**
 * The CA the calls sign with: a self-signed certificate (made by OpenSSL,
 * since the package has no `gencert -initca`) for the committed EC test key.
 */
function makeFixtures() {
  const caKeyPath = join(fixtures, 'openssl-ec-sec1.pem');
  const caCert = execFileSync('openssl', [
    'req', '-x509', '-new', '-key', caKeyPath, '-subj', '/CN=certkit npm hostile test CA', '-days', '2',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]).toString();
  return {
    goodCsr: readFileSync(join(fixtures, 'csr-openssl-p256.pem'), 'utf8'),
    caCert,
    caKey: readFileSync(caKeyPath, 'utf8'),
    rsaKey: readFileSync(join(fixtures, 'openssl-rsa-pkcs1.pem'), 'utf8'),
  };
}

if (!isMainThread) {
  await workerMain();
} else {
  test('every hostile input is refused by the npm package: an Error, quickly, in bounded memory', async (t) => {
    assert.ok(existsSync(entry), `${entry} is missing; run bash scripts/build-npm.sh`);
    const fx = makeFixtures();

    // The harness itself works: the same CA signs a good CSR.
    const ck = await import(pathToFileURL(entry).href);
    const good = await ck.sign(fx.goodCsr, fx.caCert, fx.caKey);
    assert.match(good.cert, /BEGIN CERTIFICATE/);
    assert.equal(await ck.keyMatches(fx.caCert, fx.caKey), true);

    const files = readdirSync(corpus).filter((f) => f !== 'make.py' && f !== 'README.md').sort();
    assert.ok(files.length >= 60, `tests/data/bad holds ${files.length} files; run tests/data/bad/make.py`);
    const jobs = [
      ...files.flatMap((f) => {
        const readable = opensslReadsCsr(join(corpus, f));
        return callsFor(f).map((call) => ({ name: f, path: join(corpus, f), call, mayDescribe: readable && call in DESCRIBING }));
      }),
      ...callsFor('big').map((call) => ({ name: 'big (10 MB)', big: true, call })),
    ];

    // Every call is made before anything is judged, so one failure lists
    // every file and call that misbehaves.
    const runner = new Runner(fx);
    await runner.start();
    const results = [];
    try {
      for (const job of jobs) {
        const r = await runner.run(job);
        results.push({ what: `${job.name}: ${job.call}`, r, problems: problems(r, job) });
      }
    } finally {
      await runner.stop();
    }

    t.diagnostic(`${files.length} files + the 10 MB buffer, ${jobs.length} package calls, ${runner.started} worker(s)`);
    // The extremes over all calls, and over the calls that behaved (what a
    // fix has to keep).
    for (const [label, set] of [['all calls', results], ['calls that behaved', results.filter((x) => !x.problems.length)]]) {
      const max = (f) => set.reduce((best, x) => ((f(x.r) ?? -Infinity) > (f(best?.r ?? {}) ?? -Infinity) ? x : best), null);
      const slow = max((r) => r.ms);
      const grow = max((r) => r.externalGrowth);
      const peakRss = Math.max(0, ...set.map((x) => x.r.rss ?? 0));
      const peakExternal = Math.max(0, ...set.map((x) => x.r.external ?? 0));
      if (slow) t.diagnostic(`${label}: slowest ${slow.r.ms.toFixed(1)} ms (${slow.what})`);
      if (grow) t.diagnostic(`${label}: largest wasm memory growth ${mib(grow.r.externalGrowth)} (${grow.what})`);
      t.diagnostic(`${label}: peak process RSS ${mib(peakRss)}, peak worker external memory (the wasm heaps) ${mib(peakExternal)}`);
    }
    const failures = results.filter((x) => x.problems.length).map((x) => `${x.what}\n    ${x.problems.join('\n    ')}`);
    assert.equal(failures.length, 0, `${failures.length} of ${jobs.length} calls misbehaved:\n${failures.join('\n')}`);
  });
}

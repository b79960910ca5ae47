// The peers certkit's npm package is measured against (issue #3), and the
// round-robin timer. Runs unchanged in Node 20 and, bundled by esbuild, in a
// browser page: everything uses globalThis.crypto (Web Crypto), btoa and
// performance.now(), never Node's own modules.
//
// Every function does one whole job: a key pair, a CSR for CN=web with the
// same 2 DNS and 2 IP SANs, and both exported as PEM ({csr, key}).

// @peculiar/x509 needs a Reflect polyfill (tsyringe); its README names
// reflect-metadata. It must be evaluated before @peculiar/x509.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import forge from 'node-forge';
import jsrsasign from 'jsrsasign';

export const CN = 'web';
export const DNS = ['a.example.com', 'b.example.com'];
export const IPS = ['10.0.0.1', '10.0.0.2'];
/** The same job as cfssl CSR JSON, for certkit. */
export const request = (algo, size) => ({ CN, hosts: [...DNS, ...IPS], key: { algo, size } });

const subtle = () => globalThis.crypto.subtle;
const P256 = { name: 'ECDSA', namedCurve: 'P-256' };
const RSA2048 = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};
const keyParams = (algo) => (algo === 'ecdsa' ? P256 : RSA2048);
const signParams = (algo) => (algo === 'ecdsa' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' });

/** PEM from DER, for the libraries that have no PEM writer of their own. */
export function pem(label, der) {
  const bytes = new Uint8Array(der);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const b64 = btoa(bin);
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

const ipBytes = (ip) => new Uint8Array(ip.split('.').map(Number));

// ---- Web Crypto alone -------------------------------------------------------

/** The floor the issue asks for: Web Crypto key generation alone. */
export async function webcryptoKeygen(algo) {
  return subtle().generateKey(keyParams(algo), true, ['sign', 'verify']);
}

// The Web Crypto calls certkit's default path makes where it uses Web
// Crypto (key, a PKCS#8 and an SPKI export at once, a signature over a
// CSR-sized body and its verification); certkit minus this is its wasm +
// glue. (In Node certkit uses node:crypto instead, so there this row is
// only a reference.)
const TBS = new Uint8Array(330).fill(7);
export async function webcryptoCertkitCalls(algo) {
  const pair = await subtle().generateKey(keyParams(algo), true, ['sign', 'verify']);
  await Promise.all([subtle().exportKey('pkcs8', pair.privateKey), subtle().exportKey('spki', pair.publicKey)]);
  const sig = await subtle().sign(signParams(algo), pair.privateKey, TBS);
  return subtle().verify(signParams(algo), pair.publicKey, sig, TBS);
}

// In Node certkit makes keys with node:crypto, which a pool of Web Crypto
// keys cannot serve.
const inNode = typeof process !== 'undefined' && Boolean(process.versions?.node);

// ---- pkijs on Web Crypto ----------------------------------------------------

export async function pkijsCsr(algo) {
  const keys = await subtle().generateKey(keyParams(algo), true, ['sign', 'verify']);
  const req = new pkijs.CertificationRequest();
  req.version = 0;
  req.subject.typesAndValues.push(
    new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: CN }) }),
  );
  const names = new pkijs.GeneralNames({
    names: [
      ...DNS.map((value) => new pkijs.GeneralName({ type: 2, value })),
      ...IPS.map((ip) => new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: ipBytes(ip) }) })),
    ],
  });
  const extensions = new pkijs.Extensions({
    extensions: [new pkijs.Extension({ extnID: '2.5.29.17', critical: false, extnValue: names.toSchema().toBER(false) })],
  });
  req.attributes = [new pkijs.Attribute({ type: '1.2.840.113549.1.9.14', values: [extensions.toSchema()] })];
  await req.subjectPublicKeyInfo.importKey(keys.publicKey);
  await req.sign(keys.privateKey, 'SHA-256');
  const pkcs8 = await subtle().exportKey('pkcs8', keys.privateKey);
  return { csr: pem('CERTIFICATE REQUEST', req.toSchema(true).toBER(false)), key: pem('PRIVATE KEY', pkcs8) };
}

// ---- @peculiar/x509 on Web Crypto -------------------------------------------

export async function x509Csr(algo) {
  x509.cryptoProvider.set(globalThis.crypto);
  const keys = await subtle().generateKey(keyParams(algo), true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${CN}`,
    keys,
    signingAlgorithm: algo === 'ecdsa' ? { name: 'ECDSA', hash: 'SHA-256' } : RSA2048,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        ...DNS.map((value) => ({ type: 'dns', value })),
        ...IPS.map((value) => ({ type: 'ip', value })),
      ]),
    ],
  });
  const pkcs8 = await subtle().exportKey('pkcs8', keys.privateKey);
  return { csr: csr.toString('pem'), key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

// ---- node-forge, pure JS (RSA only: forge has no ECDSA CSRs) ----------------

export function forgeRsaCsr() {
  // Otherwise forge hands RSA key generation to Node's native crypto.
  forge.options.usePureJavaScript = true;
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = keys.publicKey;
  csr.setSubject([{ name: 'commonName', value: CN }]);
  csr.setAttributes([
    {
      name: 'extensionRequest',
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [...DNS.map((value) => ({ type: 2, value })), ...IPS.map((ip) => ({ type: 7, ip }))],
        },
      ],
    },
  ]);
  csr.sign(keys.privateKey, forge.md.sha256.create());
  const key = forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keys.privateKey)));
  return { csr: forge.pki.certificationRequestToPem(csr), key };
}

// ---- jsrsasign, pure JS (P-256: informational, and for its bundle size) -----

export function jsrsasignP256Csr() {
  const { KEYUTIL, KJUR } = jsrsasign;
  const kp = KEYUTIL.generateKeypair('EC', 'secp256r1');
  const csr = KJUR.asn1.csr.CSRUtil.newCSRPEM({
    subject: { str: `/CN=${CN}` },
    sbjpubkey: kp.pubKeyObj,
    extreq: [{ extname: 'subjectAltName', array: [...DNS.map((dns) => ({ dns })), ...IPS.map((ip) => ({ ip }))] }],
    sigalg: 'SHA256withECDSA',
    sbjprvkey: kp.prvKeyObj,
  });
  return { csr, key: KEYUTIL.getPEM(kp.prvKeyObj, 'PKCS8PRV') };
}

// ---- the suites -------------------------------------------------------------

/**
 * The measured jobs, the same in Node and in the page. `ck` is certkit's
 * module. `verify` names the key type for the openssl check of one sample
 * output per case; `base` is the case the others are compared with;
 * `targets` are issue #3's ratios (median of `of` / median of `vs` must be
 * <= max). The pure-JS/wasm P-256 jobs are a suite of their own: jsrsasign
 * leaves megabytes of garbage per call, and whichever call follows it would
 * pay for collecting it.
 */
export function suites(ck, { p256Rounds, p256PureRounds, rsaRounds, pureRounds }) {
  const ec = request('ecdsa', 256);
  const rsa = request('rsa', 2048);
  return [
    {
      id: 'p256',
      title: 'P-256 key + CSR + PEM',
      rounds: p256Rounds,
      warmup: 20,
      cases: [
        { name: 'certkit', fn: () => ck.genkey(ec), verify: 'ecdsa' },
        { name: 'pkijs (Web Crypto)', fn: () => pkijsCsr('ecdsa'), verify: 'ecdsa' },
        { name: '@peculiar/x509 (Web Crypto)', fn: () => x509Csr('ecdsa'), verify: 'ecdsa' },
        { name: 'Web Crypto generateKey alone', fn: () => webcryptoKeygen('ecdsa') },
        { name: "Web Crypto: certkit's native calls alone", fn: () => webcryptoCertkitCalls('ecdsa') },
      ],
      base: 'pkijs (Web Crypto)',
      targets: [{ of: 'certkit', vs: 'pkijs (Web Crypto)', max: 0.5 }],
    },
    {
      id: 'p256-pure',
      title: 'P-256 key + CSR + PEM, no Web Crypto',
      rounds: p256PureRounds,
      warmup: 3,
      cases: [
        { name: "certkit {keygen:'wasm'}", fn: () => ck.genkey(ec, { keygen: 'wasm' }), verify: 'ecdsa' },
        { name: 'jsrsasign (pure JS)', fn: () => jsrsasignP256Csr(), verify: 'ecdsa' },
      ],
      base: 'jsrsasign (pure JS)',
      targets: [],
    },
    {
      id: 'rsa-webcrypto',
      title: 'RSA-2048 key + CSR + PEM, Web Crypto key generation',
      rounds: rsaRounds,
      warmup: 2,
      // Each operation's time in key generation is clocked too, so that the
      // verdict can compare the libraries with equal key-generation luck.
      setup: () => clockKeygen(),
      clocksKeygen: true,
      cases: [
        { name: 'certkit', fn: () => ck.genkey(rsa), verify: 'rsa' },
        { name: '@peculiar/x509 (Web Crypto)', fn: () => x509Csr('rsa'), verify: 'rsa' },
        { name: 'pkijs (Web Crypto)', fn: () => pkijsCsr('rsa'), verify: 'rsa' },
        { name: 'Web Crypto generateKey alone', fn: () => webcryptoKeygen('rsa') },
      ],
      base: '@peculiar/x509 (Web Crypto)',
      targets: [{ of: 'certkit', vs: '@peculiar/x509 (Web Crypto)', max: 1.0 }],
    },
    {
      // RSA key generation times spread widely (the prime search is luck) and
      // swamp the rest in the suite above; here generateKey hands out keys
      // made beforehand, so this compares the work each library adds to it.
      id: 'rsa-pooled',
      title: 'RSA-2048 CSR + PEM for a Web Crypto key made beforehand (generateKey served from a pool)',
      rounds: p256Rounds,
      warmup: 5,
      setup: () => poolKeys(RSA2048, 4),
      cases: [
        ...(inNode ? [] : [{ name: 'certkit', fn: () => ck.genkey(rsa), verify: 'rsa' }]),
        { name: '@peculiar/x509 (Web Crypto)', fn: () => x509Csr('rsa'), verify: 'rsa' },
        { name: 'pkijs (Web Crypto)', fn: () => pkijsCsr('rsa'), verify: 'rsa' },
      ],
      base: '@peculiar/x509 (Web Crypto)',
      targets: [],
    },
    {
      id: 'rsa-pure',
      title: 'RSA-2048 key + CSR + PEM, no Web Crypto',
      rounds: pureRounds,
      warmup: 1,
      cases: [
        { name: "certkit {keygen:'wasm'}", fn: () => ck.genkey(rsa, { keygen: 'wasm' }), verify: 'rsa' },
        { name: 'node-forge (pure JS)', fn: () => forgeRsaCsr(), verify: 'rsa' },
      ],
      base: 'node-forge (pure JS)',
      targets: [{ of: "certkit {keygen:'wasm'}", vs: 'node-forge (pure JS)', max: 0.3 }],
    },
  ];
}

/**
 * Runs every suite; `log` reports progress. Resolves to plain data (it
 * crosses from the page to Node): the cold first certkit call, one sample
 * output per verifiable case, per-suite timings and certkit's P-256 phases.
 */
export async function runAll(ck, opts, log = () => {}) {
  const t0 = performance.now();
  await ck.genkey(request('ecdsa', 256));
  const coldFirstCallMs = performance.now() - t0;
  const out = { coldFirstCallMs, samples: [], suites: [] };
  for (const suite of suites(ck, opts)) {
    const teardown = suite.setup ? await suite.setup() : () => {};
    // One untimed call per case doubles as the sample that openssl checks.
    for (const c of suite.cases) {
      const r = await c.fn();
      if (c.verify) out.samples.push({ suite: suite.id, name: c.name, algo: c.verify, csr: r.csr, key: r.key });
    }
    log(`${suite.id}: ${suite.cases.length} cases x ${suite.rounds} rounds`);
    const start = performance.now();
    const { times, keygen } = await roundRobin(suite.cases, suite.rounds, suite.warmup);
    teardown();
    const cases = suite.cases.map((c) => ({
      name: c.name,
      runs: times[c.name].length,
      median: median(times[c.name]),
      min: Math.min(...times[c.name]),
      max: Math.max(...times[c.name]),
      times: times[c.name],
      ...(suite.clocksKeygen ? { keygen: keygen[c.name] } : {}),
    }));
    const { id, title, base, targets } = suite;
    out.suites.push({ id, title, base, targets, cases, seconds: (performance.now() - start) / 1000 });
  }
  log('phases of certkit P-256');
  out.phases = await phases(() => ck.genkey(request('ecdsa', 256)), opts.p256Rounds);
  return out;
}

/**
 * Makes `n` key pairs, then has crypto.subtle.generateKey hand them out in
 * turn for any algorithm; resolves to the function that undoes it.
 */
export async function poolKeys(params, n) {
  const s = globalThis.crypto.subtle;
  const pool = [];
  for (let i = 0; i < n; i++) pool.push(await s.generateKey(params, true, ['sign', 'verify']));
  let next = 0;
  s.generateKey = async () => pool[next++ % n];
  return () => delete s.generateKey;
}

/**
 * Time spent generating keys, summed (overlapping calls count once): the
 * wrapped crypto.subtle.generateKey below and, in Node, node:crypto's
 * generateKeyPair, which bench-node.mjs wraps before certkit is imported
 * (certkit makes its keys with node:crypto there). Counts only while `on`.
 */
export const keygenClock = { on: false, ms: 0, pending: 0, since: 0 };

/** Marks the start of a key generation; returns its end. */
export function keygenStarted() {
  if (!keygenClock.on) return () => {};
  if (keygenClock.pending++ === 0) keygenClock.since = performance.now();
  return () => {
    if (--keygenClock.pending === 0) keygenClock.ms += performance.now() - keygenClock.since;
  };
}

/** Clocks crypto.subtle.generateKey; resolves to the function that undoes it. */
export async function clockKeygen() {
  const s = globalThis.crypto.subtle;
  const generateKey = s.generateKey;
  s.generateKey = function (...args) {
    const done = keygenStarted();
    return generateKey.apply(this, args).finally(done);
  };
  keygenClock.on = true;
  return () => {
    keygenClock.on = false;
    delete s.generateKey;
  };
}

// ---- timing -----------------------------------------------------------------

/** A small seeded PRNG (mulberry32): the same shuffles in every run. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Times `cases` ({name, fn}) side by side: `warmup` untimed rounds, then
 * `rounds` rounds that each run every case once, in a new shuffled order
 * each round, so that machine noise, and the garbage one library leaves for
 * the next call to collect, hit all cases alike (a fixed cyclic order would
 * always put the same neighbour before each case).
 * Resolves to {times, keygen}: {name: [ms, ...]} each, keygen being the
 * part of each time the key-generation clock counted (0 where it is off).
 */
export async function roundRobin(cases, rounds, warmup = 0) {
  const times = Object.fromEntries(cases.map((c) => [c.name, []]));
  const keygen = Object.fromEntries(cases.map((c) => [c.name, []]));
  const random = prng(0xce27);
  const order = [...cases];
  for (let r = -warmup; r < rounds; r++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const c of order) {
      const k0 = keygenClock.ms;
      const t0 = performance.now();
      await c.fn();
      const dt = performance.now() - t0;
      if (r >= 0) {
        times[c.name].push(dt);
        keygen[c.name].push(keygenClock.ms - k0);
      }
    }
  }
  return { times, keygen };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Where certkit's time goes: runs `fn` `n` times with crypto.subtle's
 * methods wrapped, and splits the wall time into time during which at least
 * one Web Crypto call was pending (native crypto) and the rest (certkit's
 * wasm and JS glue, plus promise hops); also each method's own time (the
 * two exports run concurrently, so they overlap). Resolves to medians in ms.
 */
export async function phases(fn, n) {
  const s = globalThis.crypto.subtle;
  const names = ['generateKey', 'exportKey', 'sign'];
  let pending = 0;
  let since = 0;
  let native = 0;
  let per = {};
  for (const name of names) {
    const orig = s[name];
    s[name] = function (...args) {
      const t0 = performance.now();
      if (pending++ === 0) since = t0;
      return orig.apply(this, args).finally(() => {
        const t1 = performance.now();
        per[name] = (per[name] ?? 0) + (t1 - t0);
        if (--pending === 0) native += t1 - since;
      });
    };
  }
  const runs = [];
  try {
    for (let i = 0; i < n; i++) {
      native = 0;
      per = {};
      const t0 = performance.now();
      await fn();
      runs.push({ total: performance.now() - t0, webcrypto: native, ...per });
    }
  } finally {
    for (const name of names) delete s[name];
  }
  const med = (key) => median(runs.map((r) => r[key] ?? 0));
  return {
    total: med('total'),
    webcrypto: med('webcrypto'),
    wasmAndGlue: median(runs.map((r) => r.total - r.webcrypto)),
    ...Object.fromEntries(names.map((k) => [k, med(k)])),
  };
}

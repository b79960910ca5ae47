// The npm `verify` in Node on the table of chains tests/verify/chains.sh
// makes (the one tests/flows/verify.rs gives the CLI): each verdict must be
// `openssl verify -x509_strict -purpose sslserver|sslclient`'s, and each
// failure must name the certificate and the rule the table expects. Then
// its options at their edges.
//
// Needs: target/npm/certkit (scripts/build-npm.sh), bash and openssl.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const ck = await import(pathToFileURL(join(root, 'target/npm/certkit/src/node.js')).href);

/** Makes the table in a fresh folder: [dir, cases]. */
export function table() {
  const dir = mkdtempSync(join(tmpdir(), 'certkit-verify-'));
  execFileSync('bash', [join(root, 'tests/verify/chains.sh'), dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const opt = (s) => (s === '-' ? undefined : s);
  const cases = readFileSync(join(dir, 'cases.tsv'), 'utf8').trim().split('\n').map((line) => {
    const [name, cert, roots, ints, purpose, host, ip, at, crls, expect] = line.split('\t');
    return { name, cert, roots, intermediates: ints === '-' ? [] : ints.split(' '), purpose, host: opt(host), ip: opt(ip), at: Number(at), crls: opt(crls), expect: opt(expect) };
  });
  return [dir, cases];
}

function opensslAccepts(dir, c) {
  const args = ['verify', '-x509_strict', '-verify_depth', '6', '-purpose', `ssl${c.purpose}`, '-attime', String(c.at), '-CAfile', c.roots];
  if (c.intermediates.length) {
    writeFileSync(join(dir, `ints-${c.name}.pem`), c.intermediates.map((f) => readFileSync(join(dir, f), 'utf8')).join(''));
    args.push('-untrusted', `ints-${c.name}.pem`);
  }
  if (c.host) args.push('-verify_hostname', c.host);
  if (c.ip) args.push('-verify_ip', c.ip);
  if (c.crls) args.push('-crl_check_all', '-CRLfile', c.crls);
  args.push(c.cert);
  return spawnSync('openssl', args, { cwd: dir }).status === 0;
}

test('verify agrees with openssl verify -x509_strict on every chain of the table', async (t) => {
  const [dir, cases] = table();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.ok(cases.length >= 30, `${cases.length} cases`);
  const read = (f) => readFileSync(join(dir, f), 'utf8');
  const faults = [];
  for (const c of cases) {
    const expected = opensslAccepts(dir, c);
    const options = { roots: read(c.roots), purpose: c.purpose, at: new Date(c.at * 1000) };
    if (c.intermediates.length) options.intermediates = c.intermediates.map(read).join('');
    if (c.host || c.ip) options.host = c.host ?? c.ip;
    if (c.crls) options.crls = [read(c.crls)];
    const v = await ck.verify(read(c.cert), options);
    if (v.ok !== expected) faults.push(`${c.name}: openssl ${expected}, npm ${v.ok}: ${v.errors.join('; ')}`);
    else if (c.expect && !v.errors.some((e) => e.includes(c.expect))) faults.push(`${c.name}: no error says \`${c.expect}\`: ${v.errors.join('; ')}`);
    else if (!c.expect && (v.errors.length || !v.chain.length || v.chain.at(-1).sha256.length !== 64)) faults.push(`${c.name}: ${JSON.stringify(v)}`);
  }
  assert.deepEqual(faults, []);
});

test('verify: at as a string and as milliseconds, DER input, and bad options are Errors naming the option', async (t) => {
  const [dir, cases] = table();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const read = (f) => readFileSync(join(dir, f), 'utf8');
  const good = cases.find((c) => c.name === 'good-server');
  const der = execFileSync('openssl', ['x509', '-in', join(dir, good.cert), '-outform', 'DER']);
  const base = { roots: read(good.roots), intermediates: read('int.pem') };
  const ok = await ck.verify(new Uint8Array(der), { ...base, at: new Date(good.at * 1000).toISOString() });
  assert.equal(ok.ok, true, ok.errors.join('\n'));
  assert.deepEqual(ok.chain.map((l) => l.subject), ['CN=leaf', 'CN=int', 'CN=root']);
  const late = await ck.verify(read(good.cert), { ...base, at: Date.UTC(2040, 0, 1) });
  assert.equal(late.ok, false);
  assert.match(late.errors[0], /^leaf `CN=leaf`: expired at 2035-01-01T00:00:00Z/);
  for (const [options, message] of [
    [{ ...base, host: 'exa mple.com' }, /^host: `exa mple.com` is not a DNS name or an IP address/],
    [{ ...base, purpose: 'mail' }, /^options.purpose: `mail` is not a purpose/],
    [{ ...base, at: 'yesterday' }, /options.at/],
    [{ ...base, at: {} }, /^options.at must be a Date/],
    [{ ...base, ca: base.roots }, /^options.ca is not an option of verify/],
    [{ intermediates: base.intermediates }, /^options.roots must be PEM text/],
    [{ ...base, crls: [read(good.cert)] }, /crls\[0\]/],
    [null, /^options must be an object/],
  ]) {
    await assert.rejects(ck.verify(read(good.cert), options), (e) => e instanceof Error && message.test(e.message) && !/internal error/.test(e.message));
  }
  await assert.rejects(ck.verify('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', base), (e) => e instanceof Error && !/internal error/.test(e.message));
});

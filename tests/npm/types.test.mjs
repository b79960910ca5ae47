// The package's TypeScript declarations (crates/certkit-wasm/npm/index.d.ts)
// as a TypeScript user meets them: `tsc --noEmit --strict` on a consumer
// that uses every export as the package README documents it
// (fixtures/types/consumer.ts, which must have no error) and on calls the
// declarations must refuse (fixtures/types/mistakes.ts, each with its own
// error), under module resolution `nodenext` and `bundler`. The consumer is
// then compiled and run in Node, and what certinfo returns is compared with
// its declared interfaces, so the declarations must also agree with the code.
//
// Needs: target/npm/certkit-*.tgz (scripts/build-npm.sh), openssl and this
// directory's typescript (tests/npm/run.sh installs it).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { installedProject } from './packed.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const tsc = join(here, 'node_modules/.bin/tsc');
const declarations = join(root, 'crates/certkit-wasm/npm/index.d.ts');
const fixtures = join(here, 'fixtures/types');

// Only the ES library: the declarations must need neither DOM nor @types/node.
const STRICT = ['--strict', '--target', 'es2022', '--lib', 'es2022'];
const RESOLUTIONS = {
  nodenext: ['--module', 'nodenext', '--moduleResolution', 'nodenext'],
  bundler: ['--module', 'esnext', '--moduleResolution', 'bundler'],
};

let project;
let ca; // { cert, key }: a CA made by OpenSSL, for sign

before(() => {
  project = installedProject('certkit-types-');
  // build-npm.sh copies index.d.ts into the package unchanged; the working
  // copy's is what is checked, so an edit to it is tested without a rebuild.
  copyFileSync(declarations, join(project, 'node_modules/certkit/index.d.ts'));
  for (const f of readdirSync(fixtures)) copyFileSync(join(fixtures, f), join(project, f));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-subj', '/CN=Types CA', '-days', '30',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  { cwd: project, stdio: 'pipe' });
  ca = { cert: readFileSync(join(project, 'ca.pem'), 'utf8'), key: readFileSync(join(project, 'ca-key.pem'), 'utf8') };
});

after(() => rmSync(project, { recursive: true, force: true }));

/** tsc's errors, as `file:line TSnnnn`, and its output (which lists the files it read). */
function typeCheck(args) {
  const r = spawnSync(tsc, ['--listFiles', ...args], { cwd: project, encoding: 'utf8' });
  assert.equal(r.stderr, '', 'tsc wrote to stderr');
  const errors = [...r.stdout.matchAll(/^(\S+\.ts)\((\d+),\d+\): error (TS\d+)/gm)].map((m) => `${m[1]}:${m[2]} ${m[3]}`);
  return { status: r.status, errors, output: r.stdout };
}

// The marks in mistakes.ts: `file:line TSnnnn` for each line ending in `// TSnnnn`.
function expectedMistakes() {
  return readFileSync(join(fixtures, 'mistakes.ts'), 'utf8')
    .split('\n')
    .flatMap((line, i) => (line.match(/\/\/ (TS\d+)$/) ? [`mistakes.ts:${i + 1} ${line.match(/\/\/ (TS\d+)$/)[1]}`] : []));
}

for (const [resolution, flags] of Object.entries(RESOLUTIONS)) {
  test(`${resolution}: consumer.ts type-checks under --strict, and each line of mistakes.ts fails with its own error`, () => {
    const expected = expectedMistakes();
    assert.ok(expected.length >= 10, 'mistakes.ts lost its marks');
    const r = typeCheck(['--noEmit', ...STRICT, ...flags, 'consumer.ts', 'mistakes.ts']);
    // 'certkit' must resolve to the package's declarations (its "types" condition).
    assert.ok(r.output.includes('node_modules/certkit/index.d.ts'), `tsc did not read the package's index.d.ts:\n${r.output}`);
    assert.deepEqual(r.errors.filter((e) => !e.startsWith('mistakes.ts:')), [], r.output);
    assert.deepEqual(r.errors.filter((e) => e.startsWith('mistakes.ts:')), expected, r.output);
    assert.notEqual(r.status, 0);
  });
}

test('compiled and run in Node, consumer.ts gets what the declarations promise', async (t) => {
  const r = typeCheck([...STRICT, ...RESOLUTIONS.nodenext, '--outDir', 'out', 'consumer.ts']);
  assert.deepEqual(r.errors, [], r.output);
  const { run } = await import(pathToFileURL(join(project, 'out/consumer.js')).href);
  const s = await run(ca.cert, ca.key);
  assert.match(s.version, /^\d+\.\d+\.\d+/);
  assert.deepEqual(s.csrSans, ['web.example.com', '10.0.0.1']);
  assert.deepEqual(s.viewSans, s.csrSans, 'certinfo reads a DataView over PEM bytes');
  assert.deepEqual(s.kinds, ['DNS', 'IP', 'email', 'URI']);
  assert.match(s.certSerial, /^\d+$/);
  assert.ok(s.warnings.every((w) => typeof w === 'string'));
  assert.deepEqual(s.matches, [true, true]);
  assert.match(s.manifest, /^apiVersion: certificates\.k8s\.io\/v1\nkind: CertificateSigningRequest\n/);
  assert.match(s.manifest, /expirationSeconds: 3600\n/);
  assert.equal(s.decrypted, true);
  assert.equal(s.badHostField, 'hosts[1]');
  assert.equal(s.badKeySizeField, 'key.size');
  assert.equal(s.badExpiryField, 'signing.profiles.www.expiry');
  t.diagnostic(`certkit ${s.version}`);
});

test("certinfo's results have exactly the members CertificateInfo, CsrInfo and NameInfo declare", async () => {
  const ck = await import(pathToFileURL(join(project, 'node_modules/certkit/src/node.js')).href);
  const { csr, key } = await ck.genkey({ CN: 'web.example.com', hosts: ['web.example.com'], names: [{ C: 'DE', O: 'certkit', OU: 'x', L: 'B', ST: 'B' }] });
  const { cert } = await ck.sign(csr, ca.cert, ca.key);
  assert.equal(await ck.keyMatches(cert, key), true);
  const source = readFileSync(declarations, 'utf8');
  for (const [name, value] of [['CsrInfo', await ck.certinfo(csr)], ['CertificateInfo', await ck.certinfo(cert)]]) {
    checkMembers(source, name, value);
    checkMembers(source, 'NameInfo', value.subject, `${name}.subject`);
  }
});

// Every member `value` has is declared in `interface`, and every member
// declared without `?` is there.
function checkMembers(source, name, value, what = name) {
  const body = source.match(new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`))?.[1];
  assert.ok(body, `index.d.ts has no interface ${name}`);
  const members = [...body.matchAll(/^\s+(\w+)(\??):/gm)];
  const declared = members.map((m) => m[1]);
  const required = members.filter((m) => !m[2]).map((m) => m[1]);
  assert.deepEqual(Object.keys(value).filter((k) => !declared.includes(k)), [], `${what} has members index.d.ts does not declare`);
  assert.deepEqual(required.filter((k) => !(k in value)), [], `${what} lacks members index.d.ts declares as always there`);
}

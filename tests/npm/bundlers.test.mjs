// The packed `certkit` package through a bundler, as most users take it:
// esbuild (which wrangler uses for Cloudflare Workers) must keep each entry
// point's setup — the wasm loader — although the package marks its other
// modules free of side effects.
//
// Needs: target/npm/certkit-*.tgz (scripts/build-npm.sh) and this
// directory's esbuild (tests/npm/run.sh installs both).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installedProject } from './packed.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const esbuild = join(here, 'node_modules/.bin/esbuild');
let project;

before(() => {
  project = installedProject('certkit-bundle-');
  writeFileSync(
    join(project, 'entry.mjs'),
    "import { genkey, version } from 'certkit';\nconst { csr } = await genkey({ CN: 'bundled', hosts: ['bundled.example'] });\nconsole.log(JSON.stringify({ version: await version(), csr }));\n",
  );
});

after(() => rmSync(project, { recursive: true, force: true }));

test('bundled by esbuild for Node, the package still finds its wasm and makes a CSR', () => {
  execFileSync(esbuild, ['entry.mjs', '--bundle', '--platform=node', '--format=esm', '--log-level=warning', '--outfile=dist/bundle.mjs'], {
    cwd: project,
  });
  // As the package README says for esbuild: its wasm/ directory goes next to
  // the bundle's directory (the bundle reads ../wasm/ from where it is).
  cpSync(join(project, 'node_modules/certkit/wasm'), join(project, 'wasm'), { recursive: true });
  const out = JSON.parse(execFileSync(process.execPath, ['dist/bundle.mjs'], { cwd: project }).toString());
  const csr = out.csr;
  assert.match(csr, /BEGIN CERTIFICATE REQUEST/);
  const text = execFileSync('openssl', ['req', '-verify', '-noout', '-text'], { input: csr, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
  assert.match(text, /DNS:bundled\.example/);
});

test("bundled by esbuild with Cloudflare Workers' conditions, the entry keeps its wasm imports", () => {
  // wrangler resolves with these conditions and turns .wasm imports into
  // compiled modules; here the .wasm files are left as external imports.
  execFileSync(
    esbuild,
    ['entry.mjs', '--bundle', '--platform=neutral', '--format=esm', '--conditions=workerd,worker,browser', '--external:*.wasm',
      '--log-level=warning', '--outfile=worker-bundle.mjs'],
    { cwd: project },
  );
  const bundle = readFileSync(join(project, 'worker-bundle.mjs'), 'utf8');
  for (const name of ['certkit_lite_bg.wasm', 'certkit_full_bg.wasm']) {
    assert.ok(bundle.includes(name), `the Workers bundle lost its import of ${name}: the wasm loader was tree-shaken away`);
  }
});

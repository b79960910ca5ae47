// Size budget of the packed `certkit` npm package (issues #3 and #19): what
// a web page must download to make a P-256 CSR, or an RSA CSR with Web
// Crypto's key — the browser entry with everything it imports statically,
// and the lite wasm module it fetches (the page tests in tests/web check
// that those CSRs fetch nothing else) — is at most BUDGET bytes gzip (level
// 9). Sizes are deterministic, so this is a check, not a benchmark;
// BENCHMARKS.md has the measured download beside the peers'.
//
// #19's target is 58,000 bytes, below @peculiar/x509's 58.5 KB. It is not
// reached (BENCHMARKS.md says where the bytes go); BUDGET is a ratchet at
// the size reached, so nothing grows the download unnoticed, and the
// diagnostic says how far the target still is.
//
// Needs: target/npm/certkit-*.tgz (scripts/build-npm.sh).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tarball } from './packed.mjs';

const BUDGET = 81_500;
// What opening the page's Kubernetes manifest adds (the kube module, its
// glue and more.js), a ratchet too: it was the full module's 500 KB.
const MANIFEST_BUDGET = 79_500;
const TARGET = 58_000;

const gzipped = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

// Relative specifiers of static imports and re-exports (minified or not);
// `import(...)` — the lazy full module — is not one of them.
function staticImports(code) {
  const found = [];
  for (const m of code.matchAll(/(?:\bimport|\bexport)\s*(?:[^'"();]*?\bfrom\s*)?(['"])(\.{1,2}\/[^'"]+)\1/g)) {
    found.push(m[2]);
  }
  return found;
}

test(`a page downloads at most ${BUDGET} bytes gzip to make a P-256 or RSA CSR`, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'certkit-size-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('tar', ['-xzf', tarball(), '-C', dir]);
  const pkg = join(dir, 'package');
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  const entry = manifest.exports['.'].browser;
  assert.ok(entry, 'package.json has no "browser" export');

  const files = new Set();
  const visit = (file) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) visit(resolve(dirname(file), spec));
  };
  visit(resolve(pkg, entry));
  assert.ok(![...files].some((f) => /certkit_(full|kube)/.test(f)), 'the browser entry imports the full or kube module eagerly');
  files.add(join(pkg, 'wasm/certkit_lite_bg.wasm'));

  const sizes = [...files].map((f) => [f.slice(pkg.length + 1), gzipped(f)]);
  const total = sizes.reduce((sum, [, n]) => sum + n, 0);
  const detail = sizes.map(([f, n]) => `${f} ${n}`).join(', ');
  assert.ok(total <= BUDGET, `${total} bytes gzip (${detail}), over the ${BUDGET}-byte budget`);
  t.diagnostic(`${total} bytes gzip (${total - TARGET} over #19's ${TARGET}-byte target): ${detail}`);
});

test(`the Kubernetes manifest of a page's CSR adds at most ${MANIFEST_BUDGET} bytes gzip`, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'certkit-size-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('tar', ['-xzf', tarball(), '-C', dir]);
  const pkg = join(dir, 'package');
  const files = ['wasm/certkit_kube_bg.wasm', 'wasm/certkit_kube.js', 'src/more.js'];
  const sizes = files.map((f) => [f, gzipped(join(pkg, f))]);
  const total = sizes.reduce((sum, [, n]) => sum + n, 0);
  const detail = sizes.map(([f, n]) => `${f} ${n}`).join(', ');
  assert.ok(total <= MANIFEST_BUDGET, `${total} bytes gzip (${detail}), over the ${MANIFEST_BUDGET}-byte budget`);
  t.diagnostic(`${total} bytes gzip: ${detail}`);
});

// The packed `certkit` package depends on nothing (issue #21): every
// dependency would ship to the browsers, Node, Deno and Workers that load
// it, outside the Rust supply-chain check (cargo deny) that CI runs. A
// dependency added to crates/certkit-wasm/npm/package.json fails here.
//
// Needs: target/npm/certkit-*.tgz (scripts/build-npm.sh).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { tarball } from './packed.mjs';

const KINDS = ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies'];

test('the packed package declares no dependencies of any kind', () => {
  const json = execFileSync('tar', ['-xzOf', tarball(), 'package/package.json'], { encoding: 'utf8' });
  const pkg = JSON.parse(json);
  assert.equal(pkg.name, 'certkit');
  for (const kind of KINDS) {
    const declared = pkg[kind] ?? {};
    assert.deepEqual(
      Array.isArray(declared) ? declared : Object.keys(declared),
      [],
      `package.json declares ${kind}: ${JSON.stringify(declared)}`,
    );
  }
  // No install scripts either: nothing runs on a user's machine at install.
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
    assert.equal(pkg.scripts?.[hook], undefined, `package.json runs a ${hook} script`);
  }
});

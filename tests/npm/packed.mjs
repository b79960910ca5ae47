// The packed `certkit` package, as the tests take it: the tarball
// scripts/build-npm.sh leaves in target/npm, and a fresh project with it
// installed from that tarball, as a user would install it.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The path of target/npm/certkit-*.tgz; fails the test if it is missing. */
export function tarball() {
  const name = readdirSync(join(root, 'target/npm')).find((f) => /^certkit-.*\.tgz$/.test(f));
  assert.ok(name, 'target/npm/certkit-*.tgz is missing; run scripts/build-npm.sh');
  return join(root, 'target/npm', name);
}

/** A new ESM project in a temporary folder (named from `prefix`) with the tarball installed offline. */
export function installedProject(prefix) {
  const project = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--silent', '--no-audit', '--no-fund', '--offline', tarball()], { cwd: project, stdio: 'inherit' });
  return project;
}

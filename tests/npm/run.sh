#!/usr/bin/env bash
# Runs the npm package in Node, Deno, workerd and headless Chromium
# (tests/npm/*.test.mjs: the runtimes, the package README's examples as
# written, the TypeScript declarations, bundlers, hostile input, the size
# budget). Installs what it needs: this directory's npm packages (deno,
# workerd, playwright-core, esbuild, typescript, from package-lock.json), Debian's
# chromium, the package itself (scripts/build-npm.sh, unless
# CERTKIT_SKIP_NPM_BUILD=1) and the certkit CLI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
fi
if [ ! -x "$here/node_modules/.bin/workerd" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --silent --no-audit --no-fund)
fi
[ "${CERTKIT_SKIP_NPM_BUILD:-0}" = 1 ] || bash scripts/build-npm.sh
cargo build -q -p certkit --locked
node --test "$here"/*.test.mjs

#!/usr/bin/env bash
# The web page's end-to-end tests: installs the test's npm dependencies
# (npm ci, when tests/web/node_modules is missing), builds target/web
# (scripts/build-web.sh; CERTKIT_SKIP_NPM_BUILD=1 reuses target/npm/certkit),
# installs Debian's Chromium if /usr/bin/chromium is missing (never a
# downloaded browser), then runs tests/web/page.test.mjs.
# Screenshots land in target/web-artifacts/. CHROMIUM=path overrides the
# browser. Benchmark afterwards with: node scripts/bench-web.mjs
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -d tests/web/node_modules ]; then
  (cd tests/web && npm ci --no-audit --no-fund)
fi

bash scripts/build-web.sh

if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "run.sh: installing Debian's chromium"
  as_root=()
  if [ "$(id -u)" != 0 ]; then as_root=(sudo); fi
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq chromium
fi

exec node --test tests/web/page.test.mjs

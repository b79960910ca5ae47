#!/usr/bin/env bash
# Builds the web page (scripts/build-web.sh; CERTKIT_SKIP_NPM_BUILD=1 skips
# the npm package build) and serves target/web on http://127.0.0.1:$PORT
# (default 8080), on the loopback interface only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-web.sh
exec python3 scripts/serve_web.py target/web

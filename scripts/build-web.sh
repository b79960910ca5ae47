#!/usr/bin/env bash
# Assembles the web page (web/) and the `certkit` npm package's browser
# files into target/web, ready for any static file server:
#   target/web/{index.html,app.js,app/*.js,worker.js,style.css,…}
#   target/web/certkit/{src,wasm}/   (the page imports ./certkit/src/web.js)
# Builds the package first (scripts/build-npm.sh) unless
# CERTKIT_SKIP_NPM_BUILD=1, in which case target/npm/certkit must exist.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${CERTKIT_SKIP_NPM_BUILD:-0}" != 1 ]; then
  bash scripts/build-npm.sh
fi

pkg=target/npm/certkit
if [ ! -f "$pkg/src/web.js" ] || [ ! -d "$pkg/wasm" ]; then
  echo "build-web: $pkg is missing or incomplete; run scripts/build-npm.sh (or unset CERTKIT_SKIP_NPM_BUILD)" >&2
  exit 1
fi

# Built beside the old site and swapped in, so a running server never
# serves a half-copied tree.
out=target/web
rm -rf "$out.new"
mkdir -p "$out.new/certkit"
cp -R web/. "$out.new/"
cp -R "$pkg/src" "$pkg/wasm" "$out.new/certkit/"
# The footer names the version before any wasm has loaded (the page loads
# certkit at first use); the page then shows what certkit itself reports.
version="$(node -p "require('./$pkg/package.json').version")"
sed -i "s|<span id=\"version\">…</span>|<span id=\"version\">$version</span>|" "$out.new/index.html"
rm -rf "$out.old"
if [ -d "$out" ]; then mv "$out" "$out.old"; fi
mv "$out.new" "$out"
rm -rf "$out.old"
echo "build-web: $out ($(du -sh "$out" | cut -f1))"

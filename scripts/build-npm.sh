#!/usr/bin/env bash
# Builds the `certkit` npm package from crates/certkit-wasm into
# target/npm/certkit and packs it as target/npm/certkit-VERSION.tgz.
#
# Three wasm modules: `lite` (a CSR for a key Web Crypto makes — what a page
# needs first), `kube` (the Kubernetes manifest of a CSR made from a
# request: a page's manifest without the full module) and `full`
# (everything, loaded on first use).
#
# Installs what it needs: the wasm32 target, wasm-bindgen-cli at exactly the
# version Cargo.lock pins (the CLI and the crate must match), and npm's
# binaryen for wasm-opt (Debian's wasm-opt 108 breaks wasm-bindgen output)
# and esbuild, which minifies the JavaScript.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target add wasm32-unknown-unknown >/dev/null 2>&1
wb_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  echo "installing wasm-bindgen-cli $wb_version (about 2 minutes)"
  # Not --locked: its lock file wants a crate version this registry lacks.
  cargo install -q wasm-bindgen-cli --version "$wb_version"
fi
tools="target/npm-tools"
if [ ! -x "$tools/node_modules/.bin/wasm-opt" ] || ! cmp -s crates/certkit-wasm/tools/package-lock.json "$tools/package-lock.json"; then
  mkdir -p "$tools"
  cp crates/certkit-wasm/tools/package.json crates/certkit-wasm/tools/package-lock.json "$tools/"
  (cd "$tools" && npm ci --silent --no-audit --no-fund)
fi

# .cargo/config.toml gives wasm32 builds 32-bit big-number limbs; a
# RUSTFLAGS from the environment would replace that, so it is kept here.
if [ -n "${RUSTFLAGS:-}" ]; then
  export RUSTFLAGS="$RUSTFLAGS --cfg cpubits=\"32\""
fi

out="target/npm/certkit"
rm -rf "$out"
mkdir -p "$out/wasm"
for module in lite kube full; do
  # lite and kube: no std (their own panic handler and allocator); full: everything.
  case "$module" in
    lite) features=(--no-default-features --features lite) ;;
    kube) features=(--no-default-features --features kube) ;;
    full) features=() ;;
  esac
  cargo build -q -p certkit-wasm "${features[@]}" --target wasm32-unknown-unknown --profile wasm --locked
  # Every runtime the package supports has TextEncoder.encodeInto, and the
  # package always names the module it loads: both fallbacks go (66 B gzip).
  wasm-bindgen --target web --encode-into always --omit-default-module-path --out-dir "$out/wasm" --out-name "certkit_$module" \
    "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm/certkit_wasm.wasm"
  # Size first (repeated until it gains nothing: 0.7 KB gzip off the lite
  # module, 1.9 KB off the full one); names and producers are dropped.
  "$tools/node_modules/.bin/wasm-opt" -Oz --converge --strip-debug --strip-producers --enable-bulk-memory \
    --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/wasm/certkit_${module}_bg.wasm" -o "$out/wasm/certkit_${module}_bg.wasm"
done
# wasm-bindgen's declarations describe the internal modules; the package's
# index.d.ts describes the public API.
rm -f "$out/wasm/"*.d.ts
cp -r crates/certkit-wasm/npm/. "$out/"
# The JavaScript ships minified, as ES modules (the readable source is
# crates/certkit-wasm/npm/src). The browser entry is one file: the API, the
# runtime hooks and the lite module's glue, with the other modules' glue
# left to their lazy imports, and so are the functions a first CSR does not
# need (src/more.js: csrForKey, sign, decryptKey, pkcs12) — the least a page
# fetches before its first CSR.
# The browser bundle drops wasm-bindgen's console.warn diagnostics (a server
# that sends wasm without its MIME type; deprecated init arguments, which
# certkit does not pass): --pure lets esbuild remove calls whose result is
# unused, and with them about 140 bytes (gzip) from the page's download.
esbuild="$tools/node_modules/.bin/esbuild"
"$esbuild" "$out/src/web.js" --bundle --minify --format=esm --platform=neutral --log-level=warning \
  '--pure:console.warn' '--external:../wasm/certkit_full.js' '--external:../wasm/certkit_kube.js' '--external:./more.js' --outfile="$out/src/web.bundle.js"
mv "$out/src/web.bundle.js" "$out/src/web.js"
for f in "$out"/src/*.js "$out"/wasm/*.js; do
  [ "$f" = "$out/src/web.js" ] && continue
  "$esbuild" "$f" --minify --format=esm --log-level=warning --outfile="$f.min"
  mv "$f.min" "$f"
done
(cd target/npm && npm pack --silent ./certkit >/dev/null)
for f in "$out"/wasm/* "$out"/src/*; do
  printf '%8d bytes  %7d gzip  %s\n' "$(wc -c <"$f")" "$(gzip -9c "$f" | wc -c)" "${f#"$out"/}"
done

#!/usr/bin/env bash
# The crypto floor of the complete npm package (bench/wasm/floor): builds the
# pure-Rust algorithms the package's API runs, alone, the way
# scripts/build-npm.sh builds certkit's modules (same profile, the same
# 32-bit limbs, npm's wasm-opt -Oz), and prints its size next to the
# package's. Run scripts/build-npm.sh first (it installs wasm-opt).
# With --write it also puts the table into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
(cd bench/wasm/floor && CARGO_TARGET_DIR="$target" cargo build -q --release --locked --target wasm32-unknown-unknown)
out="$target/floor"
mkdir -p "$out"
target/npm-tools/node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$target/wasm32-unknown-unknown/release/certkit_floor.wasm" -o "$out/floor.wasm"
gz() { gzip -9c "$1" | wc -c; }
pkg=target/npm/certkit
lite=$(gz "$pkg/wasm/certkit_lite_bg.wasm")
full=$(gz "$pkg/wasm/certkit_full_bg.wasm")
js=0
for f in "$pkg"/src/*.js "$pkg"/wasm/*.js; do js=$((js + $(gz "$f"))); done
floor=$(gz "$out/floor.wasm")
total=$((lite + full + js))
# KB of 1000 bytes, as bench/wasm/run.sh reads the targets.
table="| part | gzip -9 (bytes) |
|---|---|
| the crypto floor: bench/wasm/floor alone | $floor |
| the full module | $full |
| — of which beyond the crypto floor | $((full - floor)) |
| the lite module | $lite |
| the JavaScript (src/ and wasm/) | $js |
| the complete package | $total |
| — everything in it but the crypto floor | $((total - floor)) |
| room for all of that within 250 KB | $((250000 - floor)) |"
echo "$table"
[ "${1:-}" = --write ] || exit 0
section="Written by \`bash bench/wasm/floor.sh --write\` on $(date -u +%Y-%m-%d), for target/npm/certkit as scripts/build-npm.sh built it.

What no encoding layer can take away from the complete package: bench/wasm/floor is each pure-Rust algorithm the package's API runs, called as certkit-core calls it, and nothing else — RSA 2048–4096 key generation (the same prime search) with PKCS#1 v1.5 signing and verification over SHA-256/384/512; ECDSA P-256 and P-384 key generation, signing and verification; Ed25519; scrypt and PBKDF2 (HMAC-SHA-1/224/256/384/512) with AES-128/192/256-CBC; SHA-1 key identifiers. No DER, PEM, JSON, X.509, error messages or wasm-bindgen glue; a panic traps. Built with the package's profile, limbs and wasm-opt -Oz.

$table
"
python3 - "$section" <<'PY'
import sys
start, end = '<!-- wasm-floor:start -->', '<!-- wasm-floor:end -->'
doc = open('BENCHMARKS.md').read()
body = f'{start}\n{sys.argv[1]}{end}'
if start in doc:
    a, b = doc.index(start), doc.index(end) + len(end)
    doc = doc[:a] + body + doc[b:]
else:
    anchor = '<!-- wasm-bench:end -->'
    i = doc.index(anchor) + len(anchor)
    doc = doc[:i] + '\n\n### The crypto floor of the complete package\n\n' + body + doc[i:]
open('BENCHMARKS.md', 'w').write(doc)
PY

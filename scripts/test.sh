#!/usr/bin/env bash
# Runs every check and test of certkit. Installs what it needs on a fresh
# machine (the Rust targets, clippy/rustfmt, OpenSSL) before it starts.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "prerequisites"
missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v script >/dev/null 2>&1 || missing+=(bsdutils)   # script(1): a terminal for the spinner test
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi
rustup component add clippy rustfmt >/dev/null 2>&1 || true
rustup target add wasm32-unknown-unknown thumbv7em-none-eabihf >/dev/null
# The official Kubernetes OpenAPI schemas, offline, to validate the manifests certkit writes.
kv="$PWD/target/kubernetes-validate"
if [ ! -x "$kv/bin/kubernetes-validate" ]; then
  python3 -m venv "$kv"
  "$kv/bin/pip" install -q kubernetes-validate==1.37.0
fi
export CERTKIT_KUBERNETES_VALIDATE="$kv/bin/kubernetes-validate"
openssl version
cargo --version

step "supply chain: licenses, bans, sources (cargo deny; advisories need the RustSec database, which this network cannot fetch)"
if ! command -v cargo-deny >/dev/null 2>&1; then
  cargo install cargo-deny --locked --version 0.19.0 -q || echo "WARNING: cargo-deny could not be installed; supply-chain check skipped"
fi
if command -v cargo-deny >/dev/null 2>&1; then
  cargo deny --log-level error check licenses bans sources
fi

step "rustfmt"
cargo fmt --all --check

step "clippy (native, all targets)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "clippy (certkit-core for wasm32-unknown-unknown)"
cargo clippy -p certkit-core --target wasm32-unknown-unknown --locked -- -D warnings

step "no_std build of certkit-core for a bare-metal target (thumbv7em-none-eabihf)"
cargo build -p certkit-core --target thumbv7em-none-eabihf --locked

step "tests (unit tests, and whole flows judged by OpenSSL)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cargo test --workspace --locked 2>&1 | tee "$log"
awk '/^test result:/ { p += $4; f += $6 } END { printf "\ntests: %d passed, %d failed\n", p, f; exit (f > 0 || p == 0) }' "$log"

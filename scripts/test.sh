#!/usr/bin/env bash
# Runs every check and test of certkit. Installs what it needs on a fresh
# machine before it starts: the Rust targets, clippy/rustfmt, OpenSSL,
# Debian's Chromium and ChromeDriver, wasm-bindgen-cli (at Cargo.lock's
# version), and the npm packages of the test harnesses (from their lock files).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# Disk: a run from a fresh clone wrote 6.8 GB, 3.5 GB of it target/debug
# (full debug info in every test binary, and 0.7 GB of incremental state no
# run reuses). Line tables keep file:line in backtraces. The free space is
# printed before and after, so a full disk shows in the log.
export CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_DEBUG=line-tables-only
free_space() { df -h --output=avail . | tail -1 | tr -d ' '; }
echo "free disk space at the start: $(free_space)"

step "prerequisites"
missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v script >/dev/null 2>&1 || missing+=(bsdutils)   # script(1): a terminal for the spinner test
[ -x /usr/bin/time ] || missing+=(time)                       # peak RSS of each hostile input (tests/flows/hostile.rs)
[ -x /usr/bin/prlimit ] || missing+=(util-linux)
command -v man >/dev/null 2>&1 || missing+=(man-db)              # renders the man pages (tests/flows/completion.rs)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
# A hardware token's stand-in, and the other users of its keys (tests/flows/pkcs11.rs).
[ -f /usr/lib/softhsm/libsofthsm2.so ] || missing+=(softhsm2)
command -v pkcs11-tool >/dev/null 2>&1 || missing+=(opensc)
[ -f "/usr/lib/$(uname -m)-linux-gnu/engines-3/pkcs11.so" ] || missing+=(libengine-pkcs11-openssl)
command -v strace >/dev/null 2>&1 || missing+=(strace)              # fault injection (tests/flows/faults.rs, scripts/fault-sweep.py)
command -v p11-kit >/dev/null 2>&1 || missing+=(p11-kit)             # a token that can be pulled out mid-batch
[ -f "/usr/lib/$(uname -m)-linux-gnu/pkcs11/p11-kit-client.so" ] || missing+=(p11-kit-modules)
# Java's keytool reads certkit's .p12 files (tests/flows/pkcs12.rs).
command -v keytool >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
# kubectl reads the kubeconfigs certkit writes (tests/flows/k8s.rs).
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
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
# pyca/cryptography reads certkit's .p12 files (tests/flows/pkcs12.rs).
pyca="$PWD/target/pyca"
if [ ! -x "$pyca/bin/python" ] || ! "$pyca/bin/python" -c 'import cryptography' 2>/dev/null; then
  python3 -m venv "$pyca"
  "$pyca/bin/pip" install -q --disable-pip-version-check cryptography==48.0.0
fi
export CERTKIT_PYTHON="$pyca/bin/python"
openssl version
cargo --version

step "supply chain: advisories (RustSec snapshot, offline), licenses, bans, sources (cargo deny)"
if ! command -v cargo-deny >/dev/null 2>&1; then
  cargo install cargo-deny --locked --version 0.19.0 -q
fi
# The advisory database: a snapshot beside the project (../shared), since
# this network cannot fetch it; extracted where deny.toml's db-path points,
# under the folder name cargo-deny derives from the database's URL.
advisory_tarball="${CERTKIT_ADVISORY_DB_TARBALL:-../shared/rustsec-advisory-db.tar.gz}"
if [ ! -f "$advisory_tarball" ]; then
  echo "test.sh: the RustSec advisory snapshot $advisory_tarball is missing; put it there (see SECURITY.md) or set CERTKIT_ADVISORY_DB_TARBALL" >&2
  exit 1
fi
export CERTKIT_ADVISORY_DBS="$PWD/target/advisory-dbs"
db="$CERTKIT_ADVISORY_DBS/advisory-db-3157b0e258782691"
if [ ! -d "$db/.git" ] || [ "$advisory_tarball" -nt "$db/.git" ]; then
  rm -rf "$db" "$CERTKIT_ADVISORY_DBS/extract"
  mkdir -p "$CERTKIT_ADVISORY_DBS/extract"
  tar xzf "$advisory_tarball" --no-same-owner -C "$CERTKIT_ADVISORY_DBS/extract"
  mv "$CERTKIT_ADVISORY_DBS/extract/advisory-db" "$db"
  rmdir "$CERTKIT_ADVISORY_DBS/extract"
fi
echo "RustSec advisory database snapshot: $(git -C "$db" log -1 --format='%cd, commit %h' --date=short)"
cargo deny --log-level warn check --disable-fetch advisories licenses bans sources

step "rustfmt"
cargo fmt --all --check

step "clippy (native, all targets)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "clippy (the CLI without PKCS#11, as the static release binary is built)"
cargo clippy -p certkit --no-default-features --locked -- -D warnings

step "clippy (certkit-core for wasm32-unknown-unknown)"
cargo clippy -p certkit-core --target wasm32-unknown-unknown --locked -- -D warnings

step "clippy (certkit-wasm for wasm32: the full module with its tests, the lite module and the kube module)"
cargo clippy -p certkit-wasm --target wasm32-unknown-unknown --all-targets --locked -- -D warnings
cargo clippy -p certkit-wasm --target wasm32-unknown-unknown --no-default-features --features lite --locked -- -D warnings
cargo clippy -p certkit-wasm --target wasm32-unknown-unknown --no-default-features --features kube --locked -- -D warnings

step "no_std build of certkit-core for a bare-metal target (thumbv7em-none-eabihf)"
cargo build -p certkit-core --target thumbv7em-none-eabihf --locked

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

step "tests (unit tests, and whole flows judged by OpenSSL)"
cargo test --workspace --locked 2>&1 | tee -a "$log"

step "pkilint: what certkit issues, linted against RFC 5280 and the CA/B Forum Baseline Requirements"
CERTKIT="$PWD/target/debug/certkit" bash tests/lint/run.sh 2>&1 | tee -a "$log"

step "the release archive: both binaries, aliases, completions, man pages, SBOMs, SHA256SUMS (scripts/build-release.sh archive), checked"
archive="$(bash scripts/build-release.sh archive)"
python3 scripts/check-release.py "$archive" 2>&1 | tee -a "$log"

step "faults: every write-side system call of the CA directory's commands fails once (strace, scripts/fault-sweep.py)"
python3 scripts/fault-sweep.py --certkit "${archive%.tar.gz}/certkit" 2>&1 | tee -a "$log"

step "npm package: build (wasm-bindgen, wasm-opt, npm pack)"
bash scripts/build-npm.sh

step "wasm-bindgen tests of certkit-wasm in Node and in headless Chromium"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver
cargo test -p certkit-wasm --target wasm32-unknown-unknown --locked --test node 2>&1 | tee -a "$log"
cargo test -p certkit-wasm --target wasm32-unknown-unknown --locked --test browser 2>&1 | tee -a "$log"

step "the packed npm package in Node, Deno, workerd and Chromium, judged by OpenSSL and the CLI"
CERTKIT_SKIP_NPM_BUILD=1 bash tests/npm/run.sh 2>&1 | tee -a "$log"

step "the web page in headless Chromium (Playwright), judged by OpenSSL; screenshots in target/web-artifacts"
CERTKIT_SKIP_NPM_BUILD=1 bash tests/web/run.sh 2>&1 | tee -a "$log"

step "fuzz: a short run of every target (CERTKIT_FUZZ_SECONDS each, default 20; needs the nightly toolchain)"
if rustup toolchain list | grep -q '^nightly'; then
  if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install -q cargo-fuzz --locked --version 0.13.2
  fi
  bash fuzz/seed.sh
  for target in $(cd fuzz && cargo +nightly fuzz list); do
    # A crash fails the step; its input is saved under fuzz/artifacts/TARGET/.
    # Whatever fails (a crash, the build, the disk), the run's last lines say why.
    out="target/fuzz-$target.log"
    status=0
    (cd fuzz && cargo +nightly fuzz run "$target" -- -max_total_time="${CERTKIT_FUZZ_SECONDS:-20}" \
      -rss_limit_mb=512 -timeout=5 -max_len=65536 -print_final_stats=1) > "$out" 2>&1 || status=$?
    grep -E '^(Done|stat::number_of_executed_units|==[0-9]+==|SUMMARY|.*panicked)' "$out" | sed "s/^/$target: /" || true
    if [ "$status" -ne 0 ]; then
      echo "fuzz: $target failed (exit $status; free disk space $(free_space)); the last lines of $out:"
      tail -n 40 "$out"
      exit 1
    fi
  done
else
  echo "WARNING: no nightly toolchain: fuzzing skipped"
fi

echo "free disk space at the end: $(free_space)"

# Every runner's summary: cargo's "test result: ok. N passed; M failed" and
# node --test's "# pass N" / "# fail M".
awk '/^test result:/ { p += $4; f += $6 } /^# pass / { p += $3 } /^# fail / { f += $3 }
     END { printf "\ntests: %d passed, %d failed\n", p, f; exit (f > 0 || p == 0) }' "$log"

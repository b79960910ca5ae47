#!/usr/bin/env bash
# Builds the release certkit for the offline CA machine, and prints the
# paths of what it made (one per line):
#
#   certkit          statically linked (x86_64/aarch64 Linux): one file that
#                    runs on any Linux, about 0.4 ms faster to start. It cannot
#                    load PKCS#11 modules (a static binary has no dynamic
#                    loader), so it refuses pkcs11: URIs and names the other.
#   certkit-pkcs11   dynamically linked against the system's C library, with
#                    PKCS#11: for a CA key in a hardware token. Needs glibc as
#                    new as the build machine's, and the token's module.
#
# Elsewhere: one dynamically linked certkit, with PKCS#11.
#
# Usage: build-release.sh [all|static|pkcs11]   (default: all)
set -euo pipefail
which="${1:-all}"
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
case "$target_dir" in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac
triple="$(rustc -vV | sed -n 's/^host: //p')"
case "$triple" in
  x86_64-unknown-linux-gnu|aarch64-unknown-linux-gnu)
    # --target keeps the flag off build scripts and proc-macros.
    if [ "$which" != pkcs11 ]; then
      RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
        cargo build --release --locked -p certkit --no-default-features --target "$triple" >&2
      echo "$target_dir/$triple/release/certkit"
    fi
    if [ "$which" != static ]; then
      cargo build --release --locked -p certkit >&2
      cp "$target_dir/release/certkit" "$target_dir/release/certkit-pkcs11"
      echo "$target_dir/release/certkit-pkcs11"
    fi
    ;;
  *)
    cargo build --release --locked -p certkit >&2
    echo "$target_dir/release/certkit"
    ;;
esac

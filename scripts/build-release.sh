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
# Usage: build-release.sh [all|static|pkcs11|archive]   (default: all)
#
#   archive   both binaries in certkit-VERSION-TARGET.tar.gz, with the cfssl
#             aliases, shell completions, man pages, README, SECURITY.md, the
#             licences, a CycloneDX SBOM per binary and SHA256SUMS; the
#             dependency list is also embedded in each binary (cargo
#             auditable). Installs cargo-auditable and cargo-cyclonedx when
#             missing. Prints the archive's path.
#
# Every build records the commit (`certkit version`) and maps the source,
# registry and target folders to fixed names, so that two builds of one
# commit in different folders give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
case "$which" in all|static|pkcs11|archive) ;; *) echo "usage: $0 [all|static|pkcs11|archive]" >&2; exit 2 ;; esac
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
case "$target_dir" in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac
triple="$(rustc -vV | sed -n 's/^host: //p')"
export CERTKIT_COMMIT="${CERTKIT_COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}"
remap="--remap-path-prefix=$PWD=/certkit --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo --remap-path-prefix=$target_dir=/target"
build=(cargo build)
if [ "$which" = archive ]; then
  for tool in cargo-auditable cargo-cyclonedx; do
    command -v "$tool" >/dev/null 2>&1 || cargo install -q --locked "$tool" >&2
  done
  build=(cargo auditable build)
fi

static_linux=false
case "$triple" in x86_64-unknown-linux-gnu|aarch64-unknown-linux-gnu) static_linux=true ;; esac

static_bin=""
pkcs11_bin=""
if [ "$which" != pkcs11 ] && $static_linux; then
  # --target keeps the flag off build scripts and proc-macros.
  RUSTFLAGS="${RUSTFLAGS:-} $remap -C target-feature=+crt-static" \
    "${build[@]}" --release --locked -p certkit --no-default-features --target "$triple" >&2
  static_bin="$target_dir/$triple/release/certkit"
fi
if [ "$which" != static ] || ! $static_linux; then
  RUSTFLAGS="${RUSTFLAGS:-} $remap" "${build[@]}" --release --locked -p certkit >&2
  if $static_linux; then
    cp "$target_dir/release/certkit" "$target_dir/release/certkit-pkcs11"
    pkcs11_bin="$target_dir/release/certkit-pkcs11"
  else
    static_bin="$target_dir/release/certkit"
  fi
fi

if [ "$which" != archive ]; then
  [ -n "$static_bin" ] && echo "$static_bin"
  [ -n "$pkcs11_bin" ] && echo "$pkcs11_bin"
  exit 0
fi

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)"
name="certkit-$version-$triple"
stage="$target_dir/dist/$name"
rm -rf "$stage"
mkdir -p "$stage/completions" "$stage/man/man1" "$stage/sbom"
cp "$static_bin" "$stage/certkit"
[ -n "$pkcs11_bin" ] && cp "$pkcs11_bin" "$stage/certkit-pkcs11"
for alias in cfssl cfssljson cfssl-certinfo; do ln -s certkit "$stage/$alias"; done
"$stage/certkit" completion bash > "$stage/completions/certkit.bash"
"$stage/certkit" completion zsh > "$stage/completions/_certkit"
"$stage/certkit" completion fish > "$stage/completions/certkit.fish"
"$stage/certkit" man "$stage/man/man1" 2>/dev/null
cp README.md SECURITY.md LICENSE-APACHE LICENSE-MIT "$stage/"
epoch="$(git log -1 --format=%ct 2>/dev/null || echo 0)"
# One SBOM per binary: the crates each links, for its target and features.
# cargo-cyclonedx stamps each with a random serial number, the time and the
# build folder's path; those become the commit's (a UUID derived from it,
# its time) and /certkit, so that the archive is reproducible too.
sbom() { # FEATURE-FLAG OUTPUT
  cargo cyclonedx --manifest-path crates/certkit/Cargo.toml -f json --describe binaries --no-build-deps \
    --spec-version 1.5 --target "$triple" $1 -q >&2
  mv crates/certkit/certkit_bin.cdx.json "$2"
  rm -f crates/certkit-wasm/*.cdx.json crates/certkit-core/*.cdx.json
  python3 - "$2" "$PWD" "$epoch" "$CERTKIT_COMMIT" <<'PY'
import datetime, json, os, sys, uuid
path, root, epoch, commit = sys.argv[1:]
bom = json.loads(open(path).read().replace(f"file://{root}/", "file:///certkit/"))
bom["serialNumber"] = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"certkit/{commit}/{os.path.basename(path)}"))
stamp = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
bom["metadata"]["timestamp"] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
with open(path, "w") as f:
    json.dump(bom, f, indent=2)
    f.write("\n")
PY
}
sbom --no-default-features "$stage/sbom/certkit.cdx.json"
[ -n "$pkcs11_bin" ] && sbom "" "$stage/sbom/certkit-pkcs11.cdx.json"
(cd "$stage" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)
# A reproducible archive: fixed order, owners and times (the commit's).
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=gnu \
  -C "$target_dir/dist" -cf - "$name" | gzip -n -9 > "$target_dir/dist/$name.tar.gz"
(cd "$target_dir/dist" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
echo "$target_dir/dist/$name.tar.gz"

#!/usr/bin/env bash
# Builds certkit and runs the seed's offline-CA recipe end to end in a fresh
# folder: a CA, a server key and CSR, the signature, and OpenSSL's verdict.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v openssl >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq openssl
fi
certkit="$(bash scripts/build-release.sh static)"
dir="$(mktemp -d)/certkit-demo"
"$certkit" demo --dir "$dir"
echo
echo "certkit is at $certkit; the demo's files are in $dir"

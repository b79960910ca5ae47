#!/usr/bin/env bash
# Whole-process benchmarks of certkit against cfssl and OpenSSL, side by side
# in one run; writes BENCHMARKS.md (and its PKCS#11 section, against
# OpenSSL's pkcs11 engine on SoftHSM). Installs hyperfine, GNU time and
# Debian's cfssl when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
command -v cfssl >/dev/null 2>&1 || need+=(golang-cfssl)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -f /usr/lib/softhsm/libsofthsm2.so ] || need+=(softhsm2)
[ -f "/usr/lib/$(uname -m)-linux-gnu/engines-3/pkcs11.so" ] || need+=(libengine-pkcs11-openssl)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${need[@]}"
fi
CERTKIT="$(bash scripts/build-release.sh static)" python3 scripts/bench.py "$@"
# The CA key in a token: the build that loads PKCS#11 modules.
CERTKIT="$(bash scripts/build-release.sh pkcs11)" python3 scripts/bench-pkcs11.py

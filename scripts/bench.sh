#!/usr/bin/env bash
# Whole-process benchmarks of certkit against cfssl and OpenSSL, side by side
# in one run; writes BENCHMARKS.md. Installs hyperfine, GNU time and
# Debian's cfssl when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
command -v cfssl >/dev/null 2>&1 || need+=(golang-cfssl)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${need[@]}"
fi
CERTKIT="$(bash scripts/build-release.sh static)" python3 scripts/bench.py "$@"

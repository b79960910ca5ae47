#!/usr/bin/env bash
# Lints what certkit issues with DigiCert's pkilint (RFC 5280 and the CA/B
# Forum TLS Baseline Requirements): tests/lint/issue.sh issues, check.py
# lints. Installs pkilint and its dependencies, pinned in requirements.txt,
# into target/pkilint (PyPI), and builds certkit unless CERTKIT names it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/target/pkilint"
if ! cmp -s "$here/requirements.txt" "$venv/requirements.txt" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/requirements.txt"
fi
if [ -z "${CERTKIT:-}" ]; then
  (cd "$root" && cargo build -q -p certkit --locked)
  export CERTKIT="$root/target/debug/certkit"
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
bash "$here/issue.sh" "$out"
"$venv/bin/python" "$here/check.py" "$out"

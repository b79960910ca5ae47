#!/usr/bin/env bash
# Issues, with the certkit binary ($CERTKIT), what tests/lint/check.py
# lints: a CA/B Forum-shaped hierarchy (an ECDSA P-384 root, an issuing CA
# signed through a profile, DV server certificates for every key type the
# BRs allow, with and without a CN), a certificate exactly as long as the
# BRs recommend, and CRLs in both of certkit's forms.
set -euo pipefail
C="${CERTKIT:?CERTKIT names the certkit binary}"
D="$(mkdir -p "${1:?usage: issue.sh DIR}" && cd "$1" && pwd)"
cd "$D"
cat > root.json <<'JSON'
{ "CN": "certkit lint Root", "key": {"algo":"ecdsa","size":384}, "names":[{"C":"US","O":"certkit"}], "ca": {"expiry": "87600h"} }
JSON
cat > inter.json <<'JSON'
{ "CN": "certkit lint Issuing CA", "key": {"algo":"ecdsa","size":256}, "names":[{"C":"US","O":"certkit"}] }
JSON
# The BRs' profiles: the DV policy (2.23.140.1.2.1) in the issuing CA and
# the leaves (no qualifiers: RFC 5280 and the BRs advise against them), CRL
# and issuer URLs everywhere, OCSP for leaves. leaf-199d is exactly 199
# days, the BRs' recommended most when the lint's rules are pinned to 2026:
# a second more (RFC 5280 counts both ends) is a finding.
cat > config.json <<'JSON'
{ "signing": { "profiles": {
  "inter": { "usages": ["digital signature","cert sign","crl sign","server auth","client auth"], "expiry": "43000h",
             "ca_constraint": {"is_ca": true, "max_path_len": 0, "max_path_len_zero": true},
             "crl_url": "http://crl.example.com/root.crl", "issuer_urls": ["http://ca.example.com/root.crt"],
             "policies": [{"ID": "2.23.140.1.2.1"}] },
  "inter-nc": { "usages": ["digital signature","cert sign","crl sign","server auth"], "expiry": "43000h",
             "ca_constraint": {"is_ca": true, "max_path_len": 0, "max_path_len_zero": true},
             "crl_url": "http://crl.example.com/root.crl", "issuer_urls": ["http://ca.example.com/root.crt"],
             "policies": [{"ID": "2.23.140.1.2.1"}],
             "name_constraints": { "permitted_dns": ["example.com"], "excluded_dns": ["bad.example.com"],
                                   "permitted_ip": ["10.0.0.0/8"] } },
  "leaf":  { "usages": ["digital signature","server auth"], "expiry": "46d",
             "crl_url": "http://crl.example.com/issuing.crl", "ocsp_url": "http://ocsp.example.com",
             "issuer_urls": ["http://ca.example.com/issuing.crt"],
             "policies": [{"ID": "2.23.140.1.2.1"}] },
  "leaf-199d": { "usages": ["digital signature","server auth"], "expiry": "199d",
             "crl_url": "http://crl.example.com/issuing.crl", "ocsp_url": "http://ocsp.example.com",
             "issuer_urls": ["http://ca.example.com/issuing.crt"], "policies": [{"ID": "2.23.140.1.2.1"}] } } } }
JSON
# Each step's stderr is shown only if it fails.
quiet() { "$@" 2>"$D/.stderr" || { cat "$D/.stderr" >&2; return 1; }; }
quiet "$C" gencert -initca root.json -o root
quiet "$C" genkey inter.json -o inter
quiet "$C" sign -ca root.pem -ca-key root-key.pem -config config.json -profile inter inter.csr -o inter-cert
# A name-constrained issuing CA (the profile's name_constraints), and a
# constrained intermediate directory made with ca init's flags below.
quiet "$C" sign -ca root.pem -ca-key root-key.pem -config config.json -profile inter-nc inter.csr -o inter-nc
for k in p256:ecdsa:256 p384:ecdsa:384 rsa2048:rsa:2048 rsa3072:rsa:3072; do
  IFS=: read -r n a s <<<"$k"
  # The CN as the first SAN (cfssl's habit), and no CN at all.
  echo "{\"CN\":\"www.example.com\",\"hosts\":[\"www.example.com\",\"example.com\",\"1.1.1.1\"],\"key\":{\"algo\":\"$a\",\"size\":$s},\"names\":[{\"C\":\"US\"}]}" >"$n.json"
  echo "{\"hosts\":[\"www.example.com\",\"*.example.com\"],\"key\":{\"algo\":\"$a\",\"size\":$s}}" >"$n-nocn.json"
  quiet "$C" genkey "$n.json" -o "$n"
  quiet "$C" genkey "$n-nocn.json" -o "$n-nocn"
  quiet "$C" sign -ca inter-cert.pem -ca-key inter-key.pem -config config.json -profile leaf "$n.csr" -o "leaf-$n"
  quiet "$C" sign -ca inter-cert.pem -ca-key inter-key.pem -config config.json -profile leaf "$n-nocn.csr" -o "leaf-$n-nocn"
done
quiet "$C" sign -ca inter-cert.pem -ca-key inter-key.pem -config config.json -profile leaf-199d p256-nocn.csr -o leaf-199d
# sign appends the issuing CA to a leaf signed by an intermediate; the
# linters read one certificate per file.
for f in leaf-*.pem inter-cert.pem inter-nc.pem; do
  openssl x509 -in "$f" -out "$f.one" && mv "$f.one" "$f"
done
# CRLs: a CA directory with revocations for reasons the BRs allow, and
# cfssl's gencrl form.
quiet "$C" ca init --no-encrypt --config config.json cadir root.json >/dev/null
for r in keyCompromise superseded unspecified; do
  quiet "$C" sign --ca-dir cadir --profile leaf p256-nocn.csr -o "rev-$r"
  quiet "$C" revoke --ca-dir cadir --serial "0x$(openssl x509 -in "rev-$r.pem" -noout -serial | cut -d= -f2)" --reason "$r" >/dev/null
done
quiet "$C" gencrl --ca-dir cadir --next-update 7d -o crl
# An intermediate CA directory signed through the parent's CA profile.
quiet "$C" ca init --no-encrypt --intermediate --parent cadir --profile inter cadir-int inter.json >/dev/null
openssl x509 -in cadir-int/ca.pem -out dir-inter.pem
quiet "$C" ca init --no-encrypt --intermediate --parent cadir --permit-dns example.com --exclude-dns bad.example.com \
  --permit-ip 10.0.0.0/8 cadir-nc inter.json >/dev/null
openssl x509 -in cadir-nc/ca.pem -out dir-nc.pem
openssl x509 -in cadir/ca.pem -out dir-root.pem
printf '%s\n' 12345 >serials.txt
"$C" gencrl serials.txt inter-cert.pem inter-key.pem 604800 | base64 -d >crl-cfssl-form.crl

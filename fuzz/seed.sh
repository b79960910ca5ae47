#!/usr/bin/env bash
# Seeds each fuzz target's corpus from the test fixtures (real files from
# OpenSSL and kubectl's shapes), plus files certkit makes.
set -euo pipefail
cd "$(dirname "$0")"
data=../tests/data
mkdir -p corpus/{csr,key,csr_json,config,certinfo,kube,sign,ledger,pkcs12,verify}
cp "$data"/csr-*.pem corpus/csr/
cp "$data"/csr-*.pem corpus/sign/
cp "$data"/openssl-*.pem corpus/key/
cp "$data"/csr-*.pem corpus/certinfo/
cp "$data"/k8s/*.json corpus/kube/
# OpenSSL's own .p12 files, re-exported with the fuzz target's passphrase.
for f in "$data"/openssl-pkcs12-*.p12; do
  legacy=(); case "$f" in *legacy*) legacy=(-legacy) ;; esac
  openssl pkcs12 -in "$f" -passin pass:fixture -noenc "${legacy[@]}" -out corpus/pkcs12/all.pem 2>/dev/null \
    && openssl pkcs12 -export -in corpus/pkcs12/all.pem -passout pass:fuzz "${legacy[@]}" -out "corpus/pkcs12/$(basename "$f")" 2>/dev/null || true
  rm -f corpus/pkcs12/all.pem
done
# CSRs certkit makes (the CLI, when built), whose manifest from their
# request (kube::manifest_for_request) the csr target compares with the
# manifest from the parsed CSR: every key type, every kind of SAN, a CA.
certkit="${CERTKIT_BIN:-${CARGO_TARGET_DIR:-../target}/debug/certkit}"
if [ -x "$certkit" ]; then
  certkit="$(realpath "$certkit")"
  made="$(mktemp -d)"
  i=0
  for request in \
    '{"CN":"system:node:n1","names":[{"O":"system:nodes","C":"US"}],"hosts":["n1.example","10.0.0.1"]}' \
    '{"CN":"web","hosts":["web.example.com","a@b.example","spiffe://x/y","::1"],"key":{"algo":"ecdsa","size":384}}' \
    '{"names":[{"O":"Example","OU":"Ops","L":"Berlin","ST":"BE"}],"hosts":["only.example"],"key":{"algo":"rsa","size":2048}}' \
    '{"CN":"edge","hosts":["edge.example"],"key":{"algo":"ed25519"}}'; do
    i=$((i + 1))
    printf '%s' "$request" > "$made/req.json"
    if "$certkit" genkey "$made/req.json" 2>/dev/null | (cd "$made" && "$certkit" cfssljson -bare "made$i" >/dev/null 2>&1); then
      cp "$made/made$i.csr" "corpus/csr/certkit-$i.pem"
      openssl req -in "$made/made$i.csr" -outform DER -out "corpus/csr/certkit-$i.der" 2>/dev/null || true
    fi
  done
  printf '%s' '{"CN":"Intermediate","names":[{"O":"Example"}],"ca":{"pathlen":0}}' > "$made/ca.json"
  if "$certkit" genkey -initca "$made/ca.json" 2>/dev/null | (cd "$made" && "$certkit" cfssljson -bare ca >/dev/null 2>&1); then
    cp "$made/ca.csr" corpus/csr/certkit-ca.pem
  fi
  rm -rf "$made"
fi
for f in "$data"/csr-*.pem; do openssl req -in "$f" -outform DER -out "corpus/csr/$(basename "$f" .pem).der" 2>/dev/null || true; done
echo '{"CN":"web","hosts":["web.example.com","10.0.0.1","a@b.example","spiffe://x/y"],"key":{"algo":"ecdsa","size":256},"names":[{"C":"US","O":"Example"}],"ca":{"expiry":"1h","pathlen":1}}' > corpus/csr_json/full.json
echo '{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"8760h","name_whitelist":"\\.example$","crl_url":"http://crl.example/ca.crl"},"profiles":{"ca":{"usages":["cert sign"],"expiry":"1h","ca_constraint":{"is_ca":true,"max_path_len":1}}}}}' > corpus/config/full.json
printf 'certkit-ledger v1\n{"type":"revoked","time":"2026-11-27T00:00:00Z","serial":"42","reason":"superseded"}\tffffffffffffffff\n' > corpus/ledger/one.log
# verify: chains from the table (leaf 0xff roots 0xff intermediates), PEM.
chains="$(mktemp -d)"
if bash ../tests/verify/chains.sh "$chains/t" >/dev/null 2>&1; then
  while IFS=$'\t' read -r name cert roots ints _; do
    [ "$ints" = - ] && ints=""
    { cat "$chains/t/$cert"; printf '\377'; cat "$chains/t/$roots"; printf '\377'
      for i in $ints; do cat "$chains/t/$i"; done; } > "corpus/verify/$name"
  done < "$chains/t/cases.tsv"
fi
rm -rf "$chains"
echo "seeded fuzz/corpus/*"

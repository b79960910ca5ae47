#!/usr/bin/env bash
# Makes tests/cmd/pki.in, the fixture folder the golden tests share (see
# README.md beside this script). Run once from the repository root:
#
#   cargo build -p certkit && bash tests/cmd/make-fixtures.sh target/debug/certkit
#
# Keys, serials and dates are new each time, so the expectations that show
# them (certinfo, list, k8s request, ...) must then be rewritten with
# TRYCMD=overwrite and reviewed. The certificates are made to outlive the
# tests: the CAs for 100 years (876000h), what they sign for 50 (438000h).
set -euo pipefail
certkit=$(realpath "${1:?usage: make-fixtures.sh PATH/TO/certkit}")
data=$(realpath tests/data)
out=tests/cmd/pki.in
[ -e "$out" ] && { echo "$out exists; remove it first" >&2; exit 1; }
mkdir -p "$out" && cd "$out"
export CERTKIT_CA_KEY_PASSPHRASE=  # never used: every key here is unencrypted, or has its passphrase file

# The direct-style CA (cfssl's flow): ECDSA P-256, 100 years, unencrypted.
cat > ca-csr.json <<'J'
{"CN":"certkit golden CA","names":[{"C":"US","O":"certkit tests"}],"key":{"algo":"ecdsa","size":256},"ca":{"expiry":"876000h"}}
J
"$certkit" gencert -initca ca-csr.json -o ca 2>/dev/null
rm ca.csr
# The same key, encrypted as OpenSSL does it (PBKDF2-HMAC-SHA256, AES-256-CBC).
printf 'golden\n' > passphrase.txt
openssl pkcs8 -topk8 -v2 aes-256-cbc -in ca-key.pem -out ca-key-encrypted.pem -passout pass:golden

# Signing configs.
cat > config.json <<'J'
{
  "signing": {
    "default": { "usages": ["digital signature", "server auth"], "expiry": "438000h" },
    "profiles": {
      "client": { "usages": ["digital signature", "client auth"], "expiry": "438000h" },
      "intermediate": { "usages": ["cert sign", "crl sign"], "expiry": "438000h",
                        "ca_constraint": { "is_ca": true, "max_path_len": 0, "max_path_len_zero": true } }
    }
  }
}
J
# The seed's config (TLS in Kubernetes): key encipherment for an EC key, and 100 years.
cat > seed-config.json <<'J'
{
  "signing": {
    "default": {
      "usages": ["digital signature", "key encipherment", "server auth"],
      "expiry": "876000h",
      "ca_constraint": { "is_ca": false }
    }
  }
}
J
mkdir configs
echo '{"signing":{"default":{"usages":["digital signature","server auth","frobnicate"],"expiry":"8760h"}}}' > configs/unknown-usage.json
echo '{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"8760h"},"profiles":{"www":{"usages":["server auth"],"expirey":"720h"}}}}' > configs/unknown-member.json
echo '{"signing":{"profiles":{"www":{"usages":["digital signature","server auth"],"expiry":"8760h"},"client":{"usages":["digital signature","client auth"],"expiry":"8760h"}}}}' > configs/no-default.json
echo '{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"8760h","remote":"cfssl-server"}}}' > configs/remote.json
echo '{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"8760h","name_whitelist":"\\.internal$"}}}' > configs/whitelist.json
echo '{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"8760h","name_whitelist":"^[a-z0-9.-]*\\.example\\.com$"}}}' > configs/whitelist-dns.json
echo '{"signing":{"default":{"usages":["digital signature","cert sign"],"expiry":"8760h"}}}' > configs/cert-sign-not-ca.json
echo '{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"1m"}}}' > configs/shorter-than-backdate.json
echo '{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"8760h","policies":[{"ID":"2.23.140.1.2.1"},{"ID":"2.23.140.1.2.1"}]}}}' > configs/duplicate-policy.json
echo '{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":8760}}}' > configs/wrong-type.json

# A server key and CSR, and the certificate the direct CA signed for it.
cat > server-csr.json <<'J'
{"CN":"golden.example.com","hosts":["golden.example.com","www.golden.example.com","192.0.2.10"],"names":[{"C":"US","O":"certkit tests"}],"key":{"algo":"ecdsa","size":256}}
J
"$certkit" genkey server-csr.json -o server 2>/dev/null
"$certkit" sign -ca ca.pem -ca-key ca-key.pem -config config.json server.csr -o server 2>/dev/null
# The server's files as cfssl's JSON, for cfssljson.
python3 -c 'import json; print(json.dumps({"cert": open("server.pem").read(), "csr": open("server.csr").read(), "key": open("server-key.pem").read()}))' > cfssl.json
# A client key and CSR.
echo '{"CN":"golden client","key":{"algo":"ecdsa","size":256}}' > client-csr.json
"$certkit" genkey client-csr.json -o client 2>/dev/null
# A CSR that asks to be a CA.
echo '{"CN":"would-be CA","key":{"algo":"ecdsa","size":256}}' | "$certkit" genkey -initca - | "$certkit" cfssljson -bare wants-ca
rm wants-ca.pem wants-ca-key.pem

# An expired certificate: a CA backdated by 8 years signs with fixed times in 2020.
echo '{"CN":"certkit expired-era CA","key":{"algo":"ecdsa","size":256},"ca":{"expiry":"876000h","backdate":"70080h"}}' > old-ca-csr.json
"$certkit" gencert -initca old-ca-csr.json -o old-ca 2>/dev/null
echo '{"signing":{"default":{"usages":["digital signature","server auth"],"not_before":"2020-01-01T00:00:00Z","not_after":"2021-01-01T00:00:00Z"}}}' > past.json
echo '{"CN":"expired.example.com","hosts":["expired.example.com"]}' | "$certkit" genkey - | "$certkit" cfssljson -bare expired
"$certkit" sign -ca old-ca.pem -ca-key old-ca-key.pem -config past.json expired.csr -o expired 2>/dev/null
rm old-ca-csr.json old-ca.csr old-ca-key.pem past.json expired.csr expired-key.pem
# A kubeconfig that embeds the direct CA (certificate-authority-data).
cat > kubeconfig <<J
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: $(base64 -w0 ca.pem)
    server: https://192.0.2.1:6443
  name: golden
contexts: []
users: []
J

# Inputs made by OpenSSL, from tests/data (see its README).
mkdir openssl
for f in csr-md5.pem csr-ecdsa-sha1.pem csr-rsa1024.pem csr-dsa.pem csr-bad-dns-san.pem csr-unknown-critical.pem \
         csr-openssl-p256.pem openssl-rsa-pkcs1.pem openssl-rsa1024-pkcs1.pem openssl-pkcs8-3des.pem openssl-ec-sec1.pem; do
  cp "$data/$f" openssl/
done
printf 'fixture\n' > openssl/passphrase.txt  # of openssl-pkcs8-3des.pem
# Two hostile inputs from tests/data/bad (made by its make.py).
mkdir bad
cp "$data/bad/csr-duplicate-ext.der" "$data/bad/csr-ec-offcurve.der" bad/
# A P-256 CSR whose public key is a compressed point, signed by its key
# (OpenSSL's req always writes the point uncompressed): Python's cryptography.
python3 - > bad/csr-compressed-point.pem <<'P'
import base64
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
def tlv(tag, body):
    n = len(body)
    head = bytes([n]) if n < 0x80 else bytes([0x81, n]) if n < 0x100 else bytes([0x82, n >> 8, n & 0xFF])
    return bytes([tag]) + head + body
def seq(*parts):
    return tlv(0x30, b"".join(parts))
key = ec.generate_private_key(ec.SECP256R1())
point = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
spki = seq(seq(bytes.fromhex("06072a8648ce3d0201"), bytes.fromhex("06082a8648ce3d030107")), tlv(0x03, b"\0" + point))
name = seq(tlv(0x31, seq(bytes.fromhex("0603550403"), tlv(0x0C, b"compressed.example.com"))))
info = seq(tlv(0x02, b"\0"), name, spki, tlv(0xA0, b""))
signature = key.sign(info, ec.ECDSA(hashes.SHA256()))
der = seq(info, seq(bytes.fromhex("06082a8648ce3d040302")), tlv(0x03, b"\0" + signature))
b64 = base64.b64encode(der).decode()
print("-----BEGIN CERTIFICATE REQUEST-----")
print("\n".join(b64[i:i + 64] for i in range(0, len(b64), 64)))
print("-----END CERTIFICATE REQUEST-----")
P

# A CA directory with a ledger: two certificates issued, one revoked.
echo '{"CN":"certkit golden ledger CA","key":{"algo":"ecdsa","size":256},"ca":{"expiry":"876000h"}}' > ledger-ca-csr.json
"$certkit" ca init ca ledger-ca-csr.json --config config.json --no-encrypt >/dev/null
"$certkit" sign --ca-dir ca server.csr -o ledger-server 2>/dev/null
"$certkit" sign --ca-dir ca --profile client client.csr -o ledger-client 2>/dev/null
serial=$("$certkit" certinfo -cert ledger-client.pem | sed -n 's/.*"serial_number": "\(.*\)".*/\1/p')
"$certkit" revoke --ca-dir ca --serial "$serial" --reason keyCompromise >/dev/null
# An intermediate CA directory, signed (and recorded) by ca/ with its intermediate profile.
echo '{"CN":"certkit golden intermediate CA","key":{"algo":"ecdsa","size":256}}' > inter-csr.json
"$certkit" ca init inter inter-csr.json --intermediate --parent ca --profile intermediate --config config.json --no-encrypt >/dev/null
# cfssl's gencrl input: one decimal serial a line (the client certificate's).
printf '%s\n' "$serial" > serials.txt
rm -rf {ca,inter}/{ledger.idx,ledger.state,lock}
# The same directory with its revocation line damaged (one letter changed).
cp -r ca damaged
sed -i 's/keyCompromise/keyCompromisE/' damaged/ledger.log

# Kubernetes CertificateSigningRequest objects (tests/data/k8s) holding fresh CSRs.
cat > k8s-config.json <<'J'
{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"438000h"},"profiles":{
  "clients":{"usages":["digital signature","key encipherment","client auth"],"expiry":"438000h","signer_name":"kubernetes.io/kube-apiserver-client"},
  "kubelet-serving":{"usages":["digital signature","key encipherment","server auth"],"expiry":"438000h","signer_name":"kubernetes.io/kubelet-serving"},
  "kubelet-client":{"usages":["digital signature","key encipherment","client auth"],"expiry":"438000h","signer_name":"kubernetes.io/kube-apiserver-client-kubelet"},
  "serving":{"usages":["digital signature","key encipherment","server auth"],"expiry":"438000h","signer_name":"example.com/serving"}}}}
J
mkdir k8s
echo '{"CN":"alice","names":[{"O":"devs"}]}' | "$certkit" genkey - | "$certkit" cfssljson -bare k8s/alice
echo '{"CN":"system:node:worker-1","names":[{"O":"system:nodes"}],"hosts":["worker-1.example","10.0.0.11"]}' \
  | "$certkit" genkey - | "$certkit" cfssljson -bare k8s/node
echo '{"CN":"system:node:worker-1","names":[{"O":"system:nodes"}]}' | "$certkit" genkey - | "$certkit" cfssljson -bare k8s/node-client
echo '{"CN":"mallory","names":[{"O":"system:masters"}]}' | "$certkit" genkey - | "$certkit" cfssljson -bare k8s/masters
rm k8s/*-key.pem
# Each REQUEST_PLACEHOLDER in turn gets the base64 of the next CSR named.
fill() {
  python3 - "$data/k8s/$1.json" "k8s/$2.json" "${@:3}" <<'P'
import base64, sys
src, dst, csrs = sys.argv[1], sys.argv[2], sys.argv[3:]
text = open(src).read()
for name in csrs:
    text = text.replace("REQUEST_PLACEHOLDER", base64.b64encode(open(f"k8s/{name}.csr", "rb").read()).decode(), 1)
assert "REQUEST_PLACEHOLDER" not in text
open(dst, "w").write(text)
P
}
fill approved approved alice
fill pending pending node
fill denied denied alice
fill failed failed alice
fill signed signed node-client
fill list list node node-client
fill approved masters masters
echo '{"apiVersion":"v1","items":[],"kind":"List","metadata":{"resourceVersion":""}}' > k8s/empty-list.json
: > k8s/empty.json

# A .p12 of the server certificate, its key and the CA, as OpenSSL 3 exports
# it (PBES2 AES-256-CBC, HMAC-SHA-256), for `pkcs12 --extract`.
openssl pkcs12 -export -in server.pem -inkey server-key.pem -certfile ca.pem -name server -passout pass:golden -out server.p12

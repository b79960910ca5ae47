#!/usr/bin/env bash
# The table of chains `certkit verify` and the npm `verify` are judged on
# against `openssl verify -x509_strict` (tests/flows/verify.rs,
# tests/npm/verify.test.mjs). Usage: chains.sh OUTDIR
#
# Every certificate is made here by OpenSSL (`openssl ca`, so that dates
# can be set), strict-clean: CA certificates with a critical
# basicConstraints, keyUsage and subjectKeyIdentifier, every certificate
# under a CA with an authorityKeyIdentifier. OUTDIR/cases.tsv gets one line
# per case:
#   name  cert  roots  intermediates  purpose  host  ip  at  crls  expect
# (paths relative to OUTDIR, space-separated where several, `-` for none;
# `at` in seconds since 1970; purpose server|client; host a DNS name, ip an
# address; expect: a part of certkit's message when the chain fails, `-`
# when certkit finds it valid). The verdict itself is OpenSSL's, run by
# the tests.
set -euo pipefail
out=$1
mkdir -p "$out"
cd "$out"
[ -z "$(ls -A)" ] || { echo "chains.sh: $out is not empty" >&2; exit 2; }

GOOD_FROM=20250101000000Z
GOOD_TO=20350101000000Z

key() { # key NAME [ec|p384|ed25519|rsa]
  case ${2:-ec} in
    ec) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null ;;
    p384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1.key" 2>/dev/null ;;
    ed25519) openssl genpkey -algorithm ED25519 -out "$1.key" 2>/dev/null ;;
    rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null ;;
  esac
}

# A CA database for issuer $1.
db() {
  mkdir -p "db-$1"
  [ -f "db-$1/index.txt" ] || { : > "db-$1/index.txt"; echo 1000 > "db-$1/serial"; echo 1000 > "db-$1/crlnumber"; }
  cat > "db-$1/ca.cnf" <<CNF
[ca]
default_ca = d
[d]
database = db-$1/index.txt
new_certs_dir = db-$1
serial = db-$1/serial
crlnumber = db-$1/crlnumber
default_md = default
policy = p
unique_subject = no
copy_extensions = none
email_in_dn = no
[p]
commonName = supplied
[req]
distinguished_name = dn
[dn]
CNF
}

# cert NAME ISSUER(or self) EXTENSIONS [keytype] [from] [to]
# EXTENSIONS: the extension lines, `|`-separated.
cert() {
  local name=$1 issuer=$2 ext=$3 kt=${4:-ec} from=${5:-$GOOD_FROM} to=${6:-$GOOD_TO}
  [ -f "$name.key" ] || key "$name" "$kt"
  printf '[x]\n%s\n' "$(echo "$ext" | tr '|' '\n')" > "$name.ext"
  local ca=$issuer
  [ "$issuer" = self ] && ca=$name
  db "$ca"
  openssl req -new -key "$name.key" -subj "/CN=$name" -config "db-$ca/ca.cnf" -out "$name.csr" 2>/dev/null
  local signer=(-cert "$ca.pem" -keyfile "$ca.key")
  [ "$issuer" = self ] && signer=(-selfsign -keyfile "$name.key")
  openssl ca -batch -notext -config "db-$ca/ca.cnf" "${signer[@]}" -in "$name.csr" -out "$name.pem" \
    -startdate "$from" -enddate "$to" -extfile "$name.ext" -extensions x 2>/dev/null >/dev/null
}

ROOT_EXT='basicConstraints=critical,CA:TRUE|keyUsage=critical,keyCertSign,cRLSign|subjectKeyIdentifier=hash|authorityKeyIdentifier=keyid:always'
CA_EXT='basicConstraints=critical,CA:TRUE|keyUsage=critical,keyCertSign,cRLSign|subjectKeyIdentifier=hash|authorityKeyIdentifier=keyid:always'
SERVER='basicConstraints=critical,CA:FALSE|keyUsage=critical,digitalSignature|extendedKeyUsage=serverAuth|subjectKeyIdentifier=hash|authorityKeyIdentifier=keyid:always'
CLIENT='basicConstraints=critical,CA:FALSE|keyUsage=critical,digitalSignature|extendedKeyUsage=clientAuth|subjectKeyIdentifier=hash|authorityKeyIdentifier=keyid:always'
SAN='subjectAltName=DNS:good.example.com,IP:10.1.2.3'

cert root self "$ROOT_EXT"
cert int root "$CA_EXT"
cert leaf int "$SERVER|$SAN"
cert client int "$CLIENT|$SAN"
cert noeku int "basicConstraints=critical,CA:FALSE|keyUsage=critical,digitalSignature|subjectKeyIdentifier=hash|authorityKeyIdentifier=keyid:always|$SAN"
cert expired int "$SERVER|$SAN" ec 20250101000000Z 20250601000000Z
cert notyet int "$SERVER|$SAN" ec 20300101000000Z 20320101000000Z
cert oldint root "$CA_EXT" ec 20250101000000Z 20250601000000Z
cert oldintleaf oldint "$SERVER|$SAN"
cert oldroot self "$ROOT_EXT" ec 20250101000000Z 20250601000000Z
cert oldrootleaf oldroot "$SERVER|$SAN"
cert otherroot self "$ROOT_EXT"
# pathLenConstraint 0: a leaf under it is fine, another CA under it is not.
cert pl0 root "basicConstraints=critical,CA:TRUE,pathlen:0|keyUsage=critical,keyCertSign,cRLSign|subjectKeyIdentifier=hash|authorityKeyIdentifier=keyid:always"
cert pl0leaf pl0 "$SERVER|$SAN"
cert pl0sub pl0 "$CA_EXT"
cert pl0subleaf pl0sub "$SERVER|$SAN"
# Name constraints (RFC 5280 form): permitted example.com and 10.0.0.0/8, excluded bad.example.com.
cert nc root "$CA_EXT|nameConstraints=critical,permitted;DNS:example.com,permitted;IP:10.0.0.0/255.0.0.0,excluded;DNS:bad.example.com"
cert ncin nc "$SERVER|subjectAltName=DNS:a.example.com,IP:10.9.8.7"
cert ncdns nc "$SERVER|subjectAltName=DNS:a.example.org"
cert ncip nc "$SERVER|subjectAltName=DNS:a.example.com,IP:192.168.1.1"
cert ncexcl nc "$SERVER|subjectAltName=DNS:x.bad.example.com"
# Email and URI constraints: mail at example.com, URIs whose host is below
# example.com (for URIs the leading dot is RFC 5280's own form). Names
# outside them are in the table; names inside are a documented difference
# (ncmailin: OpenSSL accepts it, certkit refuses, as rustls-webpki does not
# evaluate these forms; tests/flows/verify.rs).
cert ncmail root "$CA_EXT|nameConstraints=critical,permitted;email:example.com,permitted;URI:.example.com"
cert ncmailin ncmail "$SERVER|subjectAltName=DNS:a.example.com,email:ops@example.com,URI:https://api.example.com/x"
cert ncmailout ncmail "$SERVER|subjectAltName=DNS:a.example.com,email:ops@example.org"
cert ncuriout ncmail "$SERVER|subjectAltName=DNS:a.example.com,URI:https://api.example.org/x"
# No subjectAltName: the CN, a host name, is what name constraints judge.
cert x.bad.example.com nc "$SERVER"
cert in.example.com nc "$SERVER"
# Not a CA used as an issuer: a leaf, and an intermediate with cA FALSE.
cert leafca leaf "$SERVER|subjectAltName=DNS:under-leaf.example.com"
cert notca root "basicConstraints=critical,CA:FALSE|keyUsage=critical,digitalSignature,keyCertSign|subjectKeyIdentifier=hash|authorityKeyIdentifier=keyid:always"
cert notcaleaf notca "$SERVER|$SAN"
# An issuer whose keyUsage lacks keyCertSign.
cert nocertsign root "basicConstraints=critical,CA:TRUE|keyUsage=critical,digitalSignature,cRLSign|subjectKeyIdentifier=hash|authorityKeyIdentifier=keyid:always"
cert nocertsignleaf nocertsign "$SERVER|$SAN"
# An intermediate whose extendedKeyUsage allows clientAuth only.
cert clientint root "$CA_EXT|extendedKeyUsage=clientAuth"
cert clientintleaf clientint "$SERVER|$SAN"
# A leaf whose keyUsage allows neither server nor client use.
cert kuleaf int "basicConstraints=critical,CA:FALSE|keyUsage=critical,dataEncipherment|extendedKeyUsage=serverAuth|subjectKeyIdentifier=hash|authorityKeyIdentifier=keyid:always|$SAN"
# An unknown critical extension in the leaf.
cert critleaf int "$SERVER|$SAN|1.2.3.4=critical,ASN1:NULL"
# A bad signature: the leaf's last byte flipped.
openssl x509 -in leaf.pem -outform DER -out badsig.der
python3 - <<'PY'
b = bytearray(open('badsig.der', 'rb').read()); b[-1] ^= 1; open('badsig.der', 'wb').write(bytes(b))
PY
openssl x509 -inform DER -in badsig.der -out badsig.pem
# A loop: loopa and loopb issue each other (neither under a root).
key loopa; key loopb
cert loopa otherroot "$CA_EXT"   # first made under otherroot, to get loopa.pem to sign with
cert loopb loopa "$CA_EXT"
cert loopa loopb "$CA_EXT"
cert loopleaf loopa "$SERVER|$SAN"
cat loopa.pem loopb.pem > loop-ints.pem
# A long path: 8 intermediates.
prev=root; : > long-ints.pem
for i in 1 2 3 4 5 6 7 8; do cert "long$i" "$prev" "$CA_EXT"; cat "long$i.pem" >> long-ints.pem; prev=long$i; done
cert longleaf long8 "$SERVER|$SAN"
# Six intermediates: the longest path verified.
cert long6leaf long6 "$SERVER|$SAN"
# Other key types.
for kt in ed25519 p384 rsa; do
  cert "$kt-root" self "$ROOT_EXT" "$kt"
  cert "$kt-int" "$kt-root" "$CA_EXT" "$kt"
  cert "$kt-leaf" "$kt-int" "$SERVER|$SAN" "$kt"
done
# An ECDSA leaf under an RSA intermediate.
cert mixleaf rsa-int "$SERVER|$SAN"
# What -x509_strict asks of CA certificates and links (RFC 5280 4.2.1.1,
# 4.2.1.2, 4.2.1.9): a critical basicConstraints, a subjectKeyIdentifier, an
# authorityKeyIdentifier below the root.
cert bcnc root "basicConstraints=CA:TRUE|keyUsage=critical,keyCertSign,cRLSign|subjectKeyIdentifier=hash|authorityKeyIdentifier=keyid:always"
cert bcncleaf bcnc "$SERVER|$SAN"
cert noski root "basicConstraints=critical,CA:TRUE|keyUsage=critical,keyCertSign,cRLSign|subjectKeyIdentifier=none|authorityKeyIdentifier=keyid:always"
cert noskileaf noski "basicConstraints=critical,CA:FALSE|keyUsage=critical,digitalSignature|extendedKeyUsage=serverAuth|subjectKeyIdentifier=hash|authorityKeyIdentifier=none|$SAN"
cert noaki int "basicConstraints=critical,CA:FALSE|keyUsage=critical,digitalSignature|extendedKeyUsage=serverAuth|subjectKeyIdentifier=hash|authorityKeyIdentifier=none|$SAN"
# A self-signed end entity, trusted as itself.
cert selfleaf self "basicConstraints=critical,CA:FALSE|keyUsage=critical,digitalSignature|extendedKeyUsage=serverAuth|subjectKeyIdentifier=hash|$SAN"
# Intermediates in any order, with strangers.
cat otherroot.pem nc.pem int.pem pl0.pem > mixed-ints.pem

# CRLs: root's (revoking revint), int's (revoking revleaf).
cert revint root "$CA_EXT"
cert revintleaf revint "$SERVER|$SAN"
cert revleaf int "$SERVER|$SAN"
openssl ca -batch -config db-root/ca.cnf -cert root.pem -keyfile root.key -revoke revint.pem 2>/dev/null
openssl ca -batch -config db-int/ca.cnf -cert int.pem -keyfile int.key -revoke revleaf.pem 2>/dev/null
db revint
openssl ca -batch -config db-root/ca.cnf -cert root.pem -keyfile root.key -gencrl -crldays 30 -out root.crl 2>/dev/null
openssl ca -batch -config db-int/ca.cnf -cert int.pem -keyfile int.key -gencrl -crldays 30 -out int.crl 2>/dev/null
openssl ca -batch -config db-revint/ca.cnf -cert revint.pem -keyfile revint.key -gencrl -crldays 30 -out revint.crl 2>/dev/null
cat root.crl int.crl > crls.pem
cat root.crl revint.crl > crls-revint.pem

sleep 1
now=$(date +%s)
late=$(date -d 2040-01-01T00:00:00Z +%s)
# name cert roots intermediates purpose host ip at crls
{
  row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"; }
  row good-server leaf.pem root.pem int.pem server - - "$now" - '-'
  row good-client client.pem root.pem int.pem client - - "$now" - '-'
  row good-no-eku-server noeku.pem root.pem int.pem server - - "$now" - '-'
  row good-no-eku-client noeku.pem root.pem int.pem client - - "$now" - '-'
  row host-match leaf.pem root.pem int.pem server good.example.com - "$now" - '-'
  row host-mismatch leaf.pem root.pem int.pem server other.example.com - "$now" - 'not valid for host `other.example.com`'
  row ip-match leaf.pem root.pem int.pem server - 10.1.2.3 "$now" - '-'
  row ip-mismatch leaf.pem root.pem int.pem server - 10.9.9.9 "$now" - 'not valid for host `10.9.9.9`'
  row expired-leaf expired.pem root.pem int.pem server - - "$now" - 'leaf `CN=expired`: expired at 2025-06-01'
  row not-yet-valid-leaf notyet.pem root.pem int.pem server - - "$now" - 'leaf `CN=notyet`: not valid before 2030-01-01'
  row expired-intermediate oldintleaf.pem root.pem oldint.pem server - - "$now" - 'intermediate `CN=oldint`: expired at'
  row expired-root oldrootleaf.pem oldroot.pem - server - - "$now" - 'root `CN=oldroot`: expired at'
  row outside-every-validity leaf.pem root.pem int.pem server - - "$late" - 'leaf `CN=leaf`: expired at 2035-01-01'
  row client-leaf-as-server client.pem root.pem int.pem server - - "$now" - 'leaf `CN=client`: its extendedKeyUsage (clientAuth) lacks serverAuth'
  row server-leaf-as-client leaf.pem root.pem int.pem client - - "$now" - 'leaf `CN=leaf`: its extendedKeyUsage (serverAuth) lacks clientAuth'
  row intermediate-eku-client-only clientintleaf.pem root.pem clientint.pem server - - "$now" - 'intermediate `CN=clientint`: its extendedKeyUsage (clientAuth) lacks serverAuth'
  row leaf-key-usage-wrong kuleaf.pem root.pem int.pem server - - "$now" - 'its keyUsage does not allow TLS server authentication'
  row pathlen0-leaf pl0leaf.pem root.pem pl0.pem server - - "$now" - '-'
  row pathlen0-exceeded pl0subleaf.pem root.pem "pl0.pem pl0sub.pem" server - - "$now" - 'intermediate `CN=pl0`: pathLenConstraint 0 exceeded'
  row nc-inside ncin.pem root.pem nc.pem server - - "$now" - '-'
  row nc-inside-host ncin.pem root.pem nc.pem server a.example.com - "$now" - '-'
  row nc-dns-not-permitted ncdns.pem root.pem nc.pem server - - "$now" - 'DNS name `a.example.org` is outside the permitted subtrees (DNS example.com) of `CN=nc`'
  row nc-ip-not-permitted ncip.pem root.pem nc.pem server - - "$now" - 'IP address `192.168.1.1` is outside the permitted subtrees (IP 10.0.0.0/8)'
  row nc-dns-excluded ncexcl.pem root.pem nc.pem server - - "$now" - 'DNS name `x.bad.example.com` is in the excluded subtree DNS bad.example.com of `CN=nc`'
  row nc-email-not-permitted ncmailout.pem root.pem ncmail.pem server - - "$now" - 'email address `ops@example.org` is outside the permitted subtrees (email example.com) of `CN=ncmail`'
  row nc-uri-not-permitted ncuriout.pem root.pem ncmail.pem server - - "$now" - 'URI `https://api.example.org/x` is outside the permitted subtrees (URI .example.com) of `CN=ncmail`'
  row nc-cn-inside in.example.com.pem root.pem nc.pem server - - "$now" - '-'
  row nc-cn-excluded x.bad.example.com.pem root.pem nc.pem server - - "$now" - 'subject CN (a host name) `x.bad.example.com` is in the excluded subtree DNS bad.example.com of `CN=nc`'
  row leaf-used-as-issuer leafca.pem root.pem "int.pem leaf.pem" server - - "$now" - 'intermediate `CN=leaf`: not a CA'
  row ca-false-intermediate notcaleaf.pem root.pem notca.pem server - - "$now" - 'intermediate `CN=notca`: not a CA'
  row issuer-without-keycertsign nocertsignleaf.pem root.pem nocertsign.pem server - - "$now" - 'intermediate `CN=nocertsign`: its keyUsage lacks keyCertSign'
  row bad-signature badsig.pem root.pem int.pem server - - "$now" - 'leaf `CN=leaf`: its signature does not verify with the key of `CN=int`'
  row missing-intermediate leaf.pem root.pem - server - - "$now" - 'its issuer `CN=int` is not among the roots'
  row wrong-root leaf.pem otherroot.pem int.pem server - - "$now" - 'intermediate `CN=int`: its issuer `CN=root` is not among the roots'
  row loop loopleaf.pem root.pem loop-ints.pem server - - "$now" - 'a loop'
  row six-intermediates long6leaf.pem root.pem long-ints.pem server - - "$now" - '-'
  row eight-intermediates longleaf.pem root.pem long-ints.pem server - - "$now" - 'longer than 8 certificates'
  row unknown-critical-extension critleaf.pem root.pem int.pem server - - "$now" - 'leaf `CN=critleaf`: unknown critical extension 1.2.3.4'
  row ed25519 ed25519-leaf.pem ed25519-root.pem ed25519-int.pem server - - "$now" - '-'
  row p384 p384-leaf.pem p384-root.pem p384-int.pem server - - "$now" - '-'
  row rsa rsa-leaf.pem rsa-root.pem rsa-int.pem server - - "$now" - '-'
  row ecdsa-under-rsa mixleaf.pem rsa-root.pem rsa-int.pem server - - "$now" - '-'
  row intermediates-any-order leaf.pem root.pem mixed-ints.pem server good.example.com - "$now" - '-'
  row ca-basic-constraints-not-critical bcncleaf.pem root.pem bcnc.pem server - - "$now" - 'intermediate `CN=bcnc`: its basicConstraints is not critical'
  row ca-without-ski noskileaf.pem root.pem noski.pem server - - "$now" - 'intermediate `CN=noski`: a CA certificate without subjectKeyIdentifier'
  row leaf-without-aki noaki.pem root.pem int.pem server - - "$now" - 'leaf `CN=noaki`: has no authorityKeyIdentifier'
  row self-signed-leaf-trusted selfleaf.pem selfleaf.pem - server - - "$now" - '-'
  row crl-not-revoked leaf.pem root.pem int.pem server - - "$now" crls.pem '-'
  row crl-revoked-leaf revleaf.pem root.pem int.pem server - - "$now" crls.pem 'leaf `CN=revleaf`: revoked at'
  row crl-revoked-intermediate revintleaf.pem root.pem revint.pem server - - "$now" crls-revint.pem 'intermediate `CN=revint`: revoked at'
} > cases.tsv

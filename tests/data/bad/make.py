#!/usr/bin/env python3
"""Writes certkit's hostile-input corpus into tests/data/bad/.

Run from anywhere: `python3 tests/data/bad/make.py`. Python 3 standard
library only, plus the `openssl` command for what needs a real private-key
operation (signatures, encrypted keys, odd key types).

Every file here must be REFUSED by every certkit command (and npm package
function) that its name prefix routes it to, with a one-line error, quickly
and in little memory: see README.md for the families and
tests/flows/hostile.rs and tests/npm/hostile.test.mjs for the routing.

Determinism: the structures are built by hand, byte by byte, and signed
with the committed RSA test key (PKCS#1 v1.5 signatures are deterministic),
so most files come out identical on every run. Files that need a fresh key
or OpenSSL's random salts (ECDSA, DSA, encrypted PKCS#8) change bytes when
regenerated, which is fine: what they exercise does not. The 10 MB input is
not here; the tests make it in a temporary folder.
"""

import base64
import hashlib
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent
RSA_KEY = FIXTURES / "openssl-rsa-pkcs1.pem"  # committed test key, RSA-2048
PASSPHRASE = b"hostile"  # the tests hand this to certkit for encrypted keys
MAX_FILE = 200_001  # nothing committed here may be larger (one 100k-deep JSON is exactly this)

TMP = Path(tempfile.mkdtemp(prefix="certkit-bad-"))
WRITTEN = []


# --------------------------------------------------------------------------
# DER, by hand: every hostile variant is a few bytes away from a valid one.


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def seq(*items):
    return tlv(0x30, b"".join(items))


def set_(*items):
    return tlv(0x31, b"".join(sorted(items)))


def integer(n):
    if n == 0:
        return tlv(0x02, b"\x00")
    b = n.to_bytes((n.bit_length() + 8) // 8, "big")  # room for the sign bit
    return tlv(0x02, b)


def oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    body = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.append(0x80 | (p & 0x7F))
            p >>= 7
        body += bytes(reversed(chunk))
    return tlv(0x06, body)


def null():
    return b"\x05\x00"


def octet(b):
    return tlv(0x04, b)


def bitstring(b, unused=0):
    return tlv(0x03, bytes([unused]) + b)


def boolean(v):
    return tlv(0x01, b"\xff" if v else b"\x00")


def utf8(s):
    return tlv(0x0C, s if isinstance(s, bytes) else s.encode())


def printable(s):
    return tlv(0x13, s if isinstance(s, bytes) else s.encode())


def ctx(n, content, constructed=True):
    return tlv((0xA0 if constructed else 0x80) | n, content)


def gentime(s):
    return tlv(0x18, s.encode())


def utctime(s):
    return tlv(0x17, s.encode())


def walk(der, start=0, end=None, depth=0, out=None):
    """(offset, tag, header length, content length, depth) of every TLV, in
    order: where to flip a bit so that the structure, not just a value,
    breaks."""
    out = [] if out is None else out
    end = len(der) if end is None else end
    i = start
    while i < end:
        tag = der[i]
        first = der[i + 1]
        if first < 0x80:
            hl, n = 2, first
        else:
            k = first & 0x7F
            hl, n = 2 + k, int.from_bytes(der[i + 2 : i + 2 + k], "big")
        out.append((i, tag, hl, n, depth))
        if tag & 0x20:  # constructed: descend
            walk(der, i + hl, i + hl + n, depth + 1, out)
        i += hl + n
    return out


# OIDs
CN = "2.5.4.3"
O = "2.5.4.10"
RSA_ENC = "1.2.840.113549.1.1.1"
SHA256_RSA = "1.2.840.113549.1.1.11"
SHA1_RSA = "1.2.840.113549.1.1.5"
MD5_RSA = "1.2.840.113549.1.1.4"
ECDSA_SHA256 = "1.2.840.10045.4.3.2"
EC_PUBKEY = "1.2.840.10045.2.1"
P256 = "1.2.840.10045.3.1.7"
EXT_REQ = "1.2.840.113549.1.9.14"
SAN = "2.5.29.17"
KU = "2.5.29.15"
BC = "2.5.29.19"
SKI = "2.5.29.14"
PBES2 = "1.2.840.113549.1.5.13"
PBKDF2 = "1.2.840.113549.1.5.12"
SCRYPT = "1.3.6.1.4.1.11591.4.11"
HMAC_SHA256 = "1.2.840.113549.2.9"
HMAC_SHA512 = "1.2.840.113549.2.11"
AES256_CBC = "2.16.840.1.101.3.4.1.42"


def openssl(*args):
    r = subprocess.run(["openssl", *args], capture_output=True)
    if r.returncode != 0:
        sys.exit(f"openssl {' '.join(args)} failed:\n{r.stderr.decode(errors='replace')}")
    return r.stdout


def sign(data, digest="sha256", key=RSA_KEY):
    """A signature over `data` (PKCS#1 v1.5 for RSA: deterministic)."""
    p = TMP / "tbs"
    p.write_bytes(data)
    return openssl("dgst", f"-{digest}", "-sign", str(key), str(p))


def name(*pairs):
    """A Name: one RDN per (oid, encoded value) pair."""
    return seq(*[set_(seq(oid(o), v)) for o, v in pairs])


def ext(o, value, critical=False):
    return seq(oid(o), *([boolean(True)] if critical else []), octet(value))


def san(*general_names):
    return seq(*general_names)


def dns(s):
    return tlv(0x82, s if isinstance(s, bytes) else s.encode())


def ip(b):
    return tlv(0x87, b)


RSA_SPKI = openssl("pkey", "-in", str(RSA_KEY), "-pubout", "-outform", "DER")
GOOD_SUBJECT = name((CN, utf8("hostile.example")), (O, utf8("certkit tests")))


def cri(subject=GOOD_SUBJECT, spki=RSA_SPKI, exts=None, attrs=None):
    """CertificationRequestInfo (RFC 2986): version 0, and by default one
    extensionRequest asking for DNS:hostile.example."""
    if attrs is None:
        exts = [ext(SAN, san(dns("hostile.example")))] if exts is None else exts
        attrs = [seq(oid(EXT_REQ), set_(seq(*exts)))]
    return seq(integer(0), subject, spki, ctx(0, b"".join(attrs)))


def csr(info, alg=SHA256_RSA, params=None, sig=None, digest="sha256", key=RSA_KEY):
    """A CSR over `info`, signed with the RSA test key unless `sig` is given."""
    if params is None:
        params = null() if alg.startswith("1.2.840.113549.1.1.") else b""
    if sig is None:
        sig = sign(info, digest, key)
    return seq(info, seq(oid(alg), params), bitstring(sig))


def pem(label, der, width=64):
    b = base64.b64encode(der).decode()
    lines = [b[i : i + width] for i in range(0, len(b), width)]
    return (f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n").encode()


def write(fname, data):
    if isinstance(data, str):
        data = data.encode()
    assert len(data) <= MAX_FILE, f"{fname} is {len(data)} bytes; make it smaller or make it at test time"
    assert fname not in WRITTEN, f"{fname} written twice"
    (HERE / fname).write_bytes(data)
    WRITTEN.append(fname)


def flip(der, offset, bit=0):
    b = bytearray(der)
    b[offset] ^= 1 << bit
    return bytes(b)


rng = random.Random(20240607)  # fixed: the "random" files are the same every run


# --------------------------------------------------------------------------
# The valid structures everything else is made from.

GOOD_CSR = csr(cri())
assert subprocess.run(
    ["openssl", "req", "-verify", "-noout", "-inform", "DER"], input=GOOD_CSR, capture_output=True
).returncode == 0, "the base CSR must be valid, or its variants test nothing"

# A self-signed RSA CA certificate with fixed dates and serial.
CA_NAME = name((CN, utf8("hostile test CA")), (O, utf8("certkit tests")))
CA_EXTS = seq(
    ext(BC, seq(boolean(True)), critical=True),
    ext(KU, bitstring(b"\x06", unused=1), critical=True),
    ext(SKI, octet(hashlib.sha1(RSA_SPKI).digest())),
)
TBS = seq(
    ctx(0, integer(2)),
    integer(0x0123456789ABCDEF),
    seq(oid(SHA256_RSA), null()),
    CA_NAME,
    seq(utctime("250101000000Z"), gentime("20550101000000Z")),
    CA_NAME,
    RSA_SPKI,
    ctx(3, CA_EXTS),
)
GOOD_CERT = seq(TBS, seq(oid(SHA256_RSA), null()), bitstring(sign(TBS)))
r = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout"], input=GOOD_CERT, capture_output=True)
assert r.returncode == 0, r.stderr


def cert_with_tbs(tbs):
    return seq(tbs, seq(oid(SHA256_RSA), null()), bitstring(sign(tbs)))


def tbs_with(**over):
    """The CA's TBSCertificate with some fields replaced (raw DER)."""
    f = dict(
        version=ctx(0, integer(2)),
        serial=integer(0x0123456789ABCDEF),
        alg=seq(oid(SHA256_RSA), null()),
        issuer=CA_NAME,
        validity=seq(utctime("250101000000Z"), gentime("20550101000000Z")),
        subject=CA_NAME,
        spki=RSA_SPKI,
        exts=ctx(3, CA_EXTS),
    )
    f.update(over)
    return seq(*f.values())


def clean():
    """Removes the previous run's corpus (everything but this script and the README)."""
    for p in HERE.iterdir():
        if p.is_file() and p.name not in ("make.py", "README.md"):
            p.unlink()


# --------------------------------------------------------------------------
# csr-*: certificate requests (certinfo -csr, sign, k8s request/check;
# the package's certinfo, sign, kubernetesCsr, keyMatches).


def csr_family():
    d = GOOD_CSR
    write("csr-truncated-der-half.der", d[: len(d) // 2])
    full = pem("CERTIFICATE REQUEST", d).decode().splitlines()
    # The base64 body stops after three lines (a whole number of quanta), END kept.
    write("csr-truncated-pem-body.pem", "\n".join(full[:4] + full[-1:]) + "\n")
    write("csr-truncated-pem-noend.pem", "\n".join(full[:-2]) + "\n")

    # One bit flipped in the outer tag, the subject, the key, the signature
    # algorithm and the signature: the signature covers everything but the
    # outer header, so each must be refused.
    tlvs = walk(d)
    subject_cn = next(o for o, t, hl, n, dep in tlvs if t == 0x0C)
    spki_bits = next(o for o, t, hl, n, dep in tlvs if t == 0x03)
    alg_oid = [o for o, t, hl, n, dep in tlvs if t == 0x06][-1]
    for off, bit in [
        (0, 4),
        (subject_cn + 3, 0),
        (spki_bits + 40, 3),
        (alg_oid + 4, 0),
        (len(d) - 1, 7),
    ]:
        write(f"csr-bitflip-{off:04d}-{bit}.der", flip(d, off, bit))

    write("csr-bad-signature.pem", pem("CERTIFICATE REQUEST", flip(d, len(d) - 1, 0)))
    info = cri()
    write("csr-signature-empty.der", seq(info, seq(oid(SHA256_RSA), null()), bitstring(b"")))

    # Weak and wrong algorithms, validly signed where OpenSSL can.
    write("csr-md5.der", csr(info, MD5_RSA, digest="md5"))
    write("csr-sha1.pem", pem("CERTIFICATE REQUEST", csr(info, SHA1_RSA, digest="sha1")))
    write("csr-sigalg-mismatch.der", csr(info, ECDSA_SHA256, sig=sign(info)))
    k512 = TMP / "rsa512.pem"
    k512.write_bytes(openssl("genrsa", "512"))
    spki512 = openssl("pkey", "-in", str(k512), "-pubout", "-outform", "DER")
    write("csr-rsa512.der", csr(cri(spki=spki512), key=k512))
    k1 = TMP / "k1.pem"
    k1.write_bytes(openssl("ecparam", "-name", "secp256k1", "-genkey", "-noout"))
    spki_k1 = openssl("pkey", "-in", str(k1), "-pubout", "-outform", "DER")
    i = cri(spki=spki_k1)
    write("csr-secp256k1.der", csr(i, ECDSA_SHA256, sig=sign(i, key=k1)))
    # A P-256 key that is not a point on the curve.
    spki = seq(seq(oid(EC_PUBKEY), oid(P256)), bitstring(b"\x04" + (1).to_bytes(32, "big") * 2))
    write("csr-ec-offcurve.der", csr(cri(spki=spki), ECDSA_SHA256, sig=seq(integer(1), integer(1))))
    write("csr-trailing-garbage.der", d + b"\x00\x00")

    # Extensions: duplicated, empty, zero-length, too many.
    write("csr-duplicate-ext.der", csr(cri(exts=[ext(SAN, san(dns("a.example"))), ext(SAN, san(dns("b.example")))])))
    req = seq(oid(EXT_REQ), set_(seq(ext(SAN, san(dns("a.example"))))))
    write("csr-duplicate-extreq.der", csr(cri(attrs=[req, req])))
    write("csr-empty-san.der", csr(cri(exts=[ext(SAN, san())])))
    write("csr-zero-length-dns.der", csr(cri(exts=[ext(SAN, san(dns("")))])))
    write("csr-zero-length-ip.der", csr(cri(exts=[ext(SAN, san(ip(b"")))])))
    write("csr-nul-in-dns.der", csr(cri(exts=[ext(SAN, san(dns(b"evil.example\x00.good.example")))])))
    write("csr-nonutf8-dns.der", csr(cri(exts=[ext(SAN, san(dns(b"\xff\xfe.example")))])))
    write(
        "csr-too-many-exts.der",
        csr(cri(exts=[ext(f"1.3.6.1.4.1.55555.{k}", null()) for k in range(65)])),
    )
    write("csr-too-many-sans.der", csr(cri(exts=[ext(SAN, san(*[dns(f"h{k}.example") for k in range(1001)]))])))
    write("csr-critical-garbage-ku.der", csr(cri(exts=[ext(KU, b"\x13\x02hi", critical=True)])))

    # Names: not UTF-8, not printable, odd-length BMP, enormous.
    write("csr-nonutf8-cn.der", csr(cri(subject=name((CN, utf8(b"\xff\xfe\x41"))))))
    write("csr-printable-invalid.der", csr(cri(subject=name((CN, printable(b"a@b*c\x00"))))))
    write("csr-bmpstring-odd.der", csr(cri(subject=name((CN, tlv(0x1E, b"\x00a\x00"))))))
    write("csr-cn-100k.der", csr(cri(subject=name((CN, utf8("x" * 100_000))))))


# --------------------------------------------------------------------------
# cert-*: certificates, structurally broken (certinfo -cert and the CA
# certificate of sign; the package's certinfo, sign's caCert, keyMatches).


def cert_family():
    c = GOOD_CERT
    write("cert-truncated-der-half.der", c[: len(c) // 2])
    full = pem("CERTIFICATE", c).decode().splitlines()
    write("cert-truncated-pem.pem", "\n".join(full[: len(full) // 2]) + "\n")
    # certinfo does not verify signatures, so a flipped *value* may still be
    # a certificate: flip tags and lengths, which break the structure.
    tlvs = walk(c)
    outer, tbs, version, serial = tlvs[0], tlvs[1], tlvs[2], tlvs[4]
    for off, tag, hl, n, dep in (outer, version, serial):
        write(f"cert-bitflip-tag-{off:04d}.der", flip(c, off, 1))
    for off, tag, hl, n, dep in (outer, tbs):
        write(f"cert-bitflip-len-{off:04d}.der", flip(c, off + hl - 1, 0))
    write("cert-bad-time.der", cert_with_tbs(tbs_with(validity=seq(utctime("ZZZZZZZZZZZZZ"), gentime("20550101000000Z")))))
    write("cert-nonutf8-cn.der", cert_with_tbs(tbs_with(subject=name((CN, utf8(b"\xc3\x28\xff"))))))
    write("cert-version-9.der", cert_with_tbs(tbs_with(version=ctx(0, integer(9)))))
    write("cert-serial-100-bytes.der", cert_with_tbs(tbs_with(serial=tlv(0x02, b"\x01" * 100))))
    write("cert-trailing-garbage.der", c + b"\x30\x00")


# --------------------------------------------------------------------------
# key-*: private keys that are broken, weak or of the wrong kind (sign's CA
# key, with the passphrase `hostile` on hand; the package's decryptKey,
# encryptKey, keyMatches, sign's caKey).


def pbes2_key(kdf, enc_oid=AES256_CBC, iv=b"\x11" * 16, data=b"\x00" * 64):
    """An EncryptedPrivateKeyInfo with the given KDF AlgorithmIdentifier; the
    ciphertext is junk, since what is under test is the cost of getting to it."""
    return seq(seq(oid(PBES2), seq(kdf, seq(oid(enc_oid), octet(iv)))), octet(data))


def key_family():
    pk8 = openssl("pkcs8", "-topk8", "-nocrypt", "-in", str(RSA_KEY), "-outform", "DER")
    write("key-garbage.pem", pem("PRIVATE KEY", bytes(rng.randrange(256) for _ in range(300))))
    write("key-truncated-pkcs8.pem", pem("PRIVATE KEY", pk8[: len(pk8) // 2]))
    enc = openssl(
        "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-iter", "1000", "-in", str(RSA_KEY),
        "-passout", "pass:" + PASSPHRASE.decode(), "-outform", "DER",
    )
    write("key-truncated-encrypted.pem", pem("ENCRYPTED PRIVATE KEY", enc[: len(enc) - 40]))
    other = openssl(
        "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-iter", "1000", "-in", str(RSA_KEY),
        "-passout", "pass:not-the-passphrase",
    )
    write("key-encrypted-wrong-pass.pem", other)
    salt = octet(b"\x22" * 16)
    prf = seq(oid(HMAC_SHA256), null())
    # PBKDF2 with 2^32-1 iterations: ~10 minutes of CPU natively (2^22 take
    # 0.55 s), far more in wasm, if nothing bounds it. And with 0, which
    # RFC 8018 does not allow.
    write("key-encrypted-pbkdf2-4g-iterations.pem", pem("ENCRYPTED PRIVATE KEY", pbes2_key(seq(oid(PBKDF2), seq(salt, integer(0xFFFFFFFF), prf)))))
    # PBKDF2-HMAC-SHA512 at 5,000,000 iterations, the most the iteration
    # limit let through: 6.7 s per decryptKey call in Node (issue #22) before
    # the limit counted the hash's cost.
    write("key-encrypted-pbkdf2-sha512-5m.pem", pem("ENCRYPTED PRIVATE KEY", pbes2_key(seq(oid(PBKDF2), seq(salt, integer(5_000_000), seq(oid(HMAC_SHA512), null()))))))
    write("key-encrypted-pbkdf2-zero-iterations.pem", pem("ENCRYPTED PRIVATE KEY", pbes2_key(seq(oid(PBKDF2), seq(salt, integer(0), prf)))))
    # scrypt with N=2^20, r=8: a 1 GiB work area (128·r·N bytes) if nothing bounds it.
    write("key-encrypted-scrypt-1gib.pem", pem("ENCRYPTED PRIVATE KEY", pbes2_key(seq(oid(SCRYPT), seq(salt, integer(1 << 20), integer(8), integer(1))))))
    # scrypt with N=2^16, r=8, p=65535: a small work area, but hours of CPU
    # (N=2^14, p=256 already take 10 s).
    write("key-encrypted-scrypt-p-65535.pem", pem("ENCRYPTED PRIVATE KEY", pbes2_key(seq(oid(SCRYPT), seq(salt, integer(1 << 16), integer(8), integer(65535))))))
    write("key-encrypted-unknown-cipher.pem", pem("ENCRYPTED PRIVATE KEY", pbes2_key(seq(oid(PBKDF2), seq(salt, integer(1000), prf)), enc_oid="1.2.3.4")))
    write(
        "key-encrypted-pbes1.pem",
        openssl("pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-in", str(RSA_KEY), "-passout", "pass:" + PASSPHRASE.decode()),
    )
    write(
        "key-legacy-encrypted.pem",
        openssl("rsa", "-traditional", "-aes256", "-in", str(RSA_KEY), "-passout", "pass:" + PASSPHRASE.decode()),
    )
    # An EC key whose scalar is 0.
    write("key-ec-zero-scalar.pem", pem("EC PRIVATE KEY", seq(integer(1), octet(bytes(32)), ctx(0, oid(P256)))))
    # An RSA key whose CRT values do not fit together (p replaced by p+2).
    raw = openssl("rsa", "-traditional", "-in", str(RSA_KEY), "-outform", "DER")
    fields = [t for t in walk(raw) if t[4] == 1]  # version, n, e, d, p, q, dp, dq, qinv
    ints = [int.from_bytes(raw[o + hl : o + hl + n], "big") for o, t, hl, n, dep in fields]
    ints[4] += 2  # p
    write("key-rsa-bad-prime.pem", pem("RSA PRIVATE KEY", seq(*[integer(v) for v in ints])))
    # A 40,000-bit "RSA key" of junk: is the size refused before any arithmetic?
    big = [0, (1 << 40_000) - 1, 65537] + [(1 << 20_000) - 1] * 6
    write("key-rsa-40000-bit-junk.pem", pem("RSA PRIVATE KEY", seq(*[integer(v) for v in big])))
    dsap = TMP / "dsap.pem"
    openssl("genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:1024", "-out", str(dsap))
    write("key-dsa.pem", openssl("genpkey", "-paramfile", str(dsap)))
    write("key-secp256k1.pem", openssl("ecparam", "-name", "secp256k1", "-genkey", "-noout"))
    write("key-certificate-only.pem", pem("CERTIFICATE", GOOD_CERT))


# --------------------------------------------------------------------------
# der-*: raw DER and BER oddities, given to every PKI input (CSR, CA
# certificate, CA key, certinfo of both kinds; the package's equivalents).


def der_family():
    write("der-empty.der", b"")
    write("der-zero.der", b"\x00")
    # 10,000 definite-length SEQUENCEs, each inside the previous.
    inner = b""
    for _ in range(10_000):
        inner = seq(inner)
    write("der-nested-10000.der", inner)
    write("der-nested-indefinite-50000.der", b"\x30\x80" * 50_000 + b"\x00\x00" * 50_000)
    # The base CSR in BER: indefinite lengths for the outer SEQUENCE.
    body = GOOD_CSR[4:]  # GOOD_CSR starts 30 82 ll ll
    write("der-indefinite.der", b"\x30\x80" + body + b"\x00\x00")
    write("der-nonminimal-length.der", b"\x30\x84" + len(body).to_bytes(4, "big") + body)
    write("der-huge-length.der", b"\x30\x84\x7f\xff\xff\xff" + GOOD_CSR[4:64])
    write("der-high-tag.der", b"\x1f" + b"\xff" * 9 + b"\x7f\x00")
    write("der-int-60k.der", seq(tlv(0x02, b"\x7f" + b"\xff" * 60_000)))
    write("der-random-4096.der", b"\x30\x82" + bytes(rng.randrange(256) for _ in range(4096)))


# --------------------------------------------------------------------------
# pem-*: broken armour, given to every PKI input like der-*.


def pem_family():
    csr_pem = pem("CERTIFICATE REQUEST", GOOD_CSR).decode()
    lines = csr_pem.splitlines()
    body = lines[1:-1]
    write("pem-wrong-label.pem", pem("CERTIFICATE", GOOD_CSR))
    write("pem-wrong-label-cert-as-csr.pem", pem("CERTIFICATE REQUEST", GOOD_CERT))
    bad = list(body)
    bad[2] = bad[2][:10] + "!!!!" + bad[2][14:]
    write("pem-bad-base64.pem", "\n".join([lines[0], *bad, lines[-1]]) + "\n")
    write("pem-no-end.pem", "\n".join(lines[:-1]) + "\n")
    write("pem-mismatched-end.pem", "\n".join([lines[0], *body, "-----END CERTIFICATE-----"]) + "\n")
    write("pem-empty-body.pem", "-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n")
    write("pem-nul-in-label.pem", pem("CERTIFICATE\x00REQUEST", GOOD_CSR))
    write("pem-nonutf8.pem", b"-----BEGIN CERTIFICATE REQUEST\xff-----\n\xfe\xff\x80\n-----END CERTIFICATE REQUEST\xff-----\n")
    write("pem-long-line.pem", "-----BEGIN CERTIFICATE REQUEST-----\n" + "A" * 150_000 + "\n-----END CERTIFICATE REQUEST-----\n")
    write("pem-many-empty-blocks.pem", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n" * 3_000)
    write("pem-many-begins.pem", "-----BEGIN CERTIFICATE REQUEST-----\n" * 5_000)
    write("pem-encrypted-headers.pem", "\n".join([lines[0], "Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF", "", *body, lines[-1]]) + "\n")
    write("pem-dash-flood.pem", "-" * 150_000)


# --------------------------------------------------------------------------
# json-*: cfssl JSON. json-csr-* go to genkey (and the package's
# checkRequest and genkey), json-config-* to sign -config (and sign's
# config), plain json-* to both.


def json_family():
    write("json-nested-array-100k.json", "[" * 100_000 + "]" * 100_000 + "\n")
    write("json-nested-object-40k.json", '{"":' * 40_000 + "1" + "}" * 40_000)
    write("json-empty.json", b"")
    write("json-trailing-garbage.json", '{"CN":"x"} and more')
    write("json-lone-surrogate.json", '{"CN":"\\ud800","hosts":["\\udfff"]}')
    write("json-huge-number.json", '{"CN": 1e999999, "signing": 1e999999}')
    write("json-bom.json", b"\xef\xbb\xbf" + b'{"CN":"x",}')
    # Non-UTF-8 where a value is read; where the bytes become U+FFFD (the
    # package takes strings), the value is still refused.
    write("json-csr-nonutf8.json", b'{"CN":"x","hosts":["\xff\xfe.example.com"]}')
    write("json-config-nonutf8.json", b'{"signing":{"default":{"expiry":"1h","usages":["server auth","\xff\xfe"]}}}')
    # Duplicate keys that differ in case: Go would fold them onto one field.
    write("json-csr-duplicate-key-case.json", '{"CN":"a","cn":"b"}')
    # Exact duplicates: the first, bad, value must not be silently dropped.
    write("json-csr-duplicate-key.json", '{"CN":"x","hosts":["exa mple.com"],"hosts":["ok.example"]}')
    # Arrays where objects belong: serde would fill a struct's fields in order.
    write("json-csr-array-as-object.json", '["web.example.com"]')
    write("json-config-array-as-object.json", '[{"default":{"usages":["server auth"],"expiry":"1h"}}]')
    write("json-csr-key-size-overflow.json", '{"CN":"x","key":{"algo":"rsa","size":100000000000000000000000000000}}')
    write("json-csr-hosts-12000.json", '{"CN":"x","hosts":[' + ",".join(f'"h{k}.ex"' for k in range(12_000)) + "]}")
    write("json-csr-cn-150k.json", '{"CN":"' + "x" * 150_000 + '"}')
    write("json-csr-nul-in-host.json", '{"CN":"x","hosts":["a.example\\u0000.evil"]}')
    write("json-config-wrong-types.json", '{"signing":{"default":{"usages":"server auth","expiry":3600}}}')
    write("json-config-expiry-overflow.json", '{"signing":{"default":{"usages":["server auth"],"expiry":"99999999999999999999h"}}}')
    write("json-config-not-before-year-99999.json", '{"signing":{"default":{"usages":["server auth"],"expiry":"1h","not_before":"99999-01-01T00:00:00Z"}}}')
    write("json-config-backdate-overflow.json", '{"signing":{"default":{"usages":["server auth"],"expiry":"1h","backdate":"9223372036854775807s"}}}')


# --------------------------------------------------------------------------
# k8s-*: Kubernetes CertificateSigningRequest objects (k8s check, k8s sign;
# the package has no reader for objects, so it gets the raw file as a
# certificate and, for k8s-request-*, the decoded spec.request as a CSR).


def k8s_obj(request=None, **over):
    o = {
        "apiVersion": "certificates.k8s.io/v1",
        "kind": "CertificateSigningRequest",
        "metadata": {"name": "hostile"},
        "spec": {
            "signerName": "example.com/hostile",
            "usages": ["digital signature", "client auth"],
        },
    }
    if request is not None:
        o["spec"]["request"] = request
    for k, v in over.items():
        if k == "spec":
            o["spec"].update(v)
        else:
            o[k] = v
    return o


def b64(b):
    return base64.b64encode(b).decode()


def k8s_family():
    def wj(fname, obj):
        write(fname, json.dumps(obj, indent=4, sort_keys=True) + "\n")

    # The requests themselves are bad.
    wj("k8s-request-not-base64.json", k8s_obj("!!! this is not base64 !!!"))
    wj("k8s-request-base64-garbage.json", k8s_obj(b64(bytes(rng.randrange(256) for _ in range(512)))))
    wj("k8s-request-certificate.json", k8s_obj(b64(pem("CERTIFICATE", GOOD_CERT))))
    wj("k8s-request-bitflip.json", k8s_obj(b64(pem("CERTIFICATE REQUEST", flip(GOOD_CSR, len(GOOD_CSR) // 2, 0)))))
    md5 = (HERE / "csr-md5.der").read_bytes()
    wj("k8s-request-md5.json", k8s_obj(b64(pem("CERTIFICATE REQUEST", md5))))
    # The object around the request is bad (the request, where there is one, is fine).
    good = b64(pem("CERTIFICATE REQUEST", GOOD_CSR))
    wj("k8s-kind-pod.json", k8s_obj(good, kind="Pod"))
    wj("k8s-signer-garbage.json", k8s_obj(good, spec={"signerName": "../../\u0000"}))
    # Many objects, each refused: bounded time, and one report line each.
    items = [{"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest", "metadata": {"name": f"n{k}"}, "spec": {"request": ""}} for k in range(1_500)]
    write("k8s-list-1500-refused.json", json.dumps({"apiVersion": "v1", "kind": "List", "items": items}, separators=(",", ":")))
    # Parser stress: deep nesting (JSON, then the YAML fallback), alias
    # bombs, bytes that are neither JSON nor text.
    head = '{"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest","spec":'
    write("k8s-nested-99k.json", head + "[" * 99_000 + "]" * 99_000 + "}")
    write("k8s-nested-array-top.json", "[" * 99_000 + "]" * 99_000)
    write("k8s-nested-yaml.yaml", "".join("  " * k + "a:\n" for k in range(400)) + "  " * 400 + "b\n")
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 10):
        bomb.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]")
    bomb.append("kind: *a9")
    write("k8s-yaml-alias-bomb.yaml", "\n".join(bomb) + "\n")
    write("k8s-yaml-invalid.yaml", "kind: [unclosed\n\tapiVersion: : :\n")
    write("k8s-nonutf8.json", b"\xff\xfe\x00k\x00i\x00n\x00d")
    write("k8s-empty.json", b"")
    write("k8s-huge-number.json", '{"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest","spec":{"expirationSeconds":1e999999}}')


def main():
    clean()
    try:
        csr_family()
        cert_family()
        key_family()
        der_family()
        pem_family()
        json_family()
        k8s_family()
    finally:
        shutil.rmtree(TMP)
    families = {}
    for f in WRITTEN:
        families.setdefault(f.split("-")[0], 0)
        families[f.split("-")[0]] += 1
    print(f"wrote {len(WRITTEN)} files to {HERE}: " + ", ".join(f"{k} {v}" for k, v in families.items()))


if __name__ == "__main__":
    main()

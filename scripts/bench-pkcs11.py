#!/usr/bin/env python3
"""Signing with a CA key in a token (SoftHSM), side by side in one run:
certkit against OpenSSL's pkcs11 engine with the same token and key, and
against certkit's own file-key signing; and a batch of 500 CSRs from the
token in one process (one login). Writes its section of BENCHMARKS.md.

Run via scripts/bench.sh (which builds certkit-pkcs11 and installs SoftHSM,
OpenSC and the engine), or directly:
  CERTKIT=$(bash scripts/build-release.sh pkcs11) python3 scripts/bench-pkcs11.py
"""
import datetime
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import hyperfine_results, peak_rss_kb, version, write_section  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CERTKIT = os.environ.get("CERTKIT") or os.path.join(ROOT, "target", "release", "certkit-pkcs11")
MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "864200"
BATCH = 500


def run(cmd, cwd, stdin=None):
    return subprocess.run(cmd, cwd=cwd, input=stdin, check=True, capture_output=True).stdout


def main():
    d = tempfile.mkdtemp(prefix="certkit-bench-p11-")
    os.makedirs(os.path.join(d, "tokens"))
    with open(os.path.join(d, "softhsm2.conf"), "w") as f:
        f.write(f"directories.tokendir = {d}/tokens\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = os.path.join(d, "softhsm2.conf")
    os.environ["PKCS11_MODULE_PATH"] = MODULE
    pin_file = os.path.join(d, "pin")
    with open(pin_file, "w") as f:
        f.write(PIN + "\n")
    os.chmod(pin_file, 0o600)
    run(["softhsm2-util", "--init-token", "--free", "--label", "bench", "--so-pin", "1111", "--pin", PIN], d)
    uri = f"pkcs11:token=bench;object=root?module-path={MODULE}&pin-source=file:{pin_file}"
    # The same P-256 CA twice: its key in the token, and a file CA for comparison.
    run([CERTKIT, "ca", "init", "ca", "--token", uri], d)
    run([CERTKIT, "gencert", "-initca", "-o", "filed", "-"], d, stdin=b'{"CN":"file CA"}')
    run([CERTKIT, "genkey", "-o", "web", "-"], d, stdin=b'{"CN":"web.example","hosts":["web.example"]}')
    os.makedirs(os.path.join(d, "csrs"))
    for i in range(BATCH):
        with open(os.path.join(d, "web.csr"), "rb") as src, open(os.path.join(d, "csrs", f"c{i:03}.csr"), "wb") as dst:
            dst.write(src.read())
    engine_key = f"pkcs11:token=bench;object=root;type=private;pin-value={PIN}"
    # Each tool's output is checked once before it is timed.
    for cmd in (
        [CERTKIT, "sign", "-ca", "ca/ca.pem", "-ca-key", uri, "web.csr", "-o", "check-certkit"],
        ["openssl", "x509", "-req", "-in", "web.csr", "-engine", "pkcs11", "-CAkeyform", "engine", "-CAkey", engine_key,
         "-CA", "ca/ca.pem", "-days", "30", "-out", "check-openssl.pem"],
    ):
        run(cmd, d)
    for f in ("check-certkit.pem", "check-openssl.pem"):
        out = run(["openssl", "verify", "-CAfile", "ca/ca.pem", f], d).decode()
        assert ": OK" in out, out

    commands = [
        f"{CERTKIT} sign -ca ca/ca.pem -ca-key {uri} web.csr",
        f"openssl x509 -req -in web.csr -engine pkcs11 -CAkeyform engine -CAkey {engine_key} -CA ca/ca.pem -days 30",
        f"{CERTKIT} sign -ca filed.pem -ca-key filed-key.pem web.csr",
        # What any PKCS#11 client process pays before it signs: OpenSC's C
        # tool loading the module, initializing it and listing its slots.
        f"pkcs11-tool --module {MODULE} --list-slots",
    ]
    # hyperfine splits each command on spaces (no shell): no spaces in paths above.
    res = hyperfine_results(d, commands, runs=60, warmup=5)
    token, openssl, filed, floor = (r["median"] for r in res)
    batch_cmd = f"{CERTKIT} sign -ca ca/ca.pem -ca-key {uri} --out-dir out " + " ".join(
        f"csrs/c{i:03}.csr" for i in range(BATCH))
    batch = hyperfine_results(d, [batch_cmd], runs=5, warmup=1, prepare=f"rm -rf {d}/out")[0]["median"]
    rss_token = peak_rss_kb(d, [CERTKIT, "sign", "-ca", "ca/ca.pem", "-ca-key", uri, "web.csr"])
    rss_openssl = peak_rss_kb(d, ["openssl", "x509", "-req", "-in", "web.csr", "-engine", "pkcs11", "-CAkeyform", "engine",
                                  "-CAkey", engine_key, "-CA", "ca/ca.pem", "-days", "30"])
    softhsm = run(["softhsm2-util", "--version"], d).decode().strip()
    checks = [
        ("`certkit sign -ca-key pkcs11:…` ≤ 0.5× `openssl x509 -req -engine pkcs11` (same token and key)",
         f"{token / openssl:.2f}×", token / openssl <= 0.5),
        ("batch from the token, 500 CSRs in one process (one login) ≤ 2 ms per certificate",
         f"{batch / BATCH * 1000:.2f} ms", batch / BATCH <= 0.002),
    ]
    ms = lambda s: f"{s * 1000:.2f} ms"
    lines = [
        "## PKCS#11: the CA key in a token (#15)",
        "",
        "<!-- pkcs11:start -->",
        f"Written by `scripts/bench-pkcs11.py` (run by `scripts/bench.sh`) on {datetime.date.today().isoformat()}, "
        f"on {os.cpu_count()} cores. The token is SoftHSM ({softhsm}) with a P-256 CA key certkit made in it; "
        f"certkit is the dynamically linked release build with PKCS#11 (certkit-pkcs11, {version([CERTKIT, 'version'])}); "
        f"OpenSSL: {version(['openssl', 'version'])} with Debian's pkcs11 engine (libp11). Medians of whole processes "
        "(hyperfine -N, 60 runs each, the four commands in one session); each tool's certificate was verified by "
        "`openssl verify` first. The PIN comes from a file for certkit and from the URI for the engine.",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    for name, measured, ok in checks:
        lines.append(f"| {name} | {measured} | {'yes' if ok else 'NO'} |")
    lines += [
        "",
        "| operation | median | peak RSS |",
        "|---|---|---|",
        f"| `certkit sign -ca-key pkcs11:…` (load module, log in, sign one P-256 CSR) | {ms(token)} | {rss_token / 1024:.1f} MB |",
        f"| `openssl x509 -req -engine pkcs11 -CAkeyform engine` (same token, key, CSR) | {ms(openssl)} | {rss_openssl / 1024:.1f} MB |",
        f"| `certkit sign -ca-key ca-key.pem` (a P-256 key in a file, same binary) | {ms(filed)} | — |",
        f"| token / file key | {token / filed:.2f}× | |",
        f"| `pkcs11-tool --list-slots` (OpenSC: load SoftHSM, initialize it, list slots; no login) | {ms(floor)} | |",
        f"| 500 CSRs in one `certkit sign -ca-key pkcs11:… --out-dir` | {ms(batch)} ({batch / BATCH * 1000:.2f} ms per certificate) | |",
        "",
        "Reproduce with `bash scripts/bench.sh` (all sections) or "
        "`CERTKIT=$(bash scripts/build-release.sh pkcs11) python3 scripts/bench-pkcs11.py` (this one).",
        "Where the time goes: most of a one-certificate run is SoftHSM's own start — loading it with libcrypto and "
        "libstdc++, `C_Initialize` reading its token store and OpenSSL's config — which any client pays "
        "(the `pkcs11-tool --list-slots` row), then `C_Login` deriving the PIN's key. certkit's own work is about the "
        "file-key row. With a hardware token, `C_Login` and `C_Sign` on the device dominate instead.",
        "<!-- pkcs11:end -->",
        "",
    ]
    section = "\n".join(lines)
    write_section("pkcs11", section)
    print(section)


if __name__ == "__main__":
    main()

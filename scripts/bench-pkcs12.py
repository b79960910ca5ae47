#!/usr/bin/env python3
"""`certkit pkcs12` against `openssl pkcs12 -export`: whole processes, same
inputs (a P-256 leaf, its key and its CA), same iteration count, medians
of hyperfine -N in one run, interleaved per iteration count. Writes its
section of BENCHMARKS.md between <!-- pkcs12:start --> and
<!-- pkcs12:end --> (replacing an earlier one, keeping the rest).

    python3 scripts/bench-pkcs12.py [CERTKIT]   # default target/release/certkit

Both outputs are checked with `openssl pkcs12 -info` before timing.
"""

import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import write_section  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CERTKIT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/certkit"))
RUNS = int(os.environ.get("CERTKIT_BENCH_RUNS", "40"))


def run(args, cwd, stdin=None):
    return subprocess.run(args, cwd=cwd, input=stdin, check=True, capture_output=True).stdout


def measure(d, iterations):
    """Medians (wall, user + system CPU) of certkit and openssl in folder d."""
    ck = (f"{CERTKIT} pkcs12 --cert leaf.pem --key leaf-key.pem --ca ca.pem --passphrase-file pw "
          f"--iterations {iterations} -o ck --force")
    ossl = (f"openssl pkcs12 -export -in leaf.pem -inkey leaf-key.pem -certfile ca.pem -passout file:pw "
            f"-iter {iterations} -out ossl.p12")
    for cmd, out in ((ck, "ck.p12"), (ossl, "ossl.p12")):
        subprocess.run(cmd, shell=True, cwd=d, check=True, capture_output=True)
        info = subprocess.run(["openssl", "pkcs12", "-in", out, "-passin", "file:pw", "-info", "-noout"],
                              cwd=d, capture_output=True, text=True, check=True).stderr
        assert f"Iteration {iterations}" in info and "AES-256-CBC" in info and "MAC: sha256" in info, info
    js = os.path.join(d, "h.json")
    subprocess.run(["hyperfine", "-N", "--warmup", "3", "--runs", str(RUNS), "--export-json", js,
                    "-n", "certkit", ck, "-n", "openssl", ossl], cwd=d, check=True, capture_output=True)
    with open(js) as f:
        res = {r["command"]: r for r in json.load(f)["results"]}
    cpu = lambda r: r["user"] + r["system"]  # hyperfine reports their means
    return [(res[t]["median"], cpu(res[t])) for t in ("certkit", "openssl")]


def setup(d):
    ca = run([CERTKIT, "gencert", "-initca", "-"], d, b'{"CN":"Bench CA"}')
    run([CERTKIT, "cfssljson", "-bare", "ca"], d, ca)
    leaf = run([CERTKIT, "gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-"], d, b'{"CN":"web","hosts":["web"]}')
    run([CERTKIT, "cfssljson", "-bare", "leaf"], d, leaf)
    with open(os.path.join(d, "pw"), "w") as f:
        f.write("correct horse battery staple\n")


def main():
    rows = []
    # On disk, certkit flushes the .p12 and its folder to disk before it
    # returns (fsync, as for every key it writes) and OpenSSL does not; in
    # memory (tmpfs) the flush is free, which leaves the work itself.
    places = [("disk (/tmp)", tempfile.gettempdir())]
    if os.path.isdir("/dev/shm"):
        places.append(("tmpfs (/dev/shm)", "/dev/shm"))
    for place, base in places:
        with tempfile.TemporaryDirectory(prefix="certkit-bench-p12-", dir=base) as d:
            setup(d)
            for iterations in (2048, 100_000):
                (ck, ck_cpu), (ossl, ossl_cpu) = measure(d, iterations)
                rows.append((place, iterations, ck, ossl, ck_cpu, ossl_cpu))
    # `certkit version` prints the version, then commit, target (and link
    # mode) and pkcs11 lines: the first and the target's are what matter here.
    lines = run([CERTKIT, "version"], ROOT).decode().splitlines()
    target = next((l.split(":", 1)[1].strip() for l in lines if l.startswith("target:")), "")
    ck_version = lines[0].strip() + (f", {target}" if target else "")
    ossl_version = run(["openssl", "version"], ROOT).decode().strip()
    load = os.getloadavg()[0]
    lines = [
        "## PKCS#12: `certkit pkcs12` vs `openssl pkcs12 -export`",
        "",
        "<!-- pkcs12:start -->",
        f"Written by `bash scripts/build-release.sh static && python3 scripts/bench-pkcs12.py target/x86_64-unknown-linux-gnu/release/certkit` on {datetime.date.today().isoformat()}, {os.cpu_count()} cores "
        f"({platform.machine()}, load average {load:.1f} from other work), {ck_version} "
        f"({os.path.relpath(CERTKIT, ROOT)}), {ossl_version}. Whole processes, hyperfine -N, {RUNS} runs after 3 "
        "warm-ups, medians; the same P-256 leaf, key and CA, passphrase and iteration count (PBKDF2 for the "
        "certificates and the key, and the MAC's), both writing AES-256-CBC with an HMAC-SHA-256 MAC (checked with "
        "`openssl pkcs12 -info` first). certkit flushes the file and its folder to disk before it returns, as for "
        "every key it writes; OpenSSL does not: the tmpfs rows, where a flush costs nothing, compare the work. "
        "Target (issue #17): certkit ≤ 0.5× openssl.",
        "",
        "| where | iterations | certkit | openssl | certkit / openssl | CPU (user+sys, mean) certkit / openssl |",
        "|---|---|---|---|---|---|",
    ]
    for place, iterations, ck, ossl, ck_cpu, ossl_cpu in rows:
        lines.append(f"| {place} | {iterations:,} | {ck * 1e3:.2f} ms | {ossl * 1e3:.2f} ms | {ck / ossl:.2f}× | "
                     f"{ck_cpu * 1e3:.2f} / {ossl_cpu * 1e3:.2f} ms |")
    lines += ["<!-- pkcs12:end -->", ""]
    section = "\n".join(lines)
    write_section("pkcs12", section)
    print(section)


if __name__ == "__main__":
    main()

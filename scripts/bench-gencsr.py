#!/usr/bin/env python3
"""`certkit gencsr -key` against `openssl req -new -key`: a CSR for a key
that already exists, whole processes, the same key files (made by
`openssl genpkey`), the same subject and SANs, medians of hyperfine -N in
one run, interleaved per key type. Writes its section of BENCHMARKS.md
between <!-- gencsr:start --> and <!-- gencsr:end --> (replacing an
earlier one, keeping the rest).

    python3 scripts/bench-gencsr.py [CERTKIT]   # default target/release/certkit

Both CSRs are checked with `openssl req -verify` (and for the same public
key as the key file) before timing.
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
KEYS = [
    ("ECDSA P-256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]),
    ("RSA 2048", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
    ("Ed25519", ["-algorithm", "ed25519"]),
]


def out(args, cwd):
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout


def measure(d, name, genpkey):
    key = name.replace(" ", "-").lower() + ".pem"
    out(["openssl", "genpkey", *genpkey, "-out", key], d)
    ck = f"{CERTKIT} gencsr -key {key} csr.json -o ck --force"
    ossl = (f"openssl req -new -key {key} -subj /CN=web.example.com "
            f"-addext subjectAltName=DNS:web.example.com,IP:10.0.0.1 -out ossl.csr")
    pub = out(["openssl", "pkey", "-in", key, "-pubout"], d)
    for cmd, csr in ((ck, "ck.csr"), (ossl, "ossl.csr")):
        subprocess.run(cmd, shell=True, cwd=d, check=True, capture_output=True)
        out(["openssl", "req", "-in", csr, "-verify", "-noout"], d)
        assert out(["openssl", "req", "-in", csr, "-pubkey", "-noout"], d) == pub, cmd
    js = os.path.join(d, "h.json")
    subprocess.run(["hyperfine", "-N", "--warmup", "3", "--runs", str(RUNS), "--export-json", js,
                    "-n", "certkit", ck, "-n", "openssl", ossl], cwd=d, check=True, capture_output=True)
    with open(js) as f:
        res = {r["command"]: r for r in json.load(f)["results"]}
    cpu = lambda r: r["user"] + r["system"]  # hyperfine reports their means
    return [(res[t]["median"], cpu(res[t])) for t in ("certkit", "openssl")]


def main():
    ms = lambda s: f"{s * 1000:.2f} ms"
    rows = []
    with tempfile.TemporaryDirectory(dir="/dev/shm" if os.path.isdir("/dev/shm") else None) as d:
        with open(os.path.join(d, "csr.json"), "w") as f:
            f.write('{"CN":"web.example.com","hosts":["web.example.com","10.0.0.1"]}\n')
        for name, genpkey in KEYS:
            (ck, ck_cpu), (ossl, ossl_cpu) = measure(d, name, genpkey)
            rows.append(f"| {name} | {ms(ck)} | {ms(ossl)} | {ck / ossl:.2f}× | {ms(ck_cpu)} / {ms(ossl_cpu)} |")
    version = out(["openssl", "version"], ROOT).strip()
    load = os.getloadavg()[0]
    section = (
        "## gencsr: `certkit gencsr -key` vs `openssl req -new -key`\n\n<!-- gencsr:start -->\n"
        f"Written by `cargo build --release -p certkit && python3 scripts/bench-gencsr.py` on "
        f"{datetime.date.today()}, {os.cpu_count()} cores ({platform.machine()}, load average {load:.1f} "
        f"from other work), {out([CERTKIT, 'version'], ROOT).splitlines()[0]}, {version}. Whole processes, "
        f"hyperfine -N, {RUNS} runs after 3 warm-ups, medians; a CSR for a key file `openssl genpkey` made, "
        "with the same subject and SANs (both checked with `openssl req -verify` and for the key's public key "
        "first); certkit writes ck.csr atomically with -o, OpenSSL writes ossl.csr; both in tmpfs.\n\n"
        "| key | certkit | openssl | certkit / openssl | CPU (user+sys, mean) certkit / openssl |\n"
        "|---|---|---|---|---|\n" + "\n".join(rows) + "\n<!-- gencsr:end -->\n"
    )
    write_section("gencsr", section)
    print(section)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""`certkit verify` against `openssl verify` (whole processes, hyperfine -N,
interleaved, medians), and the npm package's `verify` against pkijs's
CertificateChainValidationEngine in Node (same process, rounds interleaved,
medians), on the same 3-certificate P-256 chain made by
tests/verify/chains.sh. Writes its section of BENCHMARKS.md between
<!-- verify:start --> and <!-- verify:end -->.

    bash scripts/build-release.sh static && bash scripts/build-npm.sh && \\
      (cd bench/wasm && npm ci) && python3 scripts/bench-verify.py target/x86_64-unknown-linux-gnu/release/certkit

The CLI's start-up is most of its time: the statically linked binary the
release archive ships starts faster than a dynamically linked
`cargo build --release` one (fewer relocations and page faults).

Both CLIs must accept the chain (and the npm bench checks both libraries
accept it and refuse a broken signature) before anything is timed.
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
RUNS = int(os.environ.get("CERTKIT_BENCH_RUNS", "100"))


def main():
    with tempfile.TemporaryDirectory(prefix="certkit-bench-verify-") as d:
        subprocess.run(["bash", os.path.join(ROOT, "tests/verify/chains.sh"), d], check=True, capture_output=True)
        at = int(open(os.path.join(d, "cases.tsv")).readline().split("\t")[7])
        at_text = datetime.datetime.fromtimestamp(at, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        ck = f"{CERTKIT} verify --ca root.pem --intermediates int.pem --at {at_text} leaf.pem"
        ossl = f"openssl verify -CAfile root.pem -untrusted int.pem -attime {at} leaf.pem"
        for cmd in (ck, ossl):
            subprocess.run(cmd.split(), cwd=d, check=True, capture_output=True)
        # Instructions executed (valgrind's callgrind), which the load of a
        # shared machine does not move; None without valgrind.
        def instructions(cmd):
            try:
                r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd.split()],
                                   cwd=d, capture_output=True, text=True)
            except FileNotFoundError:
                return None
            refs = [l for l in r.stderr.splitlines() if "refs:" in l]
            return int(refs[0].split(":")[1].replace(",", "")) if refs else None
        ck_ins, ossl_ins = instructions(ck), instructions(ossl)
        js = os.path.join(d, "h.json")
        subprocess.run(["hyperfine", "-N", "--warmup", "5", "--runs", str(RUNS), "--export-json", js,
                        "-n", "certkit", ck, "-n", "openssl", ossl], cwd=d, check=True, capture_output=True)
        with open(js) as f:
            res = {r["command"]: r for r in json.load(f)["results"]}
        npm_out = os.path.join(d, "npm.json")
        subprocess.run(["node", os.path.join(ROOT, "bench/wasm/bench-verify.mjs"), d, npm_out], check=True,
                       capture_output=True)
        with open(npm_out) as f:
            npm = json.load(f)
    lines = subprocess.run([CERTKIT, "version"], capture_output=True, text=True).stdout.splitlines()
    linked = "statically linked" if any("statically linked" in l for l in lines) else "dynamically linked"
    ck_version = f"{lines[0]} ({linked})"
    ossl_version = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    pkijs = json.load(open(os.path.join(ROOT, "bench/wasm/node_modules/pkijs/package.json")))["version"]
    load = os.getloadavg()[0]
    c, o = res["certkit"]["median"], res["openssl"]["median"]
    lines = [
        "## Chain verification: `certkit verify` vs `openssl verify`, npm `verify` vs pkijs",
        "",
        "<!-- verify:start -->",
        f"Written by `python3 scripts/bench-verify.py` on {datetime.date.today().isoformat()}, {os.cpu_count()} cores "
        f"({platform.machine()}, load average {load:.1f} from other work), {ck_version} "
        f"({os.path.relpath(CERTKIT, ROOT)}), {ossl_version}, Node {npm['node']}, pkijs {pkijs}. The same "
        "3-certificate chain (P-256 root, intermediate and leaf from tests/verify/chains.sh), verified at the "
        "same time. CLI: whole processes, hyperfine -N, "
        f"{RUNS} runs after 5 warm-ups, medians. npm: one Node process, the certkit package's `verify` and pkijs's "
        f"`CertificateChainValidationEngine` (Node's Web Crypto; PEM parsing included for both), {npm['rounds']} "
        "rounds interleaved after 20 warm-ups, medians. Instructions: one run of each CLI under valgrind's callgrind, "
        "a count the machine's load does not change. Targets (issue #16): CLI ≤ 0.5× openssl, npm ≤ 1.0× pkijs.",
        "",
        "| what | certkit | peer | certkit / peer |",
        "|---|---|---|---|",
        f"| CLI, whole process | {c * 1e3:.2f} ms | {o * 1e3:.2f} ms (openssl verify) | {c / o:.2f}× |",
        *([f"| CLI, instructions executed (callgrind) | {ck_ins / 1e6:.1f} M | {ossl_ins / 1e6:.1f} M (openssl verify) | "
           f"{ck_ins / ossl_ins:.2f}× |"] if ck_ins and ossl_ins else []),
        f"| npm in Node, one verify | {npm['certkit']:.3f} ms | {npm['pkijs']:.3f} ms (pkijs) | "
        f"{npm['certkit'] / npm['pkijs']:.2f}× |",
        "<!-- verify:end -->",
        "",
    ]
    section = "\n".join(lines)
    write_section("verify", section)
    print(section)


if __name__ == "__main__":
    main()

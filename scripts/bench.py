#!/usr/bin/env python3
"""Whole-process comparison of certkit with cfssl and OpenSSL; writes BENCHMARKS.md.

Every number is a median over repeated runs of a whole process, measured by
hyperfine without a shell (-N) in one session, so the tools share the
machine's state. Peak RSS comes from GNU time (%M). Run via scripts/bench.sh.
"""
import re
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CERTKIT = os.environ.get("CERTKIT") or os.path.join(ROOT, "target", "release", "certkit")
OUT = os.path.join(ROOT, "BENCHMARKS.md")


def sh(cmd, cwd, stdin=None):
    return subprocess.run(cmd, cwd=cwd, input=stdin, check=True, capture_output=True).stdout


def hyperfine_results(cwd, commands, runs, warmup=5, prepare=None):
    """hyperfine's result for each command (its `times`, `median`, …)."""
    out = os.path.join(cwd, "hf.json")
    args = ["hyperfine", "-N", "--style", "none", "-w", str(warmup), "-r", str(runs), "--export-json", out]
    if prepare:
        args += ["--prepare", prepare]
    subprocess.run(args + commands, cwd=cwd, check=True, capture_output=True)
    with open(out) as f:
        return json.load(f)["results"]


def hyperfine(cwd, commands, runs, warmup=5, prepare=None):
    """Median seconds for each command."""
    return [r["median"] for r in hyperfine_results(cwd, commands, runs, warmup, prepare)]


def peak_rss_kb(cwd, cmd):
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, cwd=cwd, capture_output=True, check=True)
    return int(r.stderr.decode().strip().splitlines()[-1])


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True).stdout.decode().strip().splitlines()[0]
    except Exception:
        return "not installed"


def main():
    have_cfssl = shutil.which("cfssl") is not None
    d = tempfile.mkdtemp(prefix="certkit-bench-")
    try:
        ck = lambda *a: [CERTKIT, *a]
        w = lambda name, text: open(os.path.join(d, name), "w").write(text)
        w("ca.json", '{"CN":"Bench CA","key":{"algo":"rsa","size":2048}}')
        w("p256.json", '{"CN":"svc","hosts":["svc.example.com","10.0.0.1"],"key":{"algo":"ecdsa","size":256}}')
        w("rsa.json", '{"CN":"svc","hosts":["svc.example.com"],"key":{"algo":"rsa","size":2048}}')
        w("config.json", '{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"8760h"}}}')
        sh(ck("gencert", "-initca", "ca.json", "-o", "ca"), d)
        sh(["openssl", "pkey", "-in", "ca-key.pem", "-traditional", "-out", "ca-key-pkcs1.pem"], d)
        sh(ck("genkey", "p256.json", "-o", "svc"), d)
        os.mkdir(os.path.join(d, "batch"))
        n_batch = 500
        for i in range(n_batch):
            shutil.copy(os.path.join(d, "svc.csr"), os.path.join(d, "batch", f"s{i:04}.csr"))

        results = {}
        # 1. One signature, RSA-2048 CA, P-256 CSR.
        sign_cmds = {
            "certkit": " ".join(ck("sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "config.json", "svc.csr")),
            "openssl": "openssl req -x509 -CA ca.pem -CAkey ca-key.pem -in svc.csr -days 365 -copy_extensions copy -out /dev/null",
        }
        if have_cfssl:
            sign_cmds["cfssl"] = "cfssl sign -ca ca.pem -ca-key ca-key-pkcs1.pem -config config.json svc.csr"
        meds = hyperfine(d, list(sign_cmds.values()), runs=60)
        results["sign"] = dict(zip(sign_cmds, meds))

        # 2. P-256 key + CSR.
        gen_cmds = {"certkit": " ".join(ck("genkey", "p256.json"))}
        if have_cfssl:
            gen_cmds["cfssl"] = "cfssl genkey p256.json"
        gen_cmds["openssl"] = "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null -subj /CN=svc -out /dev/null"
        meds = hyperfine(d, list(gen_cmds.values()), runs=60)
        results["genkey_p256"] = dict(zip(gen_cmds, meds))

        # 3. RSA-2048 key generation: heavy-tailed, so n = 60.
        rsa_cmds = {"certkit": " ".join(ck("genkey", "rsa.json"))}
        if have_cfssl:
            rsa_cmds["cfssl"] = "cfssl genkey rsa.json"
        rsa_cmds["openssl"] = "openssl genrsa -out /dev/null 2048"
        meds = hyperfine(d, list(rsa_cmds.values()), runs=60, warmup=3)
        results["rsa_keygen"] = dict(zip(rsa_cmds, meds))

        # 4. Many CSRs in one process vs a shell loop of cfssl.
        batch = " ".join(ck("sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "config.json", "--out-dir", "out", "batch"))
        (med,) = hyperfine(d, [batch], runs=10, warmup=1, prepare="sh -c 'rm -rf out && sync'")
        results["batch_per_cert"] = {"certkit": med / n_batch}
        if have_cfssl:
            loop = "bash -c 'for f in batch/s00[0-4]*.csr; do cfssl sign -ca ca.pem -ca-key ca-key-pkcs1.pem -config config.json $f >/dev/null 2>&1; done'"
            (med,) = hyperfine(d, [loop], runs=3, warmup=1)
            results["batch_per_cert"]["cfssl (shell loop)"] = med / 50

        # 5. Peak RSS.
        rss = {
            "certkit sign": peak_rss_kb(d, ck("sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "config.json", "svc.csr")),
            "certkit genkey P-256": peak_rss_kb(d, ck("genkey", "p256.json")),
            "certkit genkey RSA-2048": peak_rss_kb(d, ck("genkey", "rsa.json")),
            "certkit sign, 500 CSRs": peak_rss_kb(d, ck("sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "--out-dir", "rss-out", "batch")),
            "openssl req -x509 -CA": peak_rss_kb(d, sign_cmds["openssl"].split()),
        }
        if have_cfssl:
            rss["cfssl sign"] = peak_rss_kb(d, sign_cmds["cfssl"].split())
            rss["cfssl genkey RSA-2048"] = peak_rss_kb(d, ["cfssl", "genkey", "rsa.json"])
        results["ledger"] = ledger_bench(d)
        write_report(results, rss, have_cfssl)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def ledger_bench(d):
    """`certkit sign --ca-dir` and `certkit list --expiring` with 100 and with
    100,000 ledger records. The big ledger is made by copying one real record
    under fresh random serials (checksums recomputed), which is what the
    ledger code reads; the certificates themselves are not re-parsed."""
    import hashlib
    import random
    out = {}
    for n in (100, 100_000):
        cd = os.path.join(d, f"ledger{n}")
        sh([CERTKIT, "ca", "init", cd, "--no-encrypt"], d)
        sh([CERTKIT, "sign", "--ca-dir", cd, "svc.csr"], d)
        path = os.path.join(cd, "ledger.log")
        lines = open(path).read().splitlines()
        record = json.loads(lines[1].rsplit("\t", 1)[0])
        rnd = random.Random(n)
        body = [lines[0]]
        for _ in range(n):
            r = dict(record)
            r["serial"] = str(rnd.getrandbits(158) | (1 << 158))
            j = json.dumps(r, separators=(",", ":"))
            body.append(j + "\t" + hashlib.sha256(j.encode()).hexdigest()[:16])
        with open(path, "w") as f:
            f.write("\n".join(body) + "\n")
        # The first use after an outside change verifies everything and rebuilds the index.
        sh([CERTKIT, "ca", "check", cd], d)
        sh([CERTKIT, "sign", "--ca-dir", cd, "svc.csr"], d)
        sign, lst = hyperfine(d, [
            " ".join([CERTKIT, "sign", "--ca-dir", cd, "svc.csr"]),
            " ".join([CERTKIT, "list", "--ca-dir", cd, "--expiring", "30d"]),
        ], runs=10, warmup=2)
        out[n] = {"sign": sign, "list": lst, "size": os.path.getsize(path)}
    return out


def write_section(name, section):
    """Puts `section` (a `## ` heading, then <!-- NAME:start --> … <!-- NAME:end -->)
    in BENCHMARKS.md in place of the last one of that name, or at its end;
    write_report keeps such sections when it writes the file again."""
    try:
        with open(OUT) as f:
            text = f.read()
    except FileNotFoundError:
        text = "# Benchmarks\n"
    pattern = rf"(?ms)^## [^\n]*\n+<!-- {name}:start -->.*?<!-- {name}:end -->\n"
    text = re.sub(pattern, lambda _: section, text) if re.search(pattern, text) else text.rstrip("\n") + "\n\n" + section
    with open(OUT, "w") as f:
        f.write(text)


def ms(s):
    return f"{s * 1000:.2f} ms"


def write_report(r, rss, have_cfssl):
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    sign = r["sign"]
    peers = {k: v for k, v in sign.items() if k != "certkit"}
    fastest_peer = min(peers, key=peers.get)
    checks = []
    ratio = sign["certkit"] / peers[fastest_peer]
    checks.append(("one `certkit sign` ≤ 0.5× the faster of cfssl sign / openssl req -x509 -CA", f"{ratio:.2f}× ({fastest_peer})", ratio <= 0.5))
    if have_cfssl:
        g = r["genkey_p256"]["certkit"] / r["genkey_p256"]["cfssl"]
        checks.append(("`certkit genkey` P-256 ≤ 0.5× `cfssl genkey`", f"{g:.2f}×", g <= 0.5))
        k = r["rsa_keygen"]["certkit"] / r["rsa_keygen"]["cfssl"]
        checks.append(("RSA-2048 key generation median ≤ 0.5× cfssl's (n = 60)", f"{k:.2f}×", k <= 0.5))
    b = r["batch_per_cert"]["certkit"]
    checks.append(("many CSRs in one process ≤ 1 ms per certificate (RSA-2048 CA)", ms(b), b <= 0.001))
    lg = r["ledger"]
    checks.append(("`certkit list --expiring` over a 100,000-certificate ledger < 1 s", ms(lg[100_000]["list"]), lg[100_000]["list"] < 1.0))
    growth = lg[100_000]["sign"] / lg[100]["sign"]
    checks.append(("`certkit sign --ca-dir` does not grow with the ledger (100k vs 100 records)", f"{growth:.2f}×", growth < 1.5))
    worst = max(v for k, v in rss.items() if k.startswith("certkit"))
    checks.append(("peak RSS ≤ 8 MB for every certkit command above", f"{worst / 1024:.1f} MB", worst <= 8 * 1024))

    lines = [
        "# Benchmarks",
        "",
        f"Written by `scripts/bench.sh` on {datetime.date.today().isoformat()}, on {os.cpu_count()} cores of {cpu}, "
        f"{platform.system()} {platform.release()}. Medians of whole processes (hyperfine -N), all tools measured "
        "side by side in one run; peak RSS from GNU time. Core operations alone: `cargo bench -p certkit-core` (criterion).",
        "",
        "Reproduce with `bash scripts/bench.sh`.",
        "",
        f"Tools: {version([CERTKIT, 'version'])} (statically linked release build, scripts/build-release.sh); {version(['openssl', 'version'])}; "
        f"cfssl {version(['cfssl', 'version']) if have_cfssl else 'not installed'}.",
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    for name, measured, ok in checks:
        lines.append(f"| {name} | {measured} | {'yes' if ok else 'NO'} |")
    lines += ["", "## Medians", "", "| operation | " + " | ".join(["certkit", "cfssl", "openssl"]) + " |", "|---|---|---|---|"]
    for key, label in [("sign", "sign one P-256 CSR with an RSA-2048 CA"), ("genkey_p256", "P-256 key + CSR"), ("rsa_keygen", "RSA-2048 key (+ CSR for certkit/cfssl)")]:
        row = r[key]
        lines.append(f"| {label} | " + " | ".join(ms(row[t]) if t in row else "—" for t in ["certkit", "cfssl", "openssl"]) + " |")
    bp = r["batch_per_cert"]
    lines.append(f"| per certificate, 500 CSRs in one `certkit sign` vs a shell loop of `cfssl sign` | {ms(bp['certkit'])} | "
                 f"{ms(bp['cfssl (shell loop)']) if 'cfssl (shell loop)' in bp else '—'} | — |")
    lines += ["", "## Ledger", "", "| records | ledger size | `sign --ca-dir` | `list --expiring 30d` |", "|---|---|---|---|"]
    for n, v in sorted(r["ledger"].items()):
        lines.append(f"| {n:,} | {v['size'] / 1e6:.1f} MB | {ms(v['sign'])} | {ms(v['list'])} |")
    lines += ["", "## Peak RSS", "", "| command | peak RSS |", "|---|---|"]
    for k, v in rss.items():
        lines.append(f"| {k} | {v / 1024:.1f} MB |")
    lines.append("")
    # Sections other benchmarks write between their own markers
    # (<!-- NAME:start --> … <!-- NAME:end -->) are kept, in order.
    try:
        with open(OUT) as f:
            old = f.read()
        blocks = re.findall(r"(?ms)^## [^\n]*\n+<!-- [\w-]+:start -->.*?<!-- [\w-]+:end -->\n", old)
    except FileNotFoundError:
        blocks = []
    with open(OUT, "w") as f:
        f.write("\n".join(lines))
        for block in blocks:
            f.write("\n" + block)
    print("\n".join(lines))
    if not all(ok for _, _, ok in checks):
        print("\nsome targets were not met", file=sys.stderr)


if __name__ == "__main__":
    main()

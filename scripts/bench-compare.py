#!/usr/bin/env python3
"""Two certkit binaries side by side, interleaved: is one slower than the other?

Made for refactors that should change no behaviour (issue #14): BEFORE and
AFTER are two release builds (scripts/build-release.sh) of two commits. Both
run the same commands on the same input files, made once by BEFORE (an
older ledger format is one a newer certkit reads; since #14 the ledger records
each certificate's role, a field the older binary refuses), and each binary's
outputs are checked once with OpenSSL, outside the timing:

  sign      one P-256 CSR with an RSA-2048 CA (-ca/-ca-key/-config, JSON out)
  genkey    P-256 key + CSR; RSA-2048 key + CSR (heavy-tailed: more runs)
  batch     500 CSRs in one `sign --out-dir` (out dir removed before each run)
  ca-dir    `sign --ca-dir` against a CA directory whose ledger starts with
            ~100 records (each binary has its own copy of the same directory;
            each run appends one record, which costs nothing measurable)
  peak RSS  GNU time %M, median of 5 runs, for sign, genkey P-256, batch

Interleaved so the machine's load falls on both alike: each operation runs in
several rounds, each round one `hyperfine -N` call with both commands and a
modest number of runs, the order alternating from round to round. Reported:
the median of all runs per binary; AFTER/BEFORE as the ratio of those
medians, with a bootstrap 95% interval (rounds resampled as pairs, then the
runs within them) and the range of the per-round ratios (paired: both binaries' runs of one
round were taken moments apart). A change counts as beyond noise when the
95% interval lies wholly on one side of 1, the ratio is off 1 by more than
--floor (default 2%), and at least 3 in 4 per-round ratios agree. The floor
comes from the machine this was written on (2 cores, others building): an
A/A run (one binary as both BEFORE and AFTER) came within 1.5% on the
millisecond operations, and two A/B runs of the same pair moved by 2%
(genkey P-256: 0.98, then 1.02). Peak RSS of one static binary moves by up
to 8% (0.4 MB) from run to run with the page cache, so RSS within 8% is
reported as the same. RSA key generation is luck (the prime search): its
interval is wide whatever the binaries.

Reproduce (hyperfine, GNU time and OpenSSL must be installed):

  CARGO_TARGET_DIR=/tmp/ck-after bash scripts/build-release.sh static    # AFTER
  git worktree add /tmp/ck-before 702239e
  (cd /tmp/ck-before && CARGO_TARGET_DIR=/tmp/ck-before-t bash scripts/build-release.sh static)
  python3 scripts/bench-compare.py \
      /tmp/ck-before-t/x86_64-unknown-linux-gnu/release/certkit \
      /tmp/ck-after/x86_64-unknown-linux-gnu/release/certkit \
      --labels 702239e,$(git rev-parse --short HEAD)


The binaries can also come from CERTKIT_BEFORE and CERTKIT_AFTER. --rounds N
(default 10) scales every operation; --json FILE keeps the raw times;
--write replaces the section between <!-- refactor-14:start --> and
<!-- refactor-14:end --> of BENCHMARKS.md (scripts/bench.py keeps it).
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import hyperfine_results  # noqa: E402  (scripts/bench.py: one way to run hyperfine)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N_BATCH = 500
N_LEDGER = 100


def sh(cmd, cwd, **kw):
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, **kw).stdout


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def hyperfine(cwd, commands, runs, warmup, prepare=None):
    """Each command's list of wall-clock seconds, one per run."""
    return [r["times"] for r in hyperfine_results(cwd, commands, runs, warmup, prepare)]


def interleaved(cwd, cmd_b, cmd_a, rounds, runs, warmup, prepare=None):
    """Rounds of hyperfine over both commands, alternating which goes first."""
    res = {"before": [], "after": [], "load": [loadavg()]}
    for i in range(rounds):
        if i % 2 == 0:
            tb, ta = hyperfine(cwd, [cmd_b, cmd_a], runs, warmup, prepare)
        else:
            ta, tb = hyperfine(cwd, [cmd_a, cmd_b], runs, warmup, prepare)
        res["before"].append(tb)
        res["after"].append(ta)
        print(f"  round {i + 1}/{rounds}: before {statistics.median(tb) * 1e3:.2f} ms, "
              f"after {statistics.median(ta) * 1e3:.2f} ms (load {loadavg()})", file=sys.stderr)
    res["load"].append(loadavg())
    return res


def peak_rss(cwd, cmd_b, cmd_a, n=5, prepare=None):
    """Median peak RSS (KB) of n runs each, alternating the order."""
    got = {"before": [], "after": []}
    for i in range(n):
        order = [("before", cmd_b), ("after", cmd_a)]
        for who, cmd in (order if i % 2 == 0 else order[::-1]):
            if prepare:
                prepare()
            r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, cwd=cwd, capture_output=True, check=True)
            got[who].append(int(r.stderr.decode().strip().splitlines()[-1]))
    return got


def ratio_stats(res, iters=2000):
    b = [t for r in res["before"] for t in r]
    a = [t for r in res["after"] for t in r]
    mb, ma = statistics.median(b), statistics.median(a)
    # Bootstrap by round, keeping each round's pair together (the machine's
    # load varies between rounds, not within one), then runs within rounds.
    rnd = random.Random(14)
    pairs = list(zip(res["before"], res["after"]))
    rs = []
    for _ in range(iters):
        pick = rnd.choices(pairs, k=len(pairs))
        rb = [t for pb, _ in pick for t in rnd.choices(pb, k=len(pb))]
        ra = [t for _, pa in pick for t in rnd.choices(pa, k=len(pa))]
        rs.append(statistics.median(ra) / statistics.median(rb))
    rs.sort()
    per_round = [statistics.median(x) / statistics.median(y) for x, y in zip(res["after"], res["before"])]
    return {
        "before": mb, "after": ma, "ratio": ma / mb, "n": (len(b), len(a)),
        "ci": (rs[int(iters * 0.025)], rs[int(iters * 0.975) - 1]),
        "rounds": (min(per_round), max(per_round)),
        "rounds_above_1": sum(r > 1 for r in per_round), "n_rounds": len(per_round),
    }


def verdict(s, floor):
    lo, hi = s["ci"]
    k, n = s["rounds_above_1"], s["n_rounds"]
    if lo > 1 and s["ratio"] > 1 + floor and k >= 0.75 * n:
        return "slower"
    if hi < 1 and s["ratio"] < 1 - floor and k <= 0.25 * n:
        return "faster"
    return "no change beyond noise"


def make_inputs(d, maker):
    w = lambda name, text: open(os.path.join(d, name), "w").write(text)
    w("ca.json", '{"CN":"Bench CA","key":{"algo":"rsa","size":2048}}')
    w("p256.json", '{"CN":"svc","hosts":["svc.example.com","10.0.0.1"],"key":{"algo":"ecdsa","size":256}}')
    w("rsa.json", '{"CN":"svc","hosts":["svc.example.com"],"key":{"algo":"rsa","size":2048}}')
    w("config.json", '{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"8760h"}}}')
    sh([maker, "gencert", "-initca", "ca.json", "-o", "ca"], d)
    sh([maker, "genkey", "p256.json", "-o", "svc"], d)
    os.mkdir(os.path.join(d, "batch"))
    for i in range(N_BATCH):
        shutil.copy(os.path.join(d, "svc.csr"), os.path.join(d, "batch", f"s{i:04}.csr"))
    # A CA directory whose ledger holds N_LEDGER real records of distinct CSRs.
    sh([maker, "ca", "init", "cadir", "--no-encrypt"], d)
    os.mkdir(os.path.join(d, "ledger-csr"))
    for i in range(N_LEDGER):
        w(f"l{i}.json", json.dumps({"CN": f"svc{i}", "hosts": [f"svc{i}.example.com"], "key": {"algo": "ecdsa", "size": 256}}))
        sh([maker, "genkey", f"l{i}.json", "-o", f"ledger-csr/l{i:03}"], d)
        os.remove(os.path.join(d, "ledger-csr", f"l{i:03}-key.pem"))
    sh([maker, "sign", "--ca-dir", "cadir", "--out-dir", "ledger-out", "ledger-csr"], d)
    for who in ("before", "after"):
        shutil.copytree(os.path.join(d, "cadir"), os.path.join(d, f"cadir-{who}"))


def records(cadir):
    with open(os.path.join(cadir, "ledger.log")) as f:
        return sum(1 for _ in f) - 1  # the first line is the header


def check_outputs(d, bins):
    """Once, outside the timing: each binary's certificates verify against
    the CA, its CSRs carry valid self-signatures."""
    checked = []
    for who, exe in bins.items():
        o = os.path.join(d, f"check-{who}")
        os.mkdir(o)
        sh([exe, "sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "config.json", "-o", f"{o}/one", "svc.csr"], d)
        sh([exe, "sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "config.json", "--out-dir", f"{o}/batch", "batch"], d)
        sh([exe, "sign", "--ca-dir", f"cadir-{who}", "-o", f"{o}/cadir", "svc.csr"], d)
        batch = sorted(os.path.join(f"{o}/batch", f) for f in os.listdir(f"{o}/batch"))
        assert len(batch) == N_BATCH, f"{who}: {len(batch)} certificates from the batch"
        out = sh(["openssl", "verify", "-CAfile", "ca.pem", f"{o}/one.pem", *batch], d).decode()
        assert out.count(": OK") == N_BATCH + 1, out
        sh(["openssl", "verify", "-CAfile", f"cadir-{who}/ca.pem", f"{o}/cadir.pem"], d)
        for spec in ("p256", "rsa"):
            sh([exe, "genkey", f"{spec}.json", "-o", f"{o}/{spec}"], d)
            sh(["openssl", "req", "-verify", "-noout", "-in", f"{o}/{spec}.csr"], d)
            pub_key = sh(["openssl", "pkey", "-pubout", "-in", f"{o}/{spec}-key.pem"], d)
            pub_csr = sh(["openssl", "req", "-pubkey", "-noout", "-in", f"{o}/{spec}.csr"], d)
            assert pub_key == pub_csr, f"{who}: {spec} key is not the CSR's"
        checked.append(who)
    return checked


def ms(s):
    return f"{s * 1e3:.2f} ms" if s < 1 else f"{s:.3f} s"


def report(meta, stats, rss):
    lb, la = meta["labels"]
    lines = [
        f"Written by `scripts/bench-compare.py` on {meta['date']}, on {meta['cores']} cores of {meta['cpu']}, "
        f"{meta['kernel']}. Before: {lb}; after: {la}; both statically linked release builds "
        f"(scripts/build-release.sh), {meta['size_before']:,} and {meta['size_after']:,} bytes.",
        "",
        f"Reproduce: see the top of `scripts/bench-compare.py` (`python3 scripts/bench-compare.py BEFORE AFTER --labels {lb},{la}`).",
        "",
        "Both binaries copied into the work directory together; same input files for both (made once by the " + meta["maker"] + " binary); each binary's certificates verified with "
        "`openssl verify` and its CSRs with `openssl req -verify`, outside the timing. Interleaved: each operation in "
        f"{meta['rounds']} rounds, each round one `hyperfine -N` over both binaries, the order alternating. Times: median "
        "of all runs per binary. after/before: ratio of those medians, with a bootstrap 95% interval and [the range of "
        f"the per-round ratios]; a verdict of change needs the interval off 1, the ratio off 1 by more than {meta['floor']:.0%} "
        "and 3 in 4 rounds agreeing. Load average (1/5/15 min) " + meta["load_start"] + " at the start, " + meta["load_end"] +
        " at the end" + (f"; {meta['note']}" if meta.get("note") else "") + ".",
        "",
        f"| operation | before ({lb}) | after ({la}) | after/before (95% CI) [per-round range] | runs each | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for label, s in stats:
        lines.append(f"| {label} | {ms(s['before'])} | {ms(s['after'])} | {s['ratio']:.3f} ({s['ci'][0]:.3f}–{s['ci'][1]:.3f}) "
                     f"[{s['rounds'][0]:.2f}–{s['rounds'][1]:.2f}] | {s['n'][0]} | {verdict(s, meta['floor'])} |")
    for label, r in rss:
        b, a = statistics.median(r["before"]), statistics.median(r["after"])
        lines.append(f"| peak RSS, {label} | {b / 1024:.1f} MB | {a / 1024:.1f} MB | {a / b:.3f} "
                     f"[{min(r['before'])}–{max(r['before'])} KB vs {min(r['after'])}–{max(r['after'])} KB] | {len(r['before'])} | "
                     f"{'same' if abs(a / b - 1) < 0.08 else ('larger' if a > b else 'smaller')} |")
    lines.append("")
    return lines


def write_section(lines):
    path = os.path.join(ROOT, "BENCHMARKS.md")
    start, end = "<!-- refactor-14:start -->", "<!-- refactor-14:end -->"
    with open(path) as f:
        doc = f.read()
    body = "\n".join(lines)
    a, b = doc.find(start), doc.find(end)
    if a < 0 or b < a:
        doc = doc.rstrip("\n") + f"\n\n## Refactor (#14): before and after, one run\n\n{start}\n{body}{end}\n"
    else:
        doc = doc[:a + len(start)] + "\n" + body + doc[b:]
    with open(path, "w") as f:
        f.write(doc)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("before", nargs="?", default=os.environ.get("CERTKIT_BEFORE"))
    p.add_argument("after", nargs="?", default=os.environ.get("CERTKIT_AFTER"))
    p.add_argument("--labels", default="before,after", help="BEFORE,AFTER names for the table (e.g. commits)")
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--json", help="write the raw times here")
    p.add_argument("--floor", type=float, default=0.02, help="smallest change called one (default 0.02)")
    p.add_argument("--note", help="a sentence for the report (e.g. what else ran)")
    p.add_argument("--write", action="store_true", help="update the refactor-14 section of BENCHMARKS.md")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    args = p.parse_args()
    if not (args.before and args.after):
        p.error("two binaries: BEFORE AFTER (or CERTKIT_BEFORE / CERTKIT_AFTER)")
    labels = args.labels.split(",", 1)
    R = args.rounds

    d = tempfile.mkdtemp(prefix="bench-compare-")
    try:
        # Both binaries copied side by side, so both files are equally fresh
        # in the page cache: an A/A run of one binary from two places once
        # differed by 5% (and its peak RSS by 8%) without this.
        bins = {}
        for who, exe in (("before", args.before), ("after", args.after)):
            bins[who] = os.path.join(d, f"certkit-{who}")
            shutil.copy(exe, bins[who])
        make_inputs(d, bins["before"])
        n_rec = records(os.path.join(d, "cadir"))
        checked = check_outputs(d, bins)
        print(f"inputs in {d}; outputs of {', '.join(checked)} verified; ledger of {n_rec} records", file=sys.stderr)
        B, A = bins["before"], bins["after"]
        load_start = loadavg()
        raw, stats = {}, []

        def bench(key, label, argv, rounds, runs, warmup, prepare=None, cmd=None):
            print(f"{label}:", file=sys.stderr)
            cb = cmd("before") if cmd else " ".join([B, *argv])
            ca = cmd("after") if cmd else " ".join([A, *argv])
            raw[key] = interleaved(d, cb, ca, rounds, runs, warmup, prepare)
            stats.append((label, ratio_stats(raw[key])))

        sign = ["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "config.json", "svc.csr"]
        bench("sign", "sign one P-256 CSR, RSA-2048 CA", sign, R, 30, 5)
        bench("genkey_p256", "genkey P-256 (key + CSR)", ["genkey", "p256.json"], R, 30, 5)
        bench("genkey_rsa", "genkey RSA-2048 (key + CSR)", ["genkey", "rsa.json"], R, 40, 3)
        batch = lambda who: " ".join([bins[who], "sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "config.json",
                                      "--out-dir", f"out-{who}", "batch"])
        bench("batch", f"sign {N_BATCH} CSRs, one process (--out-dir)", None, R, 5, 1,
              prepare="sh -c 'rm -rf out-before out-after && sync'", cmd=batch)
        cadir = lambda who: " ".join([bins[who], "sign", "--ca-dir", f"cadir-{who}", "svc.csr"])
        bench("ca_dir", f"sign --ca-dir (ledger of {n_rec}+ records)", None, R, 30, 3, cmd=cadir)
        load_end = loadavg()

        print("peak RSS:", file=sys.stderr)
        rm_out = lambda: shutil.rmtree(os.path.join(d, "rss-out"), ignore_errors=True)
        rss = [
            ("sign", peak_rss(d, [B, *sign], [A, *sign])),
            ("genkey P-256", peak_rss(d, [B, "genkey", "p256.json"], [A, "genkey", "p256.json"])),
            (f"sign {N_BATCH} CSRs", peak_rss(d, *[[x, "sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "config.json",
                                                   "--out-dir", "rss-out", "batch"] for x in (B, A)], prepare=rm_out)),
        ]
        cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
        meta = {
            "date": datetime.date.today().isoformat(), "cores": os.cpu_count(), "cpu": cpu,
            "kernel": f"{platform.system()} {platform.release()}", "labels": labels, "rounds": R,
            "maker": labels[0], "load_start": load_start, "load_end": load_end,
            "size_before": os.path.getsize(B), "size_after": os.path.getsize(A), "note": args.note, "floor": args.floor,
            "sha256": {w: hashlib.sha256(open(b, "rb").read()).hexdigest() for w, b in bins.items()},
        }
        lines = report(meta, stats, rss)
        print("\n".join(lines))
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"meta": meta, "raw": raw, "rss": dict(rss)}, f)
        if args.write:
            write_section(lines)
    finally:
        if args.keep:
            print(f"kept {d}", file=sys.stderr)
        else:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()

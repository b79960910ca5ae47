#!/usr/bin/env python3
"""Faults survived, counted: every write-side system call of certkit's
writing commands fails once, on purpose.

For each scenario the command runs once under strace to count its
write-side calls (openat, write, fsync, fdatasync, rename, link(at),
flock, mkdir, unlink, ftruncate), then once per call number N of each kind
with that call failing (`strace -e inject=SYSCALL:error=ERR:when=N`, which
changes nothing in certkit). After every run:

  - no panic, and a failure is one `certkit:` line naming the file (or
    standard output) with the error, exit status non-zero;
  - the ledger is intact (`ca check`), or a torn last record is cut off and
    nothing that was reported as done is lost;
  - every certificate printed or written is in the ledger, complete;
  - a certificate in the ledger but not delivered is said to be so
    ("recorded");
  - no temporary file is left behind, and the CA key is unchanged.

Usage: python3 scripts/fault-sweep.py [--short] [--certkit PATH] [--summary FILE]

--short tries every call number for `sign --ca-dir` (one CSR and a batch),
`revoke` and `gencrl`, and every 4th for the rest (CI); without it, every
call number of every scenario. The certkit should be the statically linked
release build (a dynamically linked one spends its first openat calls in
the loader). Exit status 1 when any run broke a rule; each is listed.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SYSCALLS = {
    # syscall: the error it fails with (as a disk, a quota or a read-only mount would)
    "openat": "ENOSPC",
    "write": "EIO",
    "fsync": "EIO",
    "fdatasync": "EIO",
    "rename": "EROFS",
    "linkat": "EROFS",
    "flock": "ENOLCK",
    "mkdir": "EDQUOT",
    "unlink": "EROFS",
    "ftruncate": "EIO",
}

CERTKIT = None


def ck(args, cwd, stdin=None):
    return subprocess.run([CERTKIT, *args], cwd=cwd, input=stdin, capture_output=True)


def must(args, cwd, stdin=None):
    r = ck(args, cwd, stdin)
    if r.returncode != 0:
        raise SystemExit(f"fault-sweep: setup `certkit {' '.join(args)}` failed: {r.stderr.decode()}")
    return r.stdout


def csr(cwd, name, cn):
    out = must(["genkey", "-"], cwd, json.dumps({"CN": cn, "hosts": [cn]}).encode())
    must(["cfssljson", "-bare", name], cwd, out)


def base(cwd):
    """A CA directory with one certificate issued, and CSRs."""
    must(["ca", "init", "ca", "--no-encrypt"], cwd)
    for i in range(1, 6):
        csr(cwd, f"b{i}", f"b{i}.example")
    csr(cwd, "one", "one.example")
    must(["sign", "--ca-dir", "ca", "-o", "issued", "one.csr"], cwd)


def serial_of_file(path):
    r = subprocess.run(["openssl", "x509", "-in", path, "-noout", "-serial"], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    return str(int(r.stdout.strip().split("=", 1)[1], 16))


def pems(text):
    return re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", text, re.S)


def serials_in_text(text, tmp):
    """Serials of the certificates in printed text: PEM, cfssl's JSON, or a
    Kubernetes object's base64 status.certificate."""
    import base64
    text = text.replace("\\n", "\n")
    for b64 in re.findall(r'"certificate":\s*"([A-Za-z0-9+/=]+)"', text):
        try:
            text += "\n" + base64.b64decode(b64).decode()
        except Exception:
            pass
    found = []
    for i, p in enumerate(pems(text)):
        f = os.path.join(tmp, f"printed-{i}.pem")
        with open(f, "w") as fh:
            fh.write(p + "\n")
        found.append(serial_of_file(f))
    return found


# name, command, setup extra (callable or None), files/folders the command delivers into
SCENARIOS = [
    ("sign --ca-dir (one CSR, printed)", ["sign", "--ca-dir", "ca", "one.csr"], None, [], True),
    ("sign --ca-dir -o", ["sign", "--ca-dir", "ca", "one.csr", "-o", "out/one"], "mkout", ["out"], True),
    ("sign --ca-dir, a batch of 5", ["sign", "--ca-dir", "ca", "--out-dir", "out", "b1.csr", "b2.csr", "b3.csr", "b4.csr", "b5.csr"], None, ["out"], True),
    ("revoke", ["revoke", "--ca-dir", "ca", "--serial", "@issued"], None, [], True),
    ("gencrl -o", ["gencrl", "--ca-dir", "ca", "-o", "out/crl"], "mkout", ["out"], True),
    ("renew", ["renew", "--ca-dir", "ca", "issued.pem", "-o", "out/renewed"], "mkout", ["out"], False),
    ("gencert --ca-dir", ["gencert", "--ca-dir", "ca", "-o", "out/g", "g.json"], "gencert", ["out"], False),
    ("k8s sign --ca-dir", ["k8s", "sign", "--ca-dir", "ca", "obj.json"], "k8s", [], False),
    ("ca rotate", ["ca", "rotate", "ca"], None, [], False),
    ("ca repair", ["ca", "repair", "ca"], "damage", [], False),
    ("ca init", ["ca", "init", "newca", "--no-encrypt"], None, ["newca"], False),
    ("cfssljson -bare", ["cfssljson", "-bare", "out/split", "-f", "split.json"], "split", ["out"], False),
]


def extra_setup(kind, cwd):
    if kind in ("mkout", "gencert", "split"):
        os.makedirs(os.path.join(cwd, "out"), exist_ok=True)
    if kind == "gencert":
        with open(os.path.join(cwd, "g.json"), "w") as f:
            f.write('{"CN":"g.example","hosts":["g.example"]}')
    if kind == "split":
        with open(os.path.join(cwd, "split.json"), "wb") as f:
            f.write(must(["genkey", "-"], cwd, b'{"CN":"s.example"}'))
    if kind == "k8s":
        pem = open(os.path.join(cwd, "b1.csr"), "rb").read()
        import base64
        obj = {
            "apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
            "metadata": {"name": "b1", "resourceVersion": "1"},
            "spec": {"request": base64.b64encode(pem).decode(), "signerName": "example.com/serving",
                     "usages": ["digital signature", "server auth"]},
            "status": {"conditions": [{"type": "Approved", "status": "True", "reason": "KubectlApprove"}]},
        }
        cfg = {"signing": {"default": {"usages": ["digital signature", "server auth"], "expiry": "720h",
                                       "signer_name": "example.com/serving"}}}
        with open(os.path.join(cwd, "obj.json"), "w") as f:
            json.dump(obj, f)
        with open(os.path.join(cwd, "ca", "config.json"), "w") as f:
            json.dump(cfg, f)
        os.chmod(os.path.join(cwd, "ca", "config.json"), 0o600)
    if kind == "damage":
        with open(os.path.join(cwd, "ca", "ledger.log"), "a") as f:
            f.write('{"type":"issued","damaged":\n')


def ledger_serials(cwd, ca="ca"):
    r = ck(["list", "--ca-dir", ca, "--json"], cwd)
    if r.returncode != 0:
        return None
    return {json.loads(line)["serial"] for line in r.stdout.decode().splitlines() if line.strip()}


def raw_serials(cwd, ca="ca"):
    """The issued serials a ledger's lines name, damaged lines or not (before a run)."""
    try:
        text = open(os.path.join(cwd, ca, "ledger.log")).read()
    except OSError:
        return set()
    return set(re.findall(r'"type":"issued".*?"serial":"(\d+)"', text))


def key_hash(cwd):
    p = os.path.join(cwd, "ca", "ca-key.pem")
    return hashlib.sha256(open(p, "rb").read()).hexdigest() if os.path.exists(p) else None


def count_calls(template, args, tmp):
    d = os.path.join(tmp, "count")
    shutil.copytree(template, d, symlinks=True)
    trace = os.path.join(tmp, "count.trace")
    subprocess.run(["strace", "-f", "-qq", "-o", trace, "-e", "trace=" + ",".join(SYSCALLS), CERTKIT, *args],
                   cwd=d, capture_output=True)
    counts = {s: 0 for s in SYSCALLS}
    for line in open(trace):
        m = re.match(r"\d+\s+(\w+)\(", line)
        if m and m.group(1) in counts:
            counts[m.group(1)] += 1
    shutil.rmtree(d)
    return counts


def check_run(d, name, args, syscall, n, r, before, key_before, delivers):
    """The rules, for one run; returns the problems found."""
    problems = []
    out = r.stdout.decode(errors="replace")
    err = r.stderr.decode(errors="replace")
    where = f"{name}: {syscall} #{n}"
    if "panicked" in err or r.returncode not in (0, 1, 3, 4):
        problems.append(f"{where}: exit {r.returncode}, {err.strip()[:300]}")
    errors = [l for l in err.splitlines() if l.startswith("certkit:") and "warning:" not in l]
    if r.returncode != 0 and errors:
        last = errors[-1]
        if "(os error" in last and not re.search(
                r"[\w.-]+/|\.(pem|csr|crl|log|state|json|p12)\b|ledger|lock|standard output|ca-key|idx|cannot \w+ (a file in )?[\w./-]+", last):
            problems.append(f"{where}: the error names no file: {last}")
    if r.returncode != 0 and not errors:
        problems.append(f"{where}: exit {r.returncode} with no error line")
    # The CA key never changes (ca rotate replaces it only when it succeeds).
    if name != "ca rotate" and key_hash(d) != key_before:
        problems.append(f"{where}: the CA key file changed")
    if name == "ca init":
        return problems
    check = ck(["ca", "check", "ca"], d)
    if check.returncode == 4:
        rep = ck(["ca", "repair", "ca"], d)
        check = ck(["ca", "check", "ca"], d)
        if check.returncode != 0:
            problems.append(f"{where}: the ledger is damaged and ca repair did not restore it: {rep.stderr.decode()[:200]}")
    elif check.returncode != 0:
        problems.append(f"{where}: ca check exits {check.returncode}: {check.stderr.decode().strip()[:200]}")
    after = ledger_serials(d)
    if after is None:
        problems.append(f"{where}: list --json fails after the run")
        return problems
    delivered = [s for s in serials_in_text(out, d) if s]
    for folder in delivers:
        p = os.path.join(d, folder)
        for root, _, files in os.walk(p) if os.path.isdir(p) else []:
            for f in files:
                path = os.path.join(root, f)
                if f.startswith(".") or ".tmp" in f:
                    problems.append(f"{where}: a temporary file is left: {os.path.relpath(path, d)}")
                elif f.endswith(".pem") and "crl" not in f and "key" not in f:
                    s = serial_of_file(path)
                    if s is None:
                        problems.append(f"{where}: {os.path.relpath(path, d)} is not a complete certificate")
                    else:
                        delivered.append(s)
    for s in delivered:
        if s not in after:
            problems.append(f"{where}: certificate {s} was handed out but is not in the ledger")
    undelivered = (after - before) - set(delivered)
    if undelivered and name not in ("ca rotate",) and "recorded" not in err:
        problems.append(f"{where}: {len(undelivered)} certificate(s) in the ledger were neither delivered nor said to be recorded")
    for f in os.listdir(os.path.join(d, "ca")):
        if f.endswith(".tmp") or f.startswith(".certkit"):
            problems.append(f"{where}: a temporary file is left in the CA directory: {f}")
    return problems


def main():
    global CERTKIT
    ap = argparse.ArgumentParser()
    ap.add_argument("--short", action="store_true")
    ap.add_argument("--certkit", default=os.environ.get("CERTKIT"))
    ap.add_argument("--summary")
    ap.add_argument("--only")
    a = ap.parse_args()
    CERTKIT = os.path.abspath(a.certkit)
    tmp = tempfile.mkdtemp(prefix="certkit-faults-")
    template = os.path.join(tmp, "template")
    os.makedirs(template)
    base(template)
    issued = serial_of_file(os.path.join(template, "issued.pem"))
    total_runs = 0
    faults = {}
    problems = []
    rows = []
    for name, args, kind, delivers, full in SCENARIOS:
        if a.only and a.only not in name:
            continue
        args = [issued if x == "@issued" else x for x in args]
        scen = os.path.join(tmp, "scenario")
        shutil.rmtree(scen, ignore_errors=True)
        shutil.copytree(template, scen, symlinks=True)
        if kind:
            extra_setup(kind, scen)
        counts = count_calls(scen, args, tmp)
        step = 1 if (full or not a.short) else 4
        runs = 0
        for syscall, total in counts.items():
            for n in range(1, total + 1, step):
                d = os.path.join(tmp, "run")
                shutil.rmtree(d, ignore_errors=True)
                shutil.copytree(scen, d, symlinks=True)
                before = raw_serials(d)
                key_before = key_hash(d)
                r = subprocess.run(
                    ["strace", "-f", "-qq", "-o", "/dev/null", "-e", f"trace={syscall}",
                     "-e", f"inject={syscall}:error={SYSCALLS[syscall]}:when={n}", CERTKIT, *args],
                    cwd=d, capture_output=True)
                runs += 1
                faults[syscall] = faults.get(syscall, 0) + 1
                problems += check_run(d, name, args, syscall, n, r, before, key_before, delivers)
        total_runs += runs
        rows.append((name, sum(counts.values()), runs))
        print(f"{name}: {sum(counts.values())} write-side calls, {runs} runs", flush=True)
    summary = {
        "mode": "short" if a.short else "full",
        "scenarios": [{"command": n, "calls": c, "runs": r} for n, c, r in rows],
        "runs": total_runs,
        "faults": faults,
        "problems": problems,
    }
    if a.summary:
        with open(a.summary, "w") as f:
            json.dump(summary, f, indent=1)
    for p in problems:
        print("PROBLEM " + p)
    print(f"fault sweep ({summary['mode']}): {len(rows)} commands, {total_runs} runs with one failing call each, "
          f"{len(problems)} problems")
    shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

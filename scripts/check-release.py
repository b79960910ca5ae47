#!/usr/bin/env python3
"""Checks a release archive made by `scripts/build-release.sh archive`:
its checksums verify, both binaries run and say what they are, the cfssl
aliases, completions and man pages work, and each SBOM lists every crate the
binary links (the list cargo auditable embedded in the binary).

Usage: python3 scripts/check-release.py target/dist/certkit-VERSION-TARGET.tar.gz
"""
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import zlib


def run(cmd, cwd, **kw):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"check-release: {' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
    return r.stdout


def embedded_packages(binary, tmp):
    """The dependency list cargo auditable put in the binary's .dep-v0 section."""
    out = os.path.join(tmp, "dep-v0")
    run(["objcopy", "--dump-section", f".dep-v0={out}", binary, os.path.join(tmp, "discard")], tmp)
    with open(out, "rb") as f:
        data = json.loads(zlib.decompress(f.read()))
    return {(p["name"], p["version"]) for p in data["packages"] if p.get("kind", "runtime") == "runtime" and not p.get("root")}


def main():
    archive = os.path.abspath(sys.argv[1])
    with open(archive + ".sha256") as f:
        want = f.read().split()[0]
    got = run(["sha256sum", archive], "/").split()[0]
    assert got == want, f"{archive}: sha256 {got}, its .sha256 says {want}"
    tmp = tempfile.mkdtemp(prefix="certkit-release-")
    with tarfile.open(archive) as t:
        t.extractall(tmp, filter="data")
    (name,) = os.listdir(tmp)
    root = os.path.join(tmp, name)
    run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], root)
    listed = {line.split(maxsplit=1)[1].strip() for line in open(os.path.join(root, "SHA256SUMS"))}
    files = {os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs
             if not os.path.islink(os.path.join(d, f))} - {"SHA256SUMS"}
    assert listed == files, f"SHA256SUMS lists {sorted(listed ^ files)} wrongly"

    commit = os.environ.get("CERTKIT_COMMIT") or subprocess.run(
        ["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip() or "unknown"
    binaries = {"certkit": "pkcs11: no"}
    if os.path.exists(os.path.join(root, "certkit-pkcs11")):
        binaries["certkit-pkcs11"] = "pkcs11: yes"
    for binary, tokens in binaries.items():
        v = run([f"./{binary}", "version"], root)
        assert v.startswith("certkit ") and f"commit: {commit}" in v and tokens in v, f"{binary} version:\n{v}"
        sbom = json.load(open(os.path.join(root, "sbom", f"{binary}.cdx.json")))
        listed = {(c["name"], c["version"]) for c in sbom["components"]}
        missing = embedded_packages(os.path.join(root, binary), tmp) - listed
        assert not missing, f"sbom/{binary}.cdx.json misses crates {binary} links: {sorted(missing)}"
    assert "statically linked" in run(["./certkit", "version"], root)
    assert run(["./cfssl", "version"], root).startswith("certkit ")
    assert "Usage: certkit cfssljson" in run(["./cfssljson", "--help"], root)
    run(["bash", "-n", "completions/certkit.bash"], root)
    pages = os.listdir(os.path.join(root, "man", "man1"))
    assert "certkit-sign.1" in pages, pages
    for page in pages:
        assert "NAME" in run(["man", "-l", os.path.join("man", "man1", page)], root, env={**os.environ, "MANWIDTH": "80"})
    print(f"{os.path.basename(archive)}: checksums verify; {', '.join(binaries)} run; aliases, completions, "
          f"{len(pages)} man pages and the SBOMs check out")


if __name__ == "__main__":
    main()

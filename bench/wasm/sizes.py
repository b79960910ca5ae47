#!/usr/bin/env python3
"""Where the bytes of the two wasm modules go (issue #19), by crate and by
certkit-core module, into BENCHMARKS.md between <!-- wasm-sizes:start -->
and <!-- wasm-sizes:end --> (with --write).

    python3 bench/wasm/sizes.py [--write]

Builds each module as scripts/build-npm.sh does (cargo's wasm profile,
wasm-bindgen, wasm-opt -Oz with the same features) but keeps the function
names (-g), then sums twiggy's shallow sizes by the crate each function's
name starts with. wasm-opt inlines, so a function's bytes count for the one
it was inlined into: the table shows where the code sits after
optimisation, not every crate's whole cost. Needs twiggy (cargo install
twiggy) and target/npm-tools (scripts/build-npm.sh installs it).
"""

import collections
import csv
import io
import os
import re
import subprocess
import sys
import tempfile
import zlib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
WASM_OPT = os.path.join(ROOT, "target/npm-tools/node_modules/.bin/wasm-opt")
FEATURES = ["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
            "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue"]


def build(module, work):
    features = ["--no-default-features", "--features", "lite"] if module == "lite" else []
    subprocess.run(["cargo", "build", "-q", "-p", "certkit-wasm", *features, "--target", "wasm32-unknown-unknown",
                    "--profile", "wasm", "--locked"], cwd=ROOT, check=True)
    raw = os.path.join(TARGET, "wasm32-unknown-unknown/wasm/certkit_wasm.wasm")
    subprocess.run(["wasm-bindgen", "--target", "web", "--out-dir", work, "--out-name", module, raw], check=True)
    named = os.path.join(work, f"{module}-named.wasm")
    subprocess.run([WASM_OPT, "-Oz", "--converge", "-g", *FEATURES, os.path.join(work, f"{module}_bg.wasm"), "-o", named], check=True)
    stripped = os.path.join(work, f"{module}-stripped.wasm")
    subprocess.run([WASM_OPT, "-Oz", "--converge", "--strip-debug", "--strip-producers", *FEATURES, os.path.join(work, f"{module}_bg.wasm"),
                    "-o", stripped], check=True)
    with open(stripped, "rb") as f:
        data = f.read()
    gz = zlib.compressobj(9, zlib.DEFLATED, 31)
    return named, len(data), len(gz.compress(data) + gz.flush())


def by_crate(named):
    out = subprocess.run(["twiggy", "top", "-n", "100000", "--format", "csv", named], check=True, capture_output=True,
                         text=True).stdout
    sums = collections.Counter()
    for row in csv.DictReader(io.StringIO(out)):
        name, size = row["Name"], int(row["ShallowSize"])
        if "function names" in name or name.startswith("custom section") or name.startswith("Σ"):
            continue
        if name.startswith("data segment") or name.startswith("data["):
            key = "data segments (strings, tables)"
        elif "multivalue shim" in name or name.startswith("__wbindgen") or name.startswith("__externref"):
            key = "wasm-bindgen glue (shims)"
        else:
            m = re.match(r"<*&?(?:dyn )?([a-z_0-9]+)(?:\[[0-9a-f]+\])?::([A-Za-z_0-9]+)", name)
            if not m:
                key = "other"
            elif m.group(1) in ("certkit_core", "certkit_wasm"):
                key = f"{m.group(1)}::{m.group(2)}"
            else:
                key = m.group(1)
        sums[key] += size
    return sums


def short(name):
    """A function's name without its hash and crate disambiguator."""
    return re.sub(r"\[[0-9a-f]{16}\]|::h[0-9a-f]{16}$", "", name)


def dominators(named, rows=14):
    """twiggy's dominator tree, two levels deep: what each export (or the
    item directly under it) keeps in the module on its own — the bytes that
    would go with it."""
    out = subprocess.run(["twiggy", "dominators", "-d", "2", "--format", "csv", named], check=True,
                         capture_output=True, text=True).stdout
    table = list(csv.DictReader(io.StringIO(out)))
    root = next(r["Id"] for r in table if r["Name"] == "<meta root>")
    top = {r["Id"] for r in table if r["ImmediateDominator"] == root}
    names = {r["Id"]: r["Name"] for r in table}
    picked = [r for r in table if r["Id"] != root and "names" not in r["Name"]
              and (r["Id"] in top or r["ImmediateDominator"] in top)]
    picked.sort(key=lambda r: -int(r["RetainedSize"]))
    lines = ["| item (under) | retained bytes | its own bytes |", "|---|---|---|"]
    for r in picked[:rows]:
        under = "" if r["Id"] in top else f" (under {short(names[r['ImmediateDominator']])[:60]})"
        lines.append(f"| `{short(r['Name'])[:90]}`{under} | {int(r['RetainedSize']):,} | {int(r['ShallowSize']):,} |")
    return lines


def main():
    rows = {}
    with tempfile.TemporaryDirectory() as work:
        for module in ("lite", "full"):
            named, size, gz = build(module, work)
            rows[module] = (size, gz, by_crate(named), dominators(named) if module == "lite" else [])
    lines = [
        "Written by `python3 bench/wasm/sizes.py --write`: each module built as scripts/build-npm.sh builds it, sizes of the shipped "
        "(stripped) file, and twiggy's shallow sizes of a copy that keeps function names, summed by the crate (and certkit-core "
        "module) each function's name starts with. wasm-opt inlines, so bytes count where the code sits after optimisation. "
        "The page's P-256 CSR downloads the lite module; the full one loads on first use of anything else.",
        "",
    ]
    for module in ("lite", "full"):
        size, gz, sums, _ = rows[module]
        total = sum(sums.values())
        lines += [f"**{module} module**: {size:,} bytes, {gz:,} gzip -9.", "",
                  "| where | bytes | share |", "|---|---|---|"]
        top = sums.most_common(18)
        for key, n in top:
            lines.append(f"| {key} | {n:,} | {100 * n / total:.1f}% |")
        rest = total - sum(n for _, n in top)
        lines += [f"| everything else | {rest:,} | {100 * rest / total:.1f}% |", ""]
        if module == "lite":
            lines += ["What each part of the lite module keeps on its own (twiggy dominators, two levels; bytes shared "
                      "by several exports count under none of them):", "", *rows[module][3], ""]
    table = "\n".join(lines)
    print(table)
    if "--write" in sys.argv:
        md = os.path.join(ROOT, "BENCHMARKS.md")
        text = open(md, encoding="utf-8").read()
        start, end = "<!-- wasm-sizes:start -->", "<!-- wasm-sizes:end -->"
        if start not in text:
            sys.exit(f"BENCHMARKS.md has no {start}")
        text = text[: text.index(start) + len(start)] + "\n" + table + text[text.index(end):]
        open(md, "w", encoding="utf-8").write(text)


if __name__ == "__main__":
    main()

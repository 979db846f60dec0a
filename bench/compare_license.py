#!/usr/bin/env python3
"""Licence checking: digifarm (Rust) vs Python's license-expression, on the same expressions.

Generates the realistic 1M-expression mix (digifarm-core/benches/common/license_mix.rs) into a
file, times digifarm on it (tools/src/bin/license_bench.rs: uncached `license::check`, cached
`license::Checker`, parse only; best of 5 passes, one thread) and times Python's
license-expression on the same lines (`Licensing().validate`, and the SPDX-aware
`get_spdx_licensing().validate`), then prints ns/expression and the ratios.

    python3 -m venv /tmp/lic-venv && /tmp/lic-venv/bin/pip install license-expression
    /tmp/lic-venv/bin/python bench/compare_license.py            # 1M for both sides
    /tmp/lic-venv/bin/python bench/compare_license.py --python-n 200000   # quicker

Python runs one pass (it takes tens of seconds per million); `--python-n` times only the
first N lines of the same file (per-expression figures stay comparable because the mix is
drawn uniformly at random).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The timing driver (tools/src/bin/license_bench.rs): how it is built and where it lands.
BUILD = ["cargo", "build", "--release", "-q", "-p", "digifarm-tools", "--bin", "license_bench"]
EXE = os.path.join(ROOT, "target", "release", "license_bench")


def run_rust(path: str) -> dict:
    out = subprocess.run([EXE, path], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def time_python(exprs, licensing) -> float:
    validate = licensing.validate
    start = time.perf_counter()
    invalid = 0
    for e in exprs:
        info = validate(e)
        if info.errors:
            invalid += 1
    elapsed = time.perf_counter() - start
    return elapsed * 1e9 / max(len(exprs), 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000, help="expressions in the file (default 1M)")
    ap.add_argument("--python-n", type=int, default=None, help="time Python on the first N lines only")
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build first")
    args = ap.parse_args()

    try:
        from license_expression import Licensing, get_spdx_licensing
        import importlib.metadata as md

        le_version = md.version("license-expression")
    except ImportError:
        print("license-expression is not installed: pip install license-expression", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "exprs.txt")
        if not args.no_build:
            subprocess.run(BUILD, cwd=ROOT, check=True)
        subprocess.run([EXE, "--write", path, str(args.n)], check=True)
        rust = run_rust(path)
        with open(path, encoding="utf-8") as f:
            exprs = f.read().split("\n")[: args.n]
        py_exprs = exprs[: args.python_n] if args.python_n else exprs

        plain = time_python(py_exprs, Licensing())
        spdx = time_python(py_exprs, get_spdx_licensing())

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python {platform.python_version()}, license-expression {le_version}")
    print(f"expressions: {rust['n']} ({rust['distinct']} distinct, realistic mix); Python timed on {len(py_exprs)}")
    print()
    rows = [
        ("digifarm license::check (no cache)", rust["uncached_ns"]),
        ("digifarm license::Checker (cache per distinct string)", rust["cached_ns"]),
        ("digifarm license::parse only", rust["parse_ns"]),
        ("python Licensing().validate", plain),
        ("python get_spdx_licensing().validate", spdx),
    ]
    width = max(len(r[0]) for r in rows)
    for name, ns in rows:
        print(f"{name:<{width}}  {ns / 1000:9.3f} µs/expr")
    print()
    for py_name, py_ns in rows[3:]:
        for rs_name, rs_ns in rows[:2]:
            print(f"{py_name} / {rs_name}: {py_ns / rs_ns:8.1f}x")
    target = 500.0
    print()
    print(f"target ≤ 0.5 µs/expr: cached {'met' if rust['cached_ns'] <= target else 'NOT met'}, "
          f"uncached {'met' if rust['uncached_ns'] <= target else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

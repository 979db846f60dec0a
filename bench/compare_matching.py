#!/usr/bin/env python3
"""Dense assignment, digifarm vs scipy, side by side.

Builds one random n x n score matrix (uniform in (0, 1], numpy seed 42), solves it with
scipy.optimize.linear_sum_assignment(maximize=True) and with digifarm's exact solver (the
`assign_matrix` timing driver in tools/src/bin/, reading the same matrix file), checks that
both find the same total, and prints the times and the ratio. Times are the best of
`--repeats` runs, solve only (no file I/O, no matrix construction).

Setup (once):  python3 -m venv /tmp/venv-cmp && /tmp/venv-cmp/bin/pip install numpy scipy
Run:           /tmp/venv-cmp/bin/python bench/compare_matching.py [--n 2000] [--repeats 3]
"""

import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.optimize import linear_sum_assignment


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    rng = np.random.default_rng(42)
    scores = 1.0 - rng.random((args.n, args.n))  # (0, 1]: every pair is worth assigning

    best = float("inf")
    for _ in range(args.repeats):
        t = time.perf_counter()
        rows, cols = linear_sum_assignment(scores, maximize=True)
        best = min(best, time.perf_counter() - t)
    scipy_total = float(scores[rows, cols].sum())

    subprocess.run(
        ["cargo", "build", "--release", "-q", "-p", "digifarm-tools", "--bin", "assign_matrix"],
        cwd=root, check=True,
    )
    with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as f:
        f.write(struct.pack("<Q", args.n))
        f.write(scores.astype("<f8").tobytes())
        path = f.name
    try:
        exe = os.path.join(root, "target", "release", "assign_matrix")
        out = subprocess.run([exe, path, str(args.repeats)], check=True, capture_output=True, text=True)
    finally:
        os.unlink(path)
    ours = json.loads(out.stdout)

    same = abs(ours["total"] - scipy_total) <= 1e-6 * args.n
    print(f"dense assignment n={args.n}, best of {args.repeats}")
    print(f"  scipy linear_sum_assignment: {best * 1e3:9.1f} ms  total {scipy_total:.6f}")
    print(f"  digifarm assign::solve:      {ours['solve_s'] * 1e3:9.1f} ms  total {ours['total']:.6f}")
    print(f"  ratio digifarm / scipy:      {ours['solve_s'] / best:9.2f}x  (same optimum: {same})")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

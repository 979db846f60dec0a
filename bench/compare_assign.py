"""Capacitated assignment at federation scale, digifarm vs OR-tools' min-cost flow, side by
side on the very same instance, with both totals compared.

digifarm (the `assign_synth` timing driver, release build) builds a synthetic catalog
(`digifarm_core::synth`, default 50,000 open needs and 5,000 offers with 1-10 slots each),
runs the exact assignment end to end (candidate generation from the ranking index, pricing
rounds until the dual certificate holds) and writes the problem its last round solved: every
need's candidate pairs with their scores and every offer's free slots. Its optimum is the
catalog's optimum (the certificate covers every pair left out), so a second exact solver
given the same pairs must reach the same total.

OR-tools' `SimpleMinCostFlow` then solves those pairs as a min-cost flow: one unit of supply
per need, an arc need -> offer per pair (capacity 1, cost -round(score * 1e9), the integer
units digifarm's solver uses), an arc need -> sink (cost 0: the need stays unassigned) and an
arc offer -> sink per offer (capacity: its free slots). The script prints:

* digifarm end to end (candidate generation included) and digifarm's solver alone on the whole
  dumped problem (one thread), the OR-tools solve alone (graph building shown separately);
* both totals in integer units, which must be equal (exit 1 otherwise);
* the ratios (digifarm / OR-tools; < 1 means digifarm is faster) and each side's peak memory.

Each side runs in its own process; its peak resident memory is the kernel's figure for that
process (`os.wait4`).

Usage: python bench/compare_assign.py [--needs 50000] [--offers 5000] [--seed 1] [--per-need 10]
       [--binary target/release/assign_synth]
Requires: `cargo build --release -p digifarm-tools --bin assign_synth` (run by the script when
--binary is not given), pip install numpy ortools.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_measured(cmd: list[str]) -> tuple[str, float, int]:
    """Stdout, wall seconds and peak resident bytes of one process (reaped with `os.wait4`,
    which gives that process's own peak)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{os.path.basename(cmd[0])} failed with exit code {code}")
    return out, wall, usage.ru_maxrss * 1024


def ortools_side(dump: str) -> None:
    """Child process: solve the dumped problem with OR-tools, print JSON."""
    import numpy as np
    from ortools.graph.python import min_cost_flow

    with open(dump, "rb") as f:
        data = f.read()
    off = 0

    def take(dtype: str, count: int):
        nonlocal off
        arr = np.frombuffer(data, dtype=dtype, count=count, offset=off)
        off += arr.nbytes
        return arr

    n_rows, n_cols = (int(x) for x in take("<u8", 2))
    caps = take("<u4", n_cols).astype(np.int64)
    (n_pairs,) = (int(x) for x in take("<u8", 1))
    rows = take("<u4", n_pairs).astype(np.int64)
    cols = take("<u4", n_pairs).astype(np.int64)
    scores = take("<f8", n_pairs)

    t0 = time.perf_counter()
    # The pairs digifarm's solver keeps: an offer with a free slot, a finite score with a
    # positive integer value (round half away from zero, as Rust's f64::round does for
    # positive values; floor(x + 0.5) would round 0.49999999999999994 up).
    finite = np.isfinite(scores)
    x = np.where(finite, scores, 0.0) * 1e9
    f = np.floor(x)
    scaled = (f + ((x - f) >= 0.5)).astype(np.int64)
    keep = finite & (cols < n_cols) & (scaled > 0)
    keep[keep] &= caps[cols[keep]] > 0
    rows, cols, scaled = rows[keep], cols[keep], scaled[keep]
    sink = n_rows + n_cols
    smcf = min_cost_flow.SimpleMinCostFlow()
    need_nodes = np.arange(n_rows, dtype=np.int64)
    offer_nodes = n_rows + np.arange(n_cols, dtype=np.int64)
    starts = np.concatenate([rows, need_nodes, offer_nodes])
    ends = np.concatenate([n_rows + cols, np.full(n_rows, sink), np.full(n_cols, sink)])
    capacities = np.concatenate([np.ones(len(rows), np.int64), np.ones(n_rows, np.int64), caps])
    costs = np.concatenate([-scaled, np.zeros(n_rows, np.int64), np.zeros(n_cols, np.int64)])
    smcf.add_arcs_with_capacity_and_unit_cost(starts, ends, capacities, costs)
    supplies = np.concatenate([np.ones(n_rows, np.int64), np.zeros(n_cols, np.int64), [-n_rows]])
    smcf.set_nodes_supplies(np.arange(sink + 1, dtype=np.int64), supplies.astype(np.int64))
    build = time.perf_counter() - t0
    t1 = time.perf_counter()
    status = smcf.solve()
    solve = time.perf_counter() - t1
    if status != smcf.OPTIMAL:
        sys.exit(f"OR-tools: status {status}, not optimal")
    print(
        json.dumps(
            {
                "build_s": build,
                "solve_s": solve,
                "total_scaled": -int(smcf.optimal_cost()),
                "arcs": int(len(starts)),
                "pairs": int(len(rows)),
            }
        )
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--needs", type=int, default=50_000)
    ap.add_argument("--offers", type=int, default=5_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-need", type=int, default=10, help="first-round candidates per need")
    ap.add_argument("--binary", help="assign_synth (default: build it in release mode)")
    ap.add_argument("--ortools-child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.ortools_child:
        ortools_side(args.ortools_child)
        return 0

    binary = args.binary
    if binary is None:
        subprocess.run(
            ["cargo", "build", "--release", "-q", "-p", "digifarm-tools", "--bin", "assign_synth"],
            cwd=ROOT,
            check=True,
        )
        binary = os.path.join(ROOT, "target", "release", "assign_synth")

    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, "problem.bin")
        cmd = [binary, str(args.needs), str(args.offers), str(args.seed), str(args.per_need), dump]
        out, _, our_peak = run_measured(cmd)
        ours = dict(kv.split("=", 1) for kv in out.split())
        theirs_out, _, their_peak = run_measured(
            [sys.executable, os.path.abspath(__file__), "--ortools-child", dump]
        )
        theirs = json.loads(theirs_out)

    ours_e2e = float(ours["total_s"])
    ours_assign = float(ours["assign_s"])
    ours_solve = float(ours["solve_s"])
    ours_total = int(ours["total_scaled"])
    their_solve = theirs["solve_s"]
    print(
        f"capacitated assignment: {ours['open']} open needs x {ours['offers']} offers "
        f"({ours['slots']} slots), seed {args.seed}"
    )
    print(
        f"  instance: {ours['candidate_pairs']} candidate pairs after {ours['rounds']} rounds "
        f"({theirs['pairs']} kept by both solvers, {theirs['arcs']} arcs for OR-tools)"
    )
    print(
        f"  digifarm  end to end {ours_e2e:7.2f} s (index {float(ours['build_s']):.2f} s, "
        f"assignment {ours_assign:.2f} s)   solver alone on the dumped pairs "
        f"{ours_solve:6.2f} s   peak {our_peak / 2**20:6.0f} MiB"
    )
    print(
        f"  OR-tools  min-cost flow solve {their_solve:6.2f} s (graph building "
        f"{theirs['build_s']:.2f} s)   peak {their_peak / 2**20:6.0f} MiB"
    )
    print(f"  totals (1e-9 units): digifarm {ours_total}, OR-tools {theirs['total_scaled']}")
    print(
        f"  ratio digifarm / OR-tools: end to end {ours_e2e / their_solve:.2f}, "
        f"assignment {ours_assign / their_solve:.2f}, solver alone {ours_solve / their_solve:.2f} "
        "(< 1: digifarm faster)"
    )
    if ours_total != theirs["total_scaled"]:
        print("  MISMATCH: the two optima differ", file=sys.stderr)
        return 1
    print("  optimal totals agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Top-k ranking, digifarm vs a scipy.sparse top-k, side by side on the same needs and offers.

digifarm (the `rank_dump` timing driver, release build) builds the synthetic catalog of the
`rank_top10` criterion bench (`digifarm_core::synth`, default 100,000 offers), ranks the top
10 offers of its first 512 open needs with the inverted index (`Matcher::rank_offers_with`,
index built, best of 5 passes) and writes the matcher's prepared features (term ids per need
and offer, urgency, budgets, region closeness, applicable weights) with its rankings, and the
hard constraints as a mask (one byte per need and offer, from `Matcher::check`).

The scipy side ranks the same needs from those features the way a data person would: skill
and topic overlaps as sparse products (needs x terms times terms x offers, CSR), the score as
numpy arithmetic over the dense need x offer block (the same formula, summed in the same
order), the mask and the minimum score applied, and the top k per need by `np.partition`,
ties to the lower offer id as digifarm breaks them. It gets the hard constraints for free
(the mask is precomputed): it only scores and selects. Needs are processed in blocks of
`--block` (memory), and the time is the best over `--repeats` passes over all of them,
features already loaded.

Both rankings must be identical, offer for offer and score for score (exit 1 otherwise). The
script prints per-need times, the ratio (digifarm / scipy; < 1 means digifarm is faster),
each side's preparation (digifarm: `Matcher::new`, the index included; scipy: the CSR
matrices) and each process's peak memory (digifarm's includes writing the dump, scipy's the
dump loaded from JSON).

Usage: python bench/compare_ranking.py [--offers 100000] [--queries 512] [--k 10]
       [--repeats 5] [--block 128] [--binary target/release/rank_dump]
Requires: `cargo build --release -p digifarm-tools --bin rank_dump` (run by the script when
--binary is not given), pip install numpy scipy.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy.sparse as sp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_measured(cmd: list[str]) -> tuple[str, int]:
    """Stdout and peak resident bytes of one process (`os.wait4`: that process's own peak)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{os.path.basename(cmd[0])} failed with exit code {code}")
    return out, usage.ru_maxrss * 1024


def csr(lists: list[list[int]], width: int) -> sp.csr_matrix:
    """Rows of term ids as a 0/1 CSR matrix."""
    indptr = np.zeros(len(lists) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(x) for x in lists])
    indices = np.fromiter((t for x in lists for t in x), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float64)
    return sp.csr_matrix((data, indices, indptr), shape=(len(lists), width))


class Scipy:
    """The features as scipy/numpy arrays, and the ranking over them."""

    def __init__(self, doc: dict, mask: np.ndarray) -> None:
        f = doc["features"]
        needs = [f["needs"][i] for i in doc["queries"]]
        offers = f["offers"]
        width = 1 + max(
            [t for o in offers for t in o["skills"] + o["topics"]]
            + [t for n in needs for t in n["skills"] + n["topics"]]
            + [0]
        )
        self.k = doc["k"]
        self.min_score = f["min_score"]
        self.wr = f["region_weight"]
        self.wu = f["urgency_weight"]
        self.mask = mask
        t = time.perf_counter()
        self.off_skills_t = csr([o["skills"] for o in offers], width).T.tocsr()
        self.off_topics_t = csr([o["topics"] for o in offers], width).T.tocsr()
        self.need_skills = csr([n["skills"] for n in needs], width)
        self.need_topics = csr([n["topics"] for n in needs], width)
        self.prepare_s = time.perf_counter() - t
        col = lambda key: np.array([n[key] for n in needs], dtype=np.float64)[:, None]  # noqa: E731
        self.n_skills = np.array([len(n["skills"]) for n in needs], dtype=np.float64)[:, None]
        self.n_topics = np.array([len(n["topics"]) for n in needs], dtype=np.float64)[:, None]
        self.ws, self.wt, self.wb = col("w_skills"), col("w_topics"), col("w_budget")
        self.denom, self.urgency = col("denom"), col("urgency")
        self.eur = np.array([n["eur"] or 0.0 for n in needs], dtype=np.float64)[:, None]
        self.region = np.array([o["region"] for o in offers], dtype=np.float64)[None, :]
        self.budget = np.array(
            [o["budget_per_slot"] or 0.0 for o in offers], dtype=np.float64
        )[None, :]
        self.rank = np.array([o["rank"] for o in offers], dtype=np.int64)

    def rank_block(self, lo: int, hi: int) -> list[list[tuple[int, float]]]:
        rows = slice(lo, hi)
        hs = (self.need_skills[rows] @ self.off_skills_t).toarray()
        ht = (self.need_topics[rows] @ self.off_topics_t).toarray()
        with np.errstate(divide="ignore", invalid="ignore"):
            skills = np.where(self.n_skills[rows] > 0, hs / self.n_skills[rows], 0.0)
            topics = np.where(self.n_topics[rows] > 0, ht / self.n_topics[rows], 0.0)
            e, b = self.eur[rows], self.budget
            cover = np.where((e > 0) & (b > 0), np.minimum(b / e, 1.0), 0.0)
        num = (
            self.ws[rows] * skills
            + self.wt[rows] * topics
            + self.wr * self.region
            + self.wu * self.urgency[rows]
            + self.wb[rows] * cover
        )
        score = num / self.denom[rows]
        score = np.where(self.mask[rows] & (score >= self.min_score), score, -np.inf)
        k = min(self.k, score.shape[1])
        kth = np.partition(score, score.shape[1] - k, axis=1)[:, score.shape[1] - k]
        out = []
        for r in range(score.shape[0]):
            s = score[r]
            cand = np.flatnonzero((s >= kth[r]) & np.isfinite(s))
            order = np.lexsort((self.rank[cand], -s[cand]))[:k]
            out.append([(int(cand[i]), float(s[cand[i]])) for i in order])
        return out

    def rank_all(self, block: int) -> list[list[tuple[int, float]]]:
        out: list[list[tuple[int, float]]] = []
        for lo in range(0, self.mask.shape[0], block):
            out.extend(self.rank_block(lo, min(lo + block, self.mask.shape[0])))
        return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--offers", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=512)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--block", type=int, default=128)
    ap.add_argument("--binary")
    args = ap.parse_args()
    binary = args.binary
    if binary is None:
        subprocess.run(
            ["cargo", "build", "--release", "-q", "-p", "digifarm-tools", "--bin", "rank_dump"],
            cwd=ROOT,
            check=True,
        )
        binary = os.path.join(ROOT, "target", "release", "rank_dump")

    with tempfile.TemporaryDirectory() as tmp:
        cmd = [binary, tmp, str(args.offers), str(args.queries), str(args.k), str(args.repeats)]
        out, ours_rss = run_measured(cmd)
        with open(os.path.join(tmp, "features.json"), encoding="utf-8") as f:
            doc = json.load(f)
        n_queries = len(doc["queries"])
        mask = np.fromfile(os.path.join(tmp, "mask.bin"), dtype=np.uint8)
        mask = mask.reshape(n_queries, len(doc["features"]["offers"])).astype(bool)
    ours = doc["digifarm"]
    ours_rankings = [[(int(o), float(s)) for o, s in r] for r in ours["rankings"]]

    anchor = Scipy(doc, mask)
    best = float("inf")
    theirs: list[list[tuple[int, float]]] = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        theirs = anchor.rank_all(args.block)
        best = min(best, time.perf_counter() - t)
    scipy_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    differ = [i for i, (a, b) in enumerate(zip(ours_rankings, theirs)) if a != b]
    shown = sum(len(r) for r in ours_rankings)
    per = lambda s: s / max(n_queries, 1) * 1e6  # noqa: E731
    print(f"top-{args.k} ranking, {args.offers} offers, {n_queries} needs, best of {args.repeats}")
    print(f"  digifarm index:      {per(ours['rank_s']):9.1f} us/need   "
          f"(Matcher::new {ours['build_s'] * 1e3:.0f} ms; peak {ours_rss / 2**20:.0f} MiB)")
    print(f"  scipy.sparse top-k:  {per(best):9.1f} us/need   "
          f"(CSR {anchor.prepare_s * 1e3:.0f} ms; peak {scipy_rss / 2**20:.0f} MiB)")
    print(f"  ratio digifarm / scipy: {ours['rank_s'] / best:.3f}")
    print(f"  rankings identical: {not differ} ({shown} pairs ranked; {len(differ)} needs differ)")
    if differ:
        i = differ[0]
        print(f"  first difference, need {i}: digifarm {ours_rankings[i]} scipy {theirs[i]}")
        return 1
    if shown == 0:
        print("  nothing was ranked: the comparison is empty")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

//! Times the capacitated assignment end to end on a synthetic catalog, candidate generation
//! included:
//!
//! ```text
//! cargo run --release -p digifarm-tools --bin assign_synth -- [needs] [offers] [seed] [per_need] [dump]
//! ```
//!
//! (defaults: 50000 needs, 5000 offers with capacities 1–10, seed 1, the matcher's default
//! candidates per need). Prints one line of key=value pairs; run the built binary
//! (`target/release/assign_synth`) under `/usr/bin/time -v` for the peak RSS.
//!
//! With a `dump` path, it also writes the problem the last round solved (every open need's
//! candidate pairs and the offers' free slots) for `bench/compare_assign.py`, and times the
//! exact solver alone on that whole problem (`solve_s`, one thread, no split by kind); its
//! `assign_s` then includes copying the last round's candidate lists (about 12 MB at 50k × 5k).
//! Layout, little-endian: u64 rows, u64 columns, u32 capacity per column, u64 pairs, then
//! u32 row per pair, u32 column per pair, f64 score per pair.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::Instant;

use digifarm_core::matching::{AssignOptions, assign};
use digifarm_tools::arg;

fn main() {
    let n_needs: usize = arg(1, 50_000);
    let n_offers: usize = arg(2, 5_000);
    let seed: u64 = arg(3, 1);
    let per_need = arg(4, AssignOptions::default().candidates_per_need);
    let cat = digifarm_tools::open_needs_catalog(seed, n_needs, n_offers);
    let t0 = Instant::now();
    let matcher = match digifarm_tools::synth_matcher(&cat) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let build = t0.elapsed();
    let options = AssignOptions {
        candidates_per_need: per_need,
    };
    let dump = std::env::args().nth(5);
    let t1 = Instant::now();
    let (a, problem) = match dump {
        Some(_) => {
            let (a, p) = matcher.assign_instance(options);
            (a, Some(p))
        }
        None => (matcher.assign_with(options), None),
    };
    let assign = t1.elapsed();
    let mut solve_s = None;
    if let (Some(path), Some(problem)) = (&dump, &problem) {
        let t2 = Instant::now();
        let alone = assign::solve(problem);
        solve_s = Some((t2.elapsed().as_secs_f64(), alone.total_score));
        if let Err(e) = std::fs::write(path, encode(problem)) {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    }
    let slots: u64 = cat
        .offers
        .iter()
        .map(|o| u64::from(o.capacity.projects.unwrap_or(1)))
        .sum();
    println!(
        "needs={} open={} offers={} slots={} build_s={:.3} assign_s={:.3} total_s={:.3} matched={} unmatched={} total_score={:.6} rounds={} candidate_pairs={}",
        cat.projects.iter().map(|p| p.needs.len()).sum::<usize>(),
        matcher.open_needs().len(),
        cat.offers.len(),
        slots,
        build.as_secs_f64(),
        assign.as_secs_f64(),
        (build + assign).as_secs_f64(),
        a.pairs.len(),
        a.unmatched.len(),
        a.total_score,
        a.rounds,
        a.candidate_pairs
    );
    // The total in the solver's integer units, for an exact comparison with another solver.
    let scaled: i64 = a.pairs.iter().map(|p| assign::scaled(p.score)).sum();
    println!("total_scaled={scaled}");
    if let Some((secs, total)) = solve_s {
        println!("solve_s={secs:.3} solve_total_score={total:.6}");
    }
}

/// The dump layout described at the top.
fn encode(p: &assign::Problem) -> Vec<u8> {
    let n_pairs: usize = p.rows.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(24 + 4 * p.capacities.len() + 16 * n_pairs);
    out.extend((p.rows.len() as u64).to_le_bytes());
    out.extend((p.capacities.len() as u64).to_le_bytes());
    for c in &p.capacities {
        out.extend(c.to_le_bytes());
    }
    out.extend((n_pairs as u64).to_le_bytes());
    for (r, row) in p.rows.iter().enumerate() {
        for _ in row {
            out.extend((r as u32).to_le_bytes());
        }
    }
    for (c, _) in p.rows.iter().flatten() {
        out.extend(c.to_le_bytes());
    }
    for (_, s) in p.rows.iter().flatten() {
        out.extend(s.to_le_bytes());
    }
    out
}

//! Times the capacitated assignment end to end on a synthetic catalog, candidate generation
//! included:
//!
//! ```text
//! cargo run --release -p digifarm-tools --bin assign_synth -- [needs] [offers] [seed] [per_need]
//! ```
//!
//! (defaults: 50000 needs, 5000 offers with capacities 1–10, seed 1, the matcher's default
//! candidates per need). Prints one line of key=value pairs; run the built binary
//! (`target/release/assign_synth`) under `/usr/bin/time -v` for the peak RSS.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::Instant;

use digifarm_core::matching::{AssignOptions, MatchInput, Matcher};
use digifarm_core::synth;

fn arg(i: usize, default: usize) -> usize {
    std::env::args()
        .nth(i)
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let n_needs = arg(1, 50_000);
    let n_offers = arg(2, 5_000);
    let seed = arg(3, 1) as u64;
    let per_need = arg(4, AssignOptions::default().candidates_per_need);
    // Projects have one to three needs, two on average.
    let mut cat = synth::catalog(seed, n_needs / 2, (n_offers / 5).max(1), n_offers);
    // Exactly n_needs needs, all open: the benchmark is about the solver, not the data.
    let mut left = n_needs;
    for p in &mut cat.projects {
        let keep = p.needs.len().min(left);
        p.needs.truncate(keep);
        left -= keep;
        for n in &mut p.needs {
            n.supported_by.clear();
        }
    }
    let t0 = Instant::now();
    let matcher = match Matcher::new(MatchInput {
        projects: &cat.projects,
        partners: &cat.partners,
        offers: &cat.offers,
        config: &cat.config,
        today: synth::REFERENCE_DATE,
    }) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let build = t0.elapsed();
    let t1 = Instant::now();
    let a = matcher.assign_with(AssignOptions {
        candidates_per_need: per_need,
    });
    let assign = t1.elapsed();
    let slots: u64 = cat
        .offers
        .iter()
        .map(|o| u64::from(o.capacity.projects.unwrap_or(1)))
        .sum();
    println!(
        "needs={} open={} offers={} slots={} build_s={:.3} assign_s={:.3} total_s={:.3} matched={} unmatched={} total_score={:.6} rounds={} candidate_pairs={}",
        n_needs - left,
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
}

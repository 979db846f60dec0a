//! How many (need, offer) pairs `digifarm match` sends to a scorer plugin on a synthetic
//! catalog, against every admissible pair:
//!
//! ```text
//! cargo run --release -p digifarm-tools --bin scorer_pairs -- [needs] [offers] [seed] [k] [weight]
//! ```
//!
//! (defaults: 50000 needs, 5000 offers, seed 1, the top 5, a plugin weight of 0.2, the
//! default of a `[[plugins]]` entry). Without `--assign` and `--explain`, `match` sends only
//! the pairs that can still reach a need's top `k` whatever the plugin answers
//! ([`Matcher::pairs_for_top_k`]); this prints both counts and the time the bound takes. One
//! line of key=value pairs.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::Instant;

use digifarm_core::matching::{MatchInput, Matcher};
use digifarm_core::synth;

fn arg<T: std::str::FromStr>(i: usize, default: T) -> T {
    std::env::args()
        .nth(i)
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let n_needs: usize = arg(1, 50_000);
    let n_offers: usize = arg(2, 5_000);
    let seed: u64 = arg(3, 1);
    let k: usize = arg(4, 5);
    let weight: f64 = arg(5, 0.2);
    let cat = digifarm_tools::open_needs_catalog(seed, n_needs, n_offers);
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
            std::process::exit(1);
        }
    };
    let t = Instant::now();
    let all = matcher.admissible_pairs().len();
    let all_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let sent = matcher
        .pairs_for_top_k(k, weight, &matcher.open_needs(), None)
        .len();
    let bound_s = t.elapsed().as_secs_f64();
    println!(
        "needs={} offers={n_offers} k={k} weight={weight} admissible_pairs={all} sent={sent} share={:.4} admissible_s={all_s:.2} bound_s={bound_s:.2}",
        matcher.open_needs().len(),
        sent as f64 / all.max(1) as f64
    );
}

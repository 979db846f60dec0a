//! How many (need, offer) pairs `digifarm match` sends to a scorer plugin on a synthetic
//! catalog, against every admissible pair:
//!
//! ```text
//! cargo run --release -p digifarm-tools --bin scorer_pairs -- [needs] [offers] [seed] [k] [weight] [assign [bare]]
//! ```
//!
//! (defaults: 50000 needs, 5000 offers, seed 1, the top 5, a plugin weight of 0.2, the
//! default of a `[[plugins]]` entry). Without `--assign` and `--explain`, `match` sends only
//! the pairs that can still reach a need's top `k` whatever the plugin answers
//! ([`Matcher::pairs_for_top_k`]); this prints both counts and the time the bound takes. One
//! line of key=value pairs.
//!
//! With `assign` as the sixth argument it also runs what `match --assign` does: after those
//! pairs, rounds of [`Matcher::assign_with_unscored`], each scoring the pairs it lists, with
//! a stand-in scorer (a value in [0, 1] that looks random per pair), and prints a second
//! line: rounds, pairs sent in all, the assignment's total, and the time of the rounds.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::Instant;

use digifarm_core::matching::{AssignOptions, Matcher, NeedId, TermValue};
use digifarm_tools::arg;

fn main() {
    let n_needs: usize = arg(1, 50_000);
    let n_offers: usize = arg(2, 5_000);
    let seed: u64 = arg(3, 1);
    let k: usize = arg(4, 5);
    let weight: f64 = arg(5, 0.2);
    let cat = digifarm_tools::open_needs_catalog(seed, n_needs, n_offers);
    let mut matcher = match digifarm_tools::synth_matcher(&cat) {
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
    let first = matcher.pairs_for_top_k(k, weight, &matcher.open_needs(), None);
    let sent = first.len();
    let bound_s = t.elapsed().as_secs_f64();
    println!(
        "needs={} offers={n_offers} k={k} weight={weight} admissible_pairs={all} sent={sent} share={:.4} admissible_s={all_s:.2} bound_s={bound_s:.2}",
        matcher.open_needs().len(),
        sent as f64 / all.max(1) as f64
    );
    if std::env::args().nth(6).as_deref() == Some("assign") {
        // `bare` as the seventh argument: the rounds start from no pairs at all.
        let bare = std::env::args().nth(7).as_deref() == Some("bare");
        assign_rounds(&mut matcher, weight, if bare { &[] } else { &first }, all);
    }
}

/// The stand-in scorer: a value in [0, 1] that looks random per pair.
fn values(pairs: &[(NeedId, usize)]) -> Vec<TermValue> {
    pairs
        .iter()
        .map(|&(need, offer)| {
            let x = (need.project * 7919 + need.need * 104_729 + offer * 1_299_709) as f64;
            TermValue {
                need,
                offer,
                value: (x * 0.618_033_988_749_895).fract(),
                detail: String::new(),
            }
        })
        .collect()
}

/// `match --assign`'s rounds with the stand-in scorer.
fn assign_rounds(matcher: &mut Matcher<'_>, weight: f64, first: &[(NeedId, usize)], all: usize) {
    let t = Instant::now();
    if let Err(e) = matcher.add_term("plugin:stand-in", weight, values(first)) {
        eprintln!("{e}");
        std::process::exit(1);
    }
    let mut sent = first.len();
    let mut rounds = 1;
    let mut solve_s = 0.0;
    loop {
        let s = Instant::now();
        let (a, more) = matcher.assign_with_unscored(AssignOptions::default());
        solve_s += s.elapsed().as_secs_f64();
        if more.is_empty() {
            println!(
                "assign_rounds={rounds} sent={sent} share={:.4} matched={} total={:.6} solve_s={solve_s:.2} all_s={:.2}",
                sent as f64 / all.max(1) as f64,
                a.pairs.len(),
                a.total_score,
                t.elapsed().as_secs_f64()
            );
            return;
        }
        sent += more.len();
        rounds += 1;
        eprintln!("round {rounds}: {} more pairs", more.len());
        if let Err(e) = matcher.extend_term("plugin:stand-in", values(&more)) {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

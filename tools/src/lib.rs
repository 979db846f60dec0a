//! What the timing drivers in `src/bin/` share.

use digifarm_core::matching::{MatchError, Matcher};
use digifarm_core::synth;

/// The synthetic catalog of the assignment and scorer drivers: `n_offers` offers and
/// projects with one to three needs, cut to exactly `n_needs` needs, all open (no
/// `supported_by`): the benchmarks are about matching, not about the data.
pub fn open_needs_catalog(seed: u64, n_needs: usize, n_offers: usize) -> synth::SynthCatalog {
    // Projects have one to three needs, two on average.
    let mut cat = synth::catalog(seed, n_needs / 2, (n_offers / 5).max(1), n_offers);
    let mut left = n_needs;
    for p in &mut cat.projects {
        let keep = p.needs.len().min(left);
        p.needs.truncate(keep);
        left -= keep;
        for n in &mut p.needs {
            n.supported_by.clear();
        }
    }
    cat
}

/// The matcher of a synthetic catalog on its reference date (`synth::REFERENCE_DATE`).
///
/// # Errors
/// What [`Matcher::new`] refuses.
pub fn synth_matcher(cat: &synth::SynthCatalog) -> Result<Matcher<'_>, MatchError> {
    Matcher::new(cat.match_input())
}

/// The `i`-th command-line argument parsed as a `T`, or `default` when it is missing or
/// does not parse.
pub fn arg<T: std::str::FromStr>(i: usize, default: T) -> T {
    std::env::args()
        .nth(i)
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

//! Times digifarm's top-k ranking on a synthetic catalog and writes what
//! `bench/compare_ranking.py` needs to rank the same needs with scipy.sparse:
//!
//! ```text
//! cargo run --release -p digifarm-tools --bin rank_dump -- OUT_DIR [offers] [queries] [k] [repeats]
//! ```
//!
//! (defaults: 100000 offers, 512 queries, the top 10, best of 5). The catalog is the one
//! of the `rank_top10` criterion bench (`synth::catalog(7, 1000, offers / 20, offers)`), the
//! queries its first open needs. Writes `OUT_DIR/features.json` (the matcher's prepared
//! features, `Matcher::ranking_features`, the query needs as flat indices, digifarm's
//! rankings and its time) and `OUT_DIR/mask.bin` (one byte per query and offer: 1 when the
//! pair passes every hard constraint, from `Matcher::check`). The time is the best over
//! `repeats` passes of `Matcher::rank_offers_with` over every query, index built; one line
//! of key=value pairs on stdout.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;
use std::time::Instant;

use digifarm_core::synth;
use digifarm_tools::arg;

fn fail(e: impl std::fmt::Display) -> ! {
    eprintln!("rank_dump: {e}");
    std::process::exit(1)
}

fn main() {
    let Some(out) = std::env::args().nth(1).map(std::path::PathBuf::from) else {
        fail("usage: rank_dump OUT_DIR [offers] [queries] [k] [repeats]")
    };
    let n_offers: usize = arg(2, 100_000);
    let n_queries: usize = arg(3, 512);
    let k: usize = arg(4, 10);
    let repeats: usize = arg(5, 5).max(1);
    let cat = synth::catalog(7, 1_000, n_offers / 20, n_offers);
    let t = Instant::now();
    let m = digifarm_tools::synth_matcher(&cat).unwrap_or_else(|e| fail(e));
    let build_s = t.elapsed().as_secs_f64();
    let queries: Vec<_> = m.open_needs().into_iter().take(n_queries).collect();

    let mut scratch = m.scratch();
    let mut best = f64::INFINITY;
    let mut rankings = Vec::new();
    for _ in 0..repeats {
        let t = Instant::now();
        rankings = queries
            .iter()
            .map(|&n| m.rank_offers_with(n, k, &mut scratch))
            .collect();
        best = best.min(t.elapsed().as_secs_f64());
    }

    let features = m.ranking_features();
    let flat: Vec<usize> = queries
        .iter()
        .filter_map(|q| {
            features
                .needs
                .iter()
                .position(|n| n.project == q.project && n.need == q.need)
        })
        .collect();
    if flat.len() != queries.len() {
        fail("a query need is missing from the features");
    }
    let mut mask = Vec::with_capacity(queries.len() * cat.offers.len());
    for &q in &queries {
        for o in 0..cat.offers.len() {
            mask.push(u8::from(matches!(m.check(q, o), Some(Ok(())))));
        }
    }
    let ranked: Vec<Vec<(usize, f64)>> = rankings
        .iter()
        .map(|r: &Vec<_>| r.iter().map(|x| (x.offer, x.score)).collect())
        .collect();
    let doc = serde_json::json!({
        "k": k,
        "features": features,
        "queries": flat,
        "digifarm": { "rankings": ranked, "rank_s": best, "build_s": build_s },
    });
    if let Err(e) = std::fs::create_dir_all(&out)
        .and_then(|()| std::fs::write(out.join("mask.bin"), &mask))
        .and_then(|()| {
            let mut f = std::io::BufWriter::new(std::fs::File::create(out.join("features.json"))?);
            serde_json::to_writer(&mut f, &doc)?;
            f.flush()
        })
    {
        fail(e);
    }
    println!(
        "offers={} queries={} k={k} rank_s={best:.6} per_query_us={:.2} build_s={build_s:.3}",
        cat.offers.len(),
        queries.len(),
        best / queries.len().max(1) as f64 * 1e6
    );
}

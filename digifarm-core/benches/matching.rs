//! Matching benchmarks on synthetic catalogs (`digifarm_core::synth`, reference date
//! `synth::REFERENCE_DATE`).
//!
//! - `rank_top10/offers_100k`, `rank_top10/offers_1m`: top-10 offers for one open need,
//!   cycling through 512 needs, index already built;
//! - `index_build/offers_100k`: `Matcher::new` over 100k offers (and 1k projects): all
//!   per-offer preparation plus both inverted indexes;
//! - `index_build/indexes_only_offers_100k`: the two inverted indexes alone, built again from
//!   the prepared offers and needs (`Matcher::rebuild_indexes`; each iteration also drops the
//!   previous ones);
//! - `assign/needs_5k_offers_500`: the exact capacitated assignment end to end, candidate
//!   generation and pricing rounds included. The 50k × 5k case takes too long for criterion's
//!   repetitions; time it with `cargo run --release -p digifarm-tools --bin assign_synth`, or
//!   next to OR-tools' min-cost flow on the same pairs with `bench/compare_assign.py`.
//!
//! Run with `cargo bench -p digifarm-core --bench matching`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use digifarm_core::matching::Matcher;
use digifarm_core::synth::{self, SynthCatalog};

fn matcher(cat: &SynthCatalog) -> Option<Matcher<'_>> {
    Matcher::new(cat.match_input()).ok()
}

fn rank(c: &mut Criterion, name: &str, n_offers: usize) {
    let cat = synth::catalog(7, 1_000, n_offers / 20, n_offers);
    let Some(m) = matcher(&cat) else { return };
    let needs: Vec<_> = m.open_needs().into_iter().take(512).collect();
    let mut scratch = m.scratch();
    let mut i = 0;
    let mut group = c.benchmark_group("rank_top10");
    group.sample_size(30);
    group.bench_function(name, |b| {
        b.iter(|| {
            i = (i + 1) % needs.len();
            black_box(m.rank_offers_with(needs[i], 10, &mut scratch))
        })
    });
    group.finish();
}

fn bench_rank(c: &mut Criterion) {
    rank(c, "offers_100k", 100_000);
    rank(c, "offers_1m", 1_000_000);
}

fn bench_build(c: &mut Criterion) {
    let cat = synth::catalog(7, 1_000, 5_000, 100_000);
    let mut group = c.benchmark_group("index_build");
    group.sample_size(10);
    group.bench_function("offers_100k", |b| {
        b.iter(|| black_box(matcher(&cat).is_some()))
    });
    if let Some(mut m) = matcher(&cat) {
        group.bench_function("indexes_only_offers_100k", |b| {
            b.iter(|| black_box(m.rebuild_indexes()))
        });
    }
    group.finish();
}

fn bench_assign(c: &mut Criterion) {
    let cat = synth::catalog(1, 2_500, 100, 500);
    let Some(m) = matcher(&cat) else { return };
    let mut group = c.benchmark_group("assign");
    group.sample_size(10);
    group.bench_function("needs_5k_offers_500", |b| {
        b.iter(|| black_box(m.assign().total_score))
    });
    group.finish();
}

criterion_group!(benches, bench_rank, bench_build, bench_assign);
criterion_main!(benches);

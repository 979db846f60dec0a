//! Export throughput on a synthetic catalog (default 10k projects, 1k partners, 3k offers):
//! rendering HTML and CSV (pure, in memory) and rendering plus the atomic write to a
//! temporary directory. Prints the output size once per format.
//!
//! `cargo bench -p digifarm-core --bench export`; set `DIGIFARM_BENCH_PROJECTS` to change
//! the size.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr
)]

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use digifarm_core::catalog::Catalog;
use digifarm_core::export::{self, Format, Options, WriteOptions};

fn projects() -> usize {
    std::env::var("DIGIFARM_BENCH_PROJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

fn bench(c: &mut Criterion) {
    let n = projects();
    let s = digifarm_core::synth::catalog(42, n, n / 10, n * 3 / 10);
    let catalog = Catalog::from_records(s.config, s.projects, s.partners, s.offers);
    let options = Options::default();
    let mut group = c.benchmark_group("export");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(n as u64));
    for format in [Format::Html, Format::Csv] {
        let files = export::render(&catalog, format, &options).unwrap();
        let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
        eprintln!(
            "{format}: {n} projects -> {} files, {bytes} bytes ({:.1} MB)",
            files.len(),
            bytes as f64 / 1e6
        );
        group.bench_function(format!("render_{format}_{n}"), |b| {
            b.iter(|| export::render(&catalog, format, &options).unwrap());
        });
        let dir = tempfile::tempdir().unwrap();
        group.bench_function(format!("render_and_write_{format}_{n}"), |b| {
            b.iter(|| {
                let files = export::render(&catalog, format, &options).unwrap();
                export::write(&files, dir.path(), &WriteOptions { force: true }).unwrap();
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

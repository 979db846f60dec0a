//! Licence benchmarks: 1M expressions of a realistic mix checked against a policy, with and
//! without the per-string verdict cache, plus parsing, normalisation and satisfaction.

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use digifarm_core::license::{self, Checker, Policy};
use digifarm_core::model::LicensePolicyKind;

#[path = "common/license_mix.rs"]
mod mix;

const N: usize = 1_000_000;

fn bench(c: &mut Criterion) {
    let exprs = mix::expressions(N, 42);
    let policy = Policy::new(LicensePolicyKind::OsiOrFsf);

    let mut g = c.benchmark_group("license_1m");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("check_cached", |b| {
        b.iter(|| {
            // A fresh checker per iteration: the cost of filling the cache is included.
            let mut checker = Checker::new(policy.clone());
            let mut allowed = 0usize;
            for e in &exprs {
                allowed += usize::from(checker.is_allowed(e));
            }
            black_box(allowed)
        });
    });
    g.bench_function("check_uncached", |b| {
        b.iter(|| {
            let mut allowed = 0usize;
            for e in &exprs {
                allowed += usize::from(license::check(e, &policy).allowed);
            }
            black_box(allowed)
        });
    });
    g.bench_function("parse_only", |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for e in &exprs {
                ok += usize::from(license::parse(e).is_ok());
            }
            black_box(ok)
        });
    });
    g.finish();

    let mut g = c.benchmark_group("license_single");
    g.bench_function("normalize_muenster", |b| {
        let texts = [
            "MIT License ",
            "GPL v3",
            "--",
            "Apache License 2.0",
            "dual-licensed under the EUPL v1.2 and AGPLv3 license",
            "Offene Lizenz mit eigenem Lizenztext",
            "Creative Commons Public License - CCPL",
        ];
        b.iter(|| {
            for t in texts {
                black_box(license::normalize(black_box(t)));
            }
        });
    });
    g.bench_function("satisfies_gnu", |b| {
        b.iter(|| {
            black_box(
                license::satisfies(
                    black_box("GPL-3.0-only OR MIT"),
                    black_box("GPL-2.0-or-later OR EUPL-1.2"),
                )
                .unwrap(),
            )
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

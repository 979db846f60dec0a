//! Checking publiccode.yml files: 10,000 generated files (a mix of valid files of every
//! version and files with one broken rule each, 1.5–3 KB), checked on all cores (rayon) and
//! on one. The reference validator starts one process per file.
//!
//! `cargo bench -p digifarm-core --bench publiccode` (report files/s = 10,000 / time).

#![allow(missing_docs, clippy::unwrap_used, clippy::print_stderr)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use digifarm_core::publiccode::{self, Options, Version};
use rayon::prelude::*;

// As the `digifarm` binary does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const N: usize = 10_000;

/// How the i-th file breaks a rule (or none, for two thirds of them).
fn breakage(i: usize, text: String) -> String {
    match i % 12 {
        0 => text.replace(
            "developmentStatus: \"stable\"",
            "developmentStatus: \"alpha\"",
        ),
        1 => text.replace("\"https://github.com", "\"github.com"),
        2 => text.replace("    - \"de\"\n", "    - \"de_DE\"\n"),
        3 => text.replace("  type: \"community\"", "  type: \"contract\""),
        _ => text,
    }
}

fn files() -> Vec<Vec<u8>> {
    let synth = digifarm_core::synth::catalog(7, N, 40, 60);
    let catalog = digifarm_core::catalog::Catalog::from_records(
        synth.config,
        synth.projects,
        synth.partners,
        synth.offers,
    );
    let versions = [
        Version::Current,
        Version::V0_7,
        Version::V0_4,
        Version::V0_2,
    ];
    catalog
        .projects
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut p = p.clone();
            digifarm_core::synth::publiccode_ready(&mut p);
            p.contacts = vec![digifarm_core::model::Contact {
                name: format!("Person {i}"),
                role: Some("Stadt Beispiel".to_owned()),
                email: Some(format!("person{i}@example.org")),
                phone: Some("+49 251 4920".to_owned()),
                public: true,
            }];
            if let Some(s) = p.software.as_mut() {
                s.development_status = Some("stable".to_owned());
                s.available_languages = vec!["de".to_owned(), "en".to_owned()];
            }
            p.status = digifarm_core::model::ProjectStatus::Live;
            let (doc, _) = digifarm_core::export::publiccode::document(&p, &catalog, false);
            let text = publiccode::write(&doc, versions[i % versions.len()]);
            breakage(i, text).into_bytes()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let files = files();
    let bytes: usize = files.iter().map(Vec::len).sum();
    let valid = files
        .iter()
        .filter(|f| publiccode::check(f, "publiccode.yml", &Options::default()).is_valid())
        .count();
    eprintln!(
        "{N} files, {} KB in all, {valid} valid, {} invalid",
        bytes / 1024,
        N - valid
    );
    let mut g = c.benchmark_group("publiccode_check_10k");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("all_cores", |b| {
        b.iter(|| {
            let valid = files
                .par_iter()
                .filter(|f| publiccode::check(f, "publiccode.yml", &Options::default()).is_valid())
                .count();
            black_box(valid)
        });
    });
    g.bench_function("one_core", |b| {
        b.iter(|| {
            let valid = files
                .iter()
                .filter(|f| publiccode::check(f, "publiccode.yml", &Options::default()).is_valid())
                .count();
            black_box(valid)
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

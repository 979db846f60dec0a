//! End-to-end validation throughput: load (read, parse, JSON Schema, typed model) plus every
//! semantic rule and the licence policy, on synthetic catalogs written to a temporary
//! directory.
//!
//! `cargo bench -p digifarm-core --bench validate`. Sizes default to 100k projects; set
//! `DIGIFARM_BENCH_PROJECTS` to change them.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use digifarm_core::catalog::LoadOptions;
use digifarm_core::synth::{self, SynthCatalog};
use digifarm_core::validate::{validate_path, validate_path_with};

// As in the `digifarm` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn projects() -> usize {
    std::env::var("DIGIFARM_BENCH_PROJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

fn write_jsonl<T: serde::Serialize>(path: &Path, records: &[T]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for r in records {
        serde_json::to_writer(&mut f, r).unwrap();
        f.write_all(b"\n").unwrap();
    }
}

fn config_file(dir: &Path, cat: &SynthCatalog) {
    std::fs::write(
        dir.join("digifarm.toml"),
        toml::to_string(&cat.config).unwrap(),
    )
    .unwrap();
}

/// One JSON Lines file per kind at the catalog root.
fn jsonl_catalog(cat: &SynthCatalog) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    config_file(dir.path(), cat);
    write_jsonl(&dir.path().join("projects.jsonl"), &cat.projects);
    write_jsonl(&dir.path().join("partners.jsonl"), &cat.partners);
    write_jsonl(&dir.path().join("offers.jsonl"), &cat.offers);
    dir
}

/// One YAML file per record, as cities keep catalogs in git.
fn yaml_catalog(cat: &SynthCatalog) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    config_file(dir.path(), cat);
    fn write_all<T: serde::Serialize>(
        dir: &Path,
        sub: &str,
        records: &[T],
        id: impl Fn(&T) -> &str,
    ) {
        std::fs::create_dir(dir.join(sub)).unwrap();
        for r in records {
            let text = digifarm_core::yaml_emit::to_string(r).unwrap();
            std::fs::write(dir.join(sub).join(format!("{}.yaml", id(r))), text).unwrap();
        }
    }
    write_all(dir.path(), "projects", &cat.projects, |p| &p.id);
    write_all(dir.path(), "partners", &cat.partners, |p| &p.id);
    write_all(dir.path(), "offers", &cat.offers, |o| &o.id);
    dir
}

fn bench(c: &mut Criterion) {
    let n = projects();
    let today = synth::REFERENCE_DATE;
    let options = LoadOptions::default();

    let cat = synth::catalog(42, n, n / 50, n / 20);
    let dir = jsonl_catalog(&cat);
    let mut group = c.benchmark_group("validate");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(
        (cat.projects.len() + cat.partners.len() + cat.offers.len()) as u64,
    ));
    group.bench_function(format!("jsonl_{n}_projects"), |b| {
        b.iter(|| {
            let (_, report) = validate_path(dir.path(), &options, today).unwrap();
            assert!(report.valid);
        });
    });
    // As `digifarm validate` runs: the projects checked in batches and dropped.
    group.bench_function(format!("jsonl_{n}_projects_streamed"), |b| {
        b.iter(|| {
            let (_, report) = validate_path_with(dir.path(), &options, today, &|_| false).unwrap();
            assert!(report.valid);
        });
    });

    let small = synth::catalog(42, n / 10, n / 500, n / 200);
    let dir = yaml_catalog(&small);
    group.throughput(Throughput::Elements(
        (small.projects.len() + small.partners.len() + small.offers.len()) as u64,
    ));
    group.bench_function(format!("yaml_files_{}_projects", n / 10), |b| {
        b.iter(|| {
            let (_, report) = validate_path(dir.path(), &options, today).unwrap();
            assert!(report.valid);
        });
    });
    group.finish();
}

/// Findings cost time linear in the input however many there are: every record of a JSON
/// Lines file has an error (an unknown status), each with its position resolved.
fn bench_errors(c: &mut Criterion) {
    let n = projects();
    let today = synth::REFERENCE_DATE;
    let options = LoadOptions::default();
    let cat = synth::catalog(42, n, n / 50, n / 20);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("projects.jsonl");
    let broken: Vec<serde_json::Value> = cat
        .projects
        .iter()
        .map(|p| {
            let mut v = serde_json::to_value(p).unwrap();
            v["status"] = "living".into();
            v
        })
        .collect();
    write_jsonl(&path, &broken);
    let mut group = c.benchmark_group("validate_errors");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(format!("jsonl_{n}_erroring_projects"), |b| {
        b.iter(|| {
            let (_, report) = validate_path(&path, &options, today).unwrap();
            assert_eq!(report.diagnostics.len(), n);
        });
    });
    group.bench_function(format!("jsonl_{n}_erroring_projects_streamed"), |b| {
        b.iter(|| {
            let (_, report) = validate_path_with(&path, &options, today, &|_| false).unwrap();
            assert_eq!(report.diagnostics.len(), n);
        });
    });
    group.finish();
}

criterion_group!(benches, bench, bench_errors);
criterion_main!(benches);

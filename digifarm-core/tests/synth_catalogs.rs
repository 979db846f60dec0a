//! Synthetic catalogs written to disk validate clean, in every on-disk layout the loader
//! accepts; the benchmarks rely on this.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;

use digifarm_core::catalog::LoadOptions;
use digifarm_core::validate::validate_path;

fn write_jsonl<T: serde::Serialize>(path: &Path, records: &[T]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for r in records {
        serde_json::to_writer(&mut f, r).unwrap();
        f.write_all(b"\n").unwrap();
    }
}

#[test]
fn synthetic_catalog_validates_clean_as_json_lines_and_json_files() {
    let cat = digifarm_core::synth::catalog(7, 300, 40, 120);
    let today = digifarm_core::synth::REFERENCE_DATE;

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("digifarm.toml"),
        toml::to_string(&cat.config).unwrap(),
    )
    .unwrap();
    write_jsonl(&dir.path().join("projects.jsonl"), &cat.projects);
    write_jsonl(&dir.path().join("partners.jsonl"), &cat.partners);
    write_jsonl(&dir.path().join("offers.jsonl"), &cat.offers);
    let (catalog, report) = validate_path(dir.path(), &LoadOptions::default(), today).unwrap();
    let errors: Vec<_> = report.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(
        (
            report.counts.projects,
            report.counts.partners,
            report.counts.offers
        ),
        (300, 40, 120)
    );
    assert_eq!(catalog.projects, cat.projects);

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("digifarm.toml"),
        toml::to_string(&cat.config).unwrap(),
    )
    .unwrap();
    for (sub, values) in [
        (
            "projects",
            cat.projects
                .iter()
                .map(|p| (p.id.clone(), serde_json::to_string_pretty(p).unwrap()))
                .collect::<Vec<_>>(),
        ),
        (
            "partners",
            cat.partners
                .iter()
                .map(|p| (p.id.clone(), serde_json::to_string_pretty(p).unwrap()))
                .collect(),
        ),
        (
            "offers",
            cat.offers
                .iter()
                .map(|o| (o.id.clone(), serde_json::to_string_pretty(o).unwrap()))
                .collect(),
        ),
    ] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        for (id, text) in values {
            std::fs::write(dir.path().join(sub).join(format!("{id}.json")), text).unwrap();
        }
    }
    let (_, report2) = validate_path(dir.path(), &LoadOptions::default(), today).unwrap();
    assert!(
        report2.valid,
        "{:#?}",
        report2
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect::<Vec<_>>()
    );
    assert_eq!(report2.counts, report.counts);
}

//! A streamed validation (projects checked in batches and dropped) reports exactly what a
//! validation that keeps every project reports, across batch boundaries, and keeps the source
//! lines its findings point at.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::path::Path;

use digifarm_core::catalog::{Catalog, EXCERPT_CHARS, LoadOptions};
use digifarm_core::validate::{Report, validate_path, validate_path_with};

fn both(path: &Path, options: &LoadOptions) -> ((Catalog, Report), (Catalog, Report)) {
    let today = digifarm_core::synth::REFERENCE_DATE;
    let kept = validate_path(path, options, today).unwrap();
    let streamed = validate_path_with(path, options, today, &|_| false).unwrap();
    (kept, streamed)
}

/// The reports are equal, the streamed catalog holds no project, and every line a finding
/// points at in a project file is there as an excerpt: the kept line's first characters.
fn assert_same(path: &Path, options: &LoadOptions) -> Report {
    let ((kept, kept_report), (streamed, report)) = both(path, options);
    assert_eq!(
        serde_json::to_value(&kept_report).unwrap(),
        serde_json::to_value(&report).unwrap(),
        "{}",
        path.display()
    );
    assert!(streamed.projects.is_empty());
    assert_eq!(streamed.project_count(), kept.projects.len());
    let texts: std::collections::HashMap<&str, Vec<&str>> = kept
        .sources()
        .iter()
        .map(|s| (s.path.as_str(), s.text.lines().collect()))
        .collect();
    let kept_files: std::collections::HashSet<&str> = streamed
        .sources()
        .iter()
        .filter(|s| !s.text.is_empty())
        .map(|s| s.path.as_str())
        .collect();
    for d in report.diagnostics.iter().filter(|d| d.line > 0) {
        let Some(text) = texts.get(d.file.as_str()) else {
            continue;
        };
        let line = text.get(d.line as usize - 1).copied().unwrap_or_default();
        if kept_files.contains(d.file.as_str()) {
            continue;
        }
        let shown: String = line.chars().take(EXCERPT_CHARS).collect();
        assert_eq!(
            streamed.excerpt(&d.file, d.line),
            Some(shown.as_str()),
            "{}:{}",
            d.file,
            d.line
        );
    }
    report
}

/// A valid generated project as JSON with `id`, its fields changed by `change`.
fn project_json(id: &str, change: impl FnOnce(&mut serde_json::Value)) -> String {
    thread_local! {
        static BASE: serde_json::Value = {
            let cat = digifarm_core::synth::catalog(11, 1, 10, 20);
            let mut p = serde_json::to_value(&cat.projects[0]).unwrap();
            p["needs"] = serde_json::json!([]);
            p
        };
    }
    let mut p = BASE.with(Clone::clone);
    p["id"] = id.into();
    change(&mut p);
    serde_json::to_string(&p).unwrap()
}

fn same(_: &mut serde_json::Value) {}

#[test]
fn json_lines_across_batches_report_as_when_kept() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let cat = digifarm_core::synth::catalog(11, 40, 10, 20);
    std::fs::write(
        root.join("digifarm.toml"),
        toml::to_string(&cat.config).unwrap()
            + "\n[[license.pending]]\nproject = \"late-19990\"\nreason = \"wird geklärt\"\n\n[[license.pending]]\nproject = \"nowhere\"\nreason = \"wird geklärt\"\n",
    )
    .unwrap();
    let mut partners = String::new();
    for p in &cat.partners {
        writeln!(partners, "{}", serde_json::to_string(p).unwrap()).unwrap();
    }
    std::fs::write(root.join("partners.jsonl"), partners).unwrap();
    let mut offers = String::new();
    for o in &cat.offers {
        writeln!(offers, "{}", serde_json::to_string(o).unwrap()).unwrap();
    }
    std::fs::write(root.join("offers.jsonl"), offers).unwrap();

    // 20,000 lines: two and a half batches, with findings of every layer in each batch and
    // ids used again across the batch boundaries.
    let long = "x".repeat(400);
    let mut text = String::from("\u{feff}");
    for i in 0..20_000 {
        let id = format!("p-{i}");
        let line = match i % 1000 {
            3 => format!("{{\"id\": broken-{i}}}"),
            5 => project_json(&id, |p| p["status"] = "unknown".into()),
            7 => project_json(&format!("p-{}", i - 7), same),
            9 => String::new(),
            11 => project_json(&id, |p| {
                p["description"] = long.as_str().into();
                p["license"] = "GPL v3".into();
            }),
            13 => project_json(&id, same) + "\r",
            17 => project_json(&id, |p| {
                p["needs"] = serde_json::json!([{
                    "kind": "technical",
                    "description": "Hilfe",
                    "supported_by": [{"partner": "nobody", "status": "active"}]
                }]);
            }),
            19 => project_json(&id, |p| {
                p["lifecycle"] = "admitted".into();
                p["software"] = serde_json::json!({"platforms": ["web"]});
            }),
            _ if i == 19_990 => project_json("late-19990", same),
            _ => project_json(&id, same),
        };
        text.push_str(&line);
        text.push('\n');
    }
    // An early id used again in the last batch.
    text.push_str(&project_json("p-1", same));
    text.push('\n');
    std::fs::write(root.join("projects.jsonl"), text).unwrap();
    // One-record files as well, some with the ids of the JSON Lines records.
    std::fs::create_dir(root.join("projects")).unwrap();
    for i in 0..1_100 {
        let id = if i % 100 == 0 {
            format!("p-{}", i * 10)
        } else {
            format!("file-{i}")
        };
        let name = if i % 250 == 1 {
            format!("other-{i}")
        } else {
            id.clone()
        };
        // JSON is YAML too.
        let yaml = project_json(&id, |p| {
            if i % 333 == 0 {
                p["license"] = "Apache 2".into();
            }
        });
        std::fs::write(root.join("projects").join(format!("{name}.yaml")), yaml).unwrap();
    }
    std::fs::create_dir(root.join("health")).unwrap();
    std::fs::write(
        root.join("health/gone.yaml"),
        "project: gone\nobservations: []\n",
    )
    .unwrap();

    let report = assert_same(root, &LoadOptions::default());
    let codes: std::collections::HashSet<&str> =
        report.diagnostics.iter().map(|d| d.code.as_ref()).collect();
    for code in [
        "json-syntax",
        "invalid-value",
        "duplicate-id",
        "license-invalid",
        "dangling-reference",
        "file-name-mismatch",
        "publiccode-export-invalid",
    ] {
        assert!(codes.contains(code), "{code} missing from {codes:?}");
    }
    // A finding that names a record is on that record's line, in every batch.
    let text = std::fs::read_to_string(root.join("projects.jsonl")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut named = 0;
    for d in &report.diagnostics {
        if !d.file.ends_with("projects.jsonl") {
            continue;
        }
        if let Some(id) = d.message.split('`').nth(1).filter(|t| t.starts_with("p-")) {
            named += 1;
            let line = lines[d.line as usize - 1];
            assert!(line.contains(&format!("\"{id}\"")), "{d:?}");
        }
    }
    assert!(named > 40, "{named}");
    // The id of the first batch used again in the last batch is reported with its line.
    assert!(report.diagnostics.iter().any(|d| d.code == "duplicate-id"
        && d.line == 20_001
        && d.message.contains("projects.jsonl:2")));
    // A pending licence naming a project of the last batch is not dangling; one naming no
    // project is.
    let pending: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.pointer.starts_with("/license/pending"))
        .map(|d| d.pointer.as_str())
        .collect();
    assert_eq!(pending, ["/license/pending/1/project"]);
    // Lines 3 (syntax), 5 (schema) and 9 (empty) of every thousand are no project.
    assert_eq!(report.counts.projects, 20_000 - 3 * 20 + 1 + 1_100);
}

#[test]
fn single_files_and_the_example_report_as_when_kept() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/muenster");
    assert_same(&example, &LoadOptions::default());
    let dir = tempfile::tempdir().unwrap();
    // A JSON Lines file given directly, and files the whole-file checks refuse: invalid
    // UTF-8 after the first batch, only white space, a JSON array.
    let mut good = String::new();
    for i in 0..9_000 {
        good.push_str(&project_json(&format!("p-{i}"), same));
        good.push('\n');
    }
    let path = dir.path().join("projects.jsonl");
    std::fs::write(&path, &good).unwrap();
    assert_same(&path, &LoadOptions::default());
    let mut bad = good.clone().into_bytes();
    bad.extend_from_slice(b"{\"id\": \"\xff\"}\n");
    std::fs::write(&path, &bad).unwrap();
    let report = assert_same(&path, &LoadOptions::default());
    assert_eq!(report.diagnostics[0].code, "invalid-utf8");
    std::fs::write(&path, " \n\n ").unwrap();
    let report = assert_same(&path, &LoadOptions::default());
    assert_eq!(report.diagnostics[0].code, "empty-file");
    let array = dir.path().join("many.json");
    std::fs::write(
        &array,
        format!(
            "[{}, {}, {}]",
            project_json("a", same),
            project_json("a", same),
            project_json("b", |p| p["lifecycle"] = "zombie".into())
        ),
    )
    .unwrap();
    let report = assert_same(&array, &LoadOptions::default());
    assert!(report.diagnostics.iter().any(|d| d.code == "duplicate-id"));
}

#[test]
fn a_report_lists_the_first_findings_in_order_and_counts_the_rest() {
    use digifarm_core::diagnostic::MAX_LISTED;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("projects.jsonl");
    // Three bytes per record, several findings each: more findings than a report lists.
    let n = MAX_LISTED / 4;
    std::fs::write(&path, "{}\n".repeat(n)).unwrap();
    let all = digifarm_core::catalog::load(&path, &LoadOptions::default())
        .unwrap()
        .diagnostics;
    assert!(all.len() > MAX_LISTED, "{}", all.len());
    let report = assert_same(&path, &LoadOptions::default());
    assert!(!report.valid);
    assert_eq!(report.diagnostics.len(), MAX_LISTED);
    assert_eq!(report.diagnostics[..], all[..MAX_LISTED]);
    assert_eq!(report.omitted.total(), all.len() - MAX_LISTED);
    assert_eq!(
        report.count(digifarm_core::Severity::Error),
        all.iter().filter(|d| d.is_error()).count()
    );
}

//! `digifarm import publiccode|civic-json|digifarm-csv` through the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/run.rs"]
mod run;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn core_fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../digifarm-core/tests/fixtures")
        .join(path)
}

fn digifarm(args: &[&str]) -> (i32, Value, String) {
    let out = run::run(args);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap(), json, stderr)
}

fn import(format: &str, file: &Path, out: &Path) -> (i32, Value) {
    let (code, json, _) = digifarm(&[
        "import",
        format,
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    (code, json)
}

fn has(json: &Value, code: &str, line: u64, column: u64) -> bool {
    json["diagnostics"].as_array().unwrap().iter().any(|d| {
        d["code"] == code
            && d["line"].as_u64() == Some(line)
            && d["column"].as_u64() == Some(column)
    })
}

#[test]
fn publiccode_import_writes_a_valid_catalog() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("catalog");
    let file = core_fixture("publiccode/valid/full.yml");
    let (code, json) = import("publiccode", &file, &out);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["counts"]["projects"], 1);
    assert!(out.join("projects/stadtgruen.yaml").exists(), "{json}");
    // What the model cannot hold is reported where it is, never dropped silently.
    assert!(
        has(&json, "import-unmapped", 98, 1),
        "the IT section: {json}"
    );
    assert!(has(&json, "import-unmapped", 91, 1), "dependsOn: {json}");
    let record = std::fs::read_to_string(out.join("projects/stadtgruen.yaml")).unwrap();
    for kept in [
        "standalone/web",
        "urn:x-land:beispiel",
        "Gemeinde Musterdorf",
        "Grün IT GmbH",
        "until: '2026-12-31'",
        "alias:gdpr",
        "+4925149210",
    ] {
        assert!(record.contains(kept), "{kept} not kept:\n{record}");
    }
    let config = std::fs::read_to_string(out.join("digifarm.toml")).unwrap();
    assert!(config.contains("languages = [\"de\", \"en\"]"), "{config}");
    let (code, _, _) = digifarm(&["validate", out.to_str().unwrap()]);
    assert_eq!(code, 0);
    // A second import does not overwrite the record unless --force.
    std::fs::write(out.join("projects/stadtgruen.yaml"), "edited by hand").unwrap();
    let (_, json) = import("publiccode", &file, &out);
    assert!(
        json["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["action"] == "skipped")
    );
    assert_eq!(
        std::fs::read_to_string(out.join("projects/stadtgruen.yaml")).unwrap(),
        "edited by hand"
    );
}

#[test]
fn an_italian_publiccode_gives_an_italian_catalog_that_validates() {
    let tmp = tempfile::tempdir().unwrap();
    let minimal = std::fs::read_to_string(core_fixture("publiccode/valid/minimal.yml")).unwrap();
    let italian = minimal
        .replace("\n  de:\n", "\n  it:\n")
        .replace("    - de\n", "    - it\n");
    let file = tmp.path().join("publiccode.yml");
    std::fs::write(&file, italian).unwrap();
    let out = tmp.path().join("catalog");
    let (code, json) = import("publiccode", &file, &out);
    assert_eq!(code, 0, "{json}");
    let config = std::fs::read_to_string(out.join("digifarm.toml")).unwrap();
    assert!(config.contains("languages = [\"it\"]"), "{config}");
    let (code, _, stderr) = digifarm(&["validate", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn publiccode_with_errors_imports_nothing_and_lists_every_error() {
    let tmp = tempfile::tempdir().unwrap();
    let invalid = core_fixture("publiccode/invalid");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&invalid)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    assert!(files.len() > 80);
    for file in files {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        let out = tmp.path().join(file.file_stem().unwrap());
        let (exit, json) = import("publiccode", &file, &out);
        assert_eq!(exit, 1, "{}: {json}", file.display());
        assert_eq!(json["counts"]["projects"], 0);
        assert!(
            !out.join("projects").exists(),
            "{}: something was written",
            file.display()
        );
        // Every expected error is listed with its position.
        for line in text.lines().filter_map(|l| l.strip_prefix("# expect: ")) {
            let mut parts = line.split_whitespace();
            let code = parts.next().unwrap();
            let Some((l, c)) = parts.next().and_then(|p| p.split_once(':')) else {
                continue;
            };
            let (l, c) = (l.parse().unwrap(), c.parse().unwrap());
            assert!(
                has(&json, code, l, c),
                "{}: {code} {l}:{c} in {json}",
                file.display()
            );
        }
    }
}

#[test]
fn digifarm_csv_import_of_muenster() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ms");
    let (code, json) = import(
        "digifarm-csv",
        &core_fixture("digifarm-ms/digifarm.csv"),
        &out,
    );
    assert_eq!(json["counts"]["projects"], 7);
    assert_eq!(json["help_wanted"]["technical"], 3);
    // "GPL v3" is ambiguous, Klimaheroes has no licence: reported, exit 1 as for the JSON.
    assert_eq!(code, 1);
    assert!(out.join("projects/giess-den-kiez.yaml").exists());
}

#[test]
fn digifarm_csv_bad_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("bad.csv");
    std::fs::write(
        &file,
        "Name;Kurzbeschreibung;Lizenz;Farbe\nA;a;MIT;rot\nB;b\nC;\"offen;MIT;x\n",
    )
    .unwrap();
    let (code, json) = import("digifarm-csv", &file, &tmp.path().join("out"));
    assert_eq!(code, 1);
    assert!(has(&json, "import-unmapped", 1, 30), "{json}");
    assert!(has(&json, "csv-column-count", 3, 1), "{json}");
    assert!(has(&json, "csv-syntax", 4, 3), "{json}");
}

/// A spreadsheet saved with lone CR line breaks (classic Mac): the CSV reader breaks lines
/// there, and so does the source line shown under a finding.
#[test]
fn digifarm_csv_with_lone_cr_shows_the_line_it_names() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("mac.csv");
    std::fs::write(
        &file,
        "Name;Kurzbeschreibung;Lizenz\rA;a;MIT\rB;b\rC;c;MIT\r",
    )
    .unwrap();
    let (code, json) = import("digifarm-csv", &file, &tmp.path().join("out"));
    assert_eq!(code, 1);
    assert!(has(&json, "csv-column-count", 3, 1), "{json}");
    let out = run::run(&[
        "import",
        "digifarm-csv",
        file.to_str().unwrap(),
        "--out",
        tmp.path().join("out2").to_str().unwrap(),
    ]);
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(human.contains("\n3 | B;b\n  | ^\n"), "{human}");
}

#[test]
fn civic_json_import() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("civic.json");
    std::fs::write(
        &file,
        r#"{"name": "Heat Seek", "description": "Sensors for tenants.", "license": "MIT",
            "status": "Production", "repository": "https://github.com/heatseeknyc/heatseeknyc",
            "needs": [{"need": "Developers"}, {"need": "Funding"}]}"#,
    )
    .unwrap();
    let out = tmp.path().join("out");
    let (code, json) = import("civic-json", &file, &out);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["help_wanted"]["technical"], 1);
    assert_eq!(json["help_wanted"]["financial"], 1);
    let (code, _, _) = digifarm(&["validate", out.to_str().unwrap()]);
    assert_eq!(code, 0);
}

//! `digifarm import publiccode|civic-json|digifarm-csv` through the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn core_fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../digifarm-core/tests/fixtures")
        .join(path)
}

fn digifarm(args: &[&str]) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_digifarm"))
        .args(args)
        .output()
        .unwrap();
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
    let (code, json) = import("publiccode", &core_fixture("publiccode/valid.yml"), &out);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["counts"]["projects"], 1);
    assert!(out.join("projects/giess-den-kiez.yaml").exists());
    assert!(
        has(&json, "import-unmapped", 40, 1),
        "the `it` section is reported"
    );
    let (code, _, _) = digifarm(&["validate", out.to_str().unwrap()]);
    assert_eq!(code, 0);
    // A second import does not overwrite the record unless --force.
    std::fs::write(out.join("projects/giess-den-kiez.yaml"), "edited by hand").unwrap();
    let (_, json) = import("publiccode", &core_fixture("publiccode/valid.yml"), &out);
    assert!(
        json["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["action"] == "skipped")
    );
    assert_eq!(
        std::fs::read_to_string(out.join("projects/giess-den-kiez.yaml")).unwrap(),
        "edited by hand"
    );
}

#[test]
fn publiccode_bad_input_exits_1_with_positions() {
    let tmp = tempfile::tempdir().unwrap();
    for (file, code, line, column) in [
        ("yaml11-booleans.yml", "yaml11-boolean", 15, 3),
        ("wrong-types.yml", "wrong-type", 9, 5),
        ("unknown-keys.yml", "unknown-field", 7, 1),
        ("missing-keys.yml", "missing-field", 6, 3),
    ] {
        let (exit, json) = import(
            "publiccode",
            &core_fixture(&format!("publiccode/{file}")),
            &tmp.path().join(file),
        );
        assert_eq!(exit, 1, "{file}");
        assert!(has(&json, code, line, column), "{file}: {json}");
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

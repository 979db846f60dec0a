//! `digifarm license …`: JSON shapes and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/run.rs"]
mod run;

use serde_json::{Value, json};

fn run(args: &[&str]) -> (i32, String, String) {
    let out = run::run(args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn run_json(args: &[&str]) -> (i32, Value) {
    let (code, stdout, stderr) = run(args);
    let value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {stdout:?} {stderr:?}"));
    (code, value)
}

#[test]
fn check_json_shape_and_exit_codes() {
    let (code, v) = run_json(&["license", "check", "MIT AND SSPL-1.0", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(
        v,
        json!({
            "input": "MIT AND SSPL-1.0",
            "valid_expression": true,
            "normalized": "MIT AND SSPL-1.0",
            "allowed": false,
            "diagnostics": [{
                "code": "license-not-allowed",
                "severity": "error",
                "message": "`SSPL-1.0` is neither OSI-approved nor FSF-free (policy `osi-or-fsf`)",
                "help": "choose a licence the `osi-or-fsf` policy allows, or add `SSPL-1.0` to `license.allow` in digifarm.toml if the city accepts it",
                "span": {"start": 8, "end": 16}
            }]
        })
    );

    let (code, v) = run_json(&["license", "check", "mit", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(v["allowed"], true);
    assert_eq!(v["normalized"], "MIT");
    assert_eq!(v["diagnostics"][0]["code"], "license-case");

    let (code, v) = run_json(&["license", "check", "GPL v3", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(v["valid_expression"], false);
    assert_eq!(v["normalized"], Value::Null);
    assert_eq!(v["diagnostics"][0]["code"], "license-invalid");

    let (code, v) = run_json(&[
        "license", "check", "CC0-1.0", "--policy", "osi", "--format", "json",
    ]);
    assert_eq!((code, &v["allowed"]), (1, &json!(false)));
    let (code, _) = run_json(&[
        "license", "check", "CC0-1.0", "--policy", "osi", "--allow", "CC0-1.0", "--format", "json",
    ]);
    assert_eq!(code, 0);
    let (code, _) = run_json(&[
        "license", "check", "MIT", "--deny", "mit", "--format", "json",
    ]);
    assert_eq!(code, 1);
    let (code, _) = run_json(&[
        "license",
        "check",
        "LicenseRef-Stadt",
        "--clarified",
        "LicenseRef-Stadt",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
}

#[test]
fn check_human_output_points_at_the_term() {
    let (code, stdout, _) = run(&["license", "check", "MIT AND SSPL-1.0"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("error[license-not-allowed]"), "{stdout}");
    assert!(
        stdout.contains("  | MIT AND SSPL-1.0\n  |         ^^^^^^^^\n"),
        "{stdout}"
    );
    assert!(stdout.ends_with("not allowed: MIT AND SSPL-1.0 (policy osi-or-fsf)\n"));
    let (code, stdout, _) = run(&["license", "check", "MIT OR Apache-2.0"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, "allowed: MIT OR Apache-2.0 (policy osi-or-fsf)\n");
}

#[test]
fn normalize_json_shape_and_exit_codes() {
    let (code, v) = run_json(&["license", "normalize", "MIT License ", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(
        v,
        json!({"input": "MIT License ", "candidates": [{"expression": "MIT", "confidence": 0.95}], "ambiguous": false})
    );
    let (code, v) = run_json(&["license", "normalize", "GPL v3", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(v["ambiguous"], true);
    let exprs: Vec<&str> = v["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["expression"].as_str().unwrap())
        .collect();
    assert_eq!(exprs, ["GPL-3.0-only", "GPL-3.0-or-later"]);
    let (code, v) = run_json(&["license", "normalize", "--format", "json", "--", "--"]);
    assert_eq!(code, 1);
    assert_eq!(
        v,
        json!({"input": "--", "candidates": [], "ambiguous": false})
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["license", "check", "MIT", "--policy", "bogus"][..],
        &["license", "check"][..],
        &["license", "frobnicate"][..],
        &["license", "normalize", "x", "--format", "xml"][..],
    ] {
        let (code, stdout, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}: {stdout} {stderr}");
        assert!(stdout.is_empty());
        assert!(!stderr.is_empty());
    }
}

#[cfg(feature = "detection")]
#[test]
fn detect_reports_licences_and_mismatches() {
    let dir = tempfile::tempdir().unwrap();
    // The SPDX list's Apache-2.0 text, cut before its appendix: the text the detector
    // mistakes for Pixar.
    let apache = include_str!("fixtures/apache-2.0.txt");
    let cut = apache.find("APPENDIX").map_or(apache, |i| &apache[..i]);
    std::fs::write(dir.path().join("LICENSE"), cut).unwrap();
    let path = dir.path().to_str().unwrap();

    let (code, v) = run_json(&["license", "detect", path, "--format", "json"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["files"][0]["license"], "Apache-2.0");
    assert!(v["files"][0]["confidence"].as_f64().unwrap() > 0.9);

    let (code, v) = run_json(&[
        "license",
        "detect",
        path,
        "--declared",
        "MIT",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["diagnostics"][0]["code"], "license-file-mismatch");

    let (code, _, stderr) = run(&["license", "detect", "/definitely/not/here"]);
    assert_eq!(code, 2, "{stderr}");
}

//! Parsing is strict where leniency would change what a catalog says: YAML tags are honoured
//! or refused (never dropped), characters outside YAML 1.2's printable set are refused, a
//! TOML date/time is not text, the city's languages are checked, and a non-finite number has
//! one code in every format.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/run.rs"]
mod run;

use std::path::Path;

use serde_json::Value;

const PROJECT: &str = "id: demo\nname: Demo\nsummary: {de: Ein Demo, en: A demo}\nstatus: live\nlifecycle: admitted\nlicense: MIT\nlinks:\n  source: https://example.org/demo.git\nlast_reviewed: 2026-10-01\n";
const CONFIG: &str =
    "[city]\nname = \"Münster\"\nags = \"05515000\"\nlanguages = [\"de\", \"en\"]\n";

fn catalog() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("digifarm.toml"), CONFIG).unwrap();
    for sub in ["projects", "partners", "offers"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    std::fs::write(dir.path().join("projects/demo.yaml"), PROJECT).unwrap();
    dir
}

fn validate(path: &Path) -> (i32, Vec<Value>) {
    let out = run::digifarm()
        .args(["validate", "--format", "json", "--today", "2026-11-26"])
        .arg(path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        out.status.code().unwrap(),
        json["diagnostics"].as_array().unwrap().clone(),
    )
}

/// Writes `text` as the project file, validates, and returns the error findings.
fn project_errors(text: &str, file: &str) -> Vec<Value> {
    let dir = catalog();
    std::fs::remove_file(dir.path().join("projects/demo.yaml")).unwrap();
    std::fs::write(dir.path().join("projects").join(file), text).unwrap();
    let (code, diags) = validate(dir.path());
    let errors: Vec<Value> = diags
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(code, 1, "expected errors for {text:?}");
    assert!(!errors.is_empty());
    errors
}

fn codes(errors: &[Value]) -> Vec<&str> {
    errors.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

fn at(errors: &[Value], code: &str, line: u64) -> Value {
    errors
        .iter()
        .find(|d| d["code"] == code && d["line"] == line)
        .unwrap_or_else(|| panic!("no `{code}` on line {line} in {errors:?}"))
        .clone()
}

#[test]
fn yaml_tags_are_honoured_or_refused_never_dropped() {
    // Honoured: the core schema's `!!int` makes 12 of "12" (and a name must be text).
    let e = project_errors(
        &PROJECT.replace("name: Demo", "name: !!int \"12\""),
        "demo.yaml",
    );
    let d = at(&e, "wrong-type", 2);
    assert!(d["message"].as_str().unwrap().contains("integer"), "{d}");
    // Text that does not fit its tag, unknown tags and tags on keys or collections.
    for (text, line) in [
        (PROJECT.replace("name: Demo", "name: !!int \"abc\""), 2),
        (PROJECT.replace("name: Demo", "name: !!binary RGVtbw=="), 2),
        (PROJECT.replace("name: Demo", "name: !custom Demo"), 2),
        (PROJECT.replace("name: Demo", "!!binary name: Demo"), 2),
        (PROJECT.replace("links:", "links: !!seq"), 7),
        (
            PROJECT.replace("status: live", "status: !!timestamp 2022-01-01"),
            4,
        ),
    ] {
        let e = project_errors(&text, "demo.yaml");
        at(&e, "yaml-tag", line);
    }
    // `!!str` keeps a number as text, `!!float` and `!` are honoured.
    let dir = catalog();
    std::fs::write(
        dir.path().join("projects/demo.yaml"),
        PROJECT.replace("name: Demo", "name: !!str 12\ntechnologies: [! 42]"),
    )
    .unwrap();
    let (code, diags) = validate(dir.path());
    assert_eq!(code, 0, "{diags:?}");
}

#[test]
fn raw_control_characters_are_not_yaml() {
    for (raw, name) in [
        ("\x1b", "ESC"),
        ("\x7f", "DEL"),
        ("\u{80}", "C1"),
        ("\u{9b}", "CSI"),
    ] {
        let e = project_errors(
            &PROJECT.replace("name: Demo", &format!("name: \"De{raw}mo\"")),
            "demo.yaml",
        );
        let d = at(&e, "yaml-syntax", 2);
        assert_eq!(d["column"], 10, "{name}: {d}");
        assert!(d["message"].as_str().unwrap().contains("printable"), "{d}");
    }
    // Next line and no-break space are printable.
    let dir = catalog();
    std::fs::write(
        dir.path().join("projects/demo.yaml"),
        PROJECT.replace("name: Demo", "name: \"De\u{85}mo\u{a0}\""),
    )
    .unwrap();
    assert_eq!(validate(dir.path()).0, 0);
}

#[test]
fn escaped_control_characters_and_noncharacters_are_not_publishable_text() {
    // Escapes are valid syntax in every format, but the text cannot be published.
    for (text, file) in [
        (PROJECT.replace("name: Demo", "name: \"De\\emo\""), "demo.yaml"),
        (
            PROJECT.replace("name: Demo", "name: \"De\\uFFFEmo\""),
            "demo.yaml",
        ),
        (
            r#"{"id": "demo", "name": "De\u001b]0;x\u0007mo", "summary": "x", "status": "live", "lifecycle": "proposed", "license": "MIT"}"#.to_owned(),
            "demo.json",
        ),
        (
            "{\"id\": \"demo\", \"name\": \"Demo\", \"summary\": {\"de\": \"a\u{ffff}b\"}, \"status\": \"live\", \"lifecycle\": \"proposed\", \"license\": \"MIT\"}".to_owned(),
            "demo.json",
        ),
    ] {
        let e = project_errors(&text, file);
        let d = e
            .iter()
            .find(|d| d["code"] == "invalid-character")
            .unwrap_or_else(|| panic!("no invalid-character for {text:?}: {e:?}"));
        assert!(
            ["/name", "/summary/de"].contains(&d["pointer"].as_str().unwrap()),
            "{d}"
        );
    }
    // In the city config too.
    let dir = catalog();
    std::fs::write(
        dir.path().join("digifarm.toml"),
        CONFIG.replace("Münster", "Mün\\u001bster"),
    )
    .unwrap();
    let (code, diags) = validate(dir.path());
    assert_eq!(code, 1);
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == "invalid-character" && d["pointer"] == "/city/name"),
        "{diags:?}"
    );
}

#[test]
fn a_toml_datetime_is_not_text() {
    for value in ["2022-08-31", "2022-08-31T10:00:00Z", "10:00:00", "12"] {
        let dir = catalog();
        std::fs::write(
            dir.path().join("digifarm.toml"),
            CONFIG.replace("name = \"Münster\"", &format!("name = {value}")),
        )
        .unwrap();
        let (code, diags) = validate(dir.path());
        assert_eq!(code, 1, "{value}");
        let d = diags
            .iter()
            .find(|d| d["code"] == "wrong-type" && d["pointer"] == "/city/name")
            .unwrap_or_else(|| panic!("{value}: {diags:?}"));
        assert_eq!(d["line"], 2, "{d}");
        if value != "12" {
            assert!(
                d["message"].as_str().unwrap().contains("TOML date/time"),
                "{d}"
            );
        }
    }
}

#[test]
fn the_city_languages_are_checked() {
    for (languages, code, pointer) in [
        ("[]", "invalid-value", "/city/languages"),
        (
            "[\"de\", \"en\", \"DE\"]",
            "invalid-value",
            "/city/languages/2",
        ),
        ("[\"german\"]", "invalid-format", "/city/languages/0"),
        ("[\"de\", \"en_US\"]", "invalid-format", "/city/languages/1"),
        ("[\"\"]", "invalid-format", "/city/languages/0"),
    ] {
        let dir = catalog();
        std::fs::write(
            dir.path().join("digifarm.toml"),
            CONFIG.replace("[\"de\", \"en\"]", languages),
        )
        .unwrap();
        let (exit, diags) = validate(dir.path());
        assert_eq!(exit, 1, "{languages}: {diags:?}");
        assert!(
            diags
                .iter()
                .any(|d| d["code"] == code && d["pointer"] == pointer && d["line"] == 4),
            "{languages}: {diags:?}"
        );
    }
    let dir = catalog();
    std::fs::write(
        dir.path().join("digifarm.toml"),
        CONFIG.replace("[\"de\", \"en\"]", "[\"de\", \"en\", \"tr\", \"de-AT\"]"),
    )
    .unwrap();
    assert_eq!(validate(dir.path()).0, 0);
}

#[test]
fn a_non_finite_number_has_one_code_in_every_format() {
    let json = r#"{"id": "demo", "name": "Demo", "summary": "x", "status": "live", "lifecycle": "proposed", "license": "MIT", "needs": [{"kind": "financial", "eur_per_year": 1e999}]}"#;
    let yaml = PROJECT.to_owned() + "needs:\n  - kind: financial\n    eur_per_year: 1e999\n";
    let jsonl = json.to_owned() + "\n";
    for (text, file) in [
        (json.to_owned(), "demo.json"),
        (yaml, "demo.yaml"),
        (jsonl, "demo.jsonl"),
    ] {
        let e = project_errors(&text, file);
        assert_eq!(codes(&e), ["invalid-number"], "{file}: {e:?}");
    }
    let dir = catalog();
    std::fs::write(
        dir.path().join("digifarm.toml"),
        CONFIG.to_owned() + "\n[matching.weights]\nskills = 1e999\n",
    )
    .unwrap();
    let (_, diags) = validate(dir.path());
    let errors: Vec<&Value> = diags.iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["code"], "invalid-number");
}

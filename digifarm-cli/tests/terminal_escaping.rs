//! Human output reaches terminals and CI logs: control characters from file content, file
//! names and values quoted in messages are escaped, so nothing in a catalog can retitle a
//! window, clear a screen, reorder a line or forge a diagnostic line.
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

fn digifarm(args: &[&str], path: &Path) -> (i32, String, String) {
    // Without `NO_COLOR`, as a user's terminal runs it: the escaping must not rely on it.
    let out = run::digifarm()
        .args(args)
        .arg(path)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// No character that a terminal would act on, other than line breaks.
fn assert_inert(text: &str) {
    for (i, c) in text.char_indices() {
        assert!(
            c == '\n' || !digifarm_core::diagnostic::is_unprintable(c),
            "raw {c:?} at byte {i} in:\n{text}"
        );
    }
}

fn validate_human(dir: &Path) -> String {
    let (code, stdout, stderr) = digifarm(&["validate", "--today", "2026-11-26"], dir);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_inert(&stdout);
    assert_inert(&stderr);
    stdout
}

#[test]
fn escape_sequences_in_file_content_are_escaped_in_snippets() {
    let dir = catalog();
    // A raw OSC (retitle the window) and CSI (clear the screen) in a YAML file, on the line
    // of a finding whose source line is shown.
    std::fs::write(
        dir.path().join("projects/demo.yaml"),
        PROJECT.replace(
            "name: Demo",
            "name: Demo\nname: \"Demo\x1b]0;owned\x07\x1b[2J\"",
        ),
    )
    .unwrap();
    // The same in a JSON file, and a C1 CSI (U+009B) and a bidi override in values.
    std::fs::write(
        dir.path().join("partners/p.json"),
        "{\"id\": \"p\", \"name\": \"P\x1b[2J\", \"kind\": \"company\u{9b}2J\u{202e}\"}\n",
    )
    .unwrap();
    let out = validate_human(dir.path());
    assert!(out.contains("\\u{1b}]0;owned\\u{7}\\u{1b}[2J"), "{out}");
    assert!(out.contains("\\u{9b}2J\\u{202e}"), "{out}");
}

#[test]
fn values_quoted_in_messages_are_escaped() {
    let dir = catalog();
    // Valid JSON escapes that put control characters into values: the message quoting the
    // value must not carry them raw.
    std::fs::write(
        dir.path().join("partners/p.json"),
        r#"{"id": "p", "name": "P", "kind": "\u001b]0;owned\u0007\u001b[2J\u202e"}"#,
    )
    .unwrap();
    let out = validate_human(dir.path());
    let message = out
        .lines()
        .find(|l| l.starts_with("error[invalid-value]"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        message.contains("]0;owned") && message.contains("[2J"),
        "{out}"
    );
}

#[test]
#[cfg(unix)]
fn a_newline_in_a_file_name_does_not_forge_a_diagnostic_line() {
    let dir = catalog();
    let name = "x.yaml\nerror[forged]: all is fine\n  --> \x1b[2Jnowhere.yaml";
    std::fs::write(dir.path().join("projects").join(name), PROJECT).unwrap();
    let out = validate_human(dir.path());
    assert!(
        out.lines().all(|l| !l.starts_with("error[forged]")),
        "a forged line:\n{out}"
    );
    assert!(out.contains("x.yaml\\nerror[forged]"), "{out}");
    // The JSON report keeps the real name (JSON escapes it).
    let (_, json, _) = digifarm(
        &["validate", "--today", "2026-11-26", "--format", "json"],
        dir.path(),
    );
    assert_inert(&json);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["file"].as_str().unwrap().ends_with(name)),
        "{v}"
    );
}

#[test]
fn an_error_line_stays_one_line() {
    let (code, stdout, stderr) = digifarm(
        &["validate"],
        Path::new("/nonexistent\ndigifarm: all good\x1b[2J"),
    );
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert_inert(&stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn json_and_sarif_output_carry_no_raw_control_characters() {
    let dir = catalog();
    std::fs::write(
        dir.path().join("partners/p.json"),
        "{\"id\": \"p\", \"name\": \"P\", \"kind\": \"c\u{7f}\u{9b}2J\u{202e}\"}\n",
    )
    .unwrap();
    for format in ["json", "sarif"] {
        let (code, stdout, _) = digifarm(
            &["validate", "--today", "2026-11-26", "--format", format],
            dir.path(),
        );
        assert_eq!(code, 1);
        assert_inert(&stdout);
        // The same value, written with JSON escapes.
        assert!(stdout.contains("\\u007f\\u009b2J\\u202e"), "{stdout}");
        let _: Value = serde_json::from_str(&stdout).unwrap();
    }
}

#[test]
fn catalog_text_in_other_human_output_is_escaped() {
    let dir = catalog();
    std::fs::write(
        dir.path().join("digifarm.toml"),
        CONFIG.replace("Münster", "Münster\\u001b]0;owned\\u0007\\nforged line"),
    )
    .unwrap();
    // `stats` refuses a catalog with errors (a control character is one): its report, on
    // stderr, shows the name escaped.
    let (code, stdout, stderr) = digifarm(&["stats", "--today", "2026-11-26"], dir.path());
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert_inert(&stderr);
    assert!(stderr.contains("invalid-character"), "{stderr}");
    assert!(
        stderr.lines().all(|l| !l.starts_with("forged line")),
        "{stderr}"
    );
}

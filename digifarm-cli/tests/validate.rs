//! `digifarm validate` on bad input: every case gives a clear diagnostic with file, line and
//! column, a non-zero exit code, never a panic, and leaves the input untouched.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/run.rs"]
mod run;

use std::path::{Path, PathBuf};

use serde_json::Value;

const PROJECT: &str = "id: demo\nname: Demo\nsummary: {de: Ein Demo, en: A demo}\nstatus: live\nlifecycle: admitted\nlicense: MIT\nlinks:\n  source: https://example.org/demo.git\nlast_reviewed: 2026-10-01\nneeds:\n  - kind: technical\n    skills: [rust]\n    supported_by:\n      - partner: citeq\n";
const PARTNER: &str = "id: citeq\nname: citeq\nkind: public-body\nregion: \"05515000\"\n";
const CONFIG: &str =
    "[city]\nname = \"Münster\"\nags = \"05515000\"\nlanguages = [\"de\", \"en\"]\n";

/// A valid catalog in a fresh temporary directory.
fn catalog() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("digifarm.toml"), CONFIG).unwrap();
    for sub in ["projects", "partners", "offers"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    std::fs::write(dir.path().join("projects/demo.yaml"), PROJECT).unwrap();
    std::fs::write(dir.path().join("partners/citeq.yaml"), PARTNER).unwrap();
    dir
}

struct Run {
    code: i32,
    json: Value,
    stderr: String,
}

fn validate(path: &Path) -> Run {
    let out = run::digifarm()
        .args(["validate", "--format", "json", "--today", "2026-11-26"])
        .arg(path)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    let json = if stdout.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&stdout).unwrap()
    };
    if !json.is_null() {
        assert_eq!(
            stdout.trim().lines().count(),
            1,
            "exactly one JSON object on stdout"
        );
    }
    Run {
        code: out.status.code().unwrap(),
        json,
        stderr,
    }
}

/// Asserts that the run failed with exit 1 and has a diagnostic `code` at `file:line:column`.
fn expect(run: &Run, code: &str, file_suffix: &str, line: u64, column: u64) -> Value {
    assert_eq!(run.code, 1, "exit code, output: {}", run.json);
    assert_eq!(run.json["valid"], false);
    let found = run.json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code && d["file"].as_str().unwrap().ends_with(file_suffix));
    let d = found
        .unwrap_or_else(|| panic!("no `{code}` in {}", run.json))
        .clone();
    assert!(
        d["file"].as_str().unwrap().ends_with(file_suffix),
        "file {} ends with {file_suffix}",
        d["file"]
    );
    assert_eq!(
        (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()),
        (line, column),
        "position of {d}"
    );
    assert_eq!(d["severity"], "error");
    assert!(!d["message"].as_str().unwrap().is_empty());
    d
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// Runs validate on a catalog changed by `mutate`, checking the input stays untouched.
fn case(mutate: impl FnOnce(&Path)) -> (tempfile::TempDir, Run) {
    let dir = catalog();
    mutate(dir.path());
    let before = snapshot(dir.path());
    let run = validate(dir.path());
    assert_eq!(
        before,
        snapshot(dir.path()),
        "validation must not modify its input"
    );
    (dir, run)
}

#[test]
fn the_valid_catalog_is_valid() {
    let (_dir, run) = case(|_| {});
    assert_eq!(run.code, 0, "{}", run.json);
    assert_eq!(run.json["valid"], true);
    assert_eq!(
        run.json["counts"],
        serde_json::json!({"projects": 1, "partners": 1, "offers": 0})
    );
}

#[test]
fn malformed_yaml() {
    let (_d, run) = case(|p| {
        std::fs::write(
            p.join("projects/demo.yaml"),
            "id: demo\nname: [Demo\nsummary: x\n",
        )
        .unwrap()
    });
    expect(&run, "yaml-syntax", "projects/demo.yaml", 3, 8);
}

/// YAML breaks lines at a lone CR as well as at LF and CR LF: the line shown under a finding
/// is the one its position names, in a file whose line breaks are mixed, and the caret
/// stands under the key.
#[test]
fn a_lone_cr_breaks_the_line_shown_as_it_breaks_the_position() {
    for breaks in [["\r", "\r"], ["\r", "\n"], ["\r\n", "\r"], ["\n", "\r"]] {
        let dir = catalog();
        // The lines' breaks alternate between the two.
        let text: String = PROJECT
            .replace("status: live", "status: lively")
            .lines()
            .enumerate()
            .map(|(i, l)| format!("{l}{}", breaks[i % 2]))
            .collect();
        std::fs::write(dir.path().join("projects/demo.yaml"), &text).unwrap();
        let run = validate(dir.path());
        let found = expect(&run, "invalid-value", "projects/demo.yaml", 4, 1);
        assert_eq!(found["pointer"], "/status");
        let out = run::digifarm()
            .args(["validate", "--today", "2026-11-26"])
            .arg(dir.path())
            .output()
            .unwrap();
        let human = String::from_utf8(out.stdout).unwrap();
        assert!(
            human.contains("\n4 | status: lively\n"),
            "{breaks:?}: {human}"
        );
        let caret = human
            .lines()
            .skip_while(|l| *l != "4 | status: lively")
            .nth(1)
            .unwrap_or_else(|| panic!("{breaks:?}: no caret in {human}"));
        assert_eq!(caret, "  | ^", "{breaks:?}: {human}");
    }
}

/// A value that has the shape of an optional mapping (`origin`) and fails inside it gets
/// the inner field's finding at the inner field, not "expected text or a mapping" at the
/// outer one.
#[test]
fn an_error_inside_an_optional_mapping_is_placed_at_its_field() {
    let (_d, run) = case(|p| {
        std::fs::write(
            p.join("projects/demo.yaml"),
            PROJECT.replace(
                "license: MIT\n",
                "license: MIT\norigin:\n  city: Münster\n  started: '2024-13'\n",
            ),
        )
        .unwrap()
    });
    let found = expect(&run, "invalid-format", "projects/demo.yaml", 9, 3);
    assert_eq!(found["pointer"], "/origin/started");
    assert!(
        found["help"].as_str().unwrap().contains("YYYY-MM"),
        "{found}"
    );
    assert!(
        run.json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"] != "wrong-type"),
        "{}",
        run.json
    );
}

#[test]
fn malformed_json() {
    let (_d, run) = case(|p| {
        std::fs::remove_file(p.join("projects/demo.yaml")).unwrap();
        std::fs::write(
            p.join("projects/demo.json"),
            "{\n  \"id\": \"demo\",\n  \"name\": \"Demo\",,\n}",
        )
        .unwrap();
    });
    expect(&run, "json-syntax", "projects/demo.json", 3, 18);
}

#[test]
fn wrong_type() {
    let (_d, run) = case(|p| {
        std::fs::write(
            p.join("projects/demo.yaml"),
            PROJECT.replace("name: Demo", "name: [1, 2]"),
        )
        .unwrap()
    });
    let d = expect(&run, "wrong-type", "projects/demo.yaml", 2, 1);
    assert_eq!(d["pointer"], "/name");
}

#[test]
fn yaml_1_1_boolean_gets_a_hint() {
    let (_d, run) = case(|p| {
        std::fs::write(
            p.join("offers/o.yaml"),
            "id: o\npartner: citeq\nkind: technical\nremote: yes\n",
        )
        .unwrap()
    });
    let d = expect(&run, "wrong-type", "offers/o.yaml", 4, 1);
    assert!(d["help"].as_str().unwrap().contains("true or false"));
}

#[test]
fn unknown_field_with_suggestion() {
    let (_d, run) = case(|p| {
        std::fs::write(
            p.join("projects/demo.yaml"),
            PROJECT.replace("license: MIT", "licence: MIT\nlicense: MIT"),
        )
        .unwrap()
    });
    let d = expect(&run, "unknown-field", "projects/demo.yaml", 6, 1);
    assert_eq!(d["pointer"], "/licence");
    assert_eq!(d["help"], "did you mean `license`?");
}

#[test]
fn missing_required_field() {
    let (_d, run) = case(|p| {
        std::fs::write(
            p.join("projects/demo.yaml"),
            PROJECT.replace("license: MIT\n", ""),
        )
        .unwrap()
    });
    let d = expect(&run, "missing-field", "projects/demo.yaml", 1, 1);
    assert!(d["message"].as_str().unwrap().contains("`license`"));
}

#[test]
fn duplicate_id() {
    let (_d, run) = case(|p| std::fs::write(p.join("projects/zz.yaml"), PROJECT).unwrap());
    let d = expect(&run, "duplicate-id", "projects/zz.yaml", 1, 1);
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("projects/demo.yaml")
    );
    // The same file also has the wrong name.
    expect(&run, "file-name-mismatch", "projects/zz.yaml", 1, 1);
}

#[test]
fn dangling_reference() {
    let (_d, run) = case(|p| std::fs::remove_file(p.join("partners/citeq.yaml")).unwrap());
    let d = expect(&run, "dangling-reference", "projects/demo.yaml", 14, 9);
    assert_eq!(d["pointer"], "/needs/0/supported_by/0/partner");
}

#[test]
fn invalid_utf8() {
    let (_d, run) = case(|p| {
        std::fs::write(p.join("projects/demo.yaml"), b"id: demo\nname: D\xe9mo\n").unwrap()
    });
    expect(&run, "invalid-utf8", "projects/demo.yaml", 2, 8);
}

#[test]
fn empty_file() {
    let (_d, run) = case(|p| std::fs::write(p.join("projects/demo.yaml"), "").unwrap());
    expect(&run, "empty-file", "projects/demo.yaml", 1, 1);
}

#[test]
fn directory_where_a_file_is_expected() {
    let (_d, run) = case(|p| std::fs::create_dir(p.join("partners/other.yaml")).unwrap());
    expect(&run, "not-a-file", "partners/other.yaml", 1, 1);
}

#[test]
fn fifty_megabyte_file() {
    let (_d, run) = case(|p| {
        let mut text = PROJECT.replace("name: Demo", "name: \"");
        text.push_str(&"x".repeat(50 * 1024 * 1024));
        text.push_str("\"\n");
        std::fs::write(p.join("projects/demo.yaml"), text).unwrap();
    });
    let d = expect(&run, "file-too-large", "projects/demo.yaml", 1, 1);
    assert!(d["help"].is_string());
}

#[test]
fn ten_thousand_levels_of_nesting() {
    let (_d, run) = case(|p| {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        std::fs::write(
            p.join("projects/demo.yaml"),
            format!("id: demo\nname: {deep}\n"),
        )
        .unwrap();
        std::fs::write(p.join("partners/deep.json"), format!("{{\"id\": {deep}}}")).unwrap();
    });
    // The YAML scanner stops at its own recursion limit, 256 brackets in.
    expect(&run, "too-deep", "projects/demo.yaml", 2, 262);
    expect(&run, "too-deep", "partners/deep.json", 1, 71);
}

#[test]
fn path_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let run = validate(&dir.path().join("nope"));
    assert_eq!(run.code, 2);
    assert!(run.json.is_null(), "nothing on stdout");
    assert_eq!(
        run.stderr.trim().lines().count(),
        1,
        "one line on stderr: {}",
        run.stderr
    );
    assert!(run.stderr.contains("no such file or directory"));
}

#[test]
fn duplicate_key() {
    let (_d, run) = case(|p| {
        std::fs::write(
            p.join("projects/demo.yaml"),
            format!("{PROJECT}name: Again\n"),
        )
        .unwrap()
    });
    expect(&run, "duplicate-key", "projects/demo.yaml", 15, 1);
}

#[test]
fn json_lines_positions_are_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = r#"{"id":"a","name":"A","summary":"x","status":"live","lifecycle":"proposed","license":"MIT"}"#;
    let bad = r#"{"id":"b","name":"B","summary":"x","status":"live","lifecycle":"proposed","license":"MIT","oops":1}"#;
    let file = dir.path().join("projects.jsonl");
    std::fs::write(&file, format!("{good}\n{good}\n\n{bad}\n")).unwrap();
    let run = validate(&file);
    let d = expect(&run, "unknown-field", "projects.jsonl", 4, 91);
    assert_eq!(d["pointer"], "/oops");
    expect(&run, "duplicate-id", "projects.jsonl", 2, 2);
}

#[test]
fn human_output_shows_source_line_and_caret_without_colour_when_piped() {
    let dir = catalog();
    std::fs::write(
        dir.path().join("projects/demo.yaml"),
        PROJECT.replace("status: live", "status: living"),
    )
    .unwrap();
    // Without `NO_COLOR`: piping alone must keep the colour out.
    let out = run::digifarm()
        .arg("validate")
        .arg(dir.path())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!text.contains('\x1b'), "no colour when not a terminal");
    assert!(
        text.contains("error[invalid-value]: \"living\" is not one of"),
        "{text}"
    );
    assert!(text.contains("4 | status: living\n  | ^"), "{text}");
    assert!(text.contains("help: did you mean `live`?"), "{text}");
    assert!(text.contains("invalid: 1 error, 0 warnings"), "{text}");
}

#[test]
fn declared_licence_is_checked_against_the_checkout_licence_file() {
    let mit = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../digifarm-core/tests/fixtures/digifarm-ms/LICENSE.md"
    ))
    .unwrap();
    let run = |declared: &str| {
        let dir = catalog();
        std::fs::write(
            dir.path().join("projects/demo.yaml"),
            PROJECT.replace("license: MIT", &format!("license: {declared}")),
        )
        .unwrap();
        let checkouts = tempfile::tempdir().unwrap();
        std::fs::create_dir(checkouts.path().join("demo")).unwrap();
        std::fs::write(checkouts.path().join("demo/LICENSE"), &mit).unwrap();
        let out = run::digifarm()
            .args([
                "validate",
                "--format",
                "json",
                "--today",
                "2026-11-26",
                "--checkouts",
            ])
            .arg(checkouts.path())
            .arg(dir.path())
            .output()
            .unwrap();
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let mismatch = run("GPL-3.0-only");
    let d = mismatch["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "license-file-mismatch")
        .unwrap()
        .clone();
    assert_eq!(
        (d["line"].as_u64(), d["pointer"].as_str()),
        (Some(6), Some("/license"))
    );
    assert!(d["message"].as_str().unwrap().contains("MIT"), "{d}");
    let agree = run("MIT");
    assert!(
        agree["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"] != "license-file-mismatch"),
        "{agree}"
    );
}

#[test]
fn sarif_output_for_code_scanning() {
    let dir = catalog();
    std::fs::remove_file(dir.path().join("partners/citeq.yaml")).unwrap();
    let out = run::digifarm()
        .args(["validate", "--format", "sarif", "--today", "2026-11-26"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "digifarm");
    // Columns count characters, not SARIF's default UTF-16 code units.
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(
        run["tool"]["driver"]["rules"][0]["id"],
        "dangling-reference"
    );
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "dangling-reference");
    assert_eq!(result["level"], "error");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(14), Some(9))
    );
    assert!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("projects/demo.yaml")
    );
}

#[test]
fn match_shows_the_source_line_of_each_finding_as_validate_does() {
    let dir = catalog();
    let project = dir.path().join("projects/demo.yaml");
    std::fs::write(
        &project,
        PROJECT.replace("license: MIT", "license: Nicht-Frei-1.0"),
    )
    .unwrap();
    let human = |command: &str| {
        let out = run::digifarm()
            .args([command, "--today", "2026-11-26"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
        assert!(!text.contains("panicked"), "panic: {text}");
        text
    };
    let matched = human("match");
    // The location, then the line of the file itself with its number in the gutter.
    assert!(matched.contains("projects/demo.yaml:6:"), "{matched}");
    assert!(matched.contains("6 | license: Nicht-Frei-1.0"), "{matched}");
    assert!(matched.contains("matching did not run"), "{matched}");
    let validated = human("validate");
    assert!(
        validated.contains("6 | license: Nicht-Frei-1.0"),
        "{validated}"
    );
}

/// Millions of findings from a few megabytes are not all listed: the report lists the first
/// 100,000 in order and counts the rest, in every output format, and still fails.
#[test]
fn a_flood_of_findings_is_listed_up_to_the_limit_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("projects.jsonl");
    std::fs::write(&path, "{}\n".repeat(25_000)).unwrap();
    let run = validate(&path);
    assert_eq!(run.code, 1);
    assert_eq!(run.json["valid"], false);
    let listed = run.json["diagnostics"].as_array().unwrap();
    assert_eq!(listed.len(), 100_000);
    assert_eq!(listed[0]["line"], 1);
    let omitted = run.json["omitted"]["errors"].as_u64().unwrap();
    assert!(omitted > 0, "{}", run.json["omitted"]);
    // Every record is missing the same fields: the last listed finding is in the record
    // that holds the 100,000th.
    let per_record = (100_000 + omitted) / 25_000;
    assert_eq!(listed[99_999]["line"], 100_000_u64.div_ceil(per_record));
    let human = run::digifarm()
        .args(["validate", "--today", "2026-11-26"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(human.status.code(), Some(1));
    let text = String::from_utf8(human.stdout).unwrap();
    let total = 100_000 + omitted;
    assert!(
        text.contains(&format!(
            "… and {omitted} more (errors {omitted}, warnings 0, notes 0), not listed"
        )),
        "{}",
        &text[text.len().saturating_sub(600)..]
    );
    assert!(text.ends_with(&format!(
        "invalid: {total} errors, 0 warnings, 0 notes in 0 projects, 0 partners, 0 offers\n"
    )));
    let sarif = run::digifarm()
        .args(["validate", "--format", "sarif", "--today", "2026-11-26"])
        .arg(&path)
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        100_000
    );
    assert_eq!(sarif["runs"][0]["properties"]["omitted"]["errors"], omitted);
}

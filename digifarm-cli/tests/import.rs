//! `digifarm import digifarm-json` end to end, on Münster's real launch data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/run.rs"]
mod run;

use std::path::{Path, PathBuf};
use std::process::Output;

use run::run;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../digifarm-core/tests/fixtures/digifarm-ms/digifarm.json")
}

fn import(out: &Path, extra: &[&str]) -> Output {
    let input = fixture();
    let mut args = vec![
        "import",
        "digifarm-json",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn imports_muenster_into_a_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("catalog");
    let before = std::fs::read(fixture()).unwrap();
    let result = import(&out, &["--format", "json"]);
    // Klimaheroes has no licence ("--"): an error, but the records are written.
    assert_eq!(result.status.code(), Some(1), "{result:?}");
    let report = json(&result);
    assert_eq!(report["ok"], false);
    assert_eq!(report["counts"]["projects"], 7);
    assert_eq!(report["counts"]["partners"], 14);
    assert_eq!(report["help_wanted"]["technical"], 3);
    assert_eq!(
        report["licenses"],
        serde_json::json!({"Apache-2.0": 1, "GPL-3.0-only": 2, "MIT": 3, "NOASSERTION": 1})
    );
    assert_eq!(
        report["statuses"],
        serde_json::json!({"broken": 1, "in-development": 2, "live": 4})
    );
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 1 + 7 + 14);
    assert!(files.iter().all(|f| f["action"] == "written"));
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "license-unknown")
        .unwrap();
    assert_eq!(unknown["pointer"], "/3/Lizenz");
    assert_eq!(unknown["line"], 93);
    assert_eq!(unknown["column"], 15);
    assert_eq!(unknown["severity"], "error");

    let project = std::fs::read_to_string(out.join("projects/giess-den-kiez.yaml")).unwrap();
    assert!(project.starts_with("id: giess-den-kiez\nname: Gieß den Kiez\n"));
    assert!(project.contains("admitted_on: '2022-04-28'\n"));
    let partner = std::fs::read_to_string(out.join("partners/stadtbaumfreunde-e-v.yaml")).unwrap();
    assert_eq!(
        partner,
        "id: stadtbaumfreunde-e-v\nname: Stadtbaumfreunde e.V.\nkind: association\n"
    );
    let config = std::fs::read_to_string(out.join("digifarm.toml")).unwrap();
    assert!(config.contains("categories = [\"Unterhaltung\""));
    // No temporary files are left behind, and the input is untouched.
    for sub in ["projects", "partners"] {
        for entry in std::fs::read_dir(out.join(sub)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(name.ends_with(".yaml") && !name.starts_with('.'), "{name}");
        }
    }
    assert_eq!(std::fs::read(fixture()).unwrap(), before);
}

#[test]
fn never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    import(out, &[]);
    let edited = out.join("projects/klimaheroes.yaml");
    std::fs::write(&edited, "id: klimaheroes\n# edited by hand\n").unwrap();
    let config = out.join("digifarm.toml");
    std::fs::write(&config, "[city]\nname = \"Münster\"\n").unwrap();

    // Second run: the edited record is kept, the others are unchanged.
    let result = import(out, &["--format", "json"]);
    let report = json(&result);
    let action = |path: &str| {
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .map(|f| f["action"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        action("projects/klimaheroes.yaml").as_deref(),
        Some("skipped")
    );
    assert_eq!(
        action("projects/rats-sitzplan.yaml").as_deref(),
        Some("unchanged")
    );
    assert_eq!(action("digifarm.toml"), None);
    assert!(
        std::fs::read_to_string(&edited)
            .unwrap()
            .contains("edited by hand")
    );

    // Human output names the skipped file.
    let result = import(out, &[]);
    let stdout = String::from_utf8(result.stdout).unwrap();
    assert!(
        stdout.contains("skipped projects/klimaheroes.yaml"),
        "{stdout}"
    );
    assert!(stdout.contains("error[license-unknown]"), "{stdout}");
    assert!(stdout.contains("93 |     \"Lizenz\": \"--\","), "{stdout}");

    // With --force the record is replaced; digifarm.toml never is.
    let result = import(out, &["--force", "--format", "json"]);
    let report = json(&result);
    assert!(
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "projects/klimaheroes.yaml" && f["action"] == "written")
    );
    let project = std::fs::read_to_string(&edited).unwrap();
    assert!(project.contains("license: NOASSERTION\n"));
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "[city]\nname = \"Münster\"\n"
    );
}

#[test]
fn bad_input_and_usage() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");

    // A missing file is an I/O error: exit 2, one line on stderr.
    let missing = dir.path().join("missing.json");
    let result = run(&[
        "import",
        "digifarm-json",
        missing.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(2));
    assert_eq!(String::from_utf8(result.stderr).unwrap().lines().count(), 1);

    // Not JSON: a diagnostic, exit 1, nothing written.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"Name\": ").unwrap();
    let result = run(&[
        "import",
        "digifarm-json",
        bad.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(result.status.code(), Some(1));
    assert_eq!(json(&result)["diagnostics"][0]["code"], "json-syntax");
    assert!(!out.exists());

    // A byte order mark is skipped by the importer, and so by the source line shown with
    // the finding: the caret stands under the column the position names.
    let marked = dir.path().join("marked.json");
    std::fs::write(&marked, "\u{feff}{\"Name\": }").unwrap();
    let result = run(&[
        "import",
        "digifarm-json",
        marked.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(1));
    let human = String::from_utf8(result.stdout).unwrap();
    assert!(human.contains(":1:10"), "{human}");
    let shown = human
        .lines()
        .find(|l| l.ends_with("{\"Name\": }"))
        .unwrap_or_else(|| panic!("no source line in {human}"));
    let caret = human
        .lines()
        .find(|l| l.trim_end().ends_with('^'))
        .unwrap_or_else(|| panic!("no caret in {human}"));
    assert_eq!(
        caret.trim_end().chars().count(),
        shown.chars().count(),
        "{human}"
    );
    assert!(!out.exists());

    // --out naming a file: I/O error, exit 2, the file untouched.
    let file_out = dir.path().join("occupied");
    std::fs::write(&file_out, "x").unwrap();
    let result = import(&file_out, &[]);
    assert_eq!(result.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&file_out).unwrap(), "x");

    // Missing --out is a usage error.
    let result = run(&["import", "digifarm-json", bad.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(2));
}

/// A record the catalog keeps in another file than the importer writes (a `.yml` or JSON
/// record, a collection) is not given a twin: the imported one is refused as a duplicate
/// id (exit 1), nothing is written for it, and the catalog stays valid as before.
#[test]
fn a_record_kept_in_another_file_is_not_imported_twice() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    assert_eq!(import(out, &[]).status.code(), Some(1));
    std::fs::rename(
        out.join("projects/klimaheroes.yaml"),
        out.join("projects/klimaheroes.yml"),
    )
    .unwrap();
    let result = import(out, &["--format", "json"]);
    assert_eq!(result.status.code(), Some(1));
    let report = json(&result);
    let refused = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "duplicate-id")
        .unwrap_or_else(|| panic!("no duplicate-id in {report}"));
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("klimaheroes.yml"),
        "{refused}"
    );
    assert!(!out.join("projects/klimaheroes.yaml").exists());
    // The others are as before.
    assert!(
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "projects/rats-sitzplan.yaml" && f["action"] == "unchanged"),
        "{report}"
    );
}

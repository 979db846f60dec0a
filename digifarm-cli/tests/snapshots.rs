//! Snapshots of the output people read: `--help` of every command, human diagnostics for bad
//! input, and what the Münster example gives for validation, matching, statistics and the
//! Markdown and CSV exports. A change in wording or layout shows up as a diff in review.
//!
//! After an intended change: `INSTA_UPDATE=always cargo test -p digifarm-cli --test snapshots`
//! rewrites `tests/snapshots/`, then review the diff (or use `cargo insta review`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/run.rs"]
mod run;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `digifarm` in the repository root (so example paths print as `examples/…`), without
/// colour; returns the exit code, stdout and stderr.
fn digifarm(args: &[&str]) -> (i32, String, String) {
    let out = run::digifarm()
        .args(args)
        .current_dir(root())
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap(), stdout, stderr)
}

/// Exit code, stdout and stderr as one text, with `tmp` (a temporary directory) shown as
/// `[TMP]`.
fn shown(run: (i32, String, String), tmp: Option<&Path>) -> String {
    let (code, stdout, stderr) = run;
    let text = format!("exit {code}\n--- stdout\n{stdout}--- stderr\n{stderr}");
    match tmp {
        Some(t) => text.replace(&t.display().to_string(), "[TMP]"),
        None => text,
    }
}

#[test]
fn help_of_every_command() {
    insta::assert_snapshot!("help", shown(digifarm(&["--help"]), None));
    for cmd in [
        "validate", "schema", "import", "license", "match", "propose", "review", "support",
        "stale", "stats", "merge", "plugin", "export", "refresh", "init",
    ] {
        insta::assert_snapshot!(
            format!("help_{cmd}"),
            shown(digifarm(&[cmd, "--help"]), None)
        );
    }
}

#[test]
fn validate_the_muenster_example() {
    insta::assert_snapshot!(shown(
        digifarm(&["validate", "examples/muenster", "--today", "2026-11-26"]),
        None
    ));
}

#[test]
fn match_the_muenster_example() {
    insta::assert_snapshot!(
        "match_assign",
        shown(
            digifarm(&[
                "match",
                "examples/muenster",
                "--today",
                "2026-11-26",
                "--assign"
            ]),
            None
        )
    );
    insta::assert_snapshot!(
        "match_explain_project",
        shown(
            digifarm(&[
                "match",
                "examples/muenster",
                "--today",
                "2026-11-26",
                "--project",
                "klimaheroes",
                "--explain"
            ]),
            None
        )
    );
}

#[test]
fn stats_of_the_muenster_example() {
    insta::assert_snapshot!(shown(
        digifarm(&["stats", "examples/muenster", "--today", "2026-11-26"]),
        None
    ));
    // The CSV for German Excel (the byte order mark shown as `\u{feff}`, CRLF as `\r`).
    let (code, csv, err) = digifarm(&[
        "stats",
        "examples/muenster",
        "--today",
        "2026-11-26",
        "--format",
        "csv",
    ]);
    insta::assert_snapshot!(
        "stats_csv_of_the_muenster_example",
        shown(
            (
                code,
                csv.replace('\u{feff}', "\\u{feff}").replace('\r', "\\r"),
                err
            ),
            None
        )
    );
}

#[test]
fn markdown_and_csv_exports_of_the_muenster_example() {
    let tmp = tempfile::tempdir().unwrap();
    let md = tmp.path().join("catalog.md");
    let run = digifarm(&[
        "export",
        "examples/muenster",
        "--format",
        "markdown",
        "--out",
        md.to_str().unwrap(),
    ]);
    assert_eq!(run.0, 0, "{run:?}");
    insta::assert_snapshot!("export_markdown", std::fs::read_to_string(&md).unwrap());
    let csv = tmp.path().join("csv");
    let run = digifarm(&[
        "export",
        "examples/muenster",
        "--format",
        "csv",
        "--csv-dialect",
        "rfc4180",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(run.0, 0, "{run:?}");
    let mut names: Vec<String> = std::fs::read_dir(&csv)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // The export's list of its files, not a table.
        .filter(|n| n != ".digifarm-export")
        .collect();
    names.sort();
    for name in names {
        insta::assert_snapshot!(
            format!("export_csv_{}", name.trim_end_matches(".csv")),
            std::fs::read_to_string(csv.join(&name)).unwrap()
        );
    }
}

/// One catalog per kind of mistake a city's data person makes; the human report of each.
#[test]
fn human_diagnostics_for_bad_input() {
    const CONFIG: &str = "[city]\nname = \"Münster\"\nags = \"05515000\"\n";
    const PARTNER: &str = "id: citeq\nname: citeq\nkind: public-body\nregion: \"05515000\"\n";
    let good = "id: demo\nname: Demo\nsummary: Ein Demo\nstatus: live\nlifecycle: admitted\nlicense: MIT\nlinks:\n  source: https://example.org/demo.git\nlast_reviewed: 2026-10-01\n";
    let cases: [(&str, &[u8]); 7] = [
        (
            "malformed_yaml",
            b"id: demo\nname: [Demo\nsummary: x\n".as_slice(),
        ),
        (
            "unknown_field",
            format!("{good}licence: MIT\n").into_bytes().leak(),
        ),
        (
            "wrong_type",
            good.replace("status: live", "status: [live]")
                .into_bytes()
                .leak(),
        ),
        (
            "dangling_reference",
            format!(
                "{good}needs:\n  - kind: technical\n    supported_by:\n      - partner: citeqq\n"
            )
            .into_bytes()
            .leak(),
        ),
        (
            "licence_not_open",
            good.replace("license: MIT", "license: LicenseRef-proprietary")
                .into_bytes()
                .leak(),
        ),
        ("invalid_utf8", b"id: demo\nname: D\xffmo\n".as_slice()),
        (
            "bad_date",
            good.replace("2026-10-01", "2026-13-01").into_bytes().leak(),
        ),
    ];
    for (name, project) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("digifarm.toml"), CONFIG).unwrap();
        std::fs::create_dir(dir.join("projects")).unwrap();
        std::fs::create_dir(dir.join("partners")).unwrap();
        std::fs::write(dir.join("partners/citeq.yaml"), PARTNER).unwrap();
        std::fs::write(dir.join("projects/demo.yaml"), project).unwrap();
        let run = digifarm(&["validate", dir.to_str().unwrap(), "--today", "2026-11-26"]);
        assert_ne!(run.0, 0, "{name}: {run:?}");
        insta::assert_snapshot!(format!("bad_input_{name}"), shown(run, Some(dir)));
    }
}

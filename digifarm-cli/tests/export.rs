//! `digifarm export` through the real binary: every format on the fixture catalog, privacy,
//! refusals (invalid catalog, private data for the web, non-empty output directory).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/run.rs"]
mod run;

use std::path::{Path, PathBuf};
use std::process::Output;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/export")
}

fn export(catalog: &Path, args: &[&str]) -> Output {
    let out = run::digifarm()
        .arg("export")
        .arg(catalog)
        .args(["--today", "2022-09-01"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    out
}

fn all_text(dir: &Path) -> String {
    let mut text = String::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                text.push_str(&String::from_utf8_lossy(&std::fs::read(&p).unwrap()));
            }
        }
    }
    text
}

const FORMATS: [&str; 8] = [
    "json",
    "jsonl",
    "csv",
    "markdown",
    "jsonld",
    "atom",
    "html",
    "publiccode",
];

#[test]
fn every_format_without_contacts() {
    let tmp = tempfile::tempdir().unwrap();
    for format in FORMATS {
        let out = tmp.path().join(format);
        // Only Rats-Sitzplan has what a valid publiccode.yml needs; the others are listed.
        let skip: &[&str] = if format == "publiccode" {
            &["--skip-invalid"]
        } else {
            &[]
        };
        let run = export(
            &fixture(),
            &[&["--format", format, "--out", out.to_str().unwrap()], skip].concat(),
        );
        assert_eq!(run.status.code(), Some(0), "{format}: {run:?}");
        let stdout = String::from_utf8(run.stdout).unwrap();
        assert!(stdout.starts_with("exported 3 projects"), "{stdout}");
        let text = all_text(&out);
        let expected = if format == "publiccode" {
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert!(stderr.contains("skipped 2 project(s)"), "{stderr}");
            assert!(stderr.contains("giess-den-kiez:") && stderr.contains("data-inspire-me:"));
            "Rats-Sitzplan"
        } else {
            "Gieß den Kiez"
        };
        assert!(text.contains(expected), "{format}");
        for private in [
            "Erika Musterfrau",
            "erika@example.org",
            "+49 251 000000",
            "Max Mustermann",
            "max@example.org",
        ] {
            assert!(!text.contains(private), "{format} leaks {private}");
        }
    }
}

#[test]
fn include_private_where_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("csv");
    let run = export(
        &fixture(),
        &[
            "--format",
            "csv",
            "--include-private",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(0));
    let contacts = std::fs::read_to_string(out.join("contacts.csv")).unwrap();
    assert!(contacts.contains("erika@example.org"));
    for format in ["html", "atom", "jsonld"] {
        let out = tmp.path().join(format);
        let run = export(
            &fixture(),
            &[
                "--format",
                format,
                "--include-private",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(run.status.code(), Some(2), "{format}");
        let stderr = String::from_utf8(run.stderr).unwrap();
        assert!(stderr.contains("--include-private` is refused"), "{stderr}");
        assert!(!out.exists(), "{format}: nothing is written");
    }
}

#[test]
fn non_empty_output_needs_force() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("keep.txt"), "mine").unwrap();
    let out = tmp.path().to_str().unwrap();
    let run = export(&fixture(), &["--format", "html", "--out", out]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8(run.stderr).unwrap().contains("--force"));
    assert!(!tmp.path().join("index.html").exists());
    let run = export(&fixture(), &["--format", "html", "--out", out, "--force"]);
    assert_eq!(run.status.code(), Some(0));
    assert!(tmp.path().join("index.html").exists());
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("keep.txt")).unwrap(),
        "mine"
    );
    // Again, over the site just written: every file is replaced, other files stay, and the
    // staging directory next to the output is gone.
    let index = tmp.path().join("index.html");
    let fresh = std::fs::read(&index).unwrap();
    std::fs::write(&index, "stale").unwrap();
    let run = export(&fixture(), &["--format", "html", "--out", out, "--force"]);
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(std::fs::read(&index).unwrap(), fresh);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("keep.txt")).unwrap(),
        "mine"
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".digifarm-staging")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A directory where the export puts a file: refused before anything is replaced.
    std::fs::write(&index, "stale").unwrap();
    let style = tmp.path().join("style.css");
    std::fs::remove_file(&style).unwrap();
    std::fs::create_dir(&style).unwrap();
    let run = export(&fixture(), &["--format", "html", "--out", out, "--force"]);
    assert_ne!(run.status.code(), Some(0));
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert!(
        stderr.contains("a directory is in the way of a file of the export; nothing was replaced"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&index).unwrap(), "stale");
}

#[test]
fn invalid_catalog_is_not_exported() {
    let tmp = tempfile::tempdir().unwrap();
    let catalog = tmp.path().join("catalog");
    std::fs::create_dir_all(catalog.join("projects")).unwrap();
    std::fs::write(
        catalog.join("projects/broken.yaml"),
        "id: broken\nname: Broken\nsummary: x\nstatus: sometimes\nlifecycle: admitted\nlicense: MIT\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let run = export(
        &catalog,
        &["--format", "json", "--out", out.to_str().unwrap()],
    );
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert!(stderr.contains("invalid-value"), "{stderr}");
    assert!(stderr.contains("broken.yaml:4:1"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn single_file_output_and_language() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("projects.md");
    let run = export(
        &fixture(),
        &[
            "--format",
            "markdown",
            "--lang",
            "en",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(0));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("# Civic tech projects – Münster"));
    assert!(text.contains("Water the city's trees together."));
    assert!(text.contains("**Technical help wanted**"));
}

#[test]
fn missing_catalog_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let run = export(
        &tmp.path().join("nope"),
        &[
            "--format",
            "json",
            "--out",
            tmp.path().join("o").to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(2));
}

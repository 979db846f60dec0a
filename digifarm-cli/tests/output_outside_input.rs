//! Inputs are never modified: every command that writes output refuses (exit 2, nothing
//! written) an output that is its input, lies inside it or contains it, also when the path
//! reaches it through a symbolic link or `..`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/run.rs"]
mod run;

use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/export")
}

/// A copy of the export fixture catalog at `<tmp>/cat`.
fn catalog() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let cat = tmp.path().join("cat");
    copy_dir(&fixture(), &cat);
    (tmp, cat)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() {
                files.push((p.clone(), std::fs::read(&p).unwrap()));
            } else {
                files.push((p.clone(), Vec::new()));
            }
        }
    }
    files.sort();
    files
}

fn digifarm(args: &[&str]) -> (i32, String) {
    let out = run::run(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap(), stderr)
}

/// Runs `args`, expects exit 2 with a message about the input, and nothing changed below
/// `watch`.
fn refused(watch: &Path, args: &[&str]) {
    let before = snapshot(watch);
    let (code, stderr) = digifarm(args);
    assert_eq!(code, 2, "{args:?}: {stderr}");
    assert!(
        stderr.contains("inputs are never modified"),
        "{args:?}: {stderr}"
    );
    assert_eq!(before, snapshot(watch), "{args:?} changed its input");
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn export_never_writes_into_over_or_around_its_catalog() {
    let (tmp, cat) = catalog();
    std::os::unix::fs::symlink(&cat, tmp.path().join("alias")).unwrap();
    let outs = [
        cat.clone(),
        cat.join("projects"),
        cat.join("new/site"),
        cat.join("../cat"),
        tmp.path().join("alias"),
        tmp.path().join("alias/site"),
        tmp.path().to_owned(),
    ];
    for out in &outs {
        for format in ["json", "html"] {
            refused(
                tmp.path(),
                &[
                    "export",
                    s(&cat),
                    "--format",
                    format,
                    "--out",
                    s(out),
                    "--force",
                    "--today",
                    "2022-09-01",
                ],
            );
        }
    }
    // A single file inside the catalog, with a built-in format and with a plugin.
    refused(
        tmp.path(),
        &[
            "export",
            s(&cat),
            "--format",
            "markdown",
            "--out",
            s(&cat.join("projects.md")),
        ],
    );
    refused(
        tmp.path(),
        &[
            "export",
            s(&cat),
            "--plugin",
            "feed.wasm",
            "--out",
            s(&cat.join("feed.atom")),
        ],
    );
    // Beside the catalog is fine.
    let (code, stderr) = digifarm(&[
        "export",
        s(&cat),
        "--format",
        "json",
        "--out",
        s(&cat.join("../site")),
        "--today",
        "2022-09-01",
    ]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_single_record_file_is_an_input_too() {
    let (tmp, cat) = catalog();
    let record = cat.join("projects/rats-sitzplan.yaml");
    refused(
        tmp.path(),
        &[
            "export",
            s(&record),
            "--format",
            "json",
            "--out",
            s(&cat.join("projects")),
            "--force",
        ],
    );
}

#[test]
fn import_never_writes_over_or_around_its_input_file() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let input = data.join("digifarm.json");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../digifarm-core/tests/fixtures/digifarm-ms/digifarm.json"),
        &input,
    )
    .unwrap();
    for out in [data.clone(), input.clone(), tmp.path().to_owned()] {
        refused(
            tmp.path(),
            &[
                "import",
                "digifarm-json",
                s(&input),
                "--out",
                s(&out),
                "--force",
            ],
        );
    }
    let (code, stderr) = digifarm(&[
        "import",
        "digifarm-json",
        s(&input),
        "--out",
        s(&tmp.path().join("catalog")),
    ]);
    assert!(code == 0 || code == 1, "{stderr}");
}

#[test]
fn merge_and_stats_never_write_into_or_around_their_catalogs() {
    let (tmp, cat) = catalog();
    let other = tmp.path().join("other");
    copy_dir(&fixture(), &other);
    std::fs::write(
        other.join("digifarm.toml"),
        std::fs::read_to_string(other.join("digifarm.toml"))
            .unwrap()
            .replace("[city]", "[city]\ncode = \"os\""),
    )
    .unwrap();
    for out in [
        cat.join("merged"),
        other.clone(),
        tmp.path().to_owned(),
        cat.join("projects/../merged"),
    ] {
        refused(tmp.path(), &["merge", s(&cat), s(&other), "--out", s(&out)]);
    }
    refused(
        tmp.path(),
        &["stats", s(&cat), "--chart", s(&cat.join("chart.svg"))],
    );
}

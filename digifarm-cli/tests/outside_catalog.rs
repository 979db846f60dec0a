//! A catalog is written by a stranger and validated in CI: a file that resolves outside the
//! catalog (a symbolic link, a linked directory, `..`) is never read, a FIFO or a link loop
//! never blocks, and no byte of a file outside the catalog reaches the output.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/run.rs"]
mod run;

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const PROJECT: &str = "id: demo\nname: Demo\nsummary: {de: Ein Demo, en: A demo}\nstatus: live\nlifecycle: admitted\nlicense: MIT\nlinks:\n  source: https://example.org/demo.git\nlast_reviewed: 2026-10-01\n";
const CONFIG: &str =
    "[city]\nname = \"Münster\"\nags = \"05515000\"\nlanguages = [\"de\", \"en\"]\n";
/// What a secret looks like: a line that is no valid YAML, JSON or TOML, so that a parser
/// reading it would show it as the source line of a syntax error.
const SECRET: &str = "GITHUB_TOKEN=ghp_s3cr3tS3CR3T {[\"";
const MARKER: &str = "s3cr3tS3CR3T";

struct Fixture {
    catalog: tempfile::TempDir,
    outside: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let catalog = tempfile::tempdir().unwrap();
        std::fs::write(catalog.path().join("digifarm.toml"), CONFIG).unwrap();
        for sub in ["projects", "partners", "offers"] {
            std::fs::create_dir(catalog.path().join(sub)).unwrap();
        }
        std::fs::write(catalog.path().join("projects/demo.yaml"), PROJECT).unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.yaml"), format!("{SECRET}\n")).unwrap();
        std::fs::write(outside.path().join("secret.toml"), format!("{SECRET}\n")).unwrap();
        Fixture { catalog, outside }
    }
    fn root(&self) -> &Path {
        self.catalog.path()
    }
    fn secret(&self) -> std::path::PathBuf {
        self.outside.path().join("secret.yaml")
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary with a deadline (a FIFO must not block it), with a secret in its
/// environment that `/proc/self/environ` would show.
fn run(args: &[&str], path: &Path) -> Run {
    let mut child = run::digifarm()
        .args(args)
        .arg(path)
        .env("DIGIFARM_TEST_SECRET", MARKER)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("digifarm {args:?} did not finish within 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Validates in every output format: exit 1, nothing of the secret anywhere, and (JSON) an
/// error `code` naming `file` (the path inside the catalog).
fn refuses(path: &Path, code: &str, file: &str) -> Value {
    for format in ["human", "sarif"] {
        let r = run(
            &["validate", "--today", "2026-11-26", "--format", format],
            path,
        );
        assert_eq!(r.code, 1, "{format}: {}{}", r.stdout, r.stderr);
        assert!(!r.stdout.contains(MARKER), "{format} leaks: {}", r.stdout);
        assert!(!r.stderr.contains(MARKER), "{format} leaks: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
    let r = run(
        &["validate", "--today", "2026-11-26", "--format", "json"],
        path,
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains(MARKER) && !r.stderr.contains(MARKER));
    let json: Value = serde_json::from_str(&r.stdout).unwrap();
    let found = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code && d["file"].as_str().unwrap().ends_with(file))
        .unwrap_or_else(|| panic!("no `{code}` on {file} in {json}"))
        .clone();
    assert_eq!(found["severity"], "error");
    found
}

#[test]
fn a_record_linked_to_a_file_outside_is_not_read() {
    let f = Fixture::new();
    symlink(f.secret(), f.root().join("projects/leak.yaml")).unwrap();
    let d = refuses(f.root(), "outside-catalog", "projects/leak.yaml");
    // The finding names the link, not where it points.
    let outside = f.outside.path().to_str().unwrap();
    assert!(!d.to_string().contains(outside), "{d}");
}

#[test]
fn a_record_linked_to_the_process_environment_is_not_read() {
    let f = Fixture::new();
    symlink("/proc/self/environ", f.root().join("offers/env.yaml")).unwrap();
    refuses(f.root(), "outside-catalog", "offers/env.yaml");
}

#[test]
fn a_relative_link_climbing_out_with_dot_dot_is_not_read() {
    let f = Fixture::new();
    // The outside directory's path, relative to `projects/`.
    let mut up = std::path::PathBuf::new();
    for _ in 0..f.root().join("projects").components().count() {
        up.push("..");
    }
    let target = up.join(f.secret().strip_prefix("/").unwrap());
    symlink(&target, f.root().join("projects/up.yaml")).unwrap();
    refuses(f.root(), "outside-catalog", "projects/up.yaml");
}

#[test]
fn a_linked_directory_is_not_listed_or_read() {
    let f = Fixture::new();
    std::fs::remove_dir(f.root().join("partners")).unwrap();
    symlink(f.outside.path(), f.root().join("partners")).unwrap();
    refuses(f.root(), "outside-catalog", "partners");
}

#[test]
fn a_linked_config_and_collection_file_are_not_read() {
    let f = Fixture::new();
    std::fs::remove_file(f.root().join("digifarm.toml")).unwrap();
    symlink(
        f.outside.path().join("secret.toml"),
        f.root().join("digifarm.toml"),
    )
    .unwrap();
    symlink(f.secret(), f.root().join("offers.jsonl")).unwrap();
    refuses(f.root(), "outside-catalog", "digifarm.toml");
    refuses(f.root(), "outside-catalog", "offers.jsonl");
}

#[test]
fn a_single_file_given_directly_is_read_only_inside_its_directory() {
    let f = Fixture::new();
    symlink(f.secret(), f.root().join("projects/leak.yaml")).unwrap();
    refuses(
        &f.root().join("projects/leak.yaml"),
        "outside-catalog",
        "projects/leak.yaml",
    );
}

#[test]
fn a_fifo_does_not_block_and_a_link_loop_is_an_error() {
    let f = Fixture::new();
    let fifo = f.root().join("projects/fifo.yaml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    symlink("loop.yaml", f.root().join("projects/loop.yaml")).unwrap();
    symlink(
        "../projects/fifo.yaml",
        f.root().join("partners/to-fifo.yaml"),
    )
    .unwrap();
    refuses(f.root(), "not-a-file", "projects/fifo.yaml");
    refuses(f.root(), "not-a-file", "partners/to-fifo.yaml");
    let d = refuses(f.root(), "io-error", "projects/loop.yaml");
    assert!(
        d["message"].as_str().unwrap().contains("symbolic links"),
        "{d}"
    );
}

#[test]
fn a_link_that_stays_inside_the_catalog_is_followed() {
    let f = Fixture::new();
    std::fs::create_dir(f.root().join("shared")).unwrap();
    std::fs::rename(
        f.root().join("projects/demo.yaml"),
        f.root().join("shared/demo.yaml"),
    )
    .unwrap();
    symlink("../shared/demo.yaml", f.root().join("projects/demo.yaml")).unwrap();
    let r = run(
        &["validate", "--today", "2026-11-26", "--format", "json"],
        f.root(),
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    let json: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(json["counts"]["projects"], 1);
}

#[test]
fn licence_files_of_checkouts_are_read_only_inside_the_checkouts_directory() {
    let f = Fixture::new();
    let checkouts = tempfile::tempdir().unwrap();
    std::fs::create_dir(checkouts.path().join("demo")).unwrap();
    symlink(f.secret(), checkouts.path().join("demo/LICENSE")).unwrap();
    let args = [
        "validate",
        "--today",
        "2026-11-26",
        "--format",
        "json",
        "--checkouts",
        checkouts.path().to_str().unwrap(),
    ];
    let r = run(&args, f.root());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains(MARKER));
    assert!(r.stdout.contains("\"outside-catalog\""), "{}", r.stdout);
    // The checkout directory itself linked out.
    std::fs::remove_dir_all(checkouts.path().join("demo")).unwrap();
    symlink(f.outside.path(), checkouts.path().join("demo")).unwrap();
    let r = run(&args, f.root());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("\"outside-catalog\""), "{}", r.stdout);
    // A link inside the checkouts directory is followed.
    std::fs::remove_file(checkouts.path().join("demo")).unwrap();
    std::fs::create_dir(checkouts.path().join("demo")).unwrap();
    std::fs::write(
        checkouts.path().join("MIT.txt"),
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../digifarm-core/tests/fixtures/digifarm-ms/LICENSE.md"
        ))
        .unwrap(),
    )
    .unwrap();
    symlink("../MIT.txt", checkouts.path().join("demo/LICENSE")).unwrap();
    let r = run(&args, f.root());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn plugins_the_config_lists_are_loaded_only_from_inside_the_catalog() {
    let f = Fixture::new();
    std::fs::create_dir(f.root().join("plugins")).unwrap();
    std::fs::write(f.root().join("plugins/x.wasm"), b"\0asm").unwrap();
    // A manifest that is valid TOML, so a parser's message could name its keys.
    std::fs::write(
        f.outside.path().join("plugin.toml"),
        format!("{MARKER} = \"{MARKER}\"\n"),
    )
    .unwrap();
    symlink(
        f.outside.path().join("plugin.toml"),
        f.root().join("plugins/plugin.toml"),
    )
    .unwrap();
    let config = format!(
        "{CONFIG}\n[[plugins]]\npath = \"plugins/x.wasm\"\n\n[[plugins]]\npath = \"../{}/secret.yaml\"\n\n[[plugins]]\npath = \"/proc/self/environ\"\n",
        f.outside.path().file_name().unwrap().to_str().unwrap()
    );
    std::fs::write(f.root().join("digifarm.toml"), config).unwrap();
    let d = refuses(f.root(), "outside-catalog", "digifarm.toml");
    assert_eq!(d["pointer"], "/plugins/0/path");
    let r = run(
        &["validate", "--today", "2026-11-26", "--format", "json"],
        f.root(),
    );
    let json: Value = serde_json::from_str(&r.stdout).unwrap();
    let pointers: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "outside-catalog")
        .map(|d| d["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        ["/plugins/0/path", "/plugins/1/path", "/plugins/2/path"]
    );
    // None of them was loaded.
    assert!(!r.stdout.contains("plugin-failed"), "{}", r.stdout);
}

/// A file named on the command line in a stranger's checkout (a proposal in `proposals/`, a
/// file to import, a publiccode.yml) is read only where it resolves beneath the directory it
/// is named from, as CI names it: a link to a file outside, or a linked directory, is refused
/// unread (exit 2, nothing of it shown, nothing written), whether named relative to the
/// working directory or by its absolute path. A `..` the user types is theirs to type.
#[test]
fn files_named_on_the_command_line_are_read_only_beneath_where_they_are_named() {
    let f = Fixture::new();
    let root = f.root();
    std::fs::create_dir(root.join("proposals")).unwrap();
    symlink(f.secret(), root.join("proposals/form.yaml")).unwrap();
    symlink(f.outside.path(), root.join("linked")).unwrap();
    symlink(f.secret(), root.join("publiccode.yml")).unwrap();
    let before: Vec<_> = std::fs::read_dir(root.join("projects")).unwrap().collect();
    let absolute = root.join("proposals/form.yaml");
    let cases: Vec<Vec<&str>> = vec![
        vec!["propose", ".", "--from", "proposals/form.yaml"],
        vec!["propose", ".", "--from", "./linked/secret.yaml"],
        vec!["propose", ".", "--from", absolute.to_str().unwrap()],
        vec![
            "import",
            "civic-json",
            "linked/secret.yaml",
            "--out",
            "imported",
        ],
        vec![
            "import",
            "publiccode",
            "publiccode.yml",
            "--out",
            "imported",
        ],
        vec!["publiccode", "check", "publiccode.yml"],
        vec!["publiccode", "check", "."],
    ];
    for args in cases {
        let out = run::digifarm()
            .args(&args)
            .current_dir(root)
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stdout}{stderr}");
        assert!(
            stderr.contains("resolves outside the directory it is named from"),
            "{args:?}: {stderr}"
        );
        assert!(
            !stdout.contains(MARKER) && !stderr.contains(MARKER),
            "{args:?} leaks: {stdout}{stderr}"
        );
        assert!(!root.join("imported").exists(), "{args:?}");
    }
    // By its absolute path from another working directory, through the linked directory:
    // refused too (nothing says which directory is trusted, so no link may be on the way).
    let through_link = root.join("linked/secret.yaml");
    let out = run::digifarm()
        .args([
            "propose",
            root.to_str().unwrap(),
            "--from",
            through_link.to_str().unwrap(),
        ])
        .current_dir(f.outside.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains(MARKER) && !String::from_utf8_lossy(&out.stdout).contains(MARKER));
    let after: Vec<_> = std::fs::read_dir(root.join("projects")).unwrap().collect();
    assert_eq!(before.len(), after.len());

    // A path the user climbs out with is read: the proposal is parsed (and refused as a
    // form, exit 1), its finding placed in it.
    let inside = root.join("proposals/inside");
    std::fs::create_dir(&inside).unwrap();
    std::fs::write(root.join("proposals/mine.yaml"), "project: {}\n").unwrap();
    let out = run::digifarm()
        .args([
            "propose",
            "../..",
            "--from",
            "../mine.yaml",
            "--format",
            "json",
        ])
        .current_dir(&inside)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("missing-field"), "{stdout}");
}

//! `digifarm publiccode check` through the real binary: the output formats, exit codes, and
//! `--network` against a real HTTP server on 127.0.0.1 (answers, 404, silence, and the guard
//! that refuses private addresses unless explicitly allowed).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/run.rs"]
mod run;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../digifarm-core/tests/fixtures/publiccode")
        .join(path)
}

fn check(args: &[&str]) -> Output {
    let out = run::digifarm()
        .args(["publiccode", "check"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    out
}

/// The checker skips a byte order mark, and so does the source line shown with a finding on
/// the first line: the caret stands under the column the position names.
#[test]
fn a_byte_order_mark_does_not_shift_the_caret() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("publiccode.yml");
    std::fs::write(&file, "\u{feff}publiccodeYmlVersion: 7.7\n").unwrap();
    let run = check(&[file.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    let human = String::from_utf8(run.stdout).unwrap();
    let shown = human
        .lines()
        .find(|l| l.ends_with("publiccodeYmlVersion: 7.7"))
        .unwrap_or_else(|| panic!("no source line in {human}"));
    let caret = human
        .lines()
        .find(|l| l.trim_end().ends_with('^'))
        .unwrap_or_else(|| panic!("no caret in {human}"));
    // The finding is at `publiccodeYmlVersion` (column 1) or at its value (column 23).
    let column = caret.trim_end().chars().count() - (shown.chars().count() - 25);
    assert!(matches!(column, 1 | 23), "{column}: {human}");
}

#[test]
fn human_json_and_sarif() {
    let valid = fixture("valid/full.yml");
    let invalid = fixture("invalid/maintenance_contacts_missing_with_type_community.yml");
    let run = check(&[valid.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0));
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(
        stdout.ends_with("valid: 0 errors, 0 warnings, 0 notes in 1 publiccode.yml file\n"),
        "{stdout}"
    );

    let run = check(&[invalid.to_str().unwrap(), valid.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    let human = String::from_utf8(run.stdout).unwrap();
    assert!(human.contains("error[missing-field]: `maintenance.contacts` is a required field when \"type\" is \"community\""), "{human}");
    assert!(
        human.contains("maintenance_contacts_missing_with_type_community.yml:24:3"),
        "{human}"
    );
    assert!(human.contains("invalid: 1 error"), "{human}");

    let run = check(&["--format", "json", invalid.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json["valid"], false);
    assert_eq!(json["files"], 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "missing-field");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(24), Some(3))
    );
    assert_eq!(d["pointer"], "/maintenance/contacts");

    let run = check(&["--format", "sarif", invalid.to_str().unwrap()]);
    let sarif: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "missing-field");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        24
    );
}

#[test]
fn a_directory_means_its_publiccode_yml_and_missing_paths_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("valid/minimal.yml"),
        tmp.path().join("publiccode.yml"),
    )
    .unwrap();
    assert_eq!(
        check(&[tmp.path().to_str().unwrap()]).status.code(),
        Some(0)
    );
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(
        check(&[empty.path().to_str().unwrap()]).status.code(),
        Some(2)
    );
    assert_eq!(check(&["/no/such/publiccode.yml"]).status.code(), Some(2));
}

/// A server on 127.0.0.1 that answers `/ok` with 200, stays silent on `/silent`, and
/// answers anything else with 404; it serves `requests` connections, then stops.
fn server(requests: usize) -> (u16, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for _ in 0..requests {
            let Ok((mut stream, _)) = listener.accept() else {
                break;
            };
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut line = String::new();
            BufReader::new(&stream).read_line(&mut line).unwrap_or(0);
            let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
            seen.push(path.clone());
            if path == "/silent" {
                std::thread::sleep(Duration::from_secs(3));
                continue;
            }
            let status = if path == "/ok" {
                "200 OK"
            } else {
                "404 Not Found"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
        seen
    });
    (port, handle)
}

fn with_urls(dir: &Path, port: u16, landing: &str, roadmap: &str) -> PathBuf {
    let minimal = std::fs::read_to_string(fixture("valid/minimal.yml")).unwrap();
    let minimal = minimal.replace(
        "url: \"https://codeberg.org/stadt-beispiel/baumpaten.git\"",
        &format!("url: \"http://127.0.0.1:{port}/ok\""),
    );
    let text = minimal.replace(
        "platforms:\n",
        &format!(
            "landingURL: \"http://127.0.0.1:{port}{landing}\"\nroadmap: \"http://127.0.0.1:{port}{roadmap}\"\nplatforms:\n"
        ),
    );
    let file = dir.join("publiccode.yml");
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn network_checks_against_a_local_server() {
    let tmp = tempfile::tempdir().unwrap();
    // Without --network nothing is fetched: the 404 goes unnoticed.
    let file = with_urls(tmp.path(), 9, "/ok", "/missing");
    assert_eq!(check(&[file.to_str().unwrap()]).status.code(), Some(0));

    // With the guard lifted for the test server: the live URL passes, the 404 is reported.
    let (port, handle) = server(3);
    let file = with_urls(tmp.path(), port, "/ok", "/missing");
    let run = check(&[
        "--network",
        "--network-allow-private",
        "--format",
        "json",
        file.to_str().unwrap(),
    ]);
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(run.status.code(), Some(1), "{json}");
    let unreachable: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "url-unreachable")
        .collect();
    assert_eq!(unreachable.len(), 1, "{json}");
    assert_eq!(unreachable[0]["pointer"], "/roadmap");
    assert!(unreachable[0]["message"].as_str().unwrap().contains("404"));
    let seen = handle.join().unwrap();
    assert!(seen.contains(&"/ok".to_owned()) && seen.contains(&"/missing".to_owned()));

    // A server that never answers runs into the timeout.
    let (port, handle) = server(3);
    let file = with_urls(tmp.path(), port, "/silent", "/silent");
    let started = std::time::Instant::now();
    let run = check(&[
        "--network",
        "--network-allow-private",
        "--timeout",
        "1",
        "--format",
        "json",
        file.to_str().unwrap(),
    ]);
    assert!(started.elapsed() < Duration::from_secs(15));
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(run.status.code(), Some(1));
    let text = json.to_string();
    assert!(text.contains("timeout"), "{text}");
    handle.join().unwrap();

    // By default the guard refuses loopback addresses, before any connection.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let file = with_urls(tmp.path(), port, "/ok", "/ok");
    let run = check(&["--network", "--format", "json", file.to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(run.status.code(), Some(1));
    let refused = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "url-unreachable")
        .count();
    assert_eq!(refused, 3, "{json}");
    assert!(json.to_string().contains("not public"), "{json}");
    assert!(
        listener.accept().is_err(),
        "the guard let a connection through"
    );
}

/// `digifarm export examples/muenster --format publiccode` writes only valid files or names
/// every project that needs a fix. The example's data lacks what the standard requires and
/// DIGIFARM.MS never recorded (features, available languages, software type): the export
/// names each such project with what to set and writes nothing; with `--skip-invalid` it
/// writes the others, each of which `digifarm publiccode check` accepts, and every published
/// project is either written or named. `validate` predicts the refusals it can.
#[test]
fn the_muenster_export_names_every_project_to_fix_or_writes_only_valid_files() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/muenster");
    let tmp = tempfile::tempdir().unwrap();
    let run = |out: &Path, extra: &[&str]| {
        let o = run::digifarm()
            .args([
                "export",
                example.to_str().unwrap(),
                "--format",
                "publiccode",
            ])
            .args(["--out", out.to_str().unwrap(), "--today", "2026-11-26"])
            .args(extra)
            .output()
            .unwrap();
        assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"));
        o
    };
    // What `validate` predicts: the projects that would not export.
    let validate = run::digifarm()
        .args(["validate", example.to_str().unwrap(), "--format", "json"])
        .args(["--today", "2026-11-26"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&validate.stdout).unwrap();
    let to_fix: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "publiccode-export-invalid")
        .map(|d| {
            let m = d["message"].as_str().unwrap();
            m.split('`').nth(1).unwrap().to_owned()
        })
        .collect();
    assert!(!to_fix.is_empty());

    let out = tmp.path().join("lenient");
    let lenient = run(&out, &["--skip-invalid"]);
    assert_eq!(lenient.status.code(), Some(0), "{lenient:?}");
    // Skipped: "  <id>:" lines, each followed by what to set.
    let stderr = String::from_utf8_lossy(&lenient.stderr).into_owned();
    let skipped: Vec<String> = stderr
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.ends_with(':'))
        .map(|l| l.trim().trim_end_matches(':').to_owned())
        .collect();
    for id in &to_fix {
        assert!(skipped.contains(id), "{id} is not named: {stderr}");
    }
    assert_eq!(
        stderr.matches("— set").count(),
        stderr.lines().filter(|l| l.starts_with("    - ")).count(),
        "a problem without its fix: {stderr}"
    );
    let mut written = Vec::new();
    for entry in std::fs::read_dir(&out).unwrap() {
        let dir = entry.unwrap().path();
        let id = dir.file_name().unwrap().to_str().unwrap().to_owned();
        if id.starts_with('.') {
            // The export's own marker (what `--force` may replace), not a project.
            continue;
        }
        assert!(
            !skipped.contains(&id),
            "{id} was written although it is invalid"
        );
        let file = dir.join("publiccode.yml");
        let checked = check(&[file.to_str().unwrap()]);
        assert_eq!(
            checked.status.code(),
            Some(0),
            "{id}: {}",
            String::from_utf8_lossy(&checked.stdout)
        );
        written.push(id);
    }
    // Every published project is either written (and valid) or named.
    let stdout = String::from_utf8_lossy(&lenient.stdout);
    let published: usize = stdout
        .strip_prefix("exported ")
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert_eq!(written.len() + skipped.len(), published, "{stdout}{stderr}");

    // Without --skip-invalid: exit 1, the same projects named, nothing written.
    let out = tmp.path().join("strict");
    let strict = run(&out, &[]);
    let stderr = String::from_utf8_lossy(&strict.stderr);
    if skipped.is_empty() {
        assert_eq!(strict.status.code(), Some(0), "{stderr}");
    } else {
        assert_eq!(strict.status.code(), Some(1), "{stderr}");
        for id in &skipped {
            assert!(
                stderr.contains(&format!("  {id}:")),
                "{id} not named: {stderr}"
            );
        }
        assert!(!out.exists(), "a refused export wrote files");
    }
}

//! One fixture per case, one loop over them, every diagnostic code covered.
//!
//! `tests/fixtures/diagnostics/{invalid,valid}/<code>/<case>/` holds the input files of one
//! case (usually a small catalog) and optionally `args.txt`: the command line, one argument a
//! line, with `{case}` for the case's temporary copy, `{out}` for a directory beside it that
//! does not exist yet (for commands that write), and `{server}` for the base URL of a local
//! HTTP server answering like the forges (`support/forge_server.rs`; also replaced in the
//! case's text files, e.g. a publiccode.yml's URLs). Without `args.txt` the
//! case runs `validate {case} --format json --today 2026-12-01`.
//!
//! Every case runs the real binary on a copy; its findings (every JSON object with `code` and
//! `severity`, wherever the command puts them) are snapshot with the exit code. An `invalid`
//! case must produce its code (and exit non-zero when that finding is an error), a `valid`
//! case must not produce it and no error at all; no case may change its input files. Then
//! every code of `Code::ALL` must have been produced by an `invalid` case, or stand in
//! [`NOT_FROM_FIXTURES`] with the test that covers it.
//!
//! After an intended change: `INSTA_UPDATE=always cargo test -p digifarm-cli --test
//! diagnostics`, delete any `*.snap.new`, and review the diff.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

#[path = "support/files.rs"]
mod files;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use digifarm_core::diagnostic::Code;
use serde_json::Value;
use support::forge_server::{self as fs, Reply};
use support::run;

/// The reference day of every case (`--today`), so that no snapshot ages.
const TODAY: &str = "2026-12-01";

/// Codes no fixture produces, with why and the test that covers each instead (the coverage
/// test checks that file names the code).
const NOT_FROM_FIXTURES: &[(&str, &str, &str)] = &[(
    "file-too-large",
    "needs a record file over 8 MiB (`source::MAX_RECORD_BYTES`), too big to commit; the only \
     path from small input, a plugin importer's record that would be written over the limit \
     (`import/admit.rs`), needs a wasm plugin that is only there after scripts/test-plugins.sh",
    "tests/validate.rs",
)];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diagnostics")
}

/// One case directory.
struct Case {
    /// `invalid` or `valid`.
    kind: String,
    /// The code the case is about.
    code: String,
    /// The case's own name.
    name: String,
    dir: PathBuf,
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn name_of(path: &Path) -> String {
    path.file_name().unwrap().to_str().unwrap().to_owned()
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for kind in ["invalid", "valid"] {
        for code_dir in sorted_dirs(&fixtures().join(kind)) {
            let cases = sorted_dirs(&code_dir);
            assert!(!cases.is_empty(), "{} holds no case", code_dir.display());
            for dir in cases {
                out.push(Case {
                    kind: kind.to_owned(),
                    code: name_of(&code_dir),
                    name: name_of(&dir),
                    dir,
                });
            }
        }
    }
    out
}

/// One finding as the command printed it, paths made relative to the case.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Finding {
    code: String,
    severity: String,
    file: String,
    line: u64,
    column: u64,
    pointer: String,
    message: String,
}

/// What running a case gave.
struct Outcome {
    id: String,
    kind: String,
    code: String,
    exit: i32,
    findings: Vec<Finding>,
    /// What went wrong beyond the findings: a panic, changed input, output that is not JSON.
    problems: Vec<String>,
    /// The normalised text that is snapshot.
    shown: String,
}

/// The forge world of `support/forge_server.rs`, plus a few repositories that fail in the
/// ways refresh reports: a server error, a body that is not JSON, a rate limit that would
/// need an hour's pause.
fn server(req: &fs::Req, base: &str) -> Reply {
    match req.path.as_str() {
        "/github/repos/o/error" => Reply::status(500),
        "/github/repos/o/malformed" => Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: fs::Body::Bytes(b"{\"id\": 1, ".to_vec()),
        },
        // GitHub's secondary rate limit: 429 with Retry-After (seconds, so the message does
        // not depend on the clock).
        "/github/repos/o/limited" => Reply::status(429).header("Retry-After", "3600"),
        _ => fs::forges(req, base),
    }
}

/// Every object in `v` with a string `code` and `severity`: the findings, wherever the
/// command's JSON puts them.
fn collect_findings(v: &Value, case: &str, out: &mut Vec<Finding>) {
    match v {
        Value::Object(map) => {
            if let (Some(Value::String(code)), Some(Value::String(severity))) =
                (map.get("code"), map.get("severity"))
            {
                let text = |k: &str| map.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
                let number = |k: &str| map.get(k).and_then(Value::as_u64).unwrap_or(0);
                let file = text("file");
                let file = file
                    .strip_prefix(case)
                    .map_or(file.clone(), |f| f.trim_start_matches('/').to_owned());
                out.push(Finding {
                    code: code.clone(),
                    severity: severity.clone(),
                    file,
                    line: number("line"),
                    column: number("column"),
                    pointer: text("pointer"),
                    message: text("message"),
                });
            }
            for value in map.values() {
                collect_findings(value, case, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_findings(item, case, out);
            }
        }
        _ => {}
    }
}

fn run(case: &Case) -> Outcome {
    let id = format!("{}/{}/{}", case.kind, case.code, case.name);
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("case");
    let out_dir = tmp.path().join("out");
    files::copy_dir(&case.dir, &copy);
    let args_file = copy.join("args.txt");
    let template: Vec<String> = match std::fs::read_to_string(&args_file) {
        Ok(text) => text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect(),
        Err(_) => ["validate", "{case}", "--format", "json", "--today", TODAY]
            .map(str::to_owned)
            .to_vec(),
    };
    let names_server = |bytes: &[u8]| bytes.windows(8).any(|w| w == b"{server}");
    let forge = (template.iter().any(|a| names_server(a.as_bytes()))
        || files::snapshot(&copy).iter().any(|(_, b)| names_server(b)))
    .then(|| fs::start(server));
    let base = forge.as_ref().map_or(String::new(), |s| s.base.clone());
    let case_path = copy.display().to_string();
    let out_path = out_dir.display().to_string();
    let args: Vec<String> = template
        .iter()
        .map(|a| {
            a.replace("{case}", &case_path)
                .replace("{out}", &out_path)
                .replace("{server}", &base)
        })
        .collect();

    // A file that names the server (a publiccode.yml's URLs) gets its address too.
    if !base.is_empty() {
        for (path, bytes) in files::snapshot(&copy) {
            if let Ok(text) = String::from_utf8(bytes)
                && text.contains("{server}")
            {
                std::fs::write(path, text.replace("{server}", &base)).unwrap();
            }
        }
    }
    let before = files::snapshot(&copy);
    let output = run::digifarm()
        .args(&args)
        .current_dir(&copy)
        .env("DIGIFARM_PLUGIN_CACHE", "off")
        .output()
        .unwrap();
    let after = files::snapshot(&copy);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut problems = Vec::new();
    if stderr.contains("panicked") {
        problems.push(format!("the command panicked: {stderr}"));
    }
    if before != after {
        let names = |s: &[(PathBuf, Vec<u8>)]| -> Vec<String> {
            s.iter().map(|(p, _)| p.display().to_string()).collect()
        };
        problems.push(format!(
            "the command changed its input files: before {:?}, after {:?}",
            names(&before),
            names(&after)
        ));
    }
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        problems.push(format!("stdout is not JSON ({e}):\n{stdout}\n{stderr}"));
        Value::Null
    });
    let exit = output.status.code().unwrap();

    // Temporary paths and the server's port differ from run to run.
    let normalise = |s: &str| {
        let mut s = s.replace(&case_path, "{case}").replace(&out_path, "{out}");
        if !base.is_empty() {
            s = s.replace(&base, "{server}");
        }
        s
    };
    let mut findings = Vec::new();
    collect_findings(&json, &case_path, &mut findings);
    for f in &mut findings {
        f.file = normalise(&f.file);
        f.message = normalise(&f.message);
    }

    let mut shown = String::new();
    writeln!(shown, "args: {}", normalise(&args.join(" "))).unwrap();
    writeln!(shown, "exit: {exit}").unwrap();
    for f in &findings {
        writeln!(
            shown,
            "{} {} {}:{}:{} {:?}\n    {}",
            f.severity, f.code, f.file, f.line, f.column, f.pointer, f.message
        )
        .unwrap();
    }
    Outcome {
        id,
        kind: case.kind.clone(),
        code: case.code.clone(),
        exit,
        findings,
        problems,
        shown,
    }
}

/// Every case run once, in parallel, shared by the tests below.
fn outcomes() -> &'static [Outcome] {
    static OUTCOMES: OnceLock<Vec<Outcome>> = OnceLock::new();
    OUTCOMES.get_or_init(|| {
        let cases = cases();
        let workers = 4;
        let mut results: Vec<Option<Outcome>> = (0..cases.len()).map(|_| None).collect();
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|w| {
                    let cases = &cases;
                    scope.spawn(move || {
                        (w..cases.len())
                            .step_by(workers)
                            .map(|i| (i, run(&cases[i])))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for h in handles {
                for (i, outcome) in h.join().unwrap() {
                    results[i] = Some(outcome);
                }
            }
        });
        results.into_iter().map(Option::unwrap).collect()
    })
}

#[test]
fn every_case_gives_its_findings() {
    let mut problems = Vec::new();
    for o in outcomes() {
        problems.extend(o.problems.iter().map(|p| format!("{}: {p}", o.id)));
        let own: Vec<&Finding> = o.findings.iter().filter(|f| f.code == o.code).collect();
        match o.kind.as_str() {
            "invalid" => {
                if own.is_empty() {
                    problems.push(format!("{}: `{}` not produced\n{}", o.id, o.code, o.shown));
                } else if own.iter().any(|f| f.severity == "error") && o.exit == 0 {
                    problems.push(format!("{}: an error but exit code 0\n{}", o.id, o.shown));
                }
            }
            _ => {
                if !own.is_empty() || o.findings.iter().any(|f| f.severity == "error") {
                    problems.push(format!(
                        "{}: a valid case gives `{}` or an error\n{}",
                        o.id, o.code, o.shown
                    ));
                } else if o.exit != 0 {
                    problems.push(format!("{}: exit code {}\n{}", o.id, o.exit, o.shown));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for o in outcomes() {
        insta::assert_snapshot!(o.id.replace('/', "__"), o.shown);
    }
    // A snapshot whose case was renamed or removed would never be checked again.
    let names: BTreeSet<String> = outcomes()
        .iter()
        .map(|o| format!("diagnostics__{}.snap", o.id.replace('/', "__")))
        .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.starts_with("diagnostics__") && name.ends_with(".snap") {
            assert!(
                names.contains(&name),
                "{name} belongs to no case: delete it"
            );
        }
    }
}

#[test]
fn every_code_is_produced_by_an_invalid_fixture() {
    let produced: BTreeSet<&str> = outcomes()
        .iter()
        .filter(|o| o.kind == "invalid")
        .flat_map(|o| o.findings.iter().map(|f| f.code.as_str()))
        .collect();
    let all: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let excepted: BTreeSet<&str> = NOT_FROM_FIXTURES.iter().map(|(c, _, _)| *c).collect();
    let missing: Vec<&str> = all
        .iter()
        .filter(|c| !produced.contains(*c) && !excepted.contains(*c))
        .copied()
        .collect();
    assert!(
        missing.is_empty(),
        "no invalid fixture produces: {missing:?}"
    );
    // Every fixture directory names a real code, and has an `invalid` case per code.
    for o in outcomes() {
        assert!(all.contains(o.code.as_str()), "{}: no such code", o.id);
    }
    for code in &all {
        let dir = fixtures().join("invalid").join(code);
        assert!(
            dir.is_dir() || excepted.contains(code),
            "no fixture directory {}",
            dir.display()
        );
    }
    // An exception is only for a code no fixture produces, and its test names the code.
    for (code, reason, test) in NOT_FROM_FIXTURES {
        assert!(all.contains(code), "{code}: no such code");
        assert!(
            !produced.contains(code),
            "{code} is produced by a fixture: drop the exception"
        );
        assert!(!reason.is_empty());
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(test))
            .unwrap_or_else(|e| panic!("{test}: {e}"));
        assert!(
            text.contains(&format!("\"{code}\"")),
            "{test} does not name `{code}`"
        );
    }
}

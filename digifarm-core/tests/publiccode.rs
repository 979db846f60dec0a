//! The publiccode.yml rules, one fixture per rule: `tests/fixtures/publiccode/valid/` must
//! give no error and no warning, `warnings/` warnings but no error, `invalid/` errors. Each
//! fixture's `# expect: CODE LINE:COLUMN KEY` lines name a finding that must be there, with
//! that code, position and the reference validator's key path in its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use digifarm_core::publiccode::{self, Options};
use digifarm_core::{Code, Diagnostic, Severity};

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/publiccode")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

struct Expect {
    code: String,
    at: Option<(u32, u32)>,
    key: Option<String>,
}

fn expectations(text: &str) -> Vec<Expect> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(|l| {
            let mut parts = l.split_whitespace();
            let code = parts.next().unwrap().to_owned();
            let mut at = None;
            let mut key = None;
            for p in parts {
                if let Some((line, col)) = p.split_once(':')
                    && let (Ok(line), Ok(col)) = (line.parse(), col.parse())
                {
                    at = Some((line, col));
                } else {
                    key = Some(p.to_owned());
                }
            }
            Expect { code, at, key }
        })
        .collect()
}

fn check(path: &Path) -> (String, Vec<Diagnostic>) {
    let bytes = std::fs::read(path).unwrap();
    let options = Options {
        base_dir: path.parent(),
        ..Options::default()
    };
    let checked = publiccode::check(&bytes, "publiccode.yml", &options);
    (
        String::from_utf8_lossy(&bytes).into_owned(),
        checked.diagnostics,
    )
}

fn show(ds: &[Diagnostic]) -> String {
    ds.iter()
        .map(|d| {
            format!(
                "  {} {}:{} {} {}",
                d.code, d.line, d.column, d.severity, d.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn expected_missing(path: &Path, text: &str, ds: &[Diagnostic]) -> Vec<String> {
    let mut missing = Vec::new();
    for e in expectations(text) {
        let found = ds.iter().any(|d| {
            d.code == e.code
                && e.at.is_none_or(|(l, c)| d.line == l && d.column == c)
                && e.key
                    .as_ref()
                    .is_none_or(|k| d.message.contains(&format!("`{k}`")))
        });
        if !found {
            missing.push(format!(
                "{}: expected {} at {:?} about {:?}, got:\n{}",
                path.display(),
                e.code,
                e.at,
                e.key,
                show(ds)
            ));
        }
    }
    missing
}

#[test]
fn valid_fixtures_have_no_errors_and_no_warnings() {
    for path in fixtures("valid") {
        let (_, ds) = check(&path);
        let bad: Vec<Diagnostic> = ds
            .into_iter()
            .filter(|d| d.severity != Severity::Info)
            .collect();
        assert!(bad.is_empty(), "{}:\n{}", path.display(), show(&bad));
    }
}

#[test]
fn warning_fixtures_warn_without_errors() {
    let mut failures = Vec::new();
    for path in fixtures("warnings") {
        let (text, ds) = check(&path);
        assert!(
            !ds.iter().any(Diagnostic::is_error),
            "{}:\n{}",
            path.display(),
            show(&ds)
        );
        assert!(
            ds.iter().any(|d| d.severity == Severity::Warning),
            "{}: no warning",
            path.display()
        );
        assert!(
            text.contains("# expect: "),
            "{}: no expectation",
            path.display()
        );
        failures.extend(expected_missing(&path, &text, &ds));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn invalid_fixtures_give_their_errors_where_they_are() {
    let mut failures = Vec::new();
    for path in fixtures("invalid") {
        let (text, ds) = check(&path);
        assert!(
            ds.iter().any(Diagnostic::is_error),
            "{}: no error",
            path.display()
        );
        assert!(
            text.contains("# expect: "),
            "{}: no expectation",
            path.display()
        );
        failures.extend(expected_missing(&path, &text, &ds));
        for d in &ds {
            assert!(
                d.line >= 1 && d.column >= 1,
                "{}: no position: {d:?}",
                path.display()
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_publiccode_code_has_a_fixture() {
    let mut seen = std::collections::BTreeSet::new();
    for kind in ["valid", "warnings", "invalid"] {
        for path in fixtures(kind) {
            for e in expectations(&std::fs::read_to_string(&path).unwrap()) {
                seen.insert(e.code);
            }
        }
    }
    for code in [
        Code::PubliccodeVersionUnsupported,
        Code::PubliccodeVersionOutdated,
        Code::PubliccodeDeprecated,
        Code::PubliccodeConflict,
        Code::PubliccodeFile,
        Code::MissingField,
        Code::UnknownField,
        Code::WrongType,
        Code::InvalidValue,
        Code::InvalidFormat,
        Code::Yaml11Boolean,
        Code::LicenseInvalid,
    ] {
        assert!(seen.contains(code.as_str()), "no fixture expects {code}");
    }
}

#[test]
fn bad_bytes_give_clear_diagnostics() {
    let none = Options::default();
    let utf8 = publiccode::check(b"name: \xff\xfe\n", "p.yml", &none);
    assert_eq!(utf8.diagnostics[0].code, "invalid-utf8");
    assert_eq!(
        (utf8.diagnostics[0].line, utf8.diagnostics[0].column),
        (1, 7)
    );
    let big = vec![b'#'; 50 * 1024 * 1024];
    let large = publiccode::check(&big, "p.yml", &none);
    assert_eq!(large.diagnostics[0].code, "file-too-large");
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
    let bombed = publiccode::check(bomb.as_bytes(), "p.yml", &none);
    assert_eq!(bombed.diagnostics[0].code, "yaml-unsupported");
    let deep = format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep = publiccode::check(deep.as_bytes(), "p.yml", &none);
    assert_eq!(deep.diagnostics[0].code, "too-deep");
}

/// A chain of anchors, each holding the previous one 62 levels down, pastes a tree far
/// deeper than the limit through aliases (it crashed the checker with a stack overflow):
/// it is refused where the first alias would go too deep.
#[test]
fn alias_chains_cannot_nest_past_the_limit() {
    let mut text = String::from("publiccodeYmlVersion: \"0\"\na0: &a0 x\n");
    for i in 1..20_000 {
        text.push_str(&format!(
            "a{i}: &a{i} {}*a{}{}\n",
            "[".repeat(62),
            i - 1,
            "]".repeat(62)
        ));
    }
    assert!(text.len() > 2_000_000);
    let checked = publiccode::check(text.as_bytes(), "p.yml", &Options::default());
    let d = &checked.diagnostics[0];
    assert_eq!(d.code, "too-deep", "{}", show(&checked.diagnostics));
    assert_eq!((d.line, d.column), (4, 71));
}

//! Links are checked as URLs, and every exporter escapes for its own syntax: a homepage with a
//! line break and a `<script>` after it is refused, text that looks like Markdown, HTML or a
//! spreadsheet formula is published as text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/run.rs"]
mod run;

use std::path::Path;
use std::process::Output;

use serde_json::Value;

const CONFIG: &str =
    "[city]\nname = \"Münster\"\nags = \"05515000\"\nlanguages = [\"de\", \"en\"]\n";

fn project(name: &str, summary: &str, homepage: &str) -> String {
    serde_json::json!({
        "id": "demo",
        "name": name,
        "summary": summary,
        "status": "live",
        "lifecycle": "admitted",
        "license": "MIT",
        "links": {"homepage": homepage, "source": "https://example.org/demo.git"},
        "last_reviewed": "2026-10-01",
    })
    .to_string()
}

fn catalog(project: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("digifarm.toml"), CONFIG).unwrap();
    std::fs::create_dir(dir.path().join("projects")).unwrap();
    std::fs::write(dir.path().join("projects/demo.json"), project).unwrap();
    dir
}

fn digifarm(args: &[&str], path: &Path) -> Output {
    let out = run::digifarm().args(args).arg(path).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    out
}

fn validate(path: &Path) -> (i32, Vec<Value>) {
    let out = digifarm(
        &["validate", "--format", "json", "--today", "2026-11-26"],
        path,
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        out.status.code().unwrap(),
        json["diagnostics"].as_array().unwrap().clone(),
    )
}

#[test]
fn links_are_validated_as_urls() {
    for bad in [
        "https://ok.example/\n\n<script>alert(1)</script>",
        "https://ok.example/a b",
        "https://ok.example/\u{85}x",
        "https://",
        "javascript:alert(1)",
    ] {
        let dir = catalog(&project("Demo", "Ein Demo", bad));
        let (code, diags) = validate(dir.path());
        assert_eq!(code, 1, "{bad:?} accepted: {diags:?}");
        assert!(
            diags
                .iter()
                .any(|d| d["severity"] == "error" && d["pointer"] == "/links/homepage"),
            "{bad:?}: {diags:?}"
        );
        // And the catalog is not exported.
        let outputs = tempfile::tempdir().unwrap();
        let out = outputs.path().join("catalog.md");
        let exported = digifarm(
            &[
                "export",
                "--format",
                "markdown",
                "--out",
                out.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert_eq!(exported.status.code(), Some(1), "{bad:?}");
        assert!(!out.exists());
    }
    let dir = catalog(&project(
        "Demo",
        "Ein Demo",
        "https://münster.example/a?b=c",
    ));
    assert_eq!(validate(dir.path()).0, 0);
}

#[test]
fn markup_and_formulas_in_text_are_published_as_text() {
    let dir = catalog(&project(
        "![bild](https://evil.example/x.png) <script>alert(1)</script> & ~~x~~",
        "=HYPERLINK(\"https://evil.example\",\"klick\")",
        "https://ok.example/",
    ));
    assert_eq!(validate(dir.path()).0, 0);
    let outputs = tempfile::tempdir().unwrap();
    let md = outputs.path().join("catalog.md");
    let out = digifarm(
        &[
            "export",
            "--format",
            "markdown",
            "--out",
            md.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(!text.contains("<script>"), "{text}");
    assert!(!text.contains("!["), "{text}");
    assert!(!text.contains("~~x"), "{text}");
    assert!(text.contains("\\<script\\>"), "{text}");
    assert!(text.contains("(https://ok.example/)"), "{text}");
    for dialect in ["excel", "rfc4180"] {
        let csv = outputs.path().join(dialect);
        let out = digifarm(
            &[
                "export",
                "--format",
                "csv",
                "--csv-dialect",
                dialect,
                "--out",
                csv.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let text = std::fs::read_to_string(csv.join("projects.csv")).unwrap();
        assert!(text.contains("\"'=HYPERLINK("), "{dialect}: {text}");
        assert!(!text.contains("\"=HYPERLINK("), "{dialect}: {text}");
    }
}

//! Plugin output is untrusted: every string a plugin returns, and every error that echoes
//! one, is printable (no control character, no bidirectional override), length-capped and
//! syntactically checked before the host stores or shows it. The hostile test plugins
//! (`plugins/examples/hostile*`) return what each test tells them to.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

mod common;

use common::*;
use digifarm_core::catalog::Catalog;
use digifarm_core::diagnostic::is_unprintable;
use digifarm_core::model::{PluginGrants, Project};
use digifarm_plugin_host::{Candidate, ErrorKind, Plugin};
use serde_json::json;

/// What a terminal would obey: ESC sequences (clear screen, colours, OSC 8 links), a line
/// break that forges a report line, a bell, C1 CSI, and a right-to-left override.
const EVIL: &str = "\u{1b}[2J\u{1b}[31mred\u{1b}]8;;https://evil.example\u{7}link\u{1b}]8;;\u{7}\nok: 0 errors, 0 warnings (FORGED)\r\u{9b}31m\u{202E}txt.exe";

/// Shown text: nothing a terminal would obey, at most `max` characters.
fn assert_shown(text: &str, max: usize) {
    assert!(
        !text.chars().any(is_unprintable),
        "unprintable characters reach the reader: {text:?}"
    );
    assert!(
        text.chars().count() <= max,
        "{} characters, more than {max}",
        text.chars().count()
    );
}

fn projects() -> Vec<Project> {
    vec![project(json!({
        "id": "stadtbaum", "name": "Stadtbaum", "summary": "Bäume", "status": "live",
        "lifecycle": "admitted", "license": "MIT",
    }))]
}

fn plugin(id: &str, config: &[(&str, &str)]) -> Plugin {
    let dir = plugins_dir().expect("plugins are built");
    let mut grants = PluginGrants::default();
    for (k, v) in config {
        grants.config.insert((*k).into(), (*v).into());
    }
    load(host(), &dir, id, &grants).expect("loads")
}

fn validate(
    config: &[(&str, &str)],
) -> digifarm_plugin_host::Result<Vec<digifarm_plugin_host::Finding>> {
    plugin("hostile", config).validate(&city(), &projects())
}

fn invalid_output(err: &digifarm_plugin_host::Error) -> &str {
    match &err.kind {
        ErrorKind::InvalidOutput { message } => message,
        other => panic!("expected invalid output, got {other}"),
    }
}

// ---- validators --------------------------------------------------------------------------

#[test]
fn messages_and_help_are_made_printable_and_capped() {
    if plugins_dir().is_none() {
        return;
    }
    let long = "x".repeat(1 << 20);
    let findings = validate(&[
        ("mode", "echo"),
        ("message", EVIL),
        ("help", EVIL),
        ("pointer", "/links/source"),
    ])
    .expect("a message with escapes is kept, escaped");
    let d = &findings[0].diagnostic;
    assert_shown(&d.message, 2001);
    assert_shown(d.help.as_deref().unwrap(), 1001);
    assert!(d.message.contains("\\u{1b}[2J"), "{}", d.message);
    assert!(d.message.contains("\\nok: 0 errors"), "{}", d.message);
    assert!(d.message.contains("\\u{202e}"), "{}", d.message);
    assert_eq!(d.pointer, "/links/source");
    let findings = validate(&[("mode", "echo"), ("message", &long), ("help", &long)])
        .expect("a long message is cut");
    let d = &findings[0].diagnostic;
    assert_shown(&d.message, 2001);
    assert!(d.message.ends_with('…'));
    assert_shown(d.help.as_deref().unwrap(), 1001);
}

#[test]
fn a_message_of_control_characters_only_is_empty() {
    if plugins_dir().is_none() {
        return;
    }
    for blank in [
        "\u{1b}\u{7}\n\t\u{0}",
        "\u{200B}\u{202E}\u{FEFF}",
        " \u{3000}",
    ] {
        let err = validate(&[("mode", "echo"), ("message", blank)]).expect_err(blank);
        assert_eq!(
            invalid_output(&err),
            "diagnostic `echo` has an empty message",
            "{blank:?}"
        );
    }
}

#[test]
fn pointers_are_json_pointers() {
    if plugins_dir().is_none() {
        return;
    }
    for ok in [
        "",
        "/",
        "/links/source",
        "/needs/0/skills/1",
        "/a~0b/c~1d",
        "/ä ö",
    ] {
        let findings =
            validate(&[("mode", "echo"), ("pointer", ok)]).unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert_eq!(findings[0].diagnostic.pointer, ok);
    }
    for bad in [
        "links/source",
        "/a~2",
        "/a~",
        "~0",
        "/needs/\u{1b}[2J",
        "/x\nerror: FORGED",
        "/\u{202E}",
    ] {
        let err = validate(&[("mode", "echo"), ("pointer", bad)]).expect_err(bad);
        let message = invalid_output(&err);
        assert!(message.contains("is not a JSON pointer"), "{message}");
        assert_shown(&err.to_string(), 400);
    }
    // 8 MiB: refused, and not printed in full.
    let err = validate(&[("mode", "long-pointer")]).expect_err("long");
    let message = invalid_output(&err);
    assert!(message.contains("is not a JSON pointer"), "{message}");
    assert!(message.contains("longer than 1024 bytes"), "{message}");
    assert_shown(&err.to_string(), 400);
}

#[test]
fn codes_and_subjects_that_break_the_rules_are_not_echoed_raw() {
    if plugins_dir().is_none() {
        return;
    }
    let err = validate(&[("mode", "echo"), ("code", EVIL)]).expect_err("code");
    assert!(invalid_output(&err).contains("is not kebab-case"), "{err}");
    assert_shown(&err.to_string(), 400);
    let err = validate(&[("mode", "echo"), ("subject", EVIL)]).expect_err("subject");
    assert!(
        invalid_output(&err).contains("which is not a project of the batch"),
        "{err}"
    );
    assert_shown(&err.to_string(), 400);
    let long = "y".repeat(8 << 20);
    let err = validate(&[("mode", "echo"), ("subject", &long)]).expect_err("long subject");
    assert_shown(&err.to_string(), 400);
}

#[test]
fn the_plugins_error_panic_and_stderr_are_printable_and_capped() {
    if plugins_dir().is_none() {
        return;
    }
    let long = format!("{EVIL}{}", "z".repeat(1 << 20));
    let err = validate(&[("mode", "error"), ("message", &long)]).expect_err("error");
    match &err.kind {
        ErrorKind::Failed { message } => {
            assert!(message.starts_with("\\u{1b}[2J"), "{message}");
            assert_shown(message, 1001);
        }
        other => panic!("expected the plugin's error, got {other}"),
    }
    assert_shown(&err.to_string(), 1200);
    for mode in ["panic-with", "stderr"] {
        let err = validate(&[("mode", mode), ("message", &long)]).expect_err(mode);
        match &err.kind {
            ErrorKind::Trap { message, detail } => {
                assert_shown(message, 1001);
                assert!(detail.contains("\\u{1b}[2J"), "{mode}: {detail}");
                assert_shown(detail, 2001);
            }
            other => panic!("{mode}: expected a trap, got {other}"),
        }
        assert_shown(&err.to_string(), 3200);
    }
}

// ---- importers ---------------------------------------------------------------------------

fn import(
    input: serde_json::Value,
) -> digifarm_plugin_host::Result<digifarm_plugin_host::Imported> {
    plugin("hostile-importer", &[]).import(
        &city(),
        "application/json",
        input.to_string().as_bytes(),
    )
}

#[test]
fn importer_diagnostics_are_checked_like_validator_ones() {
    if plugins_dir().is_none() {
        return;
    }
    let imported = import(json!({
        "diagnostics": [
            {"subject": "", "code": "fine", "message": EVIL, "help": EVIL, "pointer": "/0/name"},
            {"subject": "ms/stadtbaum", "code": "fine", "message": "about a namespaced id"},
        ],
    }))
    .expect("escaped, kept");
    let d = &imported.diagnostics[0];
    assert_eq!(d.code, "hostile-importer/fine");
    assert_shown(&d.message, 2001);
    assert_shown(d.help.as_deref().unwrap(), 1001);
    assert_eq!(d.pointer, "/0/name");
    assert_eq!(imported.diagnostics[1].file, "ms/stadtbaum");
    for (subject, pointer) in [
        (EVIL, ""),
        ("../../x", ""),
        ("ｐｒｏｊｅｃｔ", ""),
        ("ok", "no-slash"),
        ("ok", "/\u{1b}[2J"),
    ] {
        let err = import(json!({
            "diagnostics": [{"subject": subject, "code": "c", "pointer": pointer}],
        }))
        .expect_err(subject);
        let message = invalid_output(&err);
        assert!(
            message.contains("is not a record id") || message.contains("is not a JSON pointer"),
            "{message}"
        );
        assert_shown(&err.to_string(), 400);
    }
    let err = import(json!({"long_pointer": 8 << 20})).expect_err("long pointer");
    assert!(
        invalid_output(&err).contains("longer than 1024 bytes"),
        "{err}"
    );
    assert_shown(&err.to_string(), 400);
}

#[test]
fn importer_errors_panics_and_stderr_are_printable() {
    if plugins_dir().is_none() {
        return;
    }
    let err = import(json!({"error": EVIL})).expect_err("error");
    assert!(matches!(err.kind, ErrorKind::Failed { .. }), "{err}");
    assert_shown(&err.to_string(), 1200);
    let err = import(json!({"panic": EVIL, "stderr": EVIL})).expect_err("panic");
    assert!(matches!(err.kind, ErrorKind::Trap { .. }), "{err}");
    assert!(err.to_string().contains("FORGED"), "{err}");
    assert_shown(&err.to_string(), 3200);
}

#[test]
fn imported_text_with_control_characters_is_not_admitted() {
    if plugins_dir().is_none() {
        return;
    }
    let imported = import(json!({
        "projects": [
            {"id": "sauber", "name": "Mehrzeilig\nund\tmit Tab"},
            {"id": "escape", "name": "\u{1b}[2JStadtbaum"},
            {"id": "bidi", "summary": "Stadt\u{202E}baum"},
        ],
        "partners": [{"id": "klingel", "name": "P\u{7}"}],
    }))
    .expect("imports");
    let ids: Vec<&str> = imported.projects.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["sauber"]);
    assert!(imported.partners.is_empty());
    let found: Vec<(&str, &str)> = imported
        .checks
        .iter()
        .map(|d| (d.code.as_ref(), d.pointer.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("invalid-format", "/projects/1/name"),
            ("invalid-format", "/projects/2/summary"),
            ("invalid-format", "/partners/0/name"),
        ]
    );
    for d in &imported.checks {
        assert_shown(&d.message, 1001);
    }
}

#[test]
fn imported_numbers_that_are_not_finite_are_refused_not_dropped() {
    if plugins_dir().is_none() {
        return;
    }
    let imported = import(json!({
        "projects": [
            {"id": "nan", "hours": "NaN"},
            {"id": "inf", "hours": "inf"},
            {"id": "negativ", "hours": "-0.0"},
            {"id": "gut", "hours": "12.5"},
        ],
    }))
    .expect("imports");
    let ids: Vec<&str> = imported.projects.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["gut"]);
    assert_eq!(imported.projects[0].needs[0].hours_per_month, Some(12.5));
    let found: Vec<(&str, &str)> = imported
        .checks
        .iter()
        .map(|d| (d.code.as_ref(), d.pointer.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("wrong-type", "/projects/0/needs/0/hours_per_month"),
            ("wrong-type", "/projects/1/needs/0/hours_per_month"),
            ("amount-not-positive", "/projects/2/needs/0/hours_per_month"),
        ]
    );
}

// ---- exporters ---------------------------------------------------------------------------

fn export(config: &[(&str, &str)]) -> digifarm_plugin_host::Result<digifarm_plugin_host::Export> {
    let catalog = Catalog::from_records(city(), projects(), Vec::new(), Vec::new());
    plugin("hostile-exporter", config).export(&catalog)
}

#[test]
fn media_types_follow_rfc_6838() {
    if plugins_dir().is_none() {
        return;
    }
    for ok in [
        "text/plain",
        "application/atom+xml",
        "application/vnd.oasis.opendocument.spreadsheet",
        "text/csv; charset=utf-8",
        "text/csv;charset=\"utf-8\"",
        "application/x.digifarm-v1+json",
    ] {
        let out = export(&[("media_type", ok)]).unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert_eq!(out.media_type, ok);
    }
    let long = format!("text/{}", "a".repeat(300));
    for bad in [
        "",
        "text",
        "text/",
        "/plain",
        "text/plain/x",
        "text/pl ain",
        "text/html\u{1b}[2J",
        "text/plain\nX-Forged: 1",
        "text/plain; charset",
        "text/plain; charset=\"a\u{1b}\"",
        "-text/plain",
        "text/ plain",
        "téxt/plain",
        "text/plain\u{202E}",
        long.as_str(),
    ] {
        let err = export(&[("media_type", bad)]).expect_err(bad);
        assert!(
            invalid_output(&err).contains("is not a media type"),
            "{bad:?}: {err}"
        );
        assert_shown(&err.to_string(), 400);
    }
    let err = export(&[("error", EVIL)]).expect_err("error");
    assert_shown(&err.to_string(), 1200);
}

// ---- scorers -----------------------------------------------------------------------------

fn score(
    config: &[(&str, &str)],
) -> digifarm_plugin_host::Result<Vec<digifarm_plugin_host::Score>> {
    let project = project(json!({
        "id": "p", "name": "P", "summary": "s", "status": "live", "lifecycle": "admitted",
        "license": "MIT", "needs": [{"kind": "technical", "priority": "high"}],
    }));
    let partner: digifarm_core::model::Partner =
        serde_json::from_value(json!({"id": "citeq", "name": "citeq", "kind": "public-body"}))
            .unwrap();
    let offer: digifarm_core::model::SupportOffer =
        serde_json::from_value(json!({"id": "hosting", "partner": "citeq", "kind": "technical"}))
            .unwrap();
    let candidates = [Candidate {
        project: &project,
        need_index: 0,
        offer: &offer,
        partner: &partner,
    }];
    plugin("hostile-scorer", config).score(&city(), &candidates)
}

#[test]
fn scores_are_checked_and_shown_briefly() {
    if plugins_dir().is_none() {
        return;
    }
    for (value, shown) in [
        ("-0.0", "score -0 is not in [0, 1]"),
        ("1e308", "score 1e308 is not in [0, 1]"),
        ("-1e-300", "score -1e-300 is not in [0, 1]"),
        ("NaN", "score NaN is not in [0, 1]"),
        ("inf", "score inf is not in [0, 1]"),
        ("1.0000001", "score 1.0000001 is not in [0, 1]"),
    ] {
        let err = score(&[("score", value)]).expect_err(value);
        assert_eq!(invalid_output(&err), shown, "{value}");
    }
    for (value, expected) in [("0", 0.0), ("1", 1.0), ("0.25", 0.25)] {
        let scores = score(&[("score", value)]).unwrap_or_else(|e| panic!("{value}: {e}"));
        assert_eq!(scores[0].value.to_bits(), f64::to_bits(expected));
    }
    // A term of -0 is shown as 0; a term that is not finite is refused, briefly.
    let scores = score(&[("score", "0"), ("term_value", "-0.0")]).expect("-0 term");
    assert!(scores[0].terms[0].value.is_sign_positive());
    let err = score(&[("term_value", "inf"), ("term", EVIL)]).expect_err("inf term");
    assert_shown(&err.to_string(), 400);
}

#[test]
fn score_terms_are_printable_capped_and_few() {
    if plugins_dir().is_none() {
        return;
    }
    let long = format!("{EVIL}{}", "w".repeat(1 << 20));
    let scores = score(&[("term", &long), ("explanation", &long)]).expect("escaped, kept");
    let term = &scores[0].terms[0];
    assert_shown(&term.name, 101);
    assert_shown(&term.explanation, 501);
    let scores = score(&[("explanation", "\u{200B}\u{1b}\n")]).expect("blank");
    assert_eq!(scores[0].terms[0].explanation, "");
    let err = score(&[("terms", "1000")]).expect_err("too many terms");
    assert_eq!(
        invalid_output(&err),
        "a score has 1000 terms; at most 32 are allowed"
    );
    let err = score(&[("error", &long)]).expect_err("error");
    assert_shown(&err.to_string(), 1200);
}

// ---- manifests ---------------------------------------------------------------------------

#[test]
fn manifest_text_is_printable_or_refused() {
    let Some(dir) = plugins_dir() else { return };
    for (field, edit) in [
        ("name", "name = \"Hostile\\u001b[2J\\nok: FORGED\""),
        ("description", "description = \"Desc\\u202e\""),
        ("version", "version = \"0.1.0\\u001b]8;;x\\u0007\""),
        ("capabilities", "capabilities = [\"clocks\\u001b[2J\"]"),
    ] {
        let (_tmp, wasm) = copy_with_manifest(&dir, "hostile", |m| {
            let kept: Vec<&str> = m
                .lines()
                .filter(|l| !l.starts_with(&format!("{field} =")))
                .collect();
            // Top-level keys go before any table.
            format!("{edit}\n{}", kept.join("\n"))
        });
        let err = host().inspect(&wasm).expect_err(field);
        match &err.kind {
            ErrorKind::Manifest { message, .. } => {
                assert!(message.contains(field), "{field}: {message}");
                assert!(message.contains("control character"), "{field}: {message}");
            }
            other => panic!("{field}: expected a manifest error, got {other}"),
        }
        assert_shown(&err.to_string(), 600);
    }
}

//! Plugins written in JavaScript with the JavaScript SDK (`plugins/sdk-js`, built by
//! `scripts/build-plugins-js.sh`), through the real host: the examples agree with their Rust
//! originals, and the sandbox holds for a hostile JavaScript plugin as for a Rust one, with
//! both engines: QuickJS (componentize-qjs, the default; `-js` and the examples) and
//! StarlingMonkey (componentize-js, `--backend starlingmonkey`; `-sm`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

mod common;

use std::path::{Path, PathBuf};

use common::*;
use digifarm_core::catalog::Catalog;
use digifarm_core::model::PluginGrants;
use digifarm_plugin_host::{ErrorKind, Finding, Host, Plugin};

/// The hostile plugin built with StarlingMonkey, for the `starlingmonkey_*` tests (the
/// examples, `local-first-js`, `civic-json-js`, `rss-feed` and `conformance-js`, are QuickJS
/// builds).
const ID: &str = "hostile-sm";

fn dirs() -> Option<PathBuf> {
    let js = plugins_with(JS_PLUGINS)?;
    plugins_dir()?;
    Some(js)
}

fn hostile(host: &Host, dir: &Path, mode: &str, edit: impl FnOnce(&mut PluginGrants)) -> Plugin {
    hostile_in(host, dir, ID, mode, edit)
}

fn run(plugin: &Plugin) -> digifarm_plugin_host::Result<Vec<Finding>> {
    plugin.validate(&city(), &hostile_projects())
}

fn failed_with(mode: &str) -> ErrorKind {
    let dir = dirs().expect("checked by the caller");
    run(&hostile(host(), &dir, mode, |_| {}))
        .expect_err(mode)
        .kind
}

fn message_of(mode: &str) -> String {
    let dir = dirs().expect("checked by the caller");
    let found = run(&hostile(host(), &dir, mode, |_| {})).expect(mode);
    found[0].diagnostic.message.clone()
}

#[test]
fn starlingmonkey_muenster_admission_finds_what_the_rust_one_finds() {
    let Some(dir) = dirs() else { return };
    assert_admission_like_rust(&dir, "muenster-admission-sm");
}

#[test]
fn javascript_local_first_scores_what_the_rust_one_scores() {
    let Some(dir) = dirs() else { return };
    assert_scores_like_rust(&dir, "local-first-js");
}

#[test]
fn javascript_civic_json_imports_what_the_rust_one_imports() {
    let Some(dir) = dirs() else { return };
    assert_civic_json_like_rust(&dir, "civic-json-js");
}

#[test]
fn the_rss_feed_lists_the_projects_that_want_help() {
    let Some(dir) = dirs() else { return };
    let mut grants = PluginGrants::default();
    grants
        .config
        .insert("base_url".into(), "https://digifarm.example.org".into());
    let plugin = load(host(), &dir, "rss-feed", &grants).expect("loads");
    let mut catalog = muenster();
    // A contact with a name and an address the feed must never show.
    let contact: digifarm_core::model::Contact = serde_json::from_value(serde_json::json!({
        "name": "Erika Mustermann", "email": "erika@example.org", "public": true
    }))
    .unwrap();
    catalog.projects[0].contacts.push(contact);
    let out = plugin.export(&catalog).expect("exports");
    assert_eq!(out.media_type, "application/rss+xml");
    let xml = String::from_utf8(out.bytes).expect("UTF-8");
    assert!(xml.starts_with("<?xml"), "{}", &xml[..80.min(xml.len())]);
    assert!(xml.contains("<rss version=\"2.0\""), "not RSS 2.0");
    let wanting: Vec<&str> = catalog
        .projects
        .iter()
        .filter(|p| p.needs.iter().any(|n| n.supported_by.is_empty()))
        .map(|p| p.id.as_str())
        .collect();
    assert!(!wanting.is_empty());
    assert_eq!(xml.matches("<item>").count(), wanting.len(), "{xml}");
    for id in wanting {
        assert!(
            xml.contains(&format!("https://digifarm.example.org/projects/{id}")),
            "{id} missing"
        );
    }
    for secret in ["Erika", "erika@example.org"] {
        assert!(!xml.contains(secret), "{secret} reached the feed");
    }
}

#[test]
fn starlingmonkey_an_endless_loop_is_stopped_at_the_deadline() {
    let Some(dir) = dirs() else { return };
    let plugin = hostile(host(), &dir, "loop", |g| g.limits.timeout_ms = Some(300));
    let err = run(&plugin).expect_err("loop");
    assert!(
        matches!(err.kind, ErrorKind::Timeout { timeout_ms: 300 }),
        "{err}"
    );
    hostile_still_works(host(), &dir, ID);
}

#[test]
fn starlingmonkey_unbounded_allocation_is_stopped_at_the_memory_cap() {
    // SpiderMonkey turns the refused growth into a catchable out-of-memory error, which the
    // SDK returns as the plugin's error.
    let Some(dir) = dirs() else { return };
    let plugin = hostile(host(), &dir, "memory", |g| g.limits.memory_mb = Some(48));
    match run(&plugin).expect_err("memory").kind {
        ErrorKind::Failed { message } => assert!(message.contains("out of memory"), "{message}"),
        ErrorKind::OutOfMemory { limit, .. } => assert_eq!(limit, 48 << 20),
        other => panic!("expected out of memory, got {other}"),
    }
    hostile_still_works(host(), &dir, ID);
}

#[test]
fn starlingmonkey_a_thrown_error_is_the_plugins_error() {
    let Some(dir) = dirs() else { return };
    match failed_with("throw") {
        ErrorKind::Failed { message } => assert_eq!(message, "boom"),
        other => panic!("expected the plugin's error, got {other}"),
    }
    match failed_with("recursion") {
        ErrorKind::Failed { message } => {
            assert_eq!(message, "InternalError: too much recursion")
        }
        other => panic!("expected the plugin's error, got {other}"),
    }
    hostile_still_works(host(), &dir, ID);
}

#[test]
fn starlingmonkey_what_escapes_the_sdk_traps() {
    let Some(dir) = dirs() else { return };
    for mode in ["trap", "bad-enum", "fetch", "clock-perf"] {
        match failed_with(mode) {
            ErrorKind::Trap { message, .. } => assert_eq!(
                message, "wasm trap: wasm `unreachable` instruction executed",
                "{mode}"
            ),
            other => panic!("{mode}: expected a trap, got {other}"),
        }
    }
    hostile_still_works(host(), &dir, ID);
}

#[test]
fn starlingmonkey_wrong_shapes_are_refused_with_what_was_wrong() {
    let Some(dir) = dirs() else { return };
    match failed_with("wrong-shape") {
        ErrorKind::Failed { message } => assert_eq!(
            message,
            "the validator must return an array of diagnostics, not number 42"
        ),
        other => panic!("expected the plugin's error, got {other}"),
    }
    // Past the SDK, componentize-js's own bindings turn a number into an empty list: nothing
    // of it is trusted or shown.
    let found = run(&hostile(host(), &dir, "wrong-shape-raw", |_| {})).expect("lowered");
    assert_eq!(found, vec![]);
    // The host's checks stay: a code that is not kebab-case is invalid output.
    match failed_with("control-code") {
        ErrorKind::InvalidOutput { message } => {
            assert!(message.contains("is not kebab-case"), "{message}");
            assert!(!message.contains('\u{1b}'), "{message:?}");
        }
        other => panic!("expected invalid output, got {other}"),
    }
}

#[test]
fn starlingmonkey_oversized_output_is_rejected() {
    let Some(dir) = dirs() else { return };
    let plugin = hostile(host(), &dir, "oversized", |g| {
        g.limits.output_kb = Some(1024);
        g.limits.timeout_ms = Some(10_000);
        g.config.insert("mb".into(), "3".into());
    });
    match run(&plugin).expect_err("oversized").kind {
        ErrorKind::OutputTooLarge { limit, actual } => {
            assert_eq!(limit, 1 << 20);
            assert!(actual > 3_000_000, "{actual}");
        }
        other => panic!("expected output too large, got {other}"),
    }
    hostile_still_works(host(), &dir, ID);
}

/// The hostile plugin `id`'s control characters and bidirectional override reach the host's
/// output escaped.
fn assert_control_escaped(dir: &Path, id: &str) {
    let found = run(&hostile_in(host(), dir, id, "control", |_| {})).expect("a finding");
    let d = &found[0].diagnostic;
    for text in [&d.message, d.help.as_ref().expect("help")] {
        assert!(
            !text.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{text:?}"
        );
        assert!(text.contains("\\u{202e}"), "{text}");
    }
    assert!(d.message.contains("\\u{1b}[31mALERT"), "{}", d.message);
}

#[test]
fn starlingmonkey_control_characters_are_escaped() {
    let Some(dir) = dirs() else { return };
    assert_control_escaped(&dir, ID);
}

#[test]
fn starlingmonkey_no_clock_no_environment_no_entropy_without_grants() {
    let Some(_) = dirs() else { return };
    // Without `clocks` the engine's time is the build's, frozen: two calls agree.
    let clock = message_of("clock");
    assert!(clock.starts_with("Date.now() = "), "{clock}");
    assert_eq!(clock, message_of("clock"));
    let env = message_of("env");
    assert!(env.starts_with("environment: no process.env"), "{env}");
    let entropy = message_of("entropy");
    assert!(entropy.starts_with("getRandomValues: "), "{entropy}");
    assert_eq!(entropy, message_of("entropy"));
    let random = message_of("math-random");
    assert!(random.starts_with("Math.random: 0."), "{random}");
    assert_eq!(random, message_of("math-random"));
}

#[test]
fn contacts_never_reach_a_javascript_plugin() {
    let Some(dir) = dirs() else { return };
    let mut grants = PluginGrants::default();
    grants.limits.memory_mb = Some(128);
    grants.limits.timeout_ms = Some(10_000);
    let plugin = load(host(), &dir, "conformance-js", &grants).expect("loads");
    let catalog = Catalog::from_records(city(), hostile_projects(), vec![], vec![]);
    let out = plugin.export(&catalog).expect("exports");
    let text = String::from_utf8_lossy(&out.bytes);
    assert!(text.contains("Stadtbaum"));
    for secret in ["Erika", "erika@example.org"] {
        assert!(!text.contains(secret), "{secret} reached the plugin");
    }
}

// The default engine, QuickJS (componentize-qjs): the same rules, and the sandbox holds. The
// component imports no WASI at all: what would need the clock traps instead of reading a
// frozen one, and the web platform's `fetch` and `crypto` are absent.

const QJS: &str = "hostile-js";

#[test]
fn quickjs_muenster_admission_finds_what_the_rust_one_finds() {
    let Some(dir) = dirs() else { return };
    assert_admission_like_rust(&dir, "muenster-admission-js");
}

#[test]
fn quickjs_the_sandbox_holds() {
    let Some(dir) = dirs() else { return };
    let run_mode = |mode: &str, edit: fn(&mut PluginGrants)| {
        run(&hostile_in(host(), &dir, QJS, mode, edit))
            .expect_err(mode)
            .kind
    };
    let unreachable = "wasm trap: wasm `unreachable` instruction executed";
    for (mode, want) in [
        ("throw", "boom"),
        ("trap", "boom past the SDK"),
        ("fetch", "ReferenceError: fetch is not defined"),
        ("entropy", "ReferenceError: crypto is not defined"),
        (
            "wrong-shape",
            "the validator must return an array of diagnostics, not number 42",
        ),
    ] {
        match run_mode(mode, |_| {}) {
            ErrorKind::Failed { message } => assert_eq!(message, want, "{mode}"),
            other => panic!("{mode}: expected the plugin's error, got {other}"),
        }
    }
    for (mode, want) in [
        ("recursion", "wasm trap: call stack exhausted"),
        ("clock", unreachable),
        ("clock-perf", unreachable),
        ("bad-enum", unreachable),
        ("wrong-shape-raw", unreachable),
    ] {
        match run_mode(mode, |_| {}) {
            ErrorKind::Trap { message, .. } => assert_eq!(message, want, "{mode}"),
            other => panic!("{mode}: expected a trap, got {other}"),
        }
    }
    assert!(matches!(
        run_mode("loop", |g| g.limits.timeout_ms = Some(300)),
        ErrorKind::Timeout { timeout_ms: 300 }
    ));
    match run_mode("memory", |g| g.limits.memory_mb = Some(48)) {
        ErrorKind::Failed { message } => assert!(message.contains("out of memory"), "{message}"),
        ErrorKind::OutOfMemory { limit, .. } => assert_eq!(limit, 48 << 20),
        other => panic!("memory: expected out of memory, got {other}"),
    }
    match run_mode("oversized", |g| {
        g.limits.output_kb = Some(1024);
        g.limits.timeout_ms = Some(10_000);
        g.config.insert("mb".into(), "3".into());
    }) {
        ErrorKind::OutputTooLarge { limit, actual } => {
            assert_eq!(limit, 1 << 20);
            assert!(actual > 3_000_000, "{actual}");
        }
        other => panic!("expected output too large, got {other}"),
    }
    match run_mode("control-code", |_| {}) {
        ErrorKind::InvalidOutput { message } => {
            assert!(message.contains("is not kebab-case"), "{message}");
            assert!(!message.contains('\u{1b}'), "{message:?}");
        }
        other => panic!("expected invalid output, got {other}"),
    }
    assert_control_escaped(&dir, QJS);
    // `Math.random()` was seeded when the engine was snapshotted at build time: each call of
    // a fresh instance draws the same numbers (as StarlingMonkey's without `random`).
    let random = |_: usize| {
        run(&hostile_in(host(), &dir, QJS, "math-random", |_| {})).expect("math-random")[0]
            .diagnostic
            .message
            .clone()
    };
    assert!(random(0).starts_with("Math.random: 0."), "{}", random(0));
    assert_eq!(random(0), random(1));
    let env = run(&hostile_in(host(), &dir, QJS, "env", |_| {})).expect("env");
    assert!(
        env[0]
            .diagnostic
            .message
            .starts_with("environment: no process.env"),
        "{}",
        env[0].diagnostic.message
    );
    hostile_still_works(host(), &dir, QJS);
}

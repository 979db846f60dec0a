//! Plugins written in Python with the Python SDK (`plugins/sdk-python`, built with
//! componentize-py by `scripts/build-plugins-python.sh`), through the real host: the examples
//! agree with their Rust originals, and the sandbox holds for a hostile Python plugin exactly
//! as for a Rust one.

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
use digifarm_core::model::{Partner, PluginGrants, SupportOffer};
use digifarm_plugin_host::{ErrorKind, Finding, Host, Plugin};

fn dirs() -> Option<PathBuf> {
    let python = plugins_with(PYTHON_PLUGINS)?;
    // The Rust originals, to compare with.
    plugins_dir()?;
    Some(python)
}

#[test]
fn python_muenster_admission_finds_what_the_rust_one_finds() {
    let Some(dir) = dirs() else { return };
    assert_admission_like_rust(&dir, "muenster-admission-py");
}

#[test]
fn python_local_first_scores_what_the_rust_one_scores() {
    let Some(dir) = dirs() else { return };
    assert_scores_like_rust(&dir, "local-first-py");
}

#[test]
fn python_civic_json_imports_what_the_rust_one_imports() {
    let Some(dir) = dirs() else { return };
    assert_civic_json_like_rust(&dir, "civic-json-py");
}

// --- the sandbox, with a hostile Python plugin (`plugins/examples-python/hostile`) ---

const ID: &str = "hostile-py";

fn hostile(host: &Host, dir: &Path, mode: &str, edit: impl FnOnce(&mut PluginGrants)) -> Plugin {
    hostile_in(host, dir, ID, mode, edit)
}

fn run(plugin: &Plugin) -> digifarm_plugin_host::Result<Vec<Finding>> {
    plugin.validate(&city(), &hostile_projects())
}

fn still_works(host: &Host, dir: &Path) {
    hostile_still_works(host, dir, ID);
}

fn failed_with(mode: &str) -> (ErrorKind, String) {
    let dir = dirs().expect("checked by the caller");
    let err = run(&hostile(host(), &dir, mode, |_| {})).expect_err(mode);
    let text = err.to_string();
    (err.kind, text)
}

#[test]
fn an_endless_loop_is_stopped_at_the_deadline() {
    let Some(dir) = dirs() else { return };
    let host = host();
    let plugin = hostile(host, &dir, "loop", |g| g.limits.timeout_ms = Some(300));
    let started = std::time::Instant::now();
    let err = run(&plugin).expect_err("loop");
    assert!(
        matches!(err.kind, ErrorKind::Timeout { timeout_ms: 300 }),
        "{err}"
    );
    assert!(started.elapsed().as_secs() < 10);
    still_works(host, &dir);
}

#[test]
fn unbounded_allocation_is_stopped_at_the_memory_cap() {
    let Some(dir) = dirs() else { return };
    let host = host();
    let plugin = hostile(host, &dir, "memory", |g| g.limits.memory_mb = Some(48));
    let err = run(&plugin).expect_err("memory");
    match err.kind {
        ErrorKind::OutOfMemory { limit, requested } => {
            assert_eq!(limit, 48 << 20);
            assert!(requested > limit);
        }
        other => panic!("expected out of memory, got {other}"),
    }
    still_works(host, &dir);
}

#[test]
fn a_raised_exception_is_the_plugins_error_with_its_line() {
    let Some(dir) = dirs() else { return };
    let (kind, text) = failed_with("raise");
    match kind {
        ErrorKind::Failed { message } => {
            assert!(
                message.starts_with("ValueError: boom (hostile_py.py, line "),
                "{message}"
            );
            assert!(message.ends_with(", in validate)"), "{message}");
        }
        other => panic!("expected the plugin's error, got {other}"),
    }
    assert!(text.starts_with("plugin `hostile-py`: "), "{text}");
    still_works(host(), &dir);
}

#[test]
fn runaway_recursion_is_an_error_not_a_crash() {
    let Some(dir) = dirs() else { return };
    let (kind, _) = failed_with("recursion");
    match kind {
        ErrorKind::Failed { message } => {
            assert!(message.starts_with("RecursionError: "), "{message}")
        }
        ErrorKind::Trap { message, .. } => {
            assert_eq!(message, "wasm trap: call stack exhausted")
        }
        other => panic!("expected an error or a trap, got {other}"),
    }
    still_works(host(), &dir);
}

#[test]
fn exit_is_a_trap() {
    let Some(_) = dirs() else { return };
    match failed_with("exit").0 {
        ErrorKind::Trap { message, .. } => assert_eq!(message, "the plugin called exit(1)"),
        other => panic!("expected trap, got {other}"),
    }
}

#[test]
fn wrong_shapes_are_refused_with_what_was_wrong() {
    let Some(dir) = dirs() else { return };
    for (mode, want) in [
        (
            "wrong-shape",
            "TypeError: invalid output: validate must return a list, not int",
        ),
        (
            "wrong-item",
            "TypeError: invalid output: finding 0 is a dict, not a Diagnostic",
        ),
    ] {
        match failed_with(mode).0 {
            ErrorKind::Failed { message } => assert!(message.starts_with(want), "{message}"),
            other => panic!("{mode}: expected the plugin's error, got {other}"),
        }
    }
    // The host's own checks stay: a subject outside the batch is invalid output.
    match failed_with("bad-subject").0 {
        ErrorKind::InvalidOutput { message } => {
            assert!(message.contains("no-such-project"), "{message}")
        }
        other => panic!("expected invalid output, got {other}"),
    }
    still_works(host(), &dir);
}

#[test]
fn oversized_output_is_rejected() {
    let Some(dir) = dirs() else { return };
    let host = host();
    let plugin = hostile(host, &dir, "oversized", |g| g.limits.output_kb = Some(1024));
    match run(&plugin).expect_err("oversized").kind {
        ErrorKind::OutputTooLarge { limit, actual } => {
            assert_eq!(limit, 1 << 20);
            assert!(actual > 2 << 20, "{actual}");
        }
        other => panic!("expected output too large, got {other}"),
    }
    still_works(host, &dir);
}

#[test]
fn control_characters_are_escaped() {
    let Some(dir) = dirs() else { return };
    let found = run(&hostile(host(), &dir, "control", |_| {})).expect("a finding");
    let message = &found[0].diagnostic.message;
    assert!(
        !message.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "{message:?}"
    );
    assert!(message.contains("\\u{1b}[31m"), "{message}");
    assert!(message.contains("\\u{202e}"), "{message}");
    assert!(message.contains("\\nforged line"), "{message}");
}

#[test]
fn files_sockets_and_the_clock_need_capabilities() {
    let Some(dir) = dirs() else { return };
    for (mode, capability) in [
        ("file", "filesystem"),
        ("socket", "network"),
        ("clock", "clocks"),
    ] {
        match failed_with(mode).0 {
            ErrorKind::MissingCapability {
                capability: cap,
                import,
                ..
            } => assert_eq!(cap, capability, "{mode}: {import}"),
            other => panic!("{mode}: expected a missing capability, got {other}"),
        }
    }
    still_works(host(), &dir);
}

#[test]
fn the_environment_is_empty_and_randomness_fixed_without_grants() {
    let Some(dir) = dirs() else { return };
    let host = host();
    let env = hostile(host, &dir, "env", |g| {
        g.env.insert("DIGIFARM_GREETING".into(), "moin".into());
    });
    let found = run(&env).expect("an empty environment");
    assert_eq!(found[0].diagnostic.message, "env: ");
    let entropy = hostile(host, &dir, "entropy", |_| {});
    let first = run(&entropy).expect("fixed bytes");
    let second = run(&entropy).expect("fixed bytes");
    assert!(first[0].diagnostic.message.starts_with("bytes: "));
    assert_eq!(first[0].diagnostic.message, second[0].diagnostic.message);
}

#[test]
fn granted_environment_shows_only_the_listed_variables() {
    let Some(dir) = dirs() else { return };
    let (_tmp, wasm) = copy_with_manifest(&dir, "hostile-py", |m| {
        m.replace("capabilities = []", "capabilities = [\"environment\"]")
    });
    let mut grants = PluginGrants {
        capabilities: vec!["environment".into()],
        ..PluginGrants::default()
    };
    grants.env.insert("DIGIFARM_GREETING".into(), "moin".into());
    grants.config.insert("mode".into(), "env".into());
    let plugin = host()
        .load(&wasm, &grants, &digifarm_core::license::Policy::default())
        .expect("loads");
    let found = plugin
        .validate(&city(), &hostile_projects())
        .expect("env granted");
    assert_eq!(found[0].diagnostic.message, "env: DIGIFARM_GREETING=moin");
}

#[test]
fn contacts_never_reach_a_python_plugin() {
    // The hostile plugin echoes nothing of its input by default; its conformance sibling
    // echoes everything it gets, so look there for the contact fields.
    let Some(dir) = plugins_with(PYTHON_PLUGINS) else {
        return;
    };
    let mut grants = PluginGrants::default();
    grants.limits.memory_mb = Some(128);
    grants.limits.timeout_ms = Some(10_000);
    let plugin = load(host(), &dir, "conformance-py", &grants).expect("loads");
    let catalog = Catalog::from_records(
        city(),
        hostile_projects(),
        Vec::<Partner>::new(),
        Vec::<SupportOffer>::new(),
    );
    let out = plugin.export(&catalog).expect("exports");
    let text = String::from_utf8_lossy(&out.bytes);
    assert!(text.contains("Stadtbaum"));
    for secret in ["Erika", "erika@example.org"] {
        assert!(!text.contains(secret), "{secret} reached the plugin");
    }
}

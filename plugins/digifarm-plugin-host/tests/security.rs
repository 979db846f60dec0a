//! The sandbox, through the real host and a deliberately hostile plugin
//! (`plugins/examples/hostile`). Each test asserts the exact error.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

mod common;

use common::*;
use digifarm_core::model::{PluginGrants, Project};
use digifarm_plugin_host::{ErrorKind, Host, Plugin};
use serde_json::json;

fn projects() -> Vec<Project> {
    vec![project(json!({
        "id": "stadtbaum",
        "name": "Stadtbaum",
        "summary": "Bäume der Stadt",
        "status": "live",
        "lifecycle": "admitted",
        "license": "MIT",
        "contacts": [
            {"name": "Erika Mustermann", "email": "erika@example.org", "phone": "+49 251 0000", "public": true},
            {"name": "Max Geheim", "email": "max@example.org"}
        ],
    }))]
}

fn hostile(
    host: &Host,
    dir: &std::path::Path,
    mode: &str,
    edit: impl FnOnce(&mut PluginGrants),
) -> Plugin {
    let mut grants = PluginGrants::default();
    grants.config.insert("mode".into(), mode.into());
    edit(&mut grants);
    load(host, dir, "hostile", &grants).expect("hostile plugin loads")
}

fn run(plugin: &Plugin) -> digifarm_plugin_host::Result<Vec<digifarm_plugin_host::Finding>> {
    plugin.validate(&city(), &projects())
}

/// After a failure the host, and the same plugin, keep working.
fn still_works(host: &Host, dir: &std::path::Path) {
    let ok = hostile(host, dir, "behave", |_| {});
    assert_eq!(run(&ok).expect("a well-behaved call"), vec![]);
}

#[test]
fn unbounded_allocation_is_stopped_at_the_memory_cap() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let plugin = hostile(host, &dir, "alloc", |g| g.limits.memory_mb = Some(16));
    let err = run(&plugin).expect_err("allocation must fail");
    match err.kind {
        ErrorKind::OutOfMemory { limit, requested } => {
            assert_eq!(limit, 16 << 20);
            assert!(requested > limit, "{requested} <= {limit}");
        }
        other => panic!("expected out of memory, got {other}"),
    }
    assert!(
        err.to_string().starts_with(
            "plugin `hostile`: out of memory: the plugin tried to grow its memory to "
        )
    );
    still_works(host, &dir);
}

#[test]
fn trap_is_reported_with_its_message_and_the_next_call_works() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let plugin = hostile(host, &dir, "trap", |_| {});
    let err = run(&plugin).expect_err("trap");
    match &err.kind {
        ErrorKind::Trap { message, .. } => {
            assert_eq!(
                message,
                "wasm trap: wasm `unreachable` instruction executed"
            )
        }
        other => panic!("expected trap, got {other}"),
    }
    still_works(host, &dir);
}

#[test]
fn panic_message_reaches_the_error() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let plugin = hostile(host, &dir, "panic", |_| {});
    let err = run(&plugin).expect_err("panic");
    match &err.kind {
        ErrorKind::Trap { message, detail } => {
            assert_eq!(
                message,
                "wasm trap: wasm `unreachable` instruction executed"
            );
            assert!(
                detail.contains("hostile plugin panics on purpose"),
                "panic message missing: {detail}"
            );
        }
        other => panic!("expected trap, got {other}"),
    }
    assert!(err.to_string().contains("hostile plugin panics on purpose"));
    still_works(host, &dir);
}

#[test]
fn stack_overflow_is_a_trap() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let plugin = hostile(host, &dir, "recurse", |_| {});
    let err = run(&plugin).expect_err("stack overflow");
    match &err.kind {
        ErrorKind::Trap { message, .. } => assert_eq!(message, "wasm trap: call stack exhausted"),
        other => panic!("expected trap, got {other}"),
    }
    still_works(host, &dir);
}

fn assert_missing_capability(mode: &str, capability: &str, import_prefix: &str) {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let plugin = hostile(host, &dir, mode, |_| {});
    let err = run(&plugin).expect_err("capability must be refused");
    match &err.kind {
        ErrorKind::MissingCapability {
            import,
            capability: cap,
            ..
        } => {
            assert_eq!(cap, capability);
            assert!(import.starts_with(import_prefix), "{import}");
        }
        other => panic!("expected missing capability, got {other}"),
    }
    still_works(host, &dir);
}

#[test]
fn opening_a_file_without_grant_is_refused() {
    assert_missing_capability("file", "filesystem", "wasi:filesystem/");
}

#[test]
fn the_environment_is_empty_without_grant() {
    // Linked for every plugin (the Python and JavaScript runtimes read it when a call
    // starts), but without the `environment` grant it holds nothing: not the host's
    // variables, and not the ones the city lists for the grant either.
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let plugin = hostile(host, &dir, "env", |g| {
        g.env.insert("DIGIFARM_GREETING".into(), "moin".into());
    });
    let findings = run(&plugin).expect("an empty environment is no error");
    assert_eq!(findings[0].diagnostic.message, "env: ");
    assert!(
        std::env::vars().next().is_some(),
        "the host has variables to hide"
    );
}

#[test]
fn reading_the_clock_without_grant_is_refused() {
    assert_missing_capability("clock", "clocks", "wasi:clocks/wall-clock#now");
}

#[test]
fn hashmap_seed_is_fixed_without_a_random_grant() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let findings = run(&hostile(host, &dir, "random", |_| {})).expect("insecure seed is baseline");
    assert_eq!(findings[0].diagnostic.message, "map: 0");
}

#[test]
fn granted_clock_and_environment_work_and_show_only_granted_variables() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let (_tmp, wasm) = copy_with_manifest(&dir, "hostile", |m| {
        m.replace(
            "sha256 =",
            "capabilities = [\"clocks\", \"environment\"]\nsha256 =",
        )
    });
    let mut grants = PluginGrants {
        capabilities: vec!["clocks".into(), "environment".into()],
        ..PluginGrants::default()
    };
    grants.env.insert("DIGIFARM_GREETING".into(), "moin".into());
    grants.config.insert("mode".into(), "clock".into());
    let policy = digifarm_core::license::Policy::default();
    let plugin = host.load(&wasm, &grants, &policy).expect("loads");
    let findings = plugin
        .validate(&city(), &projects())
        .expect("clock granted");
    assert!(findings[0].diagnostic.message.starts_with("now: "));

    grants.config.insert("mode".into(), "env".into());
    let plugin = host.load(&wasm, &grants, &policy).expect("loads");
    let findings = plugin.validate(&city(), &projects()).expect("env granted");
    assert_eq!(
        findings[0].diagnostic.message,
        "env: DIGIFARM_GREETING=moin"
    );
}

#[test]
fn exit_is_a_trap() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let err = run(&hostile(host, &dir, "exit", |_| {})).expect_err("exit");
    match &err.kind {
        ErrorKind::Trap { message, .. } =>
        // wasi:cli/exit@0.2 carries success or failure only: exit(3) arrives as exit(1).
        {
            assert_eq!(message, "the plugin called exit(1)")
        }
        other => panic!("expected trap, got {other}"),
    }
}

#[test]
fn malformed_output_is_rejected() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let err = run(&hostile(host, &dir, "malformed", |_| {})).expect_err("malformed");
    assert_eq!(
        err.to_string(),
        "plugin `hostile`: invalid output: diagnostic code `Not Kebab!` is not kebab-case ([a-z0-9]+(-[a-z0-9]+)*, at most 64 characters)"
    );
    let err = run(&hostile(host, &dir, "bad-subject", |_| {})).expect_err("bad subject");
    assert_eq!(
        err.to_string(),
        "plugin `hostile`: invalid output: diagnostic `made-up` is about `no-such-project`, which is not a project of the batch"
    );
}

#[test]
fn oversized_output_is_rejected() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let plugin = hostile(host, &dir, "oversized", |g| g.limits.output_kb = Some(1024));
    let err = run(&plugin).expect_err("oversized");
    match err.kind {
        ErrorKind::OutputTooLarge { limit, actual } => {
            assert_eq!(limit, 1 << 20);
            assert!(actual > 2 << 20);
        }
        other => panic!("expected output too large, got {other}"),
    }
}

#[test]
fn log_flood_is_bounded() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let plugin = hostile(host, &dir, "log-flood", |_| {});
    assert_eq!(
        run(&plugin).expect("a flooded log is truncated, not fatal"),
        vec![]
    );
}

#[test]
fn plugins_never_receive_contact_data() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let findings = run(&hostile(host, &dir, "dump", |_| {})).expect("dump");
    assert_eq!(findings.len(), 1);
    let seen = &findings[0].diagnostic.message;
    assert!(
        seen.contains("stadtbaum"),
        "the dump has the project: {seen}"
    );
    for private in [
        "Erika",
        "Mustermann",
        "erika@example.org",
        "+49 251",
        "Max Geheim",
        "max@example.org",
    ] {
        assert!(
            !seen.contains(private),
            "`{private}` reached the plugin: {seen}"
        );
    }
}

#[test]
fn tampered_wasm_is_refused() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let (_tmp, wasm) = copy_with_manifest(&dir, "muenster-admission", |m| m);
    let mut bytes = std::fs::read(&wasm).expect("read");
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&wasm, &bytes).expect("write");
    let err = host
        .load(&wasm, &PluginGrants::default(), &Default::default())
        .expect_err("tampered");
    assert_eq!(err.plugin, "muenster-admission");
    match &err.kind {
        ErrorKind::HashMismatch { expected, actual } => assert_ne!(expected, actual),
        other => panic!("expected hash mismatch, got {other}"),
    }
    assert!(
        err.to_string()
            .contains("refusing to load a modified plugin")
    );
}

#[test]
fn incompatible_api_version_is_refused() {
    let Some(dir) = plugins_dir() else { return };
    let (_tmp, wasm) = copy_with_manifest(&dir, "hostile", |m| {
        m.replace("api_version = \"0.1.0\"", "api_version = \"0.2.0\"")
    });
    let err = host()
        .load(&wasm, &PluginGrants::default(), &Default::default())
        .expect_err("0.2.0");
    assert_eq!(
        err.to_string(),
        "plugin `hostile`: incompatible API version: the plugin targets digifarm:plugin@0.2.0, this host implements 0.1.0"
    );
}

#[test]
fn capability_not_granted_is_refused_at_load() {
    let Some(dir) = plugins_dir() else { return };
    let (_tmp, wasm) = copy_with_manifest(&dir, "hostile", |m| {
        m.replace("sha256 =", "capabilities = [\"clocks\"]\nsha256 =")
    });
    let err = host()
        .load(&wasm, &PluginGrants::default(), &Default::default())
        .expect_err("not granted");
    assert_eq!(
        err.to_string(),
        "plugin `hostile`: capability `clocks` is requested in plugin.toml but not granted in digifarm.toml"
    );
    let (_tmp2, wasm) = copy_with_manifest(&dir, "hostile", |m| {
        m.replace("sha256 =", "capabilities = [\"filesystem\"]\nsha256 =")
    });
    let err = host()
        .load(&wasm, &PluginGrants::default(), &Default::default())
        .expect_err("unknown");
    assert_eq!(
        err.to_string(),
        "plugin `hostile`: unknown capability `filesystem` (grantable: clocks, random, environment)"
    );
}

#[test]
fn limit_over_grant_is_refused() {
    let Some(dir) = plugins_dir() else { return };
    let (_tmp, wasm) = copy_with_manifest(&dir, "hostile", |m| {
        format!("{m}\n[limits]\nmemory_mb = 256\n")
    });
    let mut grants = PluginGrants::default();
    grants.limits.memory_mb = Some(32);
    let err = host()
        .load(&wasm, &grants, &Default::default())
        .expect_err("too much memory");
    assert_eq!(
        err.to_string(),
        "plugin `hostile`: limit `memory_mb` of 256 is requested in plugin.toml but only 32 is granted"
    );
    // Without a city grant, the host default (64 MiB) is the ceiling.
    let err = host()
        .load(&wasm, &PluginGrants::default(), &Default::default())
        .expect_err("over the default");
    assert!(
        matches!(
            err.kind,
            ErrorKind::LimitNotGranted {
                limit: "memory_mb",
                requested: 256,
                granted: 64
            }
        ),
        "{err}"
    );
}

#[test]
fn wrong_kind_and_disallowed_licence_are_refused() {
    let Some(dir) = plugins_dir() else { return };
    let (_tmp, wasm) = copy_with_manifest(&dir, "hostile", |m| {
        m.replace("kind = \"validator\"", "kind = \"scorer\"")
    });
    let err = host()
        .load(&wasm, &PluginGrants::default(), &Default::default())
        .expect_err("kind");
    assert_eq!(
        err.to_string(),
        "plugin `hostile`: wrong kind: plugin.toml says `scorer` but the component implements `validator`"
    );
    let (_tmp2, wasm) = copy_with_manifest(&dir, "hostile", |m| {
        m.replace("license = \"MIT\"", "license = \"LicenseRef-Proprietary\"")
    });
    let err = host()
        .load(&wasm, &PluginGrants::default(), &Default::default())
        .expect_err("licence");
    assert!(
        matches!(&err.kind, ErrorKind::LicenseNotAllowed { license, .. } if license == "LicenseRef-Proprietary"),
        "{err}"
    );
}

#[test]
fn compiled_cache_hits_and_refuses_tampered_artefacts() {
    let Some(dir) = plugins_dir() else { return };
    let cache = tempfile::tempdir().expect("tempdir");
    let host = &Host::new(digifarm_plugin_host::HostOptions {
        cache_dir: Some(cache.path().to_owned()),
        ..Default::default()
    })
    .expect("host");
    let grants = PluginGrants::default();
    let first = load(host, &dir, "muenster-admission", &grants).expect("cold");
    assert_eq!(
        first.cache_status(),
        &digifarm_plugin_host::CacheStatus::Stored
    );
    let second = load(host, &dir, "muenster-admission", &grants).expect("cached");
    assert_eq!(
        second.cache_status(),
        &digifarm_plugin_host::CacheStatus::Hit
    );
    assert!(second.validate(&city(), &projects()).is_ok());
    // A modified artefact is not loaded; the host recompiles and the plugin still works.
    for entry in std::fs::read_dir(cache.path()).expect("ls") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "cwasm") {
            let mut bytes = std::fs::read(&path).expect("read");
            let mid = bytes.len() / 2;
            bytes[mid] ^= 0x55;
            std::fs::write(&path, bytes).expect("write");
        }
    }
    let third = load(host, &dir, "muenster-admission", &grants).expect("recompiled");
    assert!(
        matches!(third.cache_status(), digifarm_plugin_host::CacheStatus::Bypassed(reason) if reason.contains("does not match its checksum")),
        "{:?}",
        third.cache_status()
    );
    assert!(third.validate(&city(), &projects()).is_ok());
}

/// Every public field crosses the encoded input intact: the hostile plugin echoes what the
/// SDK decoded (its `Debug` form), and each field shows up with its value.
#[test]
fn every_public_field_reaches_the_plugin_intact() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let full = project(json!({
        "id": "stadtbaum",
        "name": "Stadtbaum „Linde“",
        "summary": {"de": "Bäume der Stadt", "en": "The city's trees"},
        "description": "Ein Kataster",
        "status": "live",
        "status_since": "2024-05-01",
        "lifecycle": "sustained",
        "categories": ["umwelt", "daten"],
        "software_type": "web-app",
        "complexity": "medium",
        "technologies": ["rust", "postgis"],
        "origin": {"city": "Münster", "community": "Code for Münster", "started": "2019"},
        "admitted_on": "2022-09-01",
        "links": {"homepage": "https://baum.example", "source": "https://git.example/baum", "info": "https://info.example"},
        "license": "GPL-3.0-or-later",
        "deployment": {"mode": "per-city", "cities": ["Münster", "Osnabrück"]},
        "needs": [
            {"kind": "technical", "description": {"en": "Hosting"}, "skills": ["ops", "k8s"],
             "hours_per_month": 12.5, "priority": "high", "since": "2025-01-02",
             "supported_by": [{"partner": "citeq", "offer": "citeq-hosting", "since": "2025-02-03"}]},
            {"kind": "financial", "eur_per_year": 1500.0, "priority": "low"}
        ],
        "last_reviewed": "2026-03-04",
    }));
    let findings = hostile(host, &dir, "dump", |_| {})
        .validate(&city(), &[full])
        .expect("dump");
    assert_eq!(findings.len(), 1);
    let seen = &findings[0].diagnostic.message;
    for expected in [
        r#"name: "Münster", ags: Some("05515000"), languages: ["de", "en"], website: Some("https://www.stadt-muenster.de")"#,
        r#"id: "stadtbaum", name: "Stadtbaum „Linde“""#,
        r#"summary: [Text { lang: "de", value: "Bäume der Stadt" }, Text { lang: "en", value: "The city's trees" }]"#,
        r#"description: [Text { lang: "", value: "Ein Kataster" }]"#,
        r#"status: "live", status_since: Some("2024-05-01"), lifecycle: "sustained""#,
        r#"categories: ["umwelt", "daten"], software_type: Some("web-app"), complexity: Some("medium")"#,
        r#"technologies: ["rust", "postgis"]"#,
        r#"origin: Some(Origin { city: Some("Münster"), community: Some("Code for Münster"), started: Some("2019") })"#,
        r#"admitted_on: Some("2022-09-01")"#,
        r#"links: Links { homepage: Some("https://baum.example"), source: Some("https://git.example/baum"), info: Some("https://info.example") }"#,
        r#"license: "GPL-3.0-or-later""#,
        r#"deployment: Some(Deployment { mode: "per-city", cities: ["Münster", "Osnabrück"] })"#,
        r#"Need { kind: "technical", description: [Text { lang: "en", value: "Hosting" }], skills: ["ops", "k8s"], hours_per_month: Some(12.5), eur_per_year: None, priority: "high", since: Some("2025-01-02"), supported_by: [SupportRef { partner: "citeq", offer: Some("citeq-hosting"), since: Some("2025-02-03") }] }"#,
        r#"Need { kind: "financial", description: [], skills: [], hours_per_month: None, eur_per_year: Some(1500.0), priority: "low", since: None, supported_by: [] }"#,
        r#"last_reviewed: Some("2026-03-04")"#,
    ] {
        assert!(
            seen.contains(expected),
            "`{expected}` not in the dump: {seen}"
        );
    }
}

/// More calls at once than the pool has instance slots (64): the extra ones wait for a slot
/// rather than fail (the CLI calls one at a time; an embedding portal may not). Each call
/// loops until its deadline, so all 80 overlap.
#[test]
fn more_concurrent_calls_than_pool_slots_wait_for_a_slot() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    assert!(host.is_pooled(), "the pooling allocator is in use");
    let plugin = hostile(host, &dir, "loop", |g| g.limits.timeout_ms = Some(300));
    std::thread::scope(|s| {
        let calls: Vec<_> = (0..80).map(|_| s.spawn(|| run(&plugin))).collect();
        for call in calls {
            let err = call.join().expect("no panic").expect_err("stopped");
            assert!(
                matches!(err.kind, ErrorKind::Timeout { timeout_ms: 300 }),
                "{err}"
            );
        }
    });
    still_works(host, &dir);
}

//! Budgets per run, not only per call: a plugin that spends most of each call's deadline on
//! every batch is stopped when the run's budget is spent, and one that returns more findings
//! than a run may is stopped too. The assertions are on outcomes (which error, how many
//! calls finished), with generous margins, never on tight timings: the machine is shared.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use digifarm_core::model::{PluginGrants, Project};
use digifarm_plugin_host::{ErrorKind, Host, HostOptions, Plugin, RunBudget};
use serde_json::json;

fn projects(n: usize) -> Vec<Project> {
    (0..n)
        .map(|i| {
            project(json!({
                "id": format!("p{i}"), "name": "P", "summary": "s", "status": "live",
                "lifecycle": "admitted", "license": "MIT",
            }))
        })
        .collect()
}

/// A host that sends one project per call, so that a run has many calls.
fn one_per_call() -> Host {
    Host::new(HostOptions {
        cache_dir: Some(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugin-cache")),
        batch_size: 1,
        ..HostOptions::default()
    })
    .expect("host")
}

fn hostile(host: &Host, config: &[(&str, &str)], edit: impl FnOnce(&mut PluginGrants)) -> Plugin {
    let dir = plugins_dir().expect("built");
    let mut grants = PluginGrants::default();
    for (k, v) in config {
        grants.config.insert((*k).into(), (*v).into());
    }
    edit(&mut grants);
    load(host, &dir, "hostile", &grants).expect("loads")
}

#[test]
fn the_derived_budget_grows_with_the_run() {
    assert_eq!(RunBudget::derived_ms(0, 2_000), 10_000);
    assert_eq!(RunBudget::derived_ms(1_000, 2_000), 10_250);
    assert_eq!(RunBudget::derived_ms(99_000, 2_000), 34_750);
    // Never less than one call's deadline.
    assert_eq!(RunBudget::derived_ms(10, 60_000), 60_000);
    let derived = RunBudget::Derived { at_most: None };
    assert_eq!(derived.for_run(100_000, 2_000), 35_000);
    assert_eq!(
        RunBudget::Derived { at_most: Some(500) }.for_run(100_000, 2_000),
        500
    );
    assert_eq!(RunBudget::Fixed(7).for_run(100_000, 2_000), 7);
}

#[test]
fn budgets_are_asked_for_and_granted_like_the_other_limits() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let plugin = load(host, &dir, "hostile", &PluginGrants::default()).expect("loads");
    assert_eq!(plugin.limits().run, RunBudget::Derived { at_most: None });
    assert_eq!(plugin.limits().max_findings, 10_000);
    let mut grants = PluginGrants::default();
    grants.limits.run_timeout_ms = Some(60_000);
    grants.limits.max_findings = Some(50);
    let plugin = load(host, &dir, "hostile", &grants).expect("loads");
    assert_eq!(plugin.limits().run, RunBudget::Fixed(60_000));
    assert_eq!(plugin.limits().max_findings, 50);
    // The manifest asks for more than the city grants: refused, like memory.
    let (_tmp, wasm) = copy_with_manifest(&dir, "hostile", |m| {
        format!("{m}\n[limits]\nrun_timeout_ms = 120000\nmax_findings = 20\n")
    });
    let err = host
        .load(&wasm, &grants, &Default::default())
        .expect_err("over the grant");
    assert_eq!(
        err.to_string(),
        "plugin `hostile`: limit `run_timeout_ms` of 120000 is requested in plugin.toml but only 60000 is granted"
    );
    // Without a city grant, a plugin may ask for less than the derived budget.
    let plugin = host
        .load(&wasm, &PluginGrants::default(), &Default::default())
        .expect("asks for less findings than the default");
    assert_eq!(
        plugin.limits().run,
        RunBudget::Derived {
            at_most: Some(120_000)
        }
    );
    assert_eq!(plugin.limits().max_findings, 20);
    let (_tmp, wasm) = copy_with_manifest(&dir, "hostile", |m| {
        format!("{m}\n[limits]\nmax_findings = 20000\n")
    });
    let err = host
        .load(&wasm, &PluginGrants::default(), &Default::default())
        .expect_err("over the default");
    assert!(
        matches!(
            err.kind,
            ErrorKind::LimitNotGranted {
                limit: "max_findings",
                requested: 20_000,
                granted: 10_000
            }
        ),
        "{err}"
    );
}

/// Each call spins 100 ms (by the granted monotonic clock) of its 5 s deadline; 40 calls
/// would take 4 s, the run may take 600 ms.
#[test]
fn a_plugin_that_uses_most_of_every_deadline_is_stopped_by_the_run_budget() {
    let Some(dir) = plugins_dir() else { return };
    let host = one_per_call();
    let (_tmp, wasm) = copy_with_manifest(&dir, "hostile", |m| {
        m.replace("sha256 =", "capabilities = [\"clocks\"]\nsha256 =")
    });
    let mut grants = PluginGrants {
        capabilities: vec!["clocks".into()],
        ..PluginGrants::default()
    };
    grants.config.insert("mode".into(), "spin".into());
    grants.config.insert("spin_ms".into(), "100".into());
    grants.limits.timeout_ms = Some(5_000);
    grants.limits.run_timeout_ms = Some(600);
    let plugin = host
        .load(&wasm, &grants, &Default::default())
        .expect("loads");
    let start = Instant::now();
    let err = plugin
        .validate(&city(), &projects(40))
        .expect_err("the run is stopped");
    match &err.kind {
        ErrorKind::RunTimeout {
            budget_ms, calls, ..
        } => {
            assert_eq!(*budget_ms, 600);
            assert!(*calls < 40, "{calls} calls");
        }
        other => panic!("expected the run budget, got {other}"),
    }
    assert!(
        err.to_string().starts_with(
            "plugin `hostile`: run budget exceeded: the run did not finish within 600 ms (`limits.run_timeout_ms`) and was stopped after "
        ),
        "{err}"
    );
    // Far less than the 4 s the run would take, and than one call's deadline.
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
}

/// Without a clock: a call that never ends is cut at what is left of the run's budget, not
/// at its own, longer deadline.
#[test]
fn the_last_call_gets_only_what_is_left_of_the_run() {
    let Some(_) = plugins_dir() else { return };
    let host = host();
    let plugin = hostile(host, &[("mode", "loop")], |g| {
        g.limits.timeout_ms = Some(20_000);
        g.limits.run_timeout_ms = Some(300);
    });
    let start = Instant::now();
    let err = plugin.validate(&city(), &projects(1)).expect_err("stopped");
    assert!(
        matches!(
            err.kind,
            ErrorKind::RunTimeout {
                budget_ms: 300,
                calls: 0,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
    // Within budget, the same plugin runs.
    let ok = hostile(host, &[("mode", "behave")], |g| {
        g.limits.run_timeout_ms = Some(60_000);
    });
    assert_eq!(ok.validate(&city(), &projects(3)).expect("runs"), vec![]);
}

#[test]
fn findings_per_run_are_capped() {
    let Some(_) = plugins_dir() else { return };
    let host = one_per_call();
    // 10 calls of 30 findings: the cap of 100 is passed in the fourth.
    let plugin = hostile(&host, &[("mode", "flood"), ("count", "30")], |g| {
        g.limits.max_findings = Some(100);
    });
    let err = plugin.validate(&city(), &projects(10)).expect_err("capped");
    assert!(
        matches!(err.kind, ErrorKind::TooManyFindings { limit: 100 }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "plugin `hostile`: too many findings: more than 100 in one run; the run was stopped (a city grants more with `limits.max_findings`)"
    );
    // Exactly at the cap is fine.
    let plugin = hostile(&host, &[("mode", "flood"), ("count", "10")], |g| {
        g.limits.max_findings = Some(100);
    });
    assert_eq!(
        plugin.validate(&city(), &projects(10)).expect("100").len(),
        100
    );
    // The default cap: 10,000 per run.
    let plugin = hostile(&host, &[("mode", "flood"), ("count", "20000")], |_| {});
    let err = plugin
        .validate(&city(), &projects(1))
        .expect_err("default cap");
    assert!(
        matches!(err.kind, ErrorKind::TooManyFindings { limit: 10_000 }),
        "{err}"
    );
}

#[test]
fn importer_findings_are_capped_too() {
    let Some(dir) = plugins_dir() else { return };
    let plugin = load(host(), &dir, "hostile-importer", &PluginGrants::default()).expect("loads");
    let err = plugin
        .import(&city(), "application/json", br#"{"findings": 20000}"#)
        .expect_err("capped");
    assert!(
        matches!(err.kind, ErrorKind::TooManyFindings { limit: 10_000 }),
        "{err}"
    );
    let ok = plugin
        .import(&city(), "application/json", br#"{"findings": 10000}"#)
        .expect("at the cap");
    assert_eq!(ok.diagnostics.len(), 10_000);
}

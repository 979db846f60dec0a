//! The deadline, in its own test binary so that parallel tests do not compete for the CPU
//! while it is timed.

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
use digifarm_plugin_host::ErrorKind;
use serde_json::json;

fn projects() -> Vec<Project> {
    vec![project(json!({
        "id": "p", "name": "P", "summary": "s", "status": "live",
        "lifecycle": "admitted", "license": "MIT",
    }))]
}

#[test]
fn infinite_loop_is_stopped_within_its_deadline() {
    let Some(dir) = plugins_dir() else { return };
    let host = host();
    let mut grants = PluginGrants::default();
    grants.config.insert("mode".into(), "loop".into());
    grants.limits.timeout_ms = Some(200);
    let plugin = load(host, &dir, "hostile", &grants).expect("loads");
    // The machine is shared (2 cores, other builds running): take the best of three runs for
    // the upper bound; every run must be stopped with the exact error.
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let err = plugin
            .validate(&city(), &projects())
            .expect_err("the loop must be stopped");
        let elapsed = start.elapsed();
        assert!(
            matches!(err.kind, ErrorKind::Timeout { timeout_ms: 200 }),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "plugin `hostile`: timeout: the call did not finish within 200 ms and was stopped"
        );
        assert!(
            elapsed >= Duration::from_millis(180),
            "stopped early: {elapsed:?}"
        );
        best = best.min(elapsed);
    }
    assert!(
        best <= Duration::from_millis(300),
        "deadline + 100 ms exceeded: {best:?}"
    );
    // The host and the same plugin keep working afterwards.
    grants.config.insert("mode".into(), "behave".into());
    let ok = load(host, &dir, "hostile", &grants).expect("loads");
    assert_eq!(
        ok.validate(&city(), &projects()).expect("next call"),
        vec![]
    );
}

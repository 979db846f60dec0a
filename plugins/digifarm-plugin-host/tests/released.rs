//! Plugins built against a released interface keep working as the host grows.
//!
//! `tests/released/v0.1.0/` holds two example plugins exactly as they were built with the
//! 0.1.0 SDK, before the record codec became a crate of its own and before the interface
//! moved to `wit/since_v0.1.0/`: the `muenster-admission` validator and the `atom-feed`
//! exporter (which decodes a whole catalog). Each runs through today's host on a generated
//! catalog; its output must equal the output recorded next to it (`expected.txt`) and, when
//! `scripts/test-plugins.sh` has built today's plugins, the output of the same plugin built
//! from today's SDK. `DIGIFARM_BLESS=1` rewrites `expected.txt`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

mod common;

use std::path::{Path, PathBuf};

use common::{host, plugins_dir};
use digifarm_core::catalog::Catalog;
use digifarm_core::license::Policy;
use digifarm_core::model::PluginGrants;
use digifarm_core::synth;

fn released(id: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/released/v0.1.0")
        .join(id)
}

/// A generated catalog in which every fifth project breaks the admission rules (no link to
/// the city, no source, a proprietary licence), so the validator has findings to report.
fn catalog() -> Catalog {
    let mut cat = synth::catalog(11, 80, 20, 40);
    for p in cat.projects.iter_mut().step_by(5) {
        p.origin = None;
        p.deployment = None;
        p.links.source = None;
        p.license = "LicenseRef-Proprietary".to_owned();
        for n in &mut p.needs {
            n.supported_by.clear();
        }
    }
    Catalog::from_records(cat.config, cat.projects, cat.partners, cat.offers)
}

fn grants() -> PluginGrants {
    let mut grants = PluginGrants::default();
    grants
        .config
        .insert("city_partners".into(), "p0001,p0002".into());
    grants
        .config
        .insert("base_url".into(), "https://digifarm.example".into());
    grants
}

/// What the plugin in `wasm` makes of the generated catalog, as text.
fn run(wasm: &Path, kind: &str, catalog: &Catalog) -> String {
    let plugin = match host().load(wasm, &grants(), &Policy::default()) {
        Ok(p) => p,
        Err(e) => panic!("{} does not load: {e}", wasm.display()),
    };
    match kind {
        "validator" => match plugin.validate(&catalog.config, &catalog.projects) {
            Ok(findings) => findings
                .iter()
                .map(|f| {
                    let d = &f.diagnostic;
                    format!(
                        "{} {} {:?} {} {}\n",
                        f.project, d.code, d.severity, d.pointer, d.message
                    )
                })
                .collect(),
            Err(e) => panic!("{} fails: {e}", wasm.display()),
        },
        _ => match plugin.export(catalog) {
            Ok(out) => format!(
                "{}\n{}",
                out.media_type,
                String::from_utf8_lossy(&out.bytes)
            ),
            Err(e) => panic!("{} fails: {e}", wasm.display()),
        },
    }
}

fn check(id: &str, kind: &str) {
    let catalog = catalog();
    let dir = released(id);
    let got = run(&dir.join(format!("{id}.wasm")), kind, &catalog);
    assert!(got.lines().count() > 10, "{id} produced too little: {got}");
    let expected_file = dir.join("expected.txt");
    if std::env::var("DIGIFARM_BLESS").is_ok_and(|v| v == "1")
        && let Err(e) = std::fs::write(&expected_file, &got)
    {
        panic!("{}: {e}", expected_file.display());
    }
    let expected = std::fs::read_to_string(&expected_file).unwrap_or_default();
    assert!(
        got == expected,
        "{id} 0.1.0 gives other output than {} (DIGIFARM_BLESS=1 rewrites it after a deliberate change)",
        expected_file.display()
    );
    if let Some(today) = plugins_dir() {
        let fresh = run(&common::wasm(&today, id), kind, &catalog);
        assert!(
            fresh == got,
            "{id}: the released build and today's build disagree"
        );
    }
}

#[test]
fn a_released_validator_still_validates() {
    check("muenster-admission", "validator");
}

#[test]
fn a_released_exporter_still_decodes_the_catalog() {
    check("atom-feed", "exporter");
}

//! One contract, three SDKs: the host encodes catalogs (generated ones, one with every edge
//! of the layout, and Münster's real catalog), the conformance plugin of each SDK decodes and
//! re-encodes them (`plugins/examples/conformance` in Rust, `plugins/examples-python/
//! conformance` in Python, `plugins/examples-js/conformance` in JavaScript), and this test
//! decodes what came back and compares it with what was sent, record by record and field by
//! field.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

mod common;

use std::path::Path;

use common::*;
use digifarm_core::catalog::{Catalog, LoadOptions};
use digifarm_core::model::{Partner, PluginGrants, SupportOffer};
use digifarm_plugin_codec as codec;
use digifarm_plugin_host::encode::Encoder;
use serde_json::json;

/// What the host sends an exporter for `catalog`, decoded by the codec: the ground truth.
fn sent(catalog: &Catalog) -> codec::Encoded {
    let mut enc = Encoder::new(4096);
    enc.city(&catalog.config);
    enc.projects(catalog.projects.iter());
    enc.partners(catalog.partners.iter());
    enc.offers(catalog.offers.iter());
    enc.finish()
}

/// Splits a conformance plugin's output: u32 length of `data`, `data`, `strings`.
fn split(bytes: &[u8]) -> (&[u8], &str) {
    let len = u32::from_le_bytes(bytes[..4].try_into().unwrap()) as usize;
    let data = &bytes[4..4 + len];
    let strings = std::str::from_utf8(&bytes[4 + len..]).expect("strings are UTF-8");
    (data, strings)
}

/// Every record equal, with the first difference named.
fn assert_same(sdk: &str, label: &str, want: &codec::Catalog<'_>, got: &codec::Catalog<'_>) {
    assert_eq!(got.city, want.city, "{sdk}, {label}: city");
    assert_eq!(
        got.projects.len(),
        want.projects.len(),
        "{sdk}, {label}: projects"
    );
    for (g, w) in got.projects.iter().zip(&want.projects) {
        assert_eq!(g, w, "{sdk}, {label}: project `{}`", w.id);
    }
    assert_eq!(
        got.partners.len(),
        want.partners.len(),
        "{sdk}, {label}: partners"
    );
    for (g, w) in got.partners.iter().zip(&want.partners) {
        assert_eq!(g, w, "{sdk}, {label}: partner `{}`", w.id);
    }
    assert_eq!(
        got.offers.len(),
        want.offers.len(),
        "{sdk}, {label}: offers"
    );
    for (g, w) in got.offers.iter().zip(&want.offers) {
        // f64 fields compare by value; the layout carries their bits, so compare those too.
        assert_eq!(g, w, "{sdk}, {label}: offer `{}`", w.id);
        assert_eq!(
            g.budget_eur_per_year.map(f64::to_bits),
            w.budget_eur_per_year.map(f64::to_bits),
            "{sdk}, {label}: offer `{}` budget bits",
            w.id
        );
    }
}

/// A catalog with every edge of the layout: text in several scripts and astral characters,
/// empty and absent values, every optional field present and absent, fractional numbers.
fn edges() -> Catalog {
    let partners: Vec<Partner> = vec![
        serde_json::from_value(json!({
            "id": "citeq", "name": "citeq – IT-Dienstleister der Stadt Münster",
            "kind": "public-body", "sectors": ["it", "verwaltung"], "region": "Münster",
            "website": "https://www.citeq.de"
        }))
        .unwrap(),
        serde_json::from_value(json!({"id": "bare", "name": "B", "kind": "company"})).unwrap(),
    ];
    let offers: Vec<SupportOffer> = vec![
        serde_json::from_value(json!({
            "id": "citeq-dev", "partner": "citeq", "kind": "technical",
            "description": {"de": "Entwicklung 🛠", "en": "Development"},
            "skills": ["rust", "python"], "topics": ["daten"], "regions": ["05515000", "NRW"],
            "remote": true, "capacity": {"projects": 3, "hours_per_month": 12.75},
            "license_requirement": "OSI", "valid_from": "2024-01-01", "valid_until": "2026-12-31"
        }))
        .unwrap(),
        serde_json::from_value(json!({
            "id": "geld", "partner": "bare", "kind": "financial",
            "budget_eur_per_year": 2500.5
        }))
        .unwrap(),
    ];
    let projects = vec![
        project(json!({
            "id": "giess-den-kiez", "name": "Gieß den Kiez — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ «ß» 水",
            "summary": {"de": "Bäume gießen 🌳", "en": "Water the trees", "ar": "سقي الأشجار"},
            "description": {"de": "Zeile eins\nZeile zwei\tmit Tab, \"Zitat\", C:\\Daten\\u00e4 \u{1}"},
            "status": "in-development", "status_since": "2024-05-01",
            "lifecycle": "admitted", "admitted_on": "2022-06-01", "last_reviewed": "2025-01-31",
            "categories": ["umwelt"], "technologies": ["Vue", "Python"],
            "license": "EUPL-1.2 OR MIT",
            "origin": {"city": "Münster", "community": "Code for Münster", "started": "2021-03-01"},
            "links": {"homepage": "https://giessdenkiez.de", "source": "https://github.com/x/y",
                      "info": "https://example.org/ü"},
            "deployment": {"mode": "per-city", "cities": ["Münster", "Berlin"]},
            "needs": [
                {"kind": "technical", "description": {"de": "Hilfe 🙏"}, "skills": ["rust"],
                 "hours_per_month": 7.25, "priority": "high", "since": "2024-02-29",
                 "supported_by": [{"partner": "citeq", "offer": "citeq-dev", "since": "2024-03-01"},
                                  {"partner": "bare"}]},
                {"kind": "financial", "eur_per_year": 1234.5},
                {"kind": "content"}
            ]
        })),
        project(json!({
            "id": "bare", "name": "x", "summary": "", "status": "idea",
            "lifecycle": "proposed", "license": "MIT"
        })),
    ];
    Catalog::from_records(city(), projects, partners, offers)
}

fn run_sdk(dir: &Path, sdk: &str, id: &str, encoding: u32) {
    let host = host();
    // What the conformance manifests ask for: a whole catalog in one call.
    let mut grants = PluginGrants::default();
    grants.limits.memory_mb = Some(128);
    grants.limits.timeout_ms = Some(10_000);
    let plugin = load(host, dir, id, &grants).expect("conformance plugin loads");
    // The version of the input the plugin gets: what its SDK's build wrote in the manifest.
    assert_eq!(plugin.manifest().encoding, encoding, "{sdk}: encoding");
    let mut catalogs: Vec<(String, Catalog)> = vec![("edges".into(), edges())];
    for (seed, n) in [(1u64, 40usize), (2, 150), (3, 300)] {
        let s = digifarm_core::synth::catalog(seed, n, n / 10 + 1, n / 5 + 1);
        catalogs.push((
            format!("synth seed {seed}, {n} projects"),
            Catalog::from_records(s.config, s.projects, s.partners, s.offers),
        ));
    }
    let muenster = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/muenster");
    let loaded = digifarm_core::catalog::load(&muenster, &LoadOptions::default()).expect("loads");
    assert!(!loaded.catalog.projects.is_empty());
    catalogs.push(("examples/muenster".into(), loaded.catalog));
    for (label, catalog) in &catalogs {
        let input = sent(catalog);
        let want = codec::decode_catalog(&input.data, &input.strings).expect("host input decodes");
        let out = plugin
            .export(catalog)
            .unwrap_or_else(|e| panic!("{sdk}, {label}: {e}"));
        assert_eq!(out.media_type, "application/octet-stream");
        let (data, strings) = split(&out.bytes);
        let got = codec::decode_catalog(data, strings)
            .unwrap_or_else(|e| panic!("{sdk}, {label}: its encoding does not decode: {e}"));
        assert_same(sdk, label, &want, &got);
        eprintln!(
            "{sdk}: {label}: {} projects, {} partners, {} offers equal",
            want.projects.len(),
            want.partners.len(),
            want.offers.len()
        );
    }
}

#[test]
fn rust_sdk_round_trips_every_field() {
    let Some(dir) = plugins_with(&["conformance"]) else {
        return;
    };
    run_sdk(&dir, "Rust", "conformance", 1);
}

/// A copy of the plugin `id` of `dir` in a new directory, its manifest's `encoding` line
/// (`from`, or none) replaced by `encoding = to`.
fn with_encoding(dir: &Path, id: &str, from: Option<u32>, to: u32) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join(id);
    std::fs::create_dir(&copy).unwrap();
    let wasm = format!("{id}.wasm");
    std::fs::copy(dir.join(id).join(&wasm), copy.join(&wasm)).unwrap();
    let manifest = std::fs::read_to_string(dir.join(id).join("plugin.toml")).unwrap();
    let manifest = match from {
        None => {
            assert!(!manifest.contains("encoding"), "{manifest}");
            manifest.replacen("kind = ", &format!("encoding = {to}\nkind = "), 1)
        }
        Some(from) => {
            let line = format!("encoding = {from}\n");
            assert!(manifest.contains(&line), "{manifest}");
            manifest.replacen(&line, &format!("encoding = {to}\n"), 1)
        }
    };
    std::fs::write(copy.join("plugin.toml"), manifest).unwrap();
    tmp
}

/// The Rust SDK reads versions 2 and 3 as well (the codec checks the host's index against
/// the records as it finishes, and every escape of version 3): the same plugin, its manifest
/// asking for version 2, then 3.
#[test]
fn rust_sdk_round_trips_every_field_of_versions_2_and_3() {
    let Some(dir) = plugins_with(&["conformance"]) else {
        return;
    };
    let tmp = with_encoding(&dir, "conformance", None, 2);
    run_sdk(tmp.path(), "Rust, version 2", "conformance", 2);
    let tmp = with_encoding(&dir, "conformance", None, 3);
    run_sdk(tmp.path(), "Rust, version 3", "conformance", 3);
}

#[test]
fn python_sdk_round_trips_every_field() {
    let Some(dir) = plugins_with(PYTHON_PLUGINS) else {
        return;
    };
    run_sdk(&dir, "Python", "conformance-py", 2);
}

#[test]
fn javascript_sdk_round_trips_every_field() {
    let Some(dir) = plugins_with(JS_PLUGINS) else {
        return;
    };
    run_sdk(&dir, "JavaScript (QuickJS)", "conformance-js", 3);
    run_sdk(&dir, "JavaScript (StarlingMonkey)", "conformance-sm", 3);
    // The SDK's decoder reads version 2 as well (what plugins built before version 3 ask for).
    let tmp = with_encoding(&dir, "conformance-js", Some(3), 2);
    run_sdk(
        tmp.path(),
        "JavaScript (QuickJS), version 2",
        "conformance-js",
        2,
    );
}

/// The SDKs ship the interface they build against: each copy is the frozen WIT, byte for byte.
#[test]
fn sdk_copies_of_the_wit_are_the_frozen_interface() {
    let plugins = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let frozen = std::fs::read(plugins.join("wit/since_v0.1.0/plugin.wit")).unwrap();
    for copy in [
        "sdk-python/digifarm_plugin/wit/plugin.wit",
        "sdk-js/wit/plugin.wit",
    ] {
        let path = plugins.join(copy);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            bytes == frozen,
            "{copy} differs from wit/since_v0.1.0/plugin.wit"
        );
    }
}

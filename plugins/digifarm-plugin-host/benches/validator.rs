//! The validator path through the plugin host, against the same rules written natively.
//!
//! - `validator/plugin`: `muenster-admission` over 100k synthetic projects, batches of 1,000
//!   (one fresh instance per batch; conversion to WIT records, the call, output checks);
//! - `validator/native`: the same three rules in Rust over the same projects;
//! - `scorer/plugin`, `scorer/native`: `local-first` over 20k candidates (a fifth of the
//!   projects count), and the same rule in Rust;
//! - `load/cold`: manifest, hash, licence, compile, link (no cache);
//! - `load/cached`: the same with the compiled artefact from the cache;
//! - `encode/projects`: the host's encoding of the same projects alone;
//! - `validator/python`, `validator/javascript`: the same rules as plugins written with the
//!   Python and the JavaScript SDK (`muenster-admission-py`, `muenster-admission-js`, when
//!   built, the JavaScript one with the default engine, QuickJS; `javascript-starlingmonkey`:
//!   the same built with `--backend starlingmonkey`);
//!   `validator/{python,javascript,javascript-starlingmonkey}-noop`: those validators that return
//!   at once (a fresh instance per batch, the records moved in and decoded);
//!   `load/{python,javascript,javascript-starlingmonkey}-cached`. Their cold loads (a
//!   compile of the whole interpreter: about 2 s for QuickJS, 10 s and more for the others)
//!   are timed once each and printed, not sampled.
//!
//! Needs the plugins built (`scripts/test-plugins.sh`); `scripts/bench-plugins.sh` runs this
//! and prints the per-record overhead. `DIGIFARM_BENCH_PROJECTS` changes the 100k.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr
)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use digifarm_core::Diagnostic;
use digifarm_core::license::{self, Policy};
use digifarm_core::model::{CityConfig, Partner, PluginGrants, Project};
use digifarm_plugin_host::{Candidate, Host, HostOptions, Score, ScoreTerm};

fn plugin_wasm() -> Option<PathBuf> {
    let dir = std::env::var_os("DIGIFARM_PLUGINS_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/dist"),
        PathBuf::from,
    );
    let wasm = dir.join("muenster-admission/muenster-admission.wasm");
    if wasm.is_file() {
        Some(wasm)
    } else {
        eprintln!(
            "skipped: {} not built (run scripts/test-plugins.sh)",
            wasm.display()
        );
        None
    }
}

fn n_projects() -> usize {
    std::env::var("DIGIFARM_BENCH_PROJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// The muenster-admission rules, natively: what the plugin costs is the difference.
fn native(
    city: &CityConfig,
    policy: &Policy,
    city_partners: &[&str],
    projects: &[Project],
) -> Vec<Diagnostic> {
    let norm = |s: &str| s.trim().to_lowercase().replace("muenster", "münster");
    let home = norm(&city.city.name);
    let mut out = Vec::new();
    for p in projects {
        let from_city = p
            .origin
            .as_ref()
            .and_then(|o| o.city.as_deref())
            .is_some_and(|c| norm(c) == home);
        let deployed = p
            .deployment
            .as_ref()
            .is_some_and(|d| d.cities.iter().any(|c| norm(c) == home));
        let partner = p.needs.iter().any(|n| {
            n.supported_by
                .iter()
                .any(|s| city_partners.contains(&s.partner.as_str()))
        });
        if !(from_city || deployed || partner) {
            out.push(Diagnostic::new(
                digifarm_core::Code::SourceMissing,
                "",
                "",
                format!("`{}` has no link to {}", p.id, city.city.name),
            ));
        }
        match p.links.source.as_deref() {
            Some(url) if url.starts_with("https://") => {}
            _ => out.push(Diagnostic::new(
                digifarm_core::Code::SourceMissing,
                "",
                "/links",
                "no https source",
            )),
        }
        if !license::check(&p.license, policy).allowed {
            out.push(Diagnostic::new(
                digifarm_core::Code::LicenseNotAllowed,
                "",
                "/license",
                "not open",
            ));
        }
    }
    out
}

/// `count` candidates: each need of the first projects with up to five offers of its kind.
fn candidates(cat: &digifarm_core::synth::SynthCatalog, count: usize) -> Vec<Candidate<'_>> {
    let partners: HashMap<&str, &Partner> =
        cat.partners.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut out = Vec::with_capacity(count);
    for project in &cat.projects {
        for (need_index, need) in project.needs.iter().enumerate() {
            for offer in cat.offers.iter().filter(|o| o.kind == need.kind).take(5) {
                if out.len() == count {
                    return out;
                }
                out.push(Candidate {
                    project,
                    need_index,
                    offer,
                    partner: partners[offer.partner.as_str()],
                });
            }
        }
    }
    out
}

/// The local-first rule natively (`plugins/examples/local-first`).
fn local_first_native(city: &CityConfig, candidates: &[Candidate<'_>]) -> Vec<Score> {
    let norm = |s: &str| {
        s.trim()
            .to_lowercase()
            .replace("ue", "ü")
            .replace("oe", "ö")
            .replace("ae", "ä")
    };
    let names = |region: &str, home: &str| {
        let region = region.trim();
        norm(region) == norm(home)
            || (norm(home) == norm(&city.city.name)
                && city.city.ags.as_deref().is_some_and(|ags| region == ags))
    };
    candidates
        .iter()
        .map(|c| {
            let home = c
                .project
                .origin
                .as_ref()
                .and_then(|o| o.city.as_deref())
                .unwrap_or(&city.city.name);
            let (value, explanation) =
                if c.partner.region.as_deref().is_some_and(|r| names(r, home)) {
                    (1.0, format!("{} is based in {home}", c.partner.name))
                } else if c.offer.regions.iter().any(|r| names(r, home)) {
                    (0.5, format!("{} works in {home}", c.partner.name))
                } else {
                    (0.0, format!("{} is not local to {home}", c.partner.name))
                };
            Score {
                value,
                terms: vec![ScoreTerm {
                    name: "local".to_owned(),
                    value,
                    explanation,
                }],
            }
        })
        .collect()
}

/// `encode/projects`: the host's side of every validator call, the model's public fields
/// written into the input (mapped onto the codec's views and encoded), without a plugin.
fn bench_encode(c: &mut Criterion, cat: &digifarm_core::synth::SynthCatalog) {
    let mut g = c.benchmark_group("encode");
    g.throughput(Throughput::Elements(cat.projects.len() as u64));
    let mut buffer = Some(digifarm_plugin_host::encode::Encoded::default());
    g.bench_function("projects", |b| {
        b.iter(|| {
            let mut e =
                digifarm_plugin_host::encode::Encoder::reuse(buffer.take().unwrap_or_default());
            e.projects(cat.projects.iter());
            let out = e.finish();
            let len = out.data.len() + out.strings.len();
            buffer = Some(out);
            len
        });
    });
    g.finish();
}

fn bench(c: &mut Criterion) {
    let n = n_projects();
    let cat = digifarm_core::synth::catalog(7, n, 200, 600);
    bench_encode(c, &cat);
    let Some(wasm) = plugin_wasm() else { return };
    let city = cat.config.clone();
    let policy = Policy::from_config(&city.license);
    let mut grants = PluginGrants::default();
    grants
        .config
        .insert("city_partners".into(), "p0001,p0002".into());

    let host = Host::new(HostOptions::default()).unwrap();
    let plugin = host.load(&wasm, &grants, &policy).unwrap();
    let plugin_found = plugin.validate(&city, &cat.projects).unwrap().len();
    let native_found = native(&city, &policy, &["p0001", "p0002"], &cat.projects).len();
    assert_eq!(
        plugin_found, native_found,
        "plugin and native rule must agree"
    );
    eprintln!("{n} projects, {plugin_found} findings from each");

    let mut g = c.benchmark_group("validator");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Elements(n as u64));
    g.bench_function("plugin", |b| {
        b.iter(|| plugin.validate(&city, &cat.projects).unwrap())
    });
    g.bench_function("native", |b| {
        b.iter(|| native(&city, &policy, &["p0001", "p0002"], &cat.projects))
    });
    // The cost of moving the records alone: a validator that returns nothing at once (the
    // hostile test plugin in its well-behaved mode).
    let hostile = wasm
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("hostile/hostile.wasm"))
        .filter(|p| p.is_file());
    if let Some(hostile) = hostile {
        let mut noop_grants = PluginGrants::default();
        noop_grants.config.insert("mode".into(), "behave".into());
        let noop = host.load(&hostile, &noop_grants, &policy).unwrap();
        g.bench_function("plugin-noop", |b| {
            b.iter(|| noop.validate(&city, &cat.projects).unwrap())
        });
    }
    g.finish();

    // The scorer path: `local-first` over candidate pairs vs the same rule natively.
    let local_first = wasm
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("local-first/local-first.wasm"))
        .filter(|p| p.is_file());
    if let Some(local_first) = local_first {
        let scorer = host
            .load(&local_first, &PluginGrants::default(), &policy)
            .unwrap();
        let candidates = candidates(&cat, n / 5);
        let from_plugin: Vec<f64> = scorer
            .score(&city, &candidates)
            .unwrap()
            .iter()
            .map(|s| s.value)
            .collect();
        let from_native: Vec<f64> = local_first_native(&city, &candidates)
            .iter()
            .map(|s| s.value)
            .collect();
        assert_eq!(
            from_plugin, from_native,
            "plugin and native scorer must agree"
        );
        eprintln!("{} candidates", candidates.len());
        let mut g = c.benchmark_group("scorer");
        g.sample_size(10)
            .measurement_time(Duration::from_secs(10))
            .throughput(Throughput::Elements(candidates.len() as u64));
        g.bench_function("plugin", |b| {
            b.iter(|| scorer.score(&city, &candidates).unwrap())
        });
        g.bench_function("native", |b| {
            b.iter(|| local_first_native(&city, &candidates))
        });
        g.finish();
    }

    bench_polyglot(c, &wasm, &cat, &grants, &policy, plugin_found);

    let mut g = c.benchmark_group("load");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("cold", |b| {
        b.iter(|| host.load(&wasm, &grants, &policy).unwrap())
    });
    let cache = tempfile::tempdir().unwrap();
    let cached = Host::new(HostOptions {
        cache_dir: Some(cache.path().to_owned()),
        ..HostOptions::default()
    })
    .unwrap();
    cached.load(&wasm, &grants, &policy).unwrap();
    g.bench_function("cached", |b| {
        b.iter(|| {
            let p = cached.load(&wasm, &grants, &policy).unwrap();
            assert_eq!(p.cache_status(), &digifarm_plugin_host::CacheStatus::Hit);
            p
        })
    });
    g.finish();
}

/// The Python and JavaScript muenster-admission validators over the same projects, and their
/// loads. Each must find exactly what the Rust plugin finds.
fn bench_polyglot(
    c: &mut Criterion,
    rust_wasm: &Path,
    cat: &digifarm_core::synth::SynthCatalog,
    grants: &PluginGrants,
    policy: &Policy,
    rust_found: usize,
) {
    let Some(dist) = rust_wasm.parent().and_then(Path::parent) else {
        return;
    };
    let n = cat.projects.len();
    for (lang, id, noop_id) in [
        ("python", "muenster-admission-py", "hostile-py"),
        ("javascript", "muenster-admission-js", "hostile-js"),
        (
            "javascript-starlingmonkey",
            "muenster-admission-sm",
            "hostile-sm",
        ),
    ] {
        let wasm = dist.join(id).join(format!("{id}.wasm"));
        if !wasm.is_file() {
            eprintln!("skipped: {} not built", wasm.display());
            continue;
        }
        // The interpreters need more than a Rust plugin's limits.
        let mut grants = grants.clone();
        grants.limits.memory_mb = Some(64);
        grants.limits.timeout_ms = Some(2000);
        let cache = tempfile::tempdir().unwrap();
        let host = Host::new(HostOptions {
            cache_dir: Some(cache.path().to_owned()),
            ..HostOptions::default()
        })
        .unwrap();
        let started = std::time::Instant::now();
        let plugin = host.load(&wasm, &grants, policy).unwrap();
        let cold = started.elapsed();
        let started = std::time::Instant::now();
        let again = host.load(&wasm, &grants, policy).unwrap();
        let cached = started.elapsed();
        assert_eq!(
            again.cache_status(),
            &digifarm_plugin_host::CacheStatus::Hit
        );
        let found = plugin.validate(&cat.config, &cat.projects).unwrap().len();
        assert_eq!(found, rust_found, "{lang} and Rust plugins must agree");
        eprintln!(
            "{lang}: {} bytes; load cold (compile) {:.1} s, from the cache {:.1} ms (first, unsampled)",
            std::fs::metadata(&wasm).map(|m| m.len()).unwrap_or(0),
            cold.as_secs_f64(),
            cached.as_secs_f64() * 1e3
        );
        let mut g = c.benchmark_group("validator");
        g.sample_size(10)
            .measurement_time(Duration::from_secs(30))
            .throughput(Throughput::Elements(n as u64));
        g.bench_function(lang, |b| {
            b.iter(|| plugin.validate(&cat.config, &cat.projects).unwrap())
        });
        // A fresh instance per batch from the build's snapshot (the interpreter started and
        // the plugin imported at build time), the records moved in and decoded by the SDK,
        // nothing checked: the hostile test plugin in its well-behaved mode.
        let noop_wasm = dist.join(noop_id).join(format!("{noop_id}.wasm"));
        if noop_wasm.is_file() {
            let mut noop_grants = PluginGrants::default();
            noop_grants.config.insert("mode".into(), "behave".into());
            let noop = host.load(&noop_wasm, &noop_grants, policy).unwrap();
            g.bench_function(format!("{lang}-noop"), |b| {
                b.iter(|| noop.validate(&cat.config, &cat.projects).unwrap())
            });
        }
        g.finish();
        let mut g = c.benchmark_group("load");
        g.sample_size(10).measurement_time(Duration::from_secs(10));
        g.bench_function(format!("{lang}-cached"), |b| {
            b.iter(|| host.load(&wasm, &grants, policy).unwrap())
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

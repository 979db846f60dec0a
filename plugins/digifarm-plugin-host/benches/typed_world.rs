//! Which contract serves a Python plugin better: the encoded input every world uses today, or
//! the typed WIT records of `digifarm:plugin@0.1.0`, lifted into Python objects by
//! componentize-py before the call?
//!
//! Both run the Münster admission rules over the same synthetic projects, in batches of
//! 1,000, one fresh instance per batch, on the plugin host's engine (`Host::engine`):
//!
//! - `typed-world/python-encoded`: `muenster-admission-py` through the plugin host (the
//!   Python SDK decodes the records lazily);
//! - `typed-world/python-encoded-noop`: `hostile-py` in its well-behaved mode, which returns
//!   at once (instance, input and the SDK's walk over the records);
//! - `typed-world/python-typed`: the same plugin class, built with the SDK into a component of
//!   the probe world `typed-validator` (`benches/typed-probe/`), whose projects arrive as
//!   `list<project>`;
//! - `typed-world/python-typed-noop`: a component of that world that returns at once
//!   (instance, lowering and componentize-py's lifting of every record);
//! - `typed-world/rust-encoded`: the Rust `muenster-admission`, for the ratio.
//!
//! The typed calls get their WIT records built before the clock starts, so their figures
//! leave out what a host would spend building them (the encoded calls include encoding), and
//! the probe only counts the findings a typed call returns, where the host checks and
//! converts each: both favour the typed side.
//!
//! Needs the plugins and the probe components; `scripts/bench-typed-world.sh` builds them all
//! and runs this. `DIGIFARM_BENCH_PROJECTS` changes the 20,000 projects.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use digifarm_core::license::{self, Policy};
use digifarm_core::model::PluginGrants;
use digifarm_plugin_codec as codec;
use digifarm_plugin_host::encode::Encoder;
use digifarm_plugin_host::{Host, HostOptions};
use wasmtime::component::{Component, HasSelf, InstancePre, Linker, ResourceTable};
use wasmtime::{Engine, Store, StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

mod probe {
    wasmtime::component::bindgen!({
        path: "benches/typed-probe/wit",
        world: "typed-validator",
    });
}

use probe::digifarm::plugin::{host as wit_host, types as t};

const BATCH: usize = 1000;

fn n_projects() -> usize {
    std::env::var("DIGIFARM_BENCH_PROJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

fn dist() -> PathBuf {
    std::env::var_os("DIGIFARM_PLUGINS_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/dist"),
        PathBuf::from,
    )
}

fn probe_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/typed-probe")
}

/// Store data of one probe instance: WASI (nothing granted beyond what a Python component
/// needs to start) and the host interface.
struct State {
    wasi: WasiCtx,
    table: ResourceTable,
    limits: StoreLimits,
    api: Api,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// The host interface as the plugin host implements it: the granted config and the city's
/// licence policy with its cache of verdicts.
struct Api {
    config: BTreeMap<String, String>,
    licenses: license::Checker,
}

impl wit_host::Host for Api {
    fn log(&mut self, _level: wit_host::Level, _message: String) {}

    fn config(&mut self, key: String) -> Option<String> {
        self.config.get(&key).cloned()
    }

    fn check_license(&mut self, expression: String) -> wit_host::LicenseVerdict {
        let v = self.licenses.check(&expression);
        wit_host::LicenseVerdict {
            valid_expression: v.valid_expression,
            allowed: v.allowed,
            normalized: v.normalized,
            problems: v
                .findings
                .iter()
                .map(|f| format!("{}: {}", f.code.as_str(), f.message))
                .collect(),
        }
    }
}

impl t::Host for Api {}

struct Probe {
    engine: Engine,
    pre: probe::TypedValidatorPre<State>,
    config: BTreeMap<String, String>,
    policy: Policy,
}

impl Probe {
    fn load(
        engine: &Engine,
        wasm: &Path,
        config: &BTreeMap<String, String>,
        policy: &Policy,
    ) -> Probe {
        let component = Component::from_file(engine, wasm).unwrap();
        let mut linker: Linker<State> = Linker::new(engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).unwrap();
        probe::TypedValidator::add_to_linker::<State, HasSelf<Api>>(&mut linker, |s| &mut s.api)
            .unwrap();
        let pre: InstancePre<State> = linker.instantiate_pre(&component).unwrap();
        Probe {
            engine: engine.clone(),
            pre: probe::TypedValidatorPre::new(pre).unwrap(),
            config: config.clone(),
            policy: policy.clone(),
        }
    }

    /// One call per batch, each in a fresh instance; the findings of all batches.
    fn validate(&self, city: &t::City, projects: &[t::Project]) -> usize {
        let mut found = 0;
        for batch in projects.chunks(BATCH) {
            let mut store = Store::new(
                &self.engine,
                State {
                    wasi: WasiCtx::builder().build(),
                    table: ResourceTable::new(),
                    limits: StoreLimitsBuilder::new().memory_size(64 << 20).build(),
                    api: Api {
                        config: self.config.clone(),
                        licenses: license::Checker::with_capacity(self.policy.clone(), 256),
                    },
                },
            );
            store.limiter(|s| &mut s.limits);
            store.set_epoch_deadline(1 << 40);
            let plugin = self.pre.instantiate(&mut store).unwrap();
            found += plugin
                .call_validate(&mut store, city, batch)
                .unwrap()
                .unwrap()
                .len();
        }
        found
    }
}

fn s(x: &str) -> String {
    x.to_owned()
}

fn os(x: Option<&str>) -> Option<String> {
    x.map(str::to_owned)
}

fn texts(x: &[codec::Text<'_>]) -> Vec<t::Text> {
    x.iter()
        .map(|x| t::Text {
            lang: s(x.lang),
            value: s(x.value),
        })
        .collect()
}

fn strs(x: &[&str]) -> Vec<String> {
    x.iter().map(|x| s(x)).collect()
}

/// The typed record of a project as the host encodes it (same fields, same text).
fn project(p: &codec::Project<'_>) -> t::Project {
    t::Project {
        id: s(p.id),
        name: s(p.name),
        summary: texts(&p.summary),
        description: texts(&p.description),
        status: s(p.status),
        status_since: os(p.status_since),
        lifecycle: s(p.lifecycle),
        categories: strs(&p.categories),
        software_type: os(p.software_type),
        complexity: os(p.complexity),
        technologies: strs(&p.technologies),
        origin: p.origin.map(|o| t::Origin {
            city: os(o.city),
            community: os(o.community),
            started: os(o.started),
        }),
        admitted_on: os(p.admitted_on),
        links: t::Links {
            homepage: os(p.links.homepage),
            source: os(p.links.source),
            info: os(p.links.info),
        },
        license: s(p.license),
        deployment: p.deployment.as_ref().map(|d| t::Deployment {
            mode: s(d.mode),
            cities: strs(&d.cities),
        }),
        needs: p
            .needs
            .iter()
            .map(|n| t::Need {
                kind: s(n.kind),
                description: texts(&n.description),
                skills: strs(&n.skills),
                hours_per_month: n.hours_per_month,
                eur_per_year: n.eur_per_year,
                priority: s(n.priority),
                since: os(n.since),
                supported_by: n
                    .supported_by
                    .iter()
                    .map(|r| t::SupportRef {
                        partner: s(r.partner),
                        offer: os(r.offer),
                        since: os(r.since),
                    })
                    .collect(),
            })
            .collect(),
        last_reviewed: os(p.last_reviewed),
    }
}

fn bench(c: &mut Criterion) {
    let dist = dist();
    let wasm = |id: &str| dist.join(id).join(format!("{id}.wasm"));
    let needed = [
        wasm("muenster-admission"),
        wasm("muenster-admission-py"),
        wasm("hostile-py"),
        probe_dir().join("typed_muenster.wasm"),
        probe_dir().join("typed_noop.wasm"),
    ];
    if let Some(missing) = needed.iter().find(|p| !p.is_file()) {
        // scripts/bench-typed-world.sh requires them: a skipped run would leave it summing up
        // an earlier run's figures.
        assert!(
            std::env::var_os("DIGIFARM_REQUIRE_PLUGINS").is_none(),
            "{} not built",
            missing.display()
        );
        eprintln!(
            "skipped: {} not built (run scripts/bench-typed-world.sh)",
            missing.display()
        );
        return;
    }
    let n = n_projects();
    let cat = digifarm_core::synth::catalog(7, n, 200, 600);
    let city = cat.config.clone();
    let policy = Policy::from_config(&city.license);
    let mut grants = PluginGrants::default();
    grants
        .config
        .insert("city_partners".into(), "p0001,p0002".into());
    grants.limits.memory_mb = Some(64);
    grants.limits.timeout_ms = Some(2000);

    // The typed records: the host's encoding of the projects, decoded by the codec into the
    // views whose fields are the WIT records' fields.
    let mut encoder = Encoder::new(n * 2048);
    encoder.projects(cat.projects.iter());
    encoder.city(&city);
    let encoded = encoder.finish();
    let mut decoder = codec::Decoder::new(&encoded.data, &encoded.strings).unwrap();
    let views = decoder.projects().unwrap();
    let view_city = decoder.city().unwrap();
    decoder.finish().unwrap();
    let typed: Vec<t::Project> = views.iter().map(project).collect();
    let typed_city = t::City {
        name: s(view_city.name),
        ags: os(view_city.ags),
        languages: strs(&view_city.languages),
        website: os(view_city.website),
    };
    assert_eq!(typed.len(), n);

    let host = Host::new(HostOptions::default()).unwrap();
    let rust = host
        .load(&wasm("muenster-admission"), &grants, &policy)
        .unwrap();
    let python = host
        .load(&wasm("muenster-admission-py"), &grants, &policy)
        .unwrap();
    let mut noop_grants = grants.clone();
    noop_grants.config.clear();
    noop_grants.config.insert("mode".into(), "behave".into());
    let python_noop = host
        .load(&wasm("hostile-py"), &noop_grants, &policy)
        .unwrap();
    let engine = host.engine();
    let config: BTreeMap<String, String> = grants.config.clone().into_iter().collect();
    let typed_rules = Probe::load(
        engine,
        &probe_dir().join("typed_muenster.wasm"),
        &config,
        &policy,
    );
    let typed_noop = Probe::load(
        engine,
        &probe_dir().join("typed_noop.wasm"),
        &config,
        &policy,
    );

    // Same rules, same findings, whichever contract carries the records.
    let found = rust.validate(&city, &cat.projects).unwrap().len();
    assert_eq!(python.validate(&city, &cat.projects).unwrap().len(), found);
    assert_eq!(typed_rules.validate(&typed_city, &typed), found);
    assert_eq!(typed_noop.validate(&typed_city, &typed), 0);
    assert!(
        python_noop
            .validate(&city, &cat.projects)
            .unwrap()
            .is_empty()
    );
    eprintln!("{n} projects, {found} findings from each validator");

    let mut g = c.benchmark_group("typed-world");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Elements(n as u64));
    g.bench_function("rust-encoded", |b| {
        b.iter(|| rust.validate(&city, &cat.projects).unwrap())
    });
    g.bench_function("python-encoded", |b| {
        b.iter(|| python.validate(&city, &cat.projects).unwrap())
    });
    g.bench_function("python-typed", |b| {
        b.iter(|| typed_rules.validate(&typed_city, &typed))
    });
    g.bench_function("python-encoded-noop", |b| {
        b.iter(|| python_noop.validate(&city, &cat.projects).unwrap())
    });
    g.bench_function("python-typed-noop", |b| {
        b.iter(|| typed_noop.validate(&typed_city, &typed))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! A loaded plugin and its calls. Every call runs in a fresh store and instance (one per
//! batch) with the plugin's memory cap, deadline and output cap.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use digifarm_core::catalog::Catalog;
use digifarm_core::diagnostic::{self as diag, Diagnostic, Severity, printable};
use digifarm_core::license::Policy;
use digifarm_core::model::{
    CityConfig, Partner, PluginGrants, PluginLimits, Project, RecordKind, SupportOffer,
};
use wasmtime::component::Component;
use wasmtime::{Engine, Store, Trap};

use crate::bindings::{exporter, importer, scorer, types as wit, validator};
use crate::cache::CacheStatus;
use crate::check::{self, echo};
use crate::convert::{self, WireSize};
use crate::encode::{Encoded, Encoder, Version};
use crate::error::{Error, ErrorKind, Result};
use crate::host::{self, Host, Limits, RunBudget};
use crate::manifest::{self, Kind, Manifest};
use crate::sandbox::{self, Capability, State, StateSpec};

enum Pre {
    Validator(validator::ValidatorPre<State>),
    Scorer(scorer::ScorerPre<State>),
    Exporter(exporter::ExporterPre<State>),
    Importer(importer::ImporterPre<State>),
}

/// A plugin, compiled and checked, ready to be called.
pub struct Plugin {
    manifest: Manifest,
    path: PathBuf,
    engine: Engine,
    pre: Pre,
    limits: Limits,
    capabilities: Vec<Capability>,
    config: BTreeMap<String, String>,
    env: BTreeMap<String, String>,
    policy: Policy,
    cache_status: CacheStatus,
    max_input_bytes: usize,
    log_bytes: usize,
    batch_size: usize,
    tick_ms: u64,
    /// The host's pool slots (pooled engine only): each call holds one.
    slots: Option<std::sync::Arc<host::Slots>>,
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("id", &self.manifest.id)
            .field("kind", &self.manifest.kind)
            .field("path", &self.path)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// A finding of a validator plugin about one project.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Index of the project in the slice passed to [`Plugin::validate`].
    pub project: usize,
    /// The diagnostic; `code` is `<plugin-id>/<code>`, `file` is empty.
    pub diagnostic: Diagnostic,
}

/// One need of one project and an offer that could meet it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// The project.
    pub project: &'a Project,
    /// Index into `project.needs`.
    pub need_index: usize,
    /// The offer.
    pub offer: &'a SupportOffer,
    /// The offer's partner.
    pub partner: &'a Partner,
}

/// One term of a plugin score.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreTerm {
    /// Name.
    pub name: String,
    /// Value.
    pub value: f64,
    /// Why.
    pub explanation: String,
}

/// A plugin's score for one candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// In [0, 1].
    pub value: f64,
    /// The terms, explained.
    pub terms: Vec<ScoreTerm>,
}

/// What an exporter produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// Media type, e.g. `application/atom+xml`.
    pub media_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// What an importer produced: the records that passed every check of a record file, the
/// plugin's own findings, and the findings of the checks.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Projects admitted.
    pub projects: Vec<Project>,
    /// Partners admitted.
    pub partners: Vec<Partner>,
    /// Offers admitted.
    pub offers: Vec<SupportOffer>,
    /// The plugin's findings about the input (`code` is `<plugin-id>/<code>`, `file` the
    /// subject the plugin named, or empty).
    pub diagnostics: Vec<Diagnostic>,
    /// The host's findings about the records returned (`file` empty, `pointer` into the
    /// returned lists, e.g. `/projects/2/id`): errors for records left out, warnings and
    /// infos for admitted ones.
    pub checks: Vec<Diagnostic>,
}

/// The wall clock of one run against its budget.
struct RunClock {
    start: std::time::Instant,
    budget_ms: u64,
    how: String,
    /// Calls that have finished.
    calls: usize,
}

impl RunClock {
    /// Milliseconds left of the budget.
    fn left_ms(&self) -> u64 {
        let spent = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.budget_ms.saturating_sub(spent)
    }

    fn exceeded(&self) -> ErrorKind {
        ErrorKind::RunTimeout {
            budget_ms: self.budget_ms,
            how: self.how.clone(),
            calls: self.calls,
        }
    }
}

fn resolve_limit(
    name: &'static str,
    requested: Option<u32>,
    granted: Option<u32>,
    default: u32,
) -> std::result::Result<u32, ErrorKind> {
    let granted = granted.unwrap_or(default);
    match requested {
        Some(r) if r > granted => Err(ErrorKind::LimitNotGranted {
            limit: name,
            requested: r,
            granted,
        }),
        Some(r) => Ok(r),
        None => Ok(granted),
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The encoded input as the WIT record.
fn wire(e: Encoded) -> wit::Encoded {
    wit::Encoded {
        data: e.data,
        strings: e.strings,
    }
}

fn input_len(e: &wit::Encoded) -> usize {
    e.data.len() + e.strings.len()
}

/// A scorer batch: each project, partner and offer once, the candidates as indexes into them.
fn encode_candidates(batch: &[Candidate<'_>], version: Version) -> Encoded {
    fn slot<'a, T>(item: &'a T, seen: &mut HashMap<*const T, u32>, list: &mut Vec<&'a T>) -> u32 {
        *seen.entry(std::ptr::from_ref(item)).or_insert_with(|| {
            list.push(item);
            to_u32(list.len() - 1)
        })
    }
    let (mut projects, mut partners, mut offers) = (Vec::new(), Vec::new(), Vec::new());
    let (mut seen_p, mut seen_pa, mut seen_o) = (HashMap::new(), HashMap::new(), HashMap::new());
    let refs: Vec<[u32; 4]> = batch
        .iter()
        .map(|c| {
            [
                slot(c.project, &mut seen_p, &mut projects),
                to_u32(c.need_index),
                slot(c.offer, &mut seen_o, &mut offers),
                slot(c.partner, &mut seen_pa, &mut partners),
            ]
        })
        .collect();
    let capacity = projects.len() * 1024 + offers.len() * 256 + refs.len() * 16;
    let mut enc = Encoder::with_version(capacity, version);
    enc.projects(projects.into_iter());
    enc.partners(partners.into_iter());
    enc.offers(offers.into_iter());
    enc.candidates(&refs);
    enc.finish()
}

impl Plugin {
    pub(crate) fn new(
        host: &Host,
        manifest: Manifest,
        path: PathBuf,
        component: Component,
        cache_status: CacheStatus,
        grants: &PluginGrants,
        policy: &Policy,
    ) -> Result<Plugin> {
        let id = manifest.id.clone();
        let err = |kind| Error::new(id.clone(), kind);
        let engine = host.engine().clone();
        let options = host.options();

        // Capabilities: each requested one must be known and granted.
        let mut capabilities = Vec::new();
        for name in &grants.capabilities {
            if Capability::parse(name).is_none() {
                return Err(err(ErrorKind::UnknownCapability {
                    capability: name.clone(),
                }));
            }
        }
        for name in &manifest.capabilities {
            let cap = Capability::parse(name).ok_or_else(|| {
                err(ErrorKind::UnknownCapability {
                    capability: name.clone(),
                })
            })?;
            if !grants.capabilities.iter().any(|g| g == name) {
                return Err(err(ErrorKind::CapabilityNotGranted {
                    capability: name.clone(),
                }));
            }
            capabilities.push(cap);
        }

        // Limits: what the manifest asks for, at most what the city grants (or the host
        // default when the city says nothing).
        let d = options.defaults;
        let PluginLimits {
            memory_mb,
            timeout_ms,
            output_kb,
            run_timeout_ms,
            max_findings,
        } = manifest.limits;
        let g = grants.limits;
        // The run budget: a fixed ceiling when the city (or the host) sets one, else derived
        // from each run's size; the plugin may ask for less.
        let ceiling = g.run_timeout_ms.or(match d.run {
            RunBudget::Fixed(ms) => Some(ms),
            RunBudget::Derived { .. } => None,
        });
        let run = match (run_timeout_ms, ceiling) {
            (Some(r), Some(c)) if r > c => {
                return Err(err(ErrorKind::LimitNotGranted {
                    limit: "run_timeout_ms",
                    requested: r,
                    granted: c,
                }));
            }
            (Some(r), Some(_)) => RunBudget::Fixed(r),
            (Some(r), None) => RunBudget::Derived { at_most: Some(r) },
            (None, Some(c)) => RunBudget::Fixed(c),
            (None, None) => RunBudget::Derived { at_most: None },
        };
        let limits = Limits {
            memory_bytes: (resolve_limit(
                "memory_mb",
                memory_mb,
                g.memory_mb,
                to_u32(d.memory_bytes >> 20),
            )
            .map_err(err)? as usize)
                << 20,
            timeout_ms: resolve_limit("timeout_ms", timeout_ms, g.timeout_ms, d.timeout_ms)
                .map_err(err)?,
            output_bytes: (resolve_limit(
                "output_kb",
                output_kb,
                g.output_kb,
                to_u32(d.output_bytes >> 10),
            )
            .map_err(err)? as usize)
                << 10,
            run,
            max_findings: resolve_limit(
                "max_findings",
                max_findings,
                g.max_findings,
                d.max_findings,
            )
            .map_err(err)?,
        };

        // The component must implement the world its manifest names, at our API version.
        if let Some(found) = host::incompatible_import(&engine, &component) {
            return Err(err(ErrorKind::IncompatibleApiVersion {
                found,
                supported: manifest::API_VERSION.to_owned(),
            }));
        }
        match host::detect_world(&engine, &component) {
            Some(kind) if kind == manifest.kind => {}
            Some(kind) => {
                return Err(err(ErrorKind::WrongKind {
                    message: format!(
                        "plugin.toml says `{}` but the component implements `{kind}`",
                        manifest.kind
                    ),
                }));
            }
            None => {
                return Err(err(ErrorKind::WrongKind {
                    message: format!(
                        "the component exports no `{}` function; it does not implement the `{}` world of digifarm:plugin@{}",
                        manifest.kind.export_name(),
                        manifest.kind,
                        manifest::API_VERSION
                    ),
                }));
            }
        }

        let linker = sandbox::linker(&engine, &component, &capabilities).map_err(err)?;
        let instance_pre = linker.instantiate_pre(&component).map_err(|e| {
            err(ErrorKind::Instantiate {
                message: format!("{e:#}"),
            })
        })?;
        let typed = |e: wasmtime::Error| {
            err(ErrorKind::IncompatibleApiVersion {
                found: format!("an incompatible `{}` signature ({e:#})", manifest.kind),
                supported: manifest::API_VERSION.to_owned(),
            })
        };
        let pre = match manifest.kind {
            Kind::Validator => {
                Pre::Validator(validator::ValidatorPre::new(instance_pre).map_err(typed)?)
            }
            Kind::Scorer => Pre::Scorer(scorer::ScorerPre::new(instance_pre).map_err(typed)?),
            Kind::Exporter => {
                Pre::Exporter(exporter::ExporterPre::new(instance_pre).map_err(typed)?)
            }
            Kind::Importer => {
                Pre::Importer(importer::ImporterPre::new(instance_pre).map_err(typed)?)
            }
        };
        let tick_ms = u64::try_from(options.epoch_tick.as_millis())
            .unwrap_or(10)
            .max(1);
        // The variables reach the plugin only with the `environment` grant; without it the
        // plugin sees an empty environment.
        let env = if capabilities.contains(&Capability::Environment) {
            grants.env.clone()
        } else {
            BTreeMap::new()
        };
        Ok(Plugin {
            manifest,
            path,
            engine,
            pre,
            limits,
            capabilities,
            config: grants.config.clone(),
            env,
            policy: policy.clone(),
            cache_status,
            max_input_bytes: options.max_input_bytes,
            log_bytes: options.log_bytes,
            batch_size: options.batch_size.max(1),
            tick_ms,
            slots: host.slots(),
        })
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The plugin id.
    pub fn id(&self) -> &str {
        &self.manifest.id
    }

    /// Its kind.
    pub fn kind(&self) -> Kind {
        self.manifest.kind
    }

    /// The limits in effect.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The capabilities it runs with.
    pub fn capabilities(&self) -> &[Capability] {
        &self.capabilities
    }

    /// Whether its compiled code came from the cache.
    pub fn cache_status(&self) -> &CacheStatus {
        &self.cache_status
    }

    fn err(&self, kind: ErrorKind) -> Error {
        Error::new(self.manifest.id.clone(), kind)
    }

    fn wrong_kind(&self, wanted: Kind) -> Error {
        self.err(ErrorKind::WrongKind {
            message: format!(
                "called as `{wanted}`, but it implements `{}`",
                self.manifest.kind
            ),
        })
    }

    /// The configuration a call may read: what the city granted, plus `city.name` and
    /// `city.ags`. Made once per call, not per batch.
    fn call_config(&self, city: &CityConfig) -> BTreeMap<String, String> {
        let mut config = self.config.clone();
        config.insert("city.name".to_owned(), city.city.name.clone());
        if let Some(ags) = &city.city.ags {
            config.insert("city.ags".to_owned(), ags.clone());
        }
        config
    }

    /// Runs `call` in a fresh store with this plugin's limits; maps every failure to an
    /// [`ErrorKind`].
    fn run<R>(
        &self,
        config: &BTreeMap<String, String>,
        input_bytes: usize,
        clock: &mut RunClock,
        call: impl FnOnce(&mut Store<State>, &Pre) -> wasmtime::Result<R>,
    ) -> Result<R> {
        // The call's deadline: its own, or what is left of the run's budget.
        let left = clock.left_ms();
        if left == 0 {
            return Err(self.err(clock.exceeded()));
        }
        let deadline_ms = u64::from(self.limits.timeout_ms).min(left);
        let budget_bound = deadline_ms < u64::from(self.limits.timeout_ms);
        if input_bytes > self.max_input_bytes {
            return Err(self.err(ErrorKind::InputTooLarge {
                limit: self.max_input_bytes,
                actual: input_bytes,
            }));
        }
        let spec = StateSpec {
            memory_cap: self.limits.memory_bytes,
            log_limit: self.log_bytes,
            capture_limit: self.log_bytes,
            config,
            env: &self.env,
            secure_random: self.capabilities.contains(&Capability::Random),
            policy: &self.policy,
        };
        // Held until the store (and its instance) is gone, after the call.
        let _slot = self.slots.as_deref().map(host::Slots::take);
        let mut store = Store::new(&self.engine, State::new(&spec));
        store.limiter(|s| &mut s.limiter);
        let ticks = deadline_ms.div_ceil(self.tick_ms).max(1);
        store.set_epoch_deadline(ticks);
        store.epoch_deadline_trap();
        let result = call(&mut store, &self.pre);
        match result {
            Ok(r) => {
                clock.calls += 1;
                Ok(r)
            }
            Err(e) => {
                let interrupted = e.downcast_ref::<Trap>() == Some(&Trap::Interrupt);
                if interrupted && budget_bound {
                    return Err(self.err(clock.exceeded()));
                }
                Err(self.classify(&e, &store))
            }
        }
    }

    /// The clock of a run that sends `records` (see [`RunBudget::for_run`]).
    fn clock(&self, records: usize) -> RunClock {
        let budget_ms = self.limits.run.for_run(records, self.limits.timeout_ms);
        let how = match self.limits.run {
            RunBudget::Fixed(_) => "`limits.run_timeout_ms`".to_owned(),
            RunBudget::Derived { at_most: Some(ms) } if u64::from(ms) == budget_ms => {
                "the plugin's `limits.run_timeout_ms`".to_owned()
            }
            RunBudget::Derived { .. } => format!(
                "the default for {records} records: {} ms + 1 ms per {} records, at least one call's {} ms",
                RunBudget::BASE_MS,
                RunBudget::RECORDS_PER_MS,
                self.limits.timeout_ms
            ),
        };
        RunClock {
            start: std::time::Instant::now(),
            budget_ms,
            how,
            calls: 0,
        }
    }

    /// A run's findings so far, against the cap.
    fn check_findings(&self, count: usize) -> Result<()> {
        if count > self.limits.max_findings as usize {
            return Err(self.err(ErrorKind::TooManyFindings {
                limit: self.limits.max_findings,
            }));
        }
        Ok(())
    }

    fn classify(&self, error: &wasmtime::Error, store: &Store<State>) -> Error {
        let state = store.data();
        let trap = error.downcast_ref::<Trap>().copied();
        let kind = if trap == Some(Trap::Interrupt) {
            ErrorKind::Timeout {
                timeout_ms: self.limits.timeout_ms,
            }
        } else if let Some(requested) = state.limiter.refused {
            // First: a refused growth is the root cause of whatever the guest did next (its
            // allocation-failure path may touch WASI it was not granted).
            ErrorKind::OutOfMemory {
                limit: state.limiter.memory_cap,
                requested,
            }
        } else if let Some(denied) = &state.denied {
            ErrorKind::MissingCapability {
                import: denied.import.clone(),
                capability: denied.capability.to_owned(),
                detail: state.detail(),
            }
        } else if let Some(exit) = error.downcast_ref::<wasmtime_wasi::I32Exit>() {
            ErrorKind::Trap {
                message: format!("the plugin called exit({})", exit.0),
                detail: state.detail(),
            }
        } else {
            let message = match trap {
                Some(t) => t.to_string(),
                None => sandbox::truncate(&format!("{error:#}"), 1000),
            };
            ErrorKind::Trap {
                message,
                detail: state.detail(),
            }
        };
        self.err(kind)
    }

    fn check_output_size(&self, size: usize) -> Result<()> {
        if size > self.limits.output_bytes {
            return Err(self.err(ErrorKind::OutputTooLarge {
                limit: self.limits.output_bytes,
                actual: size,
            }));
        }
        Ok(())
    }

    fn invalid(&self, message: String) -> Error {
        self.err(ErrorKind::InvalidOutput { message })
    }

    /// Checks a plugin diagnostic and turns it into a core one (code prefixed with the id):
    /// the code kebab-case, the pointer a JSON pointer, the message not blank; message and
    /// help made printable and capped. The subject is checked by the caller.
    fn diagnostic(&self, d: wit::Diagnostic) -> Result<Diagnostic> {
        if !manifest::is_kebab(&d.code) || d.code.len() > check::MAX_CODE {
            return Err(self.invalid(format!(
                "diagnostic code `{}` is not kebab-case ([a-z0-9]+(-[a-z0-9]+)*, at most {} characters)",
                echo(&d.code),
                check::MAX_CODE
            )));
        }
        if d.pointer.len() > check::MAX_POINTER {
            return Err(self.invalid(format!(
                "diagnostic `{}`: pointer `{}` is not a JSON pointer the host keeps: it is longer than {} bytes",
                d.code,
                echo(&d.pointer),
                check::MAX_POINTER
            )));
        }
        if !diag::is_json_pointer(&d.pointer) {
            return Err(self.invalid(format!(
                "diagnostic `{}`: pointer `{}` is not a JSON pointer (RFC 6901: empty, or `/`-separated tokens, `~` only as `~0` or `~1`, no control characters)",
                d.code,
                echo(&d.pointer)
            )));
        }
        if diag::is_blank(&d.message) {
            return Err(self.invalid(format!("diagnostic `{}` has an empty message", d.code)));
        }
        let severity = match d.severity {
            wit::Severity::Error => Severity::Error,
            wit::Severity::Warning => Severity::Warning,
            wit::Severity::Info => Severity::Info,
        };
        Ok(Diagnostic {
            code: format!("{}/{}", self.manifest.id, d.code).into(),
            severity,
            file: String::new(),
            line: 0,
            column: 0,
            pointer: d.pointer,
            message: printable(&d.message, check::MAX_MESSAGE).into_owned(),
            help: d
                .help
                .filter(|h| !diag::is_blank(h))
                .map(|h| printable(&h, check::MAX_HELP).into_owned()),
        })
    }

    /// Runs a validator over `projects` in batches; a fresh instance per batch.
    ///
    /// # Errors
    /// The first batch that fails; nothing from a failing batch is kept.
    pub fn validate(&self, city: &CityConfig, projects: &[Project]) -> Result<Vec<Finding>> {
        if !matches!(self.pre, Pre::Validator(_)) {
            return Err(self.wrong_kind(Kind::Validator));
        }
        let wit_city = convert::city(city);
        let config = self.call_config(city);
        let mut findings = Vec::new();
        let mut clock = self.clock(projects.len());
        // One input buffer for every batch: allocated (and its pages faulted in) once.
        let mut buffer = Encoded::default();
        for (batch_no, batch) in projects.chunks(self.batch_size).enumerate() {
            let offset = batch_no * self.batch_size;
            let mut enc = Encoder::reuse_with(std::mem::take(&mut buffer), self.manifest.version());
            enc.projects(batch.iter());
            let input = wire(enc.finish());
            let out = self.run(&config, input_len(&input), &mut clock, |store, pre| {
                let Pre::Validator(pre) = pre else {
                    return Err(wasmtime::format_err!("not a validator"));
                };
                let instance = pre.instantiate(&mut *store)?;
                instance.call_validate(&mut *store, &wit_city, &input)
            })?;
            buffer = Encoded {
                data: input.data,
                strings: input.strings,
            };
            let diagnostics = out.map_err(|message| self.err(ErrorKind::Failed { message }))?;
            self.check_output_size(diagnostics.wire_size())?;
            self.check_findings(findings.len() + diagnostics.len())?;
            if diagnostics.is_empty() {
                continue;
            }
            let index: HashMap<&str, usize> = batch
                .iter()
                .enumerate()
                .rev()
                .map(|(i, p)| (p.id.as_str(), i))
                .collect();
            for d in diagnostics {
                let Some(&i) = index.get(d.subject.as_str()) else {
                    return Err(self.invalid(format!(
                        "diagnostic `{}` is about `{}`, which is not a project of the batch",
                        echo(&d.code),
                        echo(&d.subject)
                    )));
                };
                findings.push(Finding {
                    project: offset + i,
                    diagnostic: self.diagnostic(d)?,
                });
            }
        }
        Ok(findings)
    }

    /// Runs a validator over a loaded catalog: diagnostics carry the project's file, line and
    /// column.
    ///
    /// # Errors
    /// As [`Plugin::validate`].
    pub fn validate_catalog(&self, catalog: &Catalog) -> Result<Vec<Diagnostic>> {
        let findings = self.validate(&catalog.config, &catalog.projects)?;
        let mut diagnostics: Vec<Diagnostic> = findings
            .into_iter()
            .map(|f| {
                let (file, prefix, line) = catalog.locate_record(RecordKind::Project, f.project);
                let mut d = f.diagnostic;
                d.file = file;
                d.pointer = format!("{prefix}{}", d.pointer);
                d.line = line;
                d
            })
            .collect();
        catalog.resolve_positions(&mut diagnostics);
        Ok(diagnostics)
    }

    /// Runs a scorer over `candidates` in batches: one score per candidate, same order.
    ///
    /// # Errors
    /// The first batch that fails; a score outside [0, 1] or a missing one is invalid output.
    pub fn score(&self, city: &CityConfig, candidates: &[Candidate<'_>]) -> Result<Vec<Score>> {
        if !matches!(self.pre, Pre::Scorer(_)) {
            return Err(self.wrong_kind(Kind::Scorer));
        }
        if let Some((i, c)) = candidates
            .iter()
            .enumerate()
            .find(|(_, c)| c.need_index >= c.project.needs.len())
        {
            return Err(self.err(ErrorKind::Host {
                message: format!(
                    "candidate {i}: project `{}` has no need #{}",
                    c.project.id, c.need_index
                ),
            }));
        }
        let wit_city = convert::city(city);
        let config = self.call_config(city);
        let mut scores = Vec::with_capacity(candidates.len());
        let mut clock = self.clock(candidates.len());
        for batch in candidates.chunks(self.batch_size) {
            let input = wire(encode_candidates(batch, self.manifest.version()));
            let out = self.run(&config, input_len(&input), &mut clock, |store, pre| {
                let Pre::Scorer(pre) = pre else {
                    return Err(wasmtime::format_err!("not a scorer"));
                };
                let instance = pre.instantiate(&mut *store)?;
                instance.call_score(&mut *store, &wit_city, &input)
            })?;
            let out = out.map_err(|message| self.err(ErrorKind::Failed { message }))?;
            self.check_output_size(out.wire_size())?;
            if out.len() != batch.len() {
                return Err(self.invalid(format!(
                    "{} scores for {} candidates",
                    out.len(),
                    batch.len()
                )));
            }
            for s in out {
                // Negative zero is refused too: it is shown as `-0`.
                if !(s.value.is_finite()
                    && (0.0..=1.0).contains(&s.value)
                    && s.value.is_sign_positive())
                {
                    return Err(
                        self.invalid(format!("score {} is not in [0, 1]", check::number(s.value)))
                    );
                }
                if s.terms.len() > check::MAX_TERMS {
                    return Err(self.invalid(format!(
                        "a score has {} terms; at most {} are allowed",
                        s.terms.len(),
                        check::MAX_TERMS
                    )));
                }
                if let Some(t) = s.terms.iter().find(|t| !t.value.is_finite()) {
                    return Err(self.invalid(format!(
                        "score term `{}` is {}, not a finite number",
                        echo(&t.name),
                        check::number(t.value)
                    )));
                }
                scores.push(Score {
                    value: s.value,
                    terms: s
                        .terms
                        .into_iter()
                        .map(|t| ScoreTerm {
                            name: printable(&t.name, check::MAX_TERM_NAME).into_owned(),
                            // -0 and 0 are the same contribution; show 0.
                            value: t.value + 0.0,
                            // An explanation that shows nothing is none.
                            explanation: if diag::is_blank(&t.explanation) {
                                String::new()
                            } else {
                                printable(&t.explanation, check::MAX_EXPLANATION).into_owned()
                            },
                        })
                        .collect(),
                });
            }
        }
        Ok(scores)
    }

    /// Runs an exporter over the catalog's public data.
    ///
    /// # Errors
    /// When the call fails or the output is invalid or too large.
    pub fn export(&self, catalog: &Catalog) -> Result<Export> {
        if !matches!(self.pre, Pre::Exporter(_)) {
            return Err(self.wrong_kind(Kind::Exporter));
        }
        let capacity = catalog.projects.len() * 1024 + 4096;
        let mut enc = Encoder::with_version(capacity, self.manifest.version());
        enc.city(&catalog.config);
        enc.projects(catalog.projects.iter());
        enc.partners(catalog.partners.iter());
        enc.offers(catalog.offers.iter());
        let input = wire(enc.finish());
        let mut clock =
            self.clock(catalog.projects.len() + catalog.partners.len() + catalog.offers.len());
        let out = self.run(
            &self.call_config(&catalog.config),
            input_len(&input),
            &mut clock,
            |store, pre| {
                let Pre::Exporter(pre) = pre else {
                    return Err(wasmtime::format_err!("not an exporter"));
                };
                let instance = pre.instantiate(&mut *store)?;
                instance.call_export_catalog(&mut *store, &input)
            },
        )?;
        let out = out.map_err(|message| self.err(ErrorKind::Failed { message }))?;
        self.check_output_size(out.bytes.len() + out.media_type.len())?;
        if !check::is_media_type(&out.media_type) {
            return Err(self.invalid(format!(
                "`{}` is not a media type (RFC 6838: `type/subtype` of letters, digits and `!#$&-^_.+`, optional `; name=value` parameters, at most {} bytes)",
                echo(&out.media_type),
                check::MAX_MEDIA_TYPE
            )));
        }
        Ok(Export {
            media_type: out.media_type,
            bytes: out.bytes,
        })
    }

    /// Runs an importer for a new catalog with `city`'s config: as [`Plugin::import_into`]
    /// with an empty target catalog.
    ///
    /// # Errors
    /// As [`Plugin::import_into`].
    pub fn import(&self, city: &CityConfig, media_type: &str, bytes: &[u8]) -> Result<Imported> {
        let target = Catalog::from_records(city.clone(), Vec::new(), Vec::new(), Vec::new());
        self.import_into(city, &target, media_type, bytes)
    }

    /// Runs an importer (the plugin sees `city`) and admits the records it returns into
    /// `target` only after the checks a record file gets (`digifarm_core::import::admit`):
    /// JSON Schema and model, an id that can be a file name, no id twice, the semantic rules
    /// of `validate` over `target` with them. Records that fail are left out, each with error
    /// findings in [`Imported::checks`].
    ///
    /// # Errors
    /// When the call fails or its output is too large or breaks the interface's rules (a
    /// malformed diagnostic).
    pub fn import_into(
        &self,
        city: &CityConfig,
        target: &Catalog,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<Imported> {
        if !matches!(self.pre, Pre::Importer(_)) {
            return Err(self.wrong_kind(Kind::Importer));
        }
        let mut clock = self.clock(0);
        let out = self.run(
            &self.call_config(city),
            bytes.len() + media_type.len(),
            &mut clock,
            |store, pre| {
                let Pre::Importer(pre) = pre else {
                    return Err(wasmtime::format_err!("not an importer"));
                };
                let instance = pre.instantiate(&mut *store)?;
                instance.call_import_records(&mut *store, media_type, bytes)
            },
        )?;
        let out = out.map_err(|message| self.err(ErrorKind::Failed { message }))?;
        self.check_output_size(
            out.projects.wire_size()
                + out.partners.wire_size()
                + out.offers.wire_size()
                + out.diagnostics.wire_size(),
        )?;
        self.check_findings(out.diagnostics.len())?;
        let diagnostics = out
            .diagnostics
            .into_iter()
            .map(|d| {
                // The subject names a record (the record id, or empty for the input as a
                // whole), so it follows the id rule.
                if !(d.subject.is_empty() || digifarm_core::model::is_record_id(&d.subject)) {
                    return Err(self.invalid(format!(
                        "diagnostic `{}` is about `{}`, which is not a record id (a lower-case slug, optionally `city/slug`, at most 80 characters) nor empty",
                        echo(&d.code),
                        echo(&d.subject)
                    )));
                }
                let subject = d.subject.clone();
                self.diagnostic(d).map(|mut diag| {
                    diag.file = subject;
                    diag
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let incoming = digifarm_core::import::admit::Incoming {
            projects: out.projects.iter().map(convert::project_json).collect(),
            partners: out.partners.iter().map(convert::partner_json).collect(),
            offers: out.offers.iter().map(convert::offer_json).collect(),
        };
        let admitted =
            digifarm_core::import::admit::admit(incoming, target, digifarm_core::validate::today());
        Ok(Imported {
            projects: admitted.projects,
            partners: admitted.partners,
            offers: admitted.offers,
            diagnostics,
            checks: admitted.diagnostics,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_what_is_asked_at_most_what_is_granted() {
        assert_eq!(resolve_limit("memory_mb", None, None, 64).ok(), Some(64));
        assert_eq!(
            resolve_limit("memory_mb", None, Some(16), 64).ok(),
            Some(16)
        );
        assert_eq!(
            resolve_limit("memory_mb", Some(8), Some(16), 64).ok(),
            Some(8)
        );
        assert_eq!(
            resolve_limit("memory_mb", Some(128), Some(256), 64).ok(),
            Some(128)
        );
        assert!(matches!(
            resolve_limit("memory_mb", Some(128), None, 64),
            Err(ErrorKind::LimitNotGranted {
                limit: "memory_mb",
                requested: 128,
                granted: 64
            })
        ));
    }
}

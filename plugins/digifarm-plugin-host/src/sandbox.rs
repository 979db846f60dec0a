//! What a plugin instance lives in: its store data, memory limiter, bounded log and the linker
//! that gives it exactly the imports it was granted.
//!
//! Imports are linked in three groups:
//! - always: the `digifarm:plugin/host` interface, and the WASI plumbing a language's
//!   runtime touches for output and start-up (`wasi:io`, `wasi:cli/std{in,out,err}`,
//!   `terminal-*`, `exit`), plus `wasi:random/insecure` and `insecure-seed` with a fixed seed
//!   and a fixed byte cycle (Rust's `HashMap` asks for a seed; a fixed one keeps plugins
//!   deterministic and gives them no entropy). stdin is empty; stdout and stderr go to
//!   bounded in-memory buffers that end up in error messages, never to the host's terminal.
//!   `wasi:cli/environment` and `wasi:random/random` are linked always too, because the
//!   Python and JavaScript runtimes read them when a call starts: without a grant the
//!   environment is empty and `random` answers with the same fixed byte cycle as `insecure`,
//!   so an ungranted plugin learns nothing and stays deterministic.
//! - when granted: `clocks` (`wasi:clocks/*`), `random` (real randomness from
//!   `wasi:random/random`), `environment` (`wasi:cli/environment` holding the variables the
//!   city lists, never the host's).
//! - everything else the component imports (files, sockets, HTTP, anything unknown) is linked
//!   to a function that records the attempt and traps, so the call fails with
//!   [`ErrorKind::MissingCapability`](crate::ErrorKind::MissingCapability).

use std::collections::BTreeMap;

use digifarm_core::license::{self, Policy};
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, HasData, HasSelf, Linker, ResourceTable, ResourceType};
use wasmtime::{Engine, ResourceLimiter, StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::p2::pipe::{ClosedInputStream, MemoryOutputPipe};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_io::poll::DynPollable;
use wasmtime_wasi_io::streams::{DynInputStream, DynOutputStream};

use crate::bindings::host::{self as wit_host, Level, LicenseVerdict};
use crate::error::{ErrorKind, Result as HostResult};

/// A capability a city can grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// `wasi:clocks/wall-clock` and `monotonic-clock`.
    Clocks,
    /// `wasi:random/random` (secure randomness).
    Random,
    /// `wasi:cli/environment` with the variables the city lists.
    Environment,
}

impl Capability {
    /// Parses a capability name.
    pub fn parse(name: &str) -> Option<Capability> {
        match name {
            "clocks" => Some(Capability::Clocks),
            "random" => Some(Capability::Random),
            "environment" => Some(Capability::Environment),
            _ => None,
        }
    }

    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Clocks => "clocks",
            Capability::Random => "random",
            Capability::Environment => "environment",
        }
    }
}

/// The capability that would allow an import, by interface name (without version).
pub(crate) fn capability_for(interface: &str) -> &'static str {
    if interface.starts_with("wasi:clocks/") {
        "clocks"
    } else if interface.starts_with("wasi:random/") {
        "random"
    } else if interface == "wasi:cli/environment" {
        "environment"
    } else if interface.starts_with("wasi:filesystem/") {
        "filesystem"
    } else if interface.starts_with("wasi:sockets/") || interface.starts_with("wasi:http/") {
        "network"
    } else {
        "unknown-import"
    }
}

/// The byte cycle `wasi:random/insecure` answers with, and `wasi:random/random` without the
/// `random` grant.
const FIXED_BYTES: &[u8] = b"digifarm plugins get no entropy";

/// Interfaces every plugin gets (output plumbing, never data).
const BASELINE: &[&str] = &[
    "digifarm:plugin/host",
    "digifarm:plugin/types",
    "wasi:io/error",
    "wasi:io/poll",
    "wasi:io/streams",
    "wasi:cli/stdin",
    "wasi:cli/stdout",
    "wasi:cli/stderr",
    "wasi:cli/exit",
    "wasi:cli/terminal-input",
    "wasi:cli/terminal-output",
    "wasi:cli/terminal-stdin",
    "wasi:cli/terminal-stdout",
    "wasi:cli/terminal-stderr",
    "wasi:random/insecure",
    "wasi:random/insecure-seed",
    "wasi:random/random",
    "wasi:cli/environment",
];

fn granted_interfaces(capability: Capability) -> &'static [&'static str] {
    match capability {
        Capability::Clocks => &["wasi:clocks/wall-clock", "wasi:clocks/monotonic-clock"],
        // Linked for every plugin (see the module's documentation); the grant changes what
        // they answer.
        Capability::Random | Capability::Environment => &[],
    }
}

/// `wasi:io/streams@0.2.4` → `wasi:io/streams`.
pub(crate) fn unversioned(name: &str) -> &str {
    name.split('@').next().unwrap_or(name)
}

/// A bounded log: lines past the byte budget are counted, not kept.
#[derive(Debug, Default)]
pub(crate) struct LogBuffer {
    lines: Vec<(Level, String)>,
    bytes: usize,
    limit: usize,
    dropped: usize,
}

impl LogBuffer {
    pub(crate) fn new(limit: usize) -> Self {
        LogBuffer {
            limit,
            ..LogBuffer::default()
        }
    }

    /// Keeps `message`, or as much of its start as the budget has room for (a panic message
    /// longer than the whole budget keeps its beginning); once the budget is spent, lines are
    /// counted as dropped.
    fn push(&mut self, level: Level, message: &str) {
        let room = self.limit.saturating_sub(self.bytes);
        if room == 0 && !message.is_empty() {
            self.dropped += 1;
            return;
        }
        let mut end = message.len().min(room);
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        self.bytes += end;
        self.lines.push((level, message[..end].to_owned()));
    }

    /// The lines kept, with their levels.
    pub(crate) fn lines(&self) -> &[(Level, String)] {
        &self.lines
    }

    /// How many lines did not fit.
    pub(crate) fn dropped(&self) -> usize {
        self.dropped
    }
}

/// The `digifarm:plugin/host` interface as one plugin instance sees it.
pub(crate) struct HostApi {
    pub(crate) log: LogBuffer,
    pub(crate) config: BTreeMap<String, String>,
    /// The city's policy with a cache of verdicts: a batch repeats the same few licences.
    pub(crate) licenses: license::Checker,
}

impl wit_host::Host for HostApi {
    fn log(&mut self, level: Level, message: String) {
        self.log.push(level, &message);
    }

    fn config(&mut self, key: String) -> Option<String> {
        self.config.get(&key).cloned()
    }

    fn check_license(&mut self, expression: String) -> LicenseVerdict {
        // The licence engine is fast, but bound what one call can make it chew on.
        if expression.len() > 4096 {
            return LicenseVerdict {
                valid_expression: false,
                allowed: false,
                normalized: None,
                problems: vec!["license-invalid: expression longer than 4096 bytes".to_owned()],
            };
        }
        let verdict = self.licenses.check(&expression);
        LicenseVerdict {
            valid_expression: verdict.valid_expression,
            allowed: verdict.allowed,
            normalized: verdict.normalized,
            problems: verdict
                .findings
                .iter()
                .map(|f| format!("{}: {}", f.code.as_str(), f.message))
                .collect(),
        }
    }
}

impl crate::bindings::types::Host for HostApi {}

/// Memory limiter: the StoreLimits cap, remembering a refused growth so that the trap that
/// follows is reported as out of memory.
pub(crate) struct Limiter {
    inner: StoreLimits,
    pub(crate) memory_cap: usize,
    pub(crate) refused: Option<usize>,
}

impl Limiter {
    pub(crate) fn new(memory_cap: usize) -> Self {
        Limiter {
            inner: StoreLimitsBuilder::new()
                .memory_size(memory_cap)
                .table_elements(1 << 20)
                .instances(64)
                .tables(64)
                .memories(16)
                .build(),
            memory_cap,
            refused: None,
        }
    }
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let ok = self.inner.memory_growing(current, desired, maximum)?;
        if !ok {
            self.refused = Some(desired);
        }
        Ok(ok)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.inner.table_growing(current, desired, maximum)
    }

    fn instances(&self) -> usize {
        self.inner.instances()
    }

    fn tables(&self) -> usize {
        self.inner.tables()
    }

    fn memories(&self) -> usize {
        self.inner.memories()
    }
}

/// A call to an import that was not granted.
#[derive(Debug, Clone)]
pub(crate) struct DeniedCall {
    pub(crate) import: String,
    pub(crate) capability: &'static str,
}

/// Store data of one plugin instance.
pub(crate) struct State {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) limiter: Limiter,
    pub(crate) api: HostApi,
    pub(crate) denied: Option<DeniedCall>,
    pub(crate) stdout: MemoryOutputPipe,
    pub(crate) stderr: MemoryOutputPipe,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// What a fresh store is built from.
pub(crate) struct StateSpec<'a> {
    pub(crate) memory_cap: usize,
    pub(crate) log_limit: usize,
    pub(crate) capture_limit: usize,
    pub(crate) config: &'a BTreeMap<String, String>,
    /// The variables of `wasi:cli/environment`: empty unless `environment` is granted.
    pub(crate) env: &'a BTreeMap<String, String>,
    /// Whether `wasi:random/random` gives real entropy (`random` granted) or the fixed cycle.
    pub(crate) secure_random: bool,
    pub(crate) policy: &'a Policy,
}

impl State {
    pub(crate) fn new(spec: &StateSpec<'_>) -> State {
        let stdout = MemoryOutputPipe::new(spec.capture_limit);
        let stderr = MemoryOutputPipe::new(spec.capture_limit);
        let mut builder = WasiCtx::builder();
        builder
            .stdin(ClosedInputStream)
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .insecure_random_seed(0x6469_6769_6661_726d)
            .insecure_random(wasmtime_wasi::Deterministic::new(FIXED_BYTES.to_vec()));
        if !spec.secure_random {
            builder.secure_random(wasmtime_wasi::Deterministic::new(FIXED_BYTES.to_vec()));
        }
        for (k, v) in spec.env {
            builder.env(k, v);
        }
        State {
            wasi: builder.build(),
            table: ResourceTable::new(),
            limiter: Limiter::new(spec.memory_cap),
            api: HostApi {
                log: LogBuffer::new(spec.log_limit),
                config: spec.config.clone(),
                licenses: license::Checker::with_capacity(spec.policy.clone(), 256),
            },
            denied: None,
            stdout,
            stderr,
        }
    }

    /// The last log lines and stderr, for error messages.
    pub(crate) fn detail(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let errors: Vec<&str> = self
            .api
            .log
            .lines()
            .iter()
            .rev()
            .filter(|(level, _)| matches!(level, Level::Error | Level::Warn))
            .take(3)
            .map(|(_, line)| line.as_str())
            .collect();
        for line in errors.into_iter().rev() {
            parts.push(truncate(line, 500));
        }
        for (name, pipe) in [("stderr", &self.stderr), ("stdout", &self.stdout)] {
            let bytes = pipe.contents();
            let text = String::from_utf8_lossy(&bytes);
            let text = text.trim();
            if !text.is_empty() {
                parts.push(format!("{name}: {}", truncate(text, 500)));
            }
        }
        if self.api.log.dropped() > 0 {
            parts.push(format!("{} log lines dropped", self.api.log.dropped()));
        }
        parts.join("; ")
    }
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

struct HasIo;

impl HasData for HasIo {
    type Data<'a> = &'a mut ResourceTable;
}

/// Builds the linker for one plugin: host interface, baseline WASI, granted WASI, and
/// trapping stubs for every other import of `component`.
pub(crate) fn linker(
    engine: &Engine,
    component: &Component,
    granted: &[Capability],
) -> HostResult<Linker<State>, ErrorKind> {
    build_linker(engine, component, granted).map_err(|e| ErrorKind::Instantiate {
        message: format!("{e:#}"),
    })
}

fn build_linker(
    engine: &Engine,
    component: &Component,
    granted: &[Capability],
) -> wasmtime::Result<Linker<State>> {
    use wasmtime_wasi::p2::bindings::{cli, clocks, random, sync};
    let mut l: Linker<State> = Linker::new(engine);
    wit_host::add_to_linker::<State, HasSelf<HostApi>>(&mut l, |s| &mut s.api)?;
    wasmtime_wasi_io::bindings::wasi::io::error::add_to_linker::<State, HasIo>(&mut l, |s| {
        &mut s.table
    })?;
    sync::io::poll::add_to_linker::<State, HasIo>(&mut l, |s| &mut s.table)?;
    sync::io::streams::add_to_linker::<State, HasIo>(&mut l, |s| &mut s.table)?;
    use wasmtime_wasi::cli::{WasiCli, WasiCliView as _};
    use wasmtime_wasi::clocks::{WasiClocks, WasiClocksView as _};
    use wasmtime_wasi::random::WasiRandom;
    cli::stdin::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::stdout::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::stderr::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::exit::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::terminal_input::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::terminal_output::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::terminal_stdin::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::terminal_stdout::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    cli::terminal_stderr::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    random::insecure::add_to_linker::<State, WasiRandom>(&mut l, |s| s.wasi.random())?;
    random::insecure_seed::add_to_linker::<State, WasiRandom>(&mut l, |s| s.wasi.random())?;
    random::random::add_to_linker::<State, WasiRandom>(&mut l, |s| s.wasi.random())?;
    cli::environment::add_to_linker::<State, WasiCli>(&mut l, State::cli)?;
    let mut linked: Vec<&str> = BASELINE.to_vec();
    for cap in granted {
        match cap {
            Capability::Clocks => {
                clocks::wall_clock::add_to_linker::<State, WasiClocks>(&mut l, State::clocks)?;
                clocks::monotonic_clock::add_to_linker::<State, WasiClocks>(&mut l, State::clocks)?;
            }
            Capability::Random | Capability::Environment => {}
        }
        linked.extend_from_slice(granted_interfaces(*cap));
    }
    stub_ungranted(&mut l, engine, component, &linked)?;
    Ok(l)
}

/// Links every import of `component` outside `linked` to a function that records the attempt
/// and traps.
fn stub_ungranted(
    l: &mut Linker<State>,
    engine: &Engine,
    component: &Component,
    linked: &[&str],
) -> wasmtime::Result<()> {
    let ty = component.component_type();
    for (name, item) in ty.imports(engine) {
        let interface = unversioned(name);
        if linked.contains(&interface) {
            continue;
        }
        let capability = capability_for(interface);
        match item.ty {
            ComponentItem::ComponentInstance(instance) => {
                let mut inst = l.instance(name)?;
                for (export, item) in instance.exports(engine) {
                    match item.ty {
                        ComponentItem::ComponentFunc(_) => {
                            let import = format!("{interface}#{export}");
                            inst.func_new(export, move |mut store, _, _, _| {
                                store.data_mut().denied = Some(DeniedCall {
                                    import: import.clone(),
                                    capability,
                                });
                                Err(wasmtime::format_err!(
                                    "call to `{import}` denied: capability `{capability}` not granted"
                                ))
                            })?;
                        }
                        ComponentItem::Resource(_) => {
                            // Resources of `wasi:io` that ungranted interfaces re-export must
                            // keep their real host types, or the instance would not type-check.
                            let ty = match export {
                                "input-stream" => ResourceType::host::<DynInputStream>(),
                                "output-stream" => ResourceType::host::<DynOutputStream>(),
                                "pollable" => ResourceType::host::<DynPollable>(),
                                "error" => ResourceType::host::<wasmtime_wasi_io::streams::Error>(),
                                _ => ResourceType::host::<()>(),
                            };
                            inst.resource(export, ty, |_, _| Ok(()))?;
                        }
                        _ => {}
                    }
                }
            }
            ComponentItem::ComponentFunc(_) => {
                let import = name.to_owned();
                l.root().func_new(name, move |mut store, _, _, _| {
                    store.data_mut().denied = Some(DeniedCall {
                        import: import.clone(),
                        capability,
                    });
                    Err(wasmtime::format_err!("call to `{import}` denied"))
                })?;
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_map_to_capabilities() {
        assert_eq!(capability_for("wasi:clocks/wall-clock"), "clocks");
        assert_eq!(capability_for("wasi:random/random"), "random");
        assert_eq!(capability_for("wasi:cli/environment"), "environment");
        assert_eq!(capability_for("wasi:filesystem/preopens"), "filesystem");
        assert_eq!(capability_for("wasi:sockets/tcp"), "network");
        assert_eq!(capability_for("wasi:http/outgoing-handler"), "network");
        assert_eq!(capability_for("acme:evil/thing"), "unknown-import");
        assert_eq!(unversioned("wasi:io/streams@0.2.6"), "wasi:io/streams");
    }

    #[test]
    fn log_is_bounded() {
        let mut log = LogBuffer::new(10);
        log.push(Level::Info, "12345");
        log.push(Level::Info, "67890");
        log.push(Level::Error, "x");
        assert_eq!(log.lines().len(), 2);
        assert_eq!(log.dropped(), 1);
        // A line longer than the room left keeps its beginning, on a character boundary.
        let mut log = LogBuffer::new(6);
        log.push(Level::Error, "panic: ü and more");
        assert_eq!(log.lines()[0].1, "panic:");
        let mut log = LogBuffer::new(8);
        log.push(Level::Error, "panic: ü and more");
        assert_eq!(log.lines()[0].1, "panic: ");
        assert_eq!(log.dropped(), 0);
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("münster", 2), "m…");
        assert_eq!(truncate("ok", 5), "ok");
    }
}

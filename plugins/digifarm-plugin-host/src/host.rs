//! The process-wide plugin host: one engine, its epoch ticker, the compiled-artefact cache.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use digifarm_core::license::Policy;
use digifarm_core::model::{CityConfig, PluginGrants};
use wasmtime::component::Component;
use wasmtime::component::types::ComponentItem;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::cache::{self, Cache};
use crate::error::{Error, ErrorKind, Result};
use crate::manifest::{self, Kind, Manifest};
use crate::plugin::{self, Plugin};

/// Resource limits in effect for a plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Linear memory cap, bytes.
    pub memory_bytes: usize,
    /// Wall-clock deadline per call (one batch), milliseconds.
    pub timeout_ms: u32,
    /// Output cap per call, bytes.
    pub output_bytes: usize,
    /// Wall-clock budget of a whole run (every call of one `validate`, `score`, `export` or
    /// `import`).
    pub run: RunBudget,
    /// Findings one run may return.
    pub max_findings: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: 64 << 20,
            timeout_ms: 2_000,
            output_bytes: 16 << 20,
            run: RunBudget::Derived { at_most: None },
            max_findings: 10_000,
        }
    }
}

/// How long a whole run may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunBudget {
    /// This many milliseconds (`limits.run_timeout_ms`, asked for by the plugin within the
    /// city's grant, or granted by the city).
    Fixed(u32),
    /// Derived from the size of the run ([`RunBudget::derived_ms`]); at most `at_most`
    /// milliseconds when the plugin asks for less and the city grants no budget.
    Derived {
        /// The plugin's own, lower, budget.
        at_most: Option<u32>,
    },
}

impl RunBudget {
    /// The derived budget's base: 10 s.
    pub const BASE_MS: u64 = 10_000;
    /// The derived budget grows by 1 ms per this many records.
    pub const RECORDS_PER_MS: u64 = 4;

    /// The budget when neither the plugin nor the city sets one: 10 s plus 1 ms per 4 records
    /// the run sends (projects for a validator, candidates for a scorer, every record for an
    /// exporter, none for an importer), and never less than one call's deadline. 1,000
    /// projects: 10.25 s; 100,000: 35 s.
    pub fn derived_ms(records: usize, timeout_ms: u32) -> u64 {
        let records = u64::try_from(records).unwrap_or(u64::MAX);
        (Self::BASE_MS.saturating_add(records / Self::RECORDS_PER_MS)).max(u64::from(timeout_ms))
    }

    /// The budget of a run that sends `records`, in milliseconds.
    pub fn for_run(self, records: usize, timeout_ms: u32) -> u64 {
        match self {
            RunBudget::Fixed(ms) => u64::from(ms),
            RunBudget::Derived { at_most } => {
                let derived = Self::derived_ms(records, timeout_ms);
                at_most.map_or(derived, |ms| derived.min(u64::from(ms)))
            }
        }
    }
}

/// How the host runs plugins.
#[derive(Debug, Clone)]
pub struct HostOptions {
    /// Where compiled plugins are cached (none: compile on every load).
    pub cache_dir: Option<PathBuf>,
    /// Limits a plugin gets when neither its manifest nor the city says otherwise; also the
    /// most a plugin may ask for when the city grants no limit.
    pub defaults: Limits,
    /// Largest input sent in one call, bytes.
    pub max_input_bytes: usize,
    /// Guest stack limit, bytes.
    pub max_stack_bytes: usize,
    /// Size of a plugin's log buffer, and of its captured stdout and stderr, bytes.
    pub log_bytes: usize,
    /// Records per call (validators and scorers).
    pub batch_size: usize,
    /// Epoch tick: the resolution of deadlines.
    pub epoch_tick: Duration,
}

impl Default for HostOptions {
    fn default() -> Self {
        HostOptions {
            cache_dir: None,
            defaults: Limits::default(),
            max_input_bytes: 32 << 20,
            max_stack_bytes: 512 << 10,
            log_bytes: 64 << 10,
            batch_size: 1000,
            epoch_tick: Duration::from_millis(10),
        }
    }
}

/// The plugin host. Create one per process (it owns the wasmtime engine and a ticker thread
/// that drives deadlines) and load any number of plugins from it.
pub struct Host {
    engine: Engine,
    options: HostOptions,
    cache: Option<Cache>,
    /// With the pooling allocator: the pool's instance slots, which calls wait for.
    slots: Option<Arc<Slots>>,
}

/// Counts the calls running on a pooled engine: a call beyond [`POOL_SLOTS`] waits for a
/// slot instead of failing to instantiate.
pub(crate) struct Slots {
    free: Mutex<u32>,
    freed: Condvar,
}

/// A taken slot, given back when dropped.
pub(crate) struct SlotGuard<'a>(&'a Slots);

impl Slots {
    fn new(n: u32) -> Slots {
        Slots {
            free: Mutex::new(n),
            freed: Condvar::new(),
        }
    }

    /// Waits for a free slot and takes it.
    pub(crate) fn take(&self) -> SlotGuard<'_> {
        // A poisoned lock only means another call panicked while counting; the count is
        // still right.
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            free = self
                .freed
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        SlotGuard(self)
    }
}

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        let mut free = self.0.free.lock().unwrap_or_else(PoisonError::into_inner);
        *free += 1;
        self.0.freed.notify_one();
    }
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// What `digifarm plugin info` shows.
#[derive(Debug, Clone)]
pub struct PluginInfo {
    /// The manifest.
    pub manifest: Manifest,
    /// Where the manifest was read from.
    pub manifest_path: PathBuf,
    /// sha256 of the wasm file.
    pub sha256: String,
    /// Whether it matches the manifest.
    pub hash_matches: bool,
    /// The world the component implements, from its exports (none: not a digifarm plugin).
    pub world: Option<Kind>,
    /// What the component imports (interface or function names).
    pub imports: Vec<String>,
}

const HOST_LABEL: &str = "<host>";

/// Instances that can be alive at the same time (one per running plugin call); further calls
/// wait for one to end.
const POOL_SLOTS: u32 = 64;

/// Bytes of each pooled linear memory kept resident (zeroed with memset) after an instance
/// ends: a batch's input and decoded records fit, so the next batch takes no page faults.
const KEEP_RESIDENT: usize = 8 << 20;

impl Host {
    /// Creates the engine (component model, epoch interruption, no concurrency support, stack
    /// limit) and starts the epoch ticker.
    ///
    /// # Errors
    /// When wasmtime rejects the configuration or the cache directory cannot be created.
    pub fn new(options: HostOptions) -> Result<Host> {
        let mut config = Config::new();
        config
            .wasm_component_model(true)
            .epoch_interruption(true)
            .concurrency_support(false)
            .max_wasm_stack(options.max_stack_bytes);
        // For plugin authors: `DIGIFARM_PLUGIN_PERFMAP=1` writes /tmp/perf-<pid>.map so that
        // `perf report` names the plugin's functions (build the plugin without `strip`).
        if std::env::var_os("DIGIFARM_PLUGIN_PERFMAP").is_some_and(|v| v == "1") {
            config.profiler(wasmtime::ProfilingStrategy::PerfMap);
        }
        // A fresh instance per batch is cheap when its memory comes from a pool of slots that
        // stay mapped (and partly resident) between instances: no mmap, no page faults for
        // the input buffer. The pool reserves address space only; when the system refuses
        // even that, instances are allocated on demand.
        let mut pooled = config.clone();
        let mut pool = PoolingAllocationConfig::new();
        // Per-module limits generous enough that any plugin the on-demand allocator runs
        // also fits a slot (a component built by Rust for wasm32-wasip2 has a few core
        // instances, one memory and one table each).
        pool.total_component_instances(POOL_SLOTS)
            .total_core_instances(POOL_SLOTS * 16)
            .total_memories(POOL_SLOTS * 16)
            .total_tables(POOL_SLOTS * 16)
            .max_core_instances_per_component(16)
            .max_memories_per_component(16)
            .max_tables_per_component(16)
            .table_elements(64 << 10)
            .linear_memory_keep_resident(KEEP_RESIDENT)
            .table_keep_resident(64 << 10);
        pooled.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let (engine, slots) = match Engine::new(&pooled) {
            Ok(engine) => (Ok(engine), Some(Arc::new(Slots::new(POOL_SLOTS)))),
            Err(_) => (Engine::new(&config), None),
        };
        let engine = engine.map_err(|e| {
            Error::new(
                HOST_LABEL,
                ErrorKind::Host {
                    message: format!("{e:#}"),
                },
            )
        })?;
        let weak = engine.weak();
        let tick = options.epoch_tick;
        std::thread::Builder::new()
            .name("digifarm-plugin-epoch".to_owned())
            .spawn(move || {
                // Ends when the engine is dropped.
                while let Some(engine) = weak.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    std::thread::sleep(tick);
                }
            })
            .map_err(|e| {
                Error::new(
                    HOST_LABEL,
                    ErrorKind::Host {
                        message: format!("cannot start the epoch thread: {e}"),
                    },
                )
            })?;
        let cache = match &options.cache_dir {
            Some(dir) => Some(Cache::open(dir).map_err(|e| {
                Error::new(
                    HOST_LABEL,
                    ErrorKind::Cache {
                        message: format!("cannot create {}: {e}", dir.display()),
                    },
                )
            })?),
            None => None,
        };
        Ok(Host {
            engine,
            options,
            cache,
            slots,
        })
    }

    /// Whether instances come from the pooling allocator (false: the system refused its
    /// address-space reservation and instances are allocated on demand).
    pub fn is_pooled(&self) -> bool {
        self.slots.is_some()
    }

    /// The engine plugins run on: component model, epoch interruption (its ticker runs while
    /// the host lives), and the pooling allocator where the system allows it. For running a
    /// component exactly as the host does, e.g. in a benchmark of another world.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub(crate) fn slots(&self) -> Option<Arc<Slots>> {
        self.slots.clone()
    }

    /// The options.
    pub fn options(&self) -> &HostOptions {
        &self.options
    }

    /// Loads the plugin at `wasm` (manifest beside it), checking hash, API version, licence
    /// (against `policy`), kind, and that it asks for no more than `grants`.
    ///
    /// # Errors
    /// Every refusal is an [`Error`] naming the plugin.
    pub fn load(&self, wasm: &Path, grants: &PluginGrants, policy: &Policy) -> Result<Plugin> {
        let (bytes, manifest, actual) = read_plugin(wasm)?;
        let err = |kind| Error::new(manifest.id.clone(), kind);
        if actual != manifest.sha256 {
            return Err(err(ErrorKind::HashMismatch {
                expected: manifest.sha256.clone(),
                actual,
            }));
        }
        let verdict = digifarm_core::license::check(&manifest.license, policy);
        if !verdict.allowed {
            let reason = verdict
                .findings
                .iter()
                .map(|f| f.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            return Err(err(ErrorKind::LicenseNotAllowed {
                license: manifest.license.clone(),
                reason,
            }));
        }
        let (component, cache_status) = self.compile(&bytes, &actual, &manifest.id)?;
        plugin::Plugin::new(
            self,
            manifest,
            wasm.to_owned(),
            component,
            cache_status,
            grants,
            policy,
        )
    }

    /// Loads every plugin `config` lists, paths relative to `root`.
    ///
    /// # Errors
    /// The first plugin that cannot be loaded.
    pub fn load_configured(&self, root: &Path, config: &CityConfig) -> Result<Vec<Plugin>> {
        let policy = Policy::from_config(&config.license);
        config
            .plugins
            .iter()
            .map(|entry| self.load(&root.join(&entry.path), &entry.grants, &policy))
            .collect()
    }

    /// Reads a plugin's manifest and looks at its component without running it.
    ///
    /// # Errors
    /// When the file or manifest cannot be read, or the wasm is not a component.
    pub fn inspect(&self, wasm: &Path) -> Result<PluginInfo> {
        let (bytes, manifest, sha256) = read_plugin(wasm)?;
        let manifest_path = Manifest::path_for(wasm);
        let (component, _) = self.compile(&bytes, &sha256, &manifest.id)?;
        let ty = component.component_type();
        let imports = ty
            .imports(&self.engine)
            .map(|(name, _)| digifarm_core::diagnostic::printable(name, 200).into_owned())
            .collect();
        let world = detect_world(&self.engine, &component);
        Ok(PluginInfo {
            hash_matches: sha256 == manifest.sha256,
            manifest,
            manifest_path,
            sha256,
            world,
            imports,
        })
    }

    fn compile(
        &self,
        bytes: &[u8],
        sha256: &str,
        id: &str,
    ) -> Result<(Component, cache::CacheStatus)> {
        let compile = || {
            Component::from_binary(&self.engine, bytes).map_err(|e| {
                Error::new(
                    id,
                    ErrorKind::Compile {
                        message: format!("{e:#}"),
                    },
                )
            })
        };
        let Some(cache) = &self.cache else {
            return Ok((compile()?, cache::CacheStatus::Disabled));
        };
        let key = Cache::key(&self.engine, sha256);
        let refused = match cache.load(&self.engine, &key) {
            Ok(Some(component)) => return Ok((component, cache::CacheStatus::Hit)),
            Ok(None) => None,
            Err(reason) => Some(reason),
        };
        let component = compile()?;
        let status = match (cache.store(&key, &component), refused) {
            (Ok(()), None) => cache::CacheStatus::Stored,
            (Ok(()), Some(reason)) | (Err(reason), _) => cache::CacheStatus::Bypassed(reason),
        };
        Ok((component, status))
    }
}

/// Wasm files larger than this are refused before compiling.
const MAX_WASM_BYTES: u64 = 64 << 20;

/// A plugin's wasm bytes, its manifest and the sha256 of the bytes; errors name the file
/// (there is no plugin id before the manifest is read).
fn read_plugin(wasm: &Path) -> Result<(Vec<u8>, Manifest, String)> {
    let label = wasm
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("plugin");
    let bytes = read_wasm(wasm, label)?;
    let manifest = Manifest::read_for(wasm, label)?;
    let sha256 = cache::sha256_hex(&bytes);
    Ok((bytes, manifest, sha256))
}

fn read_wasm(wasm: &Path, label: &str) -> Result<Vec<u8>> {
    let io = |source| {
        Error::new(
            label,
            ErrorKind::Io {
                path: wasm.to_owned(),
                source,
            },
        )
    };
    let meta = std::fs::metadata(wasm).map_err(io)?;
    if meta.len() > MAX_WASM_BYTES {
        return Err(Error::new(
            label,
            ErrorKind::Compile {
                message: format!(
                    "{} is {} bytes, larger than the {} byte limit",
                    wasm.display(),
                    meta.len(),
                    MAX_WASM_BYTES
                ),
            },
        ));
    }
    std::fs::read(wasm).map_err(io)
}

/// The world whose function the component exports.
pub(crate) fn detect_world(engine: &Engine, component: &Component) -> Option<Kind> {
    let ty = component.component_type();
    let exports: Vec<String> = ty
        .exports(engine)
        .filter(|(_, item)| matches!(item.ty, ComponentItem::ComponentFunc(_)))
        .map(|(name, _)| name.to_owned())
        .collect();
    Kind::ALL
        .into_iter()
        .find(|k| exports.iter().any(|e| e == k.export_name()))
}

/// The `digifarm:plugin` versions a component imports that this host does not implement.
pub(crate) fn incompatible_import(engine: &Engine, component: &Component) -> Option<String> {
    let ty = component.component_type();
    ty.imports(engine).find_map(|(name, _)| {
        let rest = name.strip_prefix("digifarm:plugin/")?;
        let version = rest.split_once('@').map(|(_, v)| v)?;
        (!manifest::api_compatible(version)).then(|| version.to_owned())
    })
}

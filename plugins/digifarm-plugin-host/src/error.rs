//! The host's error: which plugin, and what happened.

use std::path::PathBuf;

/// Something went wrong loading or running a plugin. The message always names the plugin.
#[derive(Debug, thiserror::Error)]
#[error("plugin `{plugin}`: {kind}")]
pub struct Error {
    /// The plugin's id (from its manifest), or its file name before the manifest is read.
    pub plugin: String,
    /// What happened.
    pub kind: ErrorKind,
}

impl Error {
    pub(crate) fn new(plugin: impl Into<String>, kind: ErrorKind) -> Self {
        Error {
            plugin: plugin.into(),
            kind,
        }
    }
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file could not be read or written.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `plugin.toml` is missing or malformed.
    #[error("invalid manifest `{path}`: {message}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The wasm file is not the one the manifest names.
    #[error(
        "hash mismatch: plugin.toml says sha256 {expected}, the wasm file has {actual}; refusing to load a modified plugin"
    )]
    HashMismatch {
        /// The manifest's sha256.
        expected: String,
        /// The file's sha256.
        actual: String,
    },
    /// The plugin targets another version of the plugin interface.
    #[error(
        "incompatible API version: the plugin targets digifarm:plugin@{found}, this host implements {supported}"
    )]
    IncompatibleApiVersion {
        /// The version the plugin declares or imports.
        found: String,
        /// The version this host implements.
        supported: String,
    },
    /// The manifest's kind and the component's exports disagree, or the caller asked for
    /// another kind.
    #[error("wrong kind: {message}")]
    WrongKind {
        /// Details.
        message: String,
    },
    /// The manifest asks for a capability the city did not grant.
    #[error(
        "capability `{capability}` is requested in plugin.toml but not granted in digifarm.toml"
    )]
    CapabilityNotGranted {
        /// The capability.
        capability: String,
    },
    /// The manifest asks for a capability this host does not know or never grants.
    #[error("unknown capability `{capability}` (grantable: clocks, random, environment)")]
    UnknownCapability {
        /// The capability.
        capability: String,
    },
    /// The manifest asks for more of a resource than the city granted.
    #[error(
        "limit `{limit}` of {requested} is requested in plugin.toml but only {granted} is granted"
    )]
    LimitNotGranted {
        /// The limit (`memory_mb`, `timeout_ms`, `output_kb`).
        limit: &'static str,
        /// What the manifest asks for.
        requested: u32,
        /// What the city grants.
        granted: u32,
    },
    /// The plugin's own licence is not acceptable.
    #[error("plugin licence `{license}` is not allowed: {reason}")]
    LicenseNotAllowed {
        /// The manifest's licence expression.
        license: String,
        /// Why.
        reason: String,
    },
    /// The wasm is not a valid component or cannot be compiled.
    #[error("cannot compile: {message}")]
    Compile {
        /// The compiler's message.
        message: String,
    },
    /// The component could not be instantiated (it imports something the host cannot link).
    #[error("cannot instantiate: {message}")]
    Instantiate {
        /// Details.
        message: String,
    },
    /// The plugin called a WASI function it was not granted.
    #[error(
        "missing capability: the plugin called `{import}`, which needs the `{capability}` capability; it is not granted{}",
        detail_suffix(detail)
    )]
    MissingCapability {
        /// The imported function it called.
        import: String,
        /// The capability that would allow it.
        capability: String,
        /// Log and stderr tail.
        detail: String,
    },
    /// The call did not finish within its deadline.
    #[error("timeout: the call did not finish within {timeout_ms} ms and was stopped")]
    Timeout {
        /// The deadline.
        timeout_ms: u32,
    },
    /// The plugin tried to grow its memory beyond its cap.
    #[error(
        "out of memory: the plugin tried to grow its memory to {requested} bytes, over its cap of {limit} bytes"
    )]
    OutOfMemory {
        /// The cap.
        limit: usize,
        /// What it asked for.
        requested: usize,
    },
    /// The plugin trapped (panic, unreachable, stack overflow, …).
    #[error("trap: {message}{}", detail_suffix(detail))]
    Trap {
        /// The trap.
        message: String,
        /// The plugin's last log lines and stderr, where a panic message ends up.
        detail: String,
    },
    /// The plugin returned an error value.
    #[error("the plugin reported an error: {message}")]
    Failed {
        /// The plugin's message.
        message: String,
    },
    /// The plugin's output breaks the interface's rules.
    #[error("invalid output: {message}")]
    InvalidOutput {
        /// What is wrong.
        message: String,
    },
    /// The plugin's output is larger than its limit.
    #[error("output too large: {actual} bytes, the limit is {limit} bytes")]
    OutputTooLarge {
        /// The limit.
        limit: usize,
        /// The size.
        actual: usize,
    },
    /// The input is larger than the host sends in one call.
    #[error("input too large: {actual} bytes in one call, the limit is {limit} bytes")]
    InputTooLarge {
        /// The limit.
        limit: usize,
        /// The size.
        actual: usize,
    },
    /// The compiled-artefact cache could not be used.
    #[error("cache: {message}")]
    Cache {
        /// Details.
        message: String,
    },
    /// wasmtime failed in a way not covered above.
    #[error("host error: {message}")]
    Host {
        /// Details.
        message: String,
    },
}

fn detail_suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(" ({detail})")
    }
}

/// Result with the host's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

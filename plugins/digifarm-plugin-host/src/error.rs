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
    /// An error about `plugin`. Every string in it may come from the plugin (its error value,
    /// panic message, stderr, log, manifest, invalid output echoed back) and is made
    /// printable and capped here, before anyone stores or shows it.
    pub(crate) fn new(plugin: impl Into<String>, kind: ErrorKind) -> Self {
        Error {
            plugin: shown(&plugin.into(), MAX_LABEL),
            kind: kind.printable(),
        }
    }
}

/// Longest plugin label in an error, in characters.
const MAX_LABEL: usize = 80;
/// Longest message in an error, in characters.
const MAX_MESSAGE: usize = 1000;
/// Longest detail (log lines, stderr, stdout) in an error, in characters.
const MAX_DETAIL: usize = 2000;

fn shown(text: &str, max: usize) -> String {
    digifarm_core::diagnostic::printable(text, max).into_owned()
}

impl ErrorKind {
    /// The same error with each string printable and capped.
    fn printable(self) -> ErrorKind {
        let m = |s: String| shown(&s, MAX_MESSAGE);
        let d = |s: String| shown(&s, MAX_DETAIL);
        match self {
            ErrorKind::Manifest { path, message } => ErrorKind::Manifest {
                path,
                message: m(message),
            },
            ErrorKind::HashMismatch { expected, actual } => ErrorKind::HashMismatch {
                expected: m(expected),
                actual: m(actual),
            },
            ErrorKind::IncompatibleApiVersion { found, supported } => {
                ErrorKind::IncompatibleApiVersion {
                    found: m(found),
                    supported: m(supported),
                }
            }
            ErrorKind::WrongKind { message } => ErrorKind::WrongKind {
                message: m(message),
            },
            ErrorKind::CapabilityNotGranted { capability } => ErrorKind::CapabilityNotGranted {
                capability: m(capability),
            },
            ErrorKind::UnknownCapability { capability } => ErrorKind::UnknownCapability {
                capability: m(capability),
            },
            ErrorKind::LicenseNotAllowed { license, reason } => ErrorKind::LicenseNotAllowed {
                license: m(license),
                reason: m(reason),
            },
            ErrorKind::Compile { message } => ErrorKind::Compile {
                message: m(message),
            },
            ErrorKind::Instantiate { message } => ErrorKind::Instantiate {
                message: m(message),
            },
            ErrorKind::MissingCapability {
                import,
                capability,
                detail,
            } => ErrorKind::MissingCapability {
                import: m(import),
                capability: m(capability),
                detail: d(detail),
            },
            ErrorKind::Trap { message, detail } => ErrorKind::Trap {
                message: m(message),
                detail: d(detail),
            },
            ErrorKind::Failed { message } => ErrorKind::Failed {
                message: m(message),
            },
            ErrorKind::InvalidOutput { message } => ErrorKind::InvalidOutput {
                message: m(message),
            },
            ErrorKind::Cache { message } => ErrorKind::Cache {
                message: m(message),
            },
            ErrorKind::Host { message } => ErrorKind::Host {
                message: m(message),
            },
            ErrorKind::RunTimeout {
                budget_ms,
                how,
                calls,
            } => ErrorKind::RunTimeout {
                budget_ms,
                how: m(how),
                calls,
            },
            other @ (ErrorKind::Io { .. }
            | ErrorKind::TooManyFindings { .. }
            | ErrorKind::LimitNotGranted { .. }
            | ErrorKind::Timeout { .. }
            | ErrorKind::OutOfMemory { .. }
            | ErrorKind::OutputTooLarge { .. }
            | ErrorKind::InputTooLarge { .. }) => other,
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
        /// The limit (`memory_mb`, `timeout_ms`, `output_kb`, `run_timeout_ms`,
        /// `max_findings`).
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
    /// The run as a whole (every call of one command) did not finish within its budget.
    #[error(
        "run budget exceeded: the run did not finish within {budget_ms} ms ({how}) and was stopped after {calls} complete calls; a city grants more with `limits.run_timeout_ms`"
    )]
    RunTimeout {
        /// The budget.
        budget_ms: u64,
        /// Where the budget comes from.
        how: String,
        /// Calls that had finished.
        calls: usize,
    },
    /// The run returned more findings than it may.
    #[error(
        "too many findings: more than {limit} in one run; the run was stopped (a city grants more with `limits.max_findings`)"
    )]
    TooManyFindings {
        /// The cap.
        limit: u32,
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

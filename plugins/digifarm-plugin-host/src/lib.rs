//! The digifarm plugin host: runs city plugins (WebAssembly components implementing the WIT
//! package `digifarm:plugin@0.1.0`) in a sandbox.
//!
//! Every call is sandboxed by default: one wasmtime engine per process with epoch
//! interruption (a per-call wall-clock deadline), a memory cap, a guest stack limit, input
//! and output caps, a fresh instance per batch, and no WASI capability the city did not grant
//! (files and the network cannot be granted at all). Plugins see public catalog fields only:
//! contact data never crosses the interface. Errors name the plugin and say what happened.
//!
//! ```no_run
//! use std::path::Path;
//! use digifarm_core::catalog::{self, LoadOptions};
//! use digifarm_core::license::Policy;
//! use digifarm_core::model::PluginGrants;
//! use digifarm_plugin_host::{Host, HostOptions};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let host = Host::new(HostOptions::default())?;
//! let loaded = catalog::load(Path::new("examples/muenster"), &LoadOptions::default())?;
//! let policy = Policy::from_config(&loaded.catalog.config.license);
//! let plugin = host.load(
//!     Path::new("plugins/muenster-admission/muenster_admission.wasm"),
//!     &PluginGrants::default(),
//!     &policy,
//! )?;
//! for diagnostic in plugin.validate_catalog(&loaded.catalog)? {
//!     println!("{}: {}", diagnostic.code, diagnostic.message);
//! }
//! # Ok(())
//! # }
//! ```

mod bindings;
mod cache;
mod check;
mod convert;
#[doc(hidden)]
pub mod encode;
mod error;
mod host;
pub mod manifest;
mod plugin;
mod sandbox;

pub use cache::CacheStatus;
pub use error::{Error, ErrorKind, Result};
pub use host::{Host, HostOptions, Limits, PluginInfo, RunBudget};
pub use manifest::{API_VERSION, Kind, Manifest};
pub use plugin::{Candidate, Export, Finding, Imported, Plugin, Score, ScoreTerm};
pub use sandbox::Capability;

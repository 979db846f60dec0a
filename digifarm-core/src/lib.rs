//! digifarm-core: the model, catalog loading, validation, licence policy and matching behind
//! digifarm, a catalog of open-source civic-tech projects and the partners who support them.
//!
//! A city keeps its catalog as plain files in git: `digifarm.toml`, one YAML or JSON file per
//! project, partner and support offer (or many in one JSON Lines file). This crate reads such
//! a catalog, checks it the way a compiler checks code (every problem at once, each a
//! [`Diagnostic`] with file, line, column, JSON pointer and a stable [`Code`]), decides
//! whether a project's licence meets the city's policy, matches partners' offers to the needs
//! that want help, runs the programme's workflow and renders the catalog for publication. It
//! prints nothing: the `digifarm` command line tool, the Python package and the WebAssembly
//! proposal form are front ends that call the same functions.
//!
//! # Modules
//!
//! - [`catalog`]: loading a catalog directory or record file into typed records with
//!   diagnostics; its image files, writing records back, outputs kept out of inputs.
//! - [`charset`]: which characters a catalog's text may hold.
//! - [`diagnostic`]: findings: [`Diagnostic`], its stable [`Code`] and [`Severity`].
//! - [`export`]: a catalog rendered as JSON, JSON Lines, CSV, Markdown, publiccode.yml,
//!   JSON-LD, an Atom feed or a static HTML site, and written to disk atomically;
//!   [`export::publish`], validate-then-export as both front ends run it.
//! - [`health`]: explained project health verdicts from the forge signals stored in the
//!   catalog.
//! - [`i18n`]: the reader's language: dates and numbers as that language writes them.
//! - [`import`]: records from other formats (DIGIFARM JSON and CSV, publiccode.yml, civic.json,
//!   CSV), every interpreted value reported.
//! - `json_tree` (private): a JSON reader that keeps key order, duplicate keys and positions.
//! - [`license`]: SPDX expressions against the city's policy, free-text normalisation,
//!   copyleft, partner requirements, licence-file detection.
//! - [`matching`]: hard constraints, explained scores, rankings, the optimal capacitated
//!   assignment and the needs that want help.
//! - [`merge`]: several cities' catalogs in one, ids namespaced by city code.
//! - [`model`]: the records (projects and their needs, partners, support offers, the city's
//!   configuration, the proposal form) and, in [`model::constraints`], the schema's patterns
//!   and lengths stated once.
//! - [`picture`]: project images and the portal's logo: checked by content, thumbnails.
//! - [`portal`]: the public portal's rules: contact, web links, accent colour, help routes.
//! - [`publiccode`]: publiccode.yml: every version's rules checked, a writer per version.
//! - [`schema`]: the JSON Schemas generated from the model and their compiled validators.
//! - [`source`]: strict parsing of YAML, JSON, JSON Lines and TOML; JSON pointers back to
//!   line and column; a CSV reader that keeps every cell's position.
//! - [`stats`]: figures for the programme's evaluation, as text, CSV, SVG or HTML.
//! - `synth` (feature `synth`): deterministic synthetic catalogs for tests and benchmarks.
//! - [`validate`]: the semantic rules, and [`validate::validate_path`], the whole pipeline
//!   behind `digifarm validate`.
//! - [`weblink`]: what a catalog may give as a homepage, source repository or website.
//! - [`workflow`]: running the programme: proposals, review, admission, support lifecycle.
//! - [`yaml_emit`]: a writer of block-style YAML for catalog records.
//!
//! # Cargo features
//!
//! None is on by default.
//!
//! - `detection`: licence-file detection (`license::detect_file`): the `spdx` crate's n-gram
//!   matcher with its inline cache of licence texts.
//! - `network`: the publiccode.yml checks that need the network (`publiccode::network`): URL
//!   liveness and remote logos over a guarded blocking HTTP client.
//! - `synth`: synthetic catalogs (`synth`) for tests, benchmarks and timing drivers; the
//!   module is compiled only with this feature (and in the crate's own unit tests), never in
//!   a city's build.
//!
//! # Example
//!
//! Validate the Münster example catalog, then list the needs that want help:
//!
//! ```
//! use std::path::Path;
//!
//! use digifarm_core::catalog::LoadOptions;
//! use digifarm_core::validate::validate_path;
//!
//! let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/muenster");
//! // A fixed day, so that staleness findings do not change with the calendar.
//! let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).ok_or("not a date")?;
//! let (catalog, report) = validate_path(&dir, &LoadOptions::default(), today)?;
//! for d in &report.diagnostics {
//!     println!("{}:{}:{} {} {}", d.file, d.line, d.column, d.code, d.message);
//! }
//! assert!(report.valid, "warnings only");
//! println!("{} projects", report.counts.projects);
//! let mut wanted = 0;
//! for project in &catalog.projects {
//!     for need in project.needs.iter().filter(|n| n.wants_help()) {
//!         println!("help wanted: {} needs {} support", project.name, need.kind);
//!         wanted += 1;
//!     }
//! }
//! assert_eq!(report.counts.projects, 7);
//! assert!(wanted > 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod catalog;
pub mod charset;
pub mod diagnostic;
pub mod export;
pub mod health;
pub mod i18n;
pub mod import;
mod json_tree;
pub mod license;
pub mod matching;
pub mod merge;
pub mod model;
pub mod picture;
pub mod portal;
pub mod publiccode;
pub mod schema;
pub mod source;
pub mod stats;
#[cfg(any(test, feature = "synth"))]
pub mod synth;
pub mod validate;
pub mod weblink;
pub mod workflow;
pub mod yaml_emit;

pub use diagnostic::{Code, Diagnostic, Severity};

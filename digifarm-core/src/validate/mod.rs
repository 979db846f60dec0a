//! Catalog validation: semantic rules on top of what loading found.
//!
//! [`validate_path`] is the whole pipeline behind `digifarm validate`: load (parse with
//! positions, JSON Schema, typed model), then the rules in [`rules`] (unique ids, file names,
//! references, dates, default language, amounts, licences, admission, staleness). Every
//! finding is a [`Diagnostic`] with file, line, column and pointer; the output order is
//! deterministic.

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use crate::catalog::{self, Catalog, LoadOptions};
use crate::diagnostic::{self, Diagnostic};
use crate::license::Checker;
use crate::model::{CityConfig, Project};

mod rules;

/// How many records of each kind a catalog holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    /// Projects.
    pub projects: usize,
    /// Partners.
    pub partners: usize,
    /// Support offers.
    pub offers: usize,
}

/// The result of validating a catalog.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// No diagnostic is an error.
    pub valid: bool,
    /// Records that passed their schema, per kind.
    pub counts: Counts,
    /// Every finding, in stable order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// A report over `catalog` with `diagnostics` (sorted here).
    pub fn new(catalog: &Catalog, mut diagnostics: Vec<Diagnostic>) -> Report {
        diagnostic::sort(&mut diagnostics);
        Report {
            valid: !diagnostics.iter().any(Diagnostic::is_error),
            counts: Counts {
                projects: catalog.projects.len(),
                partners: catalog.partners.len(),
                offers: catalog.offers.len(),
            },
            diagnostics,
        }
    }

    /// How many diagnostics have `severity`.
    pub fn count(&self, severity: crate::Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Today's date on this machine, the reference for staleness and future dates.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Runs the semantic rules over a loaded catalog; positions are resolved.
pub fn validate(catalog: &Catalog, today: NaiveDate) -> Vec<Diagnostic> {
    let mut diagnostics = rules::run(catalog, today);
    catalog.resolve_positions(&mut diagnostics);
    diagnostic::sort(&mut diagnostics);
    diagnostics
}

/// A staleness finding and the project it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaleFinding {
    /// The project's id.
    pub project: String,
    /// The finding, as `digifarm validate` reports it.
    pub diagnostic: Diagnostic,
}

/// The staleness findings alone, exactly as [`validate`] reports them: `stale-listing`
/// (not reviewed within `staleness.review_days`), `stale-status` (paused or broken for longer
/// than `staleness.status_days`) and `never-reviewed` (info). Positions are resolved; the
/// order is that of the projects.
pub fn stale(catalog: &Catalog, today: NaiveDate) -> Vec<StaleFinding> {
    let (indexes, mut diagnostics): (Vec<usize>, Vec<Diagnostic>) =
        rules::stale(catalog, today).into_iter().unzip();
    catalog.resolve_positions(&mut diagnostics);
    indexes
        .into_iter()
        .zip(diagnostics)
        .map(|(i, diagnostic)| StaleFinding {
            project: catalog.projects[i].id.clone(),
            diagnostic,
        })
        .collect()
}

/// Runs the rules that concern one project on its own, without the catalog around it:
/// texts, need kinds, amounts, dates, licence, admission and staleness. References to
/// partners and offers, duplicate ids and file names need the whole catalog and are left to
/// [`validate`]. Findings are appended to `out` with pointers relative to the record and no
/// file. `checker` is usually `Checker::new(Policy::from_config(&config.license))`, kept for
/// many records (it caches verdicts; one per thread).
///
/// ```
/// use digifarm_core::{license::{Checker, Policy}, model::CityConfig, validate};
/// let project: digifarm_core::model::Project = serde_json::from_value(serde_json::json!({
///     "id": "radwege", "name": "Radwege", "summary": "Karte", "status": "live",
///     "lifecycle": "proposed", "license": "GPL v3"
/// })).unwrap();
/// let config = CityConfig::default();
/// let mut out = Vec::new();
/// let mut checker = Checker::new(Policy::from_config(&config.license));
/// validate::check_project(&project, &config, &mut checker, validate::today(), &mut out);
/// assert_eq!(out[0].code, "license-invalid");
/// assert_eq!(out[0].pointer, "/license");
/// ```
pub fn check_project(
    project: &Project,
    config: &CityConfig,
    checker: &mut Checker,
    today: NaiveDate,
    out: &mut Vec<Diagnostic>,
) {
    rules::standalone_project_rules(project, config, checker, today, out);
}

/// Loads and validates the catalog at `path` (a directory or a record file).
///
/// # Errors
/// When `path` does not exist or a directory cannot be listed.
pub fn validate_path(
    path: &Path,
    options: &LoadOptions,
    today: NaiveDate,
) -> Result<(Catalog, Report), catalog::Error> {
    let loaded = catalog::load(path, options)?;
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(validate(&loaded.catalog, today));
    let report = Report::new(&loaded.catalog, diagnostics);
    Ok((loaded.catalog, report))
}

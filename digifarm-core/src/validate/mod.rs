//! Catalog validation: semantic rules on top of what loading found.
//!
//! [`validate_path`] is the whole pipeline behind `digifarm validate`: load (see
//! [`crate::catalog`]: JSON records through the typed fast path, the others checked against
//! the JSON Schema, all into the typed model; positions resolved only where there are
//! findings), then the rules in [`rules`] (unique ids, file names, references, dates, default
//! language, amounts, licences, admission, staleness, `[portal]`), the health findings of the
//! stored forge data, the publiccode.yml export check of published projects and the checks of
//! the image files (`catalog::assets`). [`validate_path_with`] does the same with the projects
//! read, checked and dropped in batches. Every finding is a [`Diagnostic`] with file, line,
//! column and pointer; the output order is deterministic.

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use crate::catalog::{self, Catalog, LoadOptions};
use crate::diagnostic::{self, Diagnostic};
use crate::license::Checker;
use crate::model::{CityConfig, Project, RecordKind};

mod portal;
mod rules;

pub use portal::gaps as portal_gaps;

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
    /// Every finding, in stable order; at most [`diagnostic::MAX_LISTED`] of them from
    /// [`validate_path`] (the first ones in that order).
    pub diagnostics: Vec<Diagnostic>,
    /// The findings beyond [`diagnostic::MAX_LISTED`], counted, not listed.
    #[serde(skip_serializing_if = "diagnostic::Omitted::is_none")]
    pub omitted: diagnostic::Omitted,
}

impl Report {
    /// A report over `catalog` with `diagnostics` (sorted here).
    pub fn new(catalog: &Catalog, mut diagnostics: Vec<Diagnostic>) -> Report {
        diagnostic::sort(&mut diagnostics);
        Report {
            valid: !diagnostics.iter().any(Diagnostic::is_error),
            counts: Counts {
                projects: catalog.project_count(),
                partners: catalog.partners.len(),
                offers: catalog.offers.len(),
            },
            diagnostics,
            omitted: diagnostic::Omitted::default(),
        }
    }

    /// This report with `more` findings (a plugin's, a cross-check's), still counting those
    /// that were not listed.
    pub fn extended(self, catalog: &Catalog, more: Vec<Diagnostic>) -> Report {
        let omitted = self.omitted;
        let mut diagnostics = self.diagnostics;
        diagnostics.extend(more);
        let mut report = Report::new(catalog, diagnostics);
        report.omitted = omitted;
        report.valid &= omitted.errors == 0;
        report
    }

    /// How many findings have `severity`, listed or not.
    pub fn count(&self, severity: crate::Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
            + self.omitted.count(severity)
    }
}

/// Today's date on this machine, the reference for staleness and future dates.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Runs the semantic rules over a loaded catalog; positions are resolved.
pub fn validate(catalog: &Catalog, today: NaiveDate) -> Vec<Diagnostic> {
    let mut seen = rules::SeenIds::default();
    let mut diagnostics = Vec::new();
    project_rules(catalog, today, &mut seen, &mut diagnostics);
    rest_rules(catalog, today, &seen, &mut diagnostics);
    catalog.resolve_positions(&mut diagnostics);
    diagnostic::sort(&mut diagnostics);
    diagnostics
}

/// The rules about the projects `catalog` holds: all of them, or one batch of a streamed
/// validation ([`validate_path_with`]); `seen` carries the ids from batch to batch.
fn project_rules(
    catalog: &Catalog,
    today: NaiveDate,
    seen: &mut rules::SeenIds,
    out: &mut Vec<Diagnostic>,
) {
    rules::projects(catalog, today, seen, out);
    out.extend(publiccode_exportable(catalog));
    out.extend(
        crate::health::project_findings(catalog, today)
            .into_iter()
            .map(|(_, d)| d),
    );
}

/// The rules about the rest of the catalog, once every project was seen.
fn rest_rules(
    catalog: &Catalog,
    today: NaiveDate,
    seen: &rules::SeenIds,
    out: &mut Vec<Diagnostic>,
) {
    let has_project = |id: &str| seen.contains(id);
    rules::rest(catalog, today, &has_project, out);
    out.extend(crate::health::orphans(catalog, &has_project));
}

/// `publiccode-export-invalid` for every published project (lifecycle in `[portal]
/// lifecycles`) described for publiccode.yml (it has a `software` group) that would not
/// export as a valid file, so a city learns it before publishing. A catalog that does not
/// publish publiccode.yml is not warned about every project; its export names the fixes.
fn publiccode_exportable(catalog: &Catalog) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let public = &catalog.config.portal.lifecycles;
    catalog
        .projects
        .par_iter()
        .enumerate()
        .filter(|(_, p)| public.contains(&p.lifecycle) && p.software.is_some())
        .filter_map(|(i, p)| {
            let fixes = crate::export::publiccode::export_problems(p, catalog);
            if fixes.is_empty() {
                return None;
            }
            let (file, pointer, line) = catalog.locate_record(crate::model::RecordKind::Project, i);
            let mut d = Diagnostic::new(
                crate::Code::PubliccodeExportInvalid,
                file,
                pointer,
                format!(
                    "`{}` would not export as a valid publiccode.yml ({} problem{})",
                    p.id,
                    fixes.len(),
                    if fixes.len() == 1 { "" } else { "s" }
                ),
            )
            .with_help(fixes.join("; "));
            d.line = line;
            Some(d)
        })
        .collect()
}

/// A staleness finding and the record it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaleFinding {
    /// The kind of record (`project` or `offer`).
    pub kind: RecordKind,
    /// The record's id.
    pub id: String,
    /// The project's id, for findings about a project (its listing, status or support).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// The finding, as `digifarm validate` reports it.
    pub diagnostic: Diagnostic,
}

/// The staleness findings alone, exactly as [`validate`] reports them: `stale-listing`
/// (not reviewed within `staleness.review_days`), `stale-status` (paused or broken for longer
/// than `staleness.status_days`), `never-reviewed` (info), `support-overdue` (committed
/// support past its `until`), `offer-expired-in-use` (live support through an expired offer),
/// `offer-expiring` (an offer ending within `staleness.offer_days`), and the health findings
/// of the stored forge data (see [`crate::health::findings`]; `source-not-repository` and a
/// health file without its project are left to `validate`). Positions are resolved; projects
/// come first, in order, then offers.
pub fn stale(catalog: &Catalog, today: NaiveDate) -> Vec<StaleFinding> {
    let mut found: Vec<(RecordKind, usize, Diagnostic)> = rules::stale(catalog, today);
    found.extend(
        crate::health::findings(catalog, today)
            .into_iter()
            // A source URL that names no repository is a data error for `validate`, not
            // staleness; a health file without its project is `validate`'s too.
            .filter(|(i, d)| {
                *i < catalog.projects.len()
                    && d.code != crate::diagnostic::Code::SourceNotRepository.as_str()
            })
            .map(|(i, d)| (RecordKind::Project, i, d)),
    );
    // Stable: each record's own findings keep their order.
    found.sort_by_key(|(kind, i, _)| (*kind != RecordKind::Project, *i));
    let (records, mut diagnostics): (Vec<(RecordKind, usize)>, Vec<Diagnostic>) =
        found.into_iter().map(|(k, i, d)| ((k, i), d)).unzip();
    catalog.resolve_positions(&mut diagnostics);
    records
        .into_iter()
        .zip(diagnostics)
        .map(|((kind, i), diagnostic)| {
            let id = match kind {
                RecordKind::Project => catalog.projects.get(i).map(|p| p.id.clone()),
                RecordKind::Partner => catalog.partners.get(i).map(|p| p.id.clone()),
                RecordKind::Offer => catalog.offers.get(i).map(|o| o.id.clone()),
            }
            .unwrap_or_default();
            StaleFinding {
                kind,
                project: (kind == RecordKind::Project).then(|| id.clone()),
                id,
                diagnostic,
            }
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

/// Loads and validates the catalog at `path` (a directory or a record file), its image files
/// included.
///
/// # Errors
/// When `path` does not exist or a directory cannot be listed.
pub fn validate_path(
    path: &Path,
    options: &LoadOptions,
    today: NaiveDate,
) -> Result<(Catalog, Report), catalog::Error> {
    validate_path_with(path, options, today, &|_| true)
}

/// [`validate_path`], keeping the projects only when `keep_projects` says so (asked with the
/// catalog's config, partners and offers, before the first project is read). Otherwise the
/// projects are read, checked and dropped in batches (a few megabytes of JSON Lines, or some
/// hundred files, at a time): peak memory stays near what the cross-record rules keep (each
/// project id once), whatever the number of projects, and the report is the same. The
/// catalog returned then holds no projects ([`Catalog::project_count`] counts them), and the
/// lines its findings point at are kept as [`Catalog::excerpt`]s. `digifarm validate`
/// keeps the projects only for plugins and `--checkouts`, which need them.
///
/// # Errors
/// When `path` does not exist or a directory cannot be listed.
pub fn validate_path_with(
    path: &Path,
    options: &LoadOptions,
    today: NaiveDate,
    keep_projects: &dyn Fn(&Catalog) -> bool,
) -> Result<(Catalog, Report), catalog::Error> {
    let mut seen = rules::SeenIds::default();
    let cache = options.image_cache.as_deref();
    let found = catalog::load_with(
        path,
        options,
        keep_projects,
        diagnostic::MAX_LISTED,
        &mut |batch, out| {
            project_rules(batch, today, &mut seen, out);
            // The project images: there, decodable, within the limits.
            out.extend(catalog::assets::check_projects(
                batch,
                cache,
                options.prepare_images,
            ));
        },
    )?;
    let (mut catalog, mut found) = found;
    let mut rest = Vec::new();
    rest_rules(&catalog, today, &seen, &mut rest);
    rest.extend(catalog::assets::check_logo(&catalog));
    catalog.resolve_positions(&mut rest);
    for d in rest {
        found.push(d, None);
    }
    let (diagnostics, omitted) = catalog.finish_findings(found);
    let mut report = Report::new(&catalog, diagnostics);
    report.omitted = omitted;
    report.valid &= omitted.errors == 0;
    Ok((catalog, report))
}

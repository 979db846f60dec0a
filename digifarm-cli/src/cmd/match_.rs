//! `digifarm match <CATALOG>`: who can help which project, and the best global assignment;
//! with `--assign --write`, the assignment recorded as `suggested` support entries.
//!
//! Matching never runs on invalid data: the catalog is loaded and validated first (the same
//! `validate_path` as `digifarm validate`, so the findings show their source lines), and any
//! error, or `[matching]` weights the matcher refuses, ends the command with exit code 1 and
//! the diagnostics. Scorer plugins (listed in digifarm.toml or given with `--plugin`) add a
//! term each to the score; one that fails ends the command the same way (`plugin-failed`),
//! as the result would be wrong without it. Each project's stored health level (from
//! `digifarm refresh`) raises the urgency of its needs.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use digifarm_core::catalog::Catalog;
use digifarm_core::catalog::write::{CatalogLock, WriteError};
use digifarm_core::matching::{Assignment, Exclusion, Explanation, Matcher, NeedId, Ranked};
use digifarm_core::model::{DEFAULT_PLUGIN_WEIGHT, Project};
use digifarm_core::workflow;
use digifarm_core::{Code, Diagnostic, Severity};
use serde::Serialize;

use super::plugin::ScorerRun;
use crate::output::{self, CliError, CmdResult, Format};

/// Arguments of `digifarm match`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Catalog directory (or record file).
    pub catalog: PathBuf,
    /// Only the needs of this project.
    #[arg(long, value_name = "ID")]
    pub project: Option<String>,
    /// Only this offer: the needs it suits best (with --assign: the needs it is assigned to).
    #[arg(long, value_name = "ID")]
    pub offer: Option<String>,
    /// How many offers per need (or needs per offer) to show.
    #[arg(long, value_name = "K", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub top: u32,
    /// Compute the optimal global assignment of offers to open needs.
    #[arg(long)]
    pub assign: bool,
    /// Explain every score term by term; with --project and --offer, say why the offer does
    /// or does not fit each need of the project.
    #[arg(long)]
    pub explain: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Reference date for offer validity and need age (default: today), as YYYY-MM-DD.
    #[arg(long, value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// Also score with this scorer plugin (repeatable); it gets no capabilities and the
    /// host's default limits. Scorer plugins listed in digifarm.toml always run.
    #[arg(long = "plugin", value_name = "FILE.wasm")]
    pub plugin: Vec<PathBuf>,
    /// Weight of each --plugin scorer's score next to [matching.weights].
    #[arg(long, value_name = "W", default_value_t = DEFAULT_PLUGIN_WEIGHT, value_parser = parse_weight)]
    pub plugin_weight: f64,
    /// With --assign: write each assigned pair (in the --project/--offer scope) as a
    /// `suggested` support entry into its project's file; needs that already have support
    /// are never touched.
    #[arg(long, requires = "assign")]
    pub write: bool,
    /// With --write: show the change to each file as a diff and write nothing.
    #[arg(long, requires = "write")]
    pub dry_run: bool,
    /// With --write: who records the suggestions (default: `digifarm match`).
    #[arg(long, value_name = "NAME", requires = "write")]
    pub by: Option<String>,
}

/// For `--write`: the catalog's lock, held from before loading until the project files are
/// rewritten (none for a dry run).
pub struct Disk {
    /// The catalog's lock.
    pub lock: Option<CatalogLock>,
}

fn parse_weight(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(w) if w.is_finite() && w >= 0.0 => Ok(w),
        _ => Err(format!("`{s}` is not a finite number ≥ 0")),
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| format!("`{s}` is not a date YYYY-MM-DD: {e}"))
}

/// A loaded catalog and what loading and validating it found: the boundary between the
/// catalog loader and matching.
#[derive(Debug, Clone)]
pub struct LoadedCatalog {
    /// The catalog as loaded (its source files give the lines shown with diagnostics; with
    /// `--write`, its project files get the suggestions).
    pub catalog: Catalog,
    /// Every finding of loading and validation.
    pub diagnostics: Vec<Diagnostic>,
    /// The catalog root: plugin paths in the config are relative to it.
    pub root: PathBuf,
}

/// Loads and validates the catalog at `path`. Errors are I/O or usage problems (exit 2);
/// findings go into the diagnostics.
fn load(path: &std::path::Path, today: NaiveDate) -> Result<LoadedCatalog, CliError> {
    let options = digifarm_core::catalog::LoadOptions {
        image_cache: digifarm_core::catalog::assets::default_cache_dir(),
        ..Default::default()
    };
    let (catalog, report) = digifarm_core::validate::validate_path(path, &options, today)
        .map_err(|e| CliError(e.to_string()))?;
    let root = catalog.root.clone().unwrap_or_else(|| {
        path.parent()
            .map_or_else(|| PathBuf::from("."), std::path::Path::to_path_buf)
    });
    Ok(LoadedCatalog {
        catalog,
        diagnostics: report.diagnostics,
        root,
    })
}

pub fn run(args: Args) -> CmdResult {
    let today = args
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let disk;
    let loaded = if args.write {
        if !args.catalog.is_dir() {
            return Err(CliError(format!(
                "{}: --write needs a catalog directory",
                args.catalog.display()
            )));
        }
        // The lock first, then the catalog as it is now: suggestions are computed on the
        // support every earlier command recorded.
        let lock = if args.dry_run {
            None
        } else {
            Some(CatalogLock::acquire(&args.catalog)?)
        };
        disk = Some(Disk { lock });
        load(&args.catalog, today)?
    } else {
        disk = None;
        load(&args.catalog, today)?
    };
    let outcome = execute(&args, &loaded, today, disk.as_ref())?;
    if let Some(message) = &outcome.error {
        output::error_line(&CliError(message.clone()));
    } else {
        output::stdout(&outcome.text)?;
    }
    Ok(outcome.code)
}

/// What the command prints and its exit code.
#[derive(Debug)]
pub struct Outcome {
    /// Everything for stdout.
    pub text: String,
    /// The exit code.
    pub code: ExitCode,
    /// A failed write: the one line for stderr (stdout then stays empty).
    pub error: Option<String>,
}

#[derive(Serialize)]
struct JsonOffer<'a> {
    offer: &'a str,
    partner: &'a str,
    score: f64,
    explanation: Option<Explanation>,
}

#[derive(Serialize)]
struct JsonRanking<'a> {
    project: &'a str,
    need: usize,
    offers: Vec<JsonOffer<'a>>,
    /// With --explain (and no --offer): admissible offers scoring below the minimum score.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    below_minimum: Vec<JsonOffer<'a>>,
}

#[derive(Serialize)]
struct JsonPair<'a> {
    project: &'a str,
    need: usize,
    offer: &'a str,
    score: f64,
}

#[derive(Serialize)]
struct JsonNeed<'a> {
    project: &'a str,
    need: usize,
    /// Why no offer can serve the need, per offer of its kind (empty when some offer could).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    reasons: Vec<JsonReason<'a>>,
}

#[derive(Serialize)]
struct JsonReason<'a> {
    offer: &'a str,
    /// The excluding constraint, or `min-score`.
    constraint: &'static str,
    reason: String,
}

#[derive(Serialize)]
struct JsonWritten<'a> {
    project: &'a str,
    need: usize,
    offer: &'a str,
    partner: &'a str,
    score: f64,
    file: String,
}

#[derive(Serialize)]
struct JsonDiff {
    file: String,
    diff: String,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    /// Scorer plugins whose terms are in the scores.
    plugins: Vec<ScorerRun>,
    rankings: Vec<JsonRanking<'a>>,
    assignment: Option<Vec<JsonPair<'a>>>,
    total_score: Option<f64>,
    unmatched: Vec<JsonNeed<'a>>,
    /// Errors that stopped matching (empty when it ran).
    diagnostics: Vec<Diagnostic>,
    /// Pairs scoring below this are not proposed.
    min_score: Option<f64>,
    /// With --write: the suggested support entries written (or, with --dry-run, that would
    /// be).
    #[serde(skip_serializing_if = "Option::is_none")]
    written: Option<Vec<JsonWritten<'a>>>,
    /// With --dry-run: the change to each file, as a unified diff.
    #[serde(skip_serializing_if = "Option::is_none")]
    diffs: Option<Vec<JsonDiff>>,
}

impl JsonReport<'_> {
    fn empty(diagnostics: Vec<Diagnostic>) -> Self {
        JsonReport {
            plugins: Vec::new(),
            rankings: Vec::new(),
            assignment: None,
            total_score: None,
            unmatched: Vec::new(),
            diagnostics,
            min_score: None,
            written: None,
            diffs: None,
        }
    }
}

fn json_text<T: Serialize>(value: &T) -> Result<String, CliError> {
    let mut s = serde_json::to_string(value).map_err(|e| CliError(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

fn render_diagnostics(
    diagnostics: &[Diagnostic],
    sources: &[digifarm_core::catalog::SourceFile],
) -> String {
    let lines = crate::render::SourceLines::of(sources);
    let mut out = crate::render::diagnostics(
        diagnostics,
        |file, line| lines.line(file, line),
        crate::output::use_colour(),
    );
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let plugins = diagnostics
        .iter()
        .filter(|d| d.code == Code::PluginFailed.as_str())
        .count();
    let s = |n: usize| if n == 1 { "" } else { "s" };
    if plugins > 0 && plugins == errors {
        let _ = writeln!(
            out,
            "matching did not run: {plugins} scorer plugin{} failed",
            s(plugins)
        );
    } else {
        let _ = writeln!(
            out,
            "matching did not run: the catalog has {errors} error{}",
            s(errors)
        );
    }
    out
}

/// Runs matching on a loaded catalog and renders the result; exit 1 when the catalog has
/// errors, the matching weights are invalid or a scorer plugin fails (matching does not run),
/// 2 (an `Err`) for an unknown `--project` or `--offer` or a usage error of `--write`. With
/// `--write`, `disk` holds the lock under which the catalog's project files get the
/// suggestions; a failed write is `Outcome::error` with exit 1 (the files changed since they
/// were read) or 2.
pub fn execute(
    args: &Args,
    loaded: &LoadedCatalog,
    today: NaiveDate,
    disk: Option<&Disk>,
) -> Result<Outcome, CliError> {
    let findings = |diagnostics: Vec<Diagnostic>| -> Result<Outcome, CliError> {
        let text = match args.format {
            Format::Json => json_text(&JsonReport::empty(diagnostics))?,
            Format::Human => render_diagnostics(&diagnostics, loaded.catalog.sources()),
        };
        Ok(Outcome {
            text,
            code: ExitCode::from(1),
            error: None,
        })
    };
    let errors: Vec<Diagnostic> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    if !errors.is_empty() {
        return findings(errors);
    }
    let mut matcher = match Matcher::for_catalog(&loaded.catalog, today) {
        Ok(m) => m,
        Err(d) => return findings(vec![*d]),
    };
    let project = match &args.project {
        Some(id) => Some(
            matcher
                .project_index(id)
                .ok_or_else(|| CliError(format!("no project `{id}` in the catalog")))?,
        ),
        None => None,
    };
    let offer = match &args.offer {
        Some(id) => Some(
            matcher
                .offer_index(id)
                .ok_or_else(|| CliError(format!("no offer `{id}` in the catalog")))?,
        ),
        None => None,
    };
    let plugins = match super::plugin::run_scorers(
        &mut matcher,
        &loaded.root,
        &loaded.catalog.config_file_path(),
        &args.plugin,
        args.plugin_weight,
    ) {
        Ok(runs) => runs,
        Err(failed) => return findings(failed),
    };
    let mut view = View {
        args,
        loaded,
        matcher: &matcher,
        plugins,
        project,
        offer,
        k: args.top as usize,
        assignment: args.assign.then(|| matcher.assign()),
        written: None,
    };
    if args.write {
        match view.write(today, disk)? {
            Ok(written) => view.written = Some(written),
            Err((message, code)) => {
                return Ok(Outcome {
                    text: String::new(),
                    code,
                    error: Some(message),
                });
            }
        }
    }
    let text = match args.format {
        Format::Json => json_text(&view.json())?,
        Format::Human => view.human(today),
    };
    Ok(Outcome {
        text,
        code: ExitCode::SUCCESS,
        error: None,
    })
}

/// What `--write` wrote (or, with `--dry-run`, would write).
struct Written {
    /// Each suggestion with the file it went into.
    entries: Vec<(workflow::Suggested, String)>,
    /// With `--dry-run`: each file's change as a unified diff.
    diffs: Option<Vec<(String, String)>>,
}

struct View<'v, 'a> {
    args: &'v Args,
    loaded: &'v LoadedCatalog,
    matcher: &'v Matcher<'a>,
    plugins: Vec<ScorerRun>,
    project: Option<usize>,
    offer: Option<usize>,
    k: usize,
    /// The optimal assignment, with --assign.
    assignment: Option<Assignment>,
    /// With --write: what was written.
    written: Option<Written>,
}

impl View<'_, '_> {
    fn in_scope(&self, need: NeedId) -> bool {
        self.project.is_none_or(|p| p == need.project)
    }

    /// The rankings to show: per open need its top offers, or with `--offer` the offer's
    /// top needs (one entry per need).
    fn rankings(&self) -> Vec<(NeedId, Vec<Ranked>)> {
        match self.offer {
            Some(o) => {
                let k = if self.project.is_some() {
                    usize::MAX
                } else {
                    self.k
                };
                self.matcher
                    .rank_needs(o, k)
                    .into_iter()
                    .filter(|r| self.in_scope(r.need))
                    .take(self.k)
                    .map(|r| (r.need, vec![r]))
                    .collect()
            }
            None => {
                let mut scratch = self.matcher.scratch();
                self.matcher
                    .open_needs()
                    .into_iter()
                    .filter(|n| self.in_scope(*n))
                    .map(|n| (n, self.matcher.rank_offers_with(n, self.k, &mut scratch)))
                    .collect()
            }
        }
    }

    fn assignment(&self) -> Option<&Assignment> {
        self.assignment.as_ref()
    }

    /// Writes the assigned pairs in scope as `suggested` support entries (all files or
    /// none), or with `--dry-run` renders the change as diffs. `Err` for a usage problem
    /// (exit 2); `Ok(Err((message, code)))` when the write itself failed (nothing written).
    #[allow(clippy::type_complexity)]
    fn write(
        &self,
        today: NaiveDate,
        disk: Option<&Disk>,
    ) -> Result<Result<Written, (String, ExitCode)>, CliError> {
        let disk = disk.ok_or_else(|| CliError("--write needs a catalog directory".into()))?;
        let pairs: Vec<(usize, usize, usize, f64)> = self
            .assignment()
            .map(|a| {
                a.pairs
                    .iter()
                    .filter(|r| self.pair_in_scope(r))
                    .map(|r| (r.need.project, r.need.need, r.offer, r.score))
                    .collect()
            })
            .unwrap_or_default();
        let by = self.args.by.as_deref().unwrap_or("digifarm match");
        if by.trim().is_empty() {
            return Err(CliError("--by needs a name".into()));
        }
        let (changed, suggested) = workflow::suggest(
            &self.loaded.catalog.projects,
            &self.loaded.catalog.offers,
            &pairs,
            by,
            today,
        );
        let mut files: Vec<(usize, String)> = Vec::new();
        let mut diffs = Vec::new();
        for (index, project) in &changed {
            let (path, new) = self.loaded.catalog.render_project(*index, project)?;
            let file = path.display().to_string();
            if self.args.dry_run {
                let old = self
                    .loaded
                    .catalog
                    .project_source_text(*index)
                    .unwrap_or_default();
                let diff = similar::TextDiff::from_lines(old, new.as_str())
                    .unified_diff()
                    .context_radius(3)
                    .header(&file, &file)
                    .to_string();
                diffs.push((file.clone(), diff));
            }
            files.push((*index, file));
        }
        if !self.args.dry_run {
            let lock = disk
                .lock
                .as_ref()
                .ok_or_else(|| CliError("the catalog is not locked".into()))?;
            let changes: Vec<(usize, &Project)> = changed.iter().map(|(i, p)| (*i, p)).collect();
            if let Err(e) = self.loaded.catalog.rewrite_projects(lock, &changes) {
                let code = if matches!(e, WriteError::Changed { .. }) {
                    1
                } else {
                    2
                };
                return Ok(Err((e.to_string(), ExitCode::from(code))));
            }
        }
        let file_of = |p: usize| {
            files
                .iter()
                .find(|(i, _)| *i == p)
                .map_or_else(String::new, |(_, f)| f.clone())
        };
        Ok(Ok(Written {
            entries: suggested
                .into_iter()
                .map(|s| {
                    let f = file_of(s.project);
                    (s, f)
                })
                .collect(),
            diffs: self.args.dry_run.then_some(diffs),
        }))
    }

    /// Why no offer can serve `need`, per offer of its kind: the constraint that excludes it
    /// (with its figures), or its score below the minimum; offers of other kinds are counted
    /// per kind. `None` when some offer could serve the need.
    #[allow(clippy::type_complexity)]
    fn reasons(
        &self,
        need: NeedId,
    ) -> Option<(Vec<(usize, &'static str, String)>, Vec<(String, usize)>)> {
        let mut reasons = Vec::new();
        let mut other_kinds: std::collections::BTreeMap<String, usize> = Default::default();
        for o in 0..self.loaded.catalog.offers.len() {
            match self.matcher.check(need, o) {
                Some(Err(Exclusion::Kind { offer, .. })) => {
                    *other_kinds.entry(offer).or_default() += 1
                }
                Some(Err(e)) => reasons.push((o, e.constraint(), e.to_string())),
                Some(Ok(())) => match self.matcher.score(need, o) {
                    Some(score) if self.matcher.below_minimum(score) => reasons.push((
                        o,
                        "min-score",
                        format!(
                            "scores {score:.3}, below the minimum score {:.2}",
                            self.matcher.min_score()
                        ),
                    )),
                    // An offer that could serve the need: there is no "why not".
                    _ => return None,
                },
                None => {}
            }
        }
        Some((reasons, other_kinds.into_iter().collect()))
    }

    /// The human lines for [`View::reasons`], indented, at most ten offers.
    fn reason_lines(&self, out: &mut String, need: NeedId, indent: &str) {
        const SHOWN: usize = 10;
        let Some((reasons, other_kinds)) = self.reasons(need) else {
            return;
        };
        if reasons.is_empty() && other_kinds.is_empty() {
            let _ = writeln!(out, "{indent}the catalog has no offers");
            return;
        }
        for (o, constraint, why) in reasons.iter().take(SHOWN) {
            let _ = writeln!(
                out,
                "{indent}{} ({}) [{constraint}]: {why}",
                self.offer_id(*o),
                self.partner_name(*o)
            );
        }
        if reasons.len() > SHOWN {
            let _ = writeln!(out, "{indent}… and {} more offers", reasons.len() - SHOWN);
        }
        if !other_kinds.is_empty() {
            let total: usize = other_kinds.iter().map(|(_, n)| n).sum();
            let kinds: Vec<String> = other_kinds
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            let _ = writeln!(
                out,
                "{indent}{total} offer{} of other kinds ({})",
                if total == 1 { "" } else { "s" },
                kinds.join(", ")
            );
        }
    }

    fn json_reasons(&self, need: NeedId) -> Vec<JsonReason<'_>> {
        self.reasons(need)
            .map(|r| r.0)
            .unwrap_or_default()
            .into_iter()
            .map(|(o, constraint, reason)| JsonReason {
                offer: self.offer_id(o),
                constraint,
                reason,
            })
            .collect()
    }

    fn pair_in_scope(&self, r: &Ranked) -> bool {
        self.in_scope(r.need) && self.offer.is_none_or(|o| o == r.offer)
    }

    fn project_id(&self, need: NeedId) -> &str {
        self.loaded
            .catalog
            .projects
            .get(need.project)
            .map_or("", |p| p.id.as_str())
    }

    fn offer_id(&self, offer: usize) -> &str {
        self.loaded
            .catalog
            .offers
            .get(offer)
            .map_or("", |o| o.id.as_str())
    }

    fn partner_id(&self, offer: usize) -> &str {
        self.loaded
            .catalog
            .offers
            .get(offer)
            .map_or("", |o| o.partner.as_str())
    }

    /// The partner's name, escaped for one line of human output.
    fn partner_name(&self, offer: usize) -> std::borrow::Cow<'_, str> {
        let id = self.partner_id(offer);
        crate::output::shown(
            self.loaded
                .catalog
                .partners
                .iter()
                .find(|p| p.id == id)
                .map_or(id, |p| p.name.as_str()),
        )
    }

    fn json(&self) -> JsonReport<'_> {
        let rankings = self
            .rankings()
            .into_iter()
            .map(|(need, offers)| JsonRanking {
                project: self.project_id(need),
                need: need.need,
                offers: offers.iter().map(|r| self.json_offer(r)).collect(),
                below_minimum: if self.args.explain && self.offer.is_none() {
                    self.matcher
                        .below_minimum_offers(need, self.k)
                        .iter()
                        .map(|r| self.json_offer(r))
                        .collect()
                } else {
                    Vec::new()
                },
            })
            .collect::<Vec<_>>();
        let need = |n: NeedId| JsonNeed {
            project: self.project_id(n),
            need: n.need,
            reasons: self.json_reasons(n),
        };
        let written = self.written.as_ref().map(|w| {
            w.entries
                .iter()
                .map(|(s, file)| JsonWritten {
                    project: self.project_id(NeedId {
                        project: s.project,
                        need: s.need,
                    }),
                    need: s.need,
                    offer: self.offer_id(s.offer),
                    partner: self.partner_id(s.offer),
                    score: s.score,
                    file: file.clone(),
                })
                .collect()
        });
        let diffs = self
            .written
            .as_ref()
            .and_then(|w| w.diffs.as_ref())
            .map(|d| {
                d.iter()
                    .map(|(file, diff)| JsonDiff {
                        file: file.clone(),
                        diff: diff.clone(),
                    })
                    .collect()
            });
        match self.assignment() {
            Some(a) => JsonReport {
                plugins: self.plugins.clone(),
                rankings,
                assignment: Some(
                    a.pairs
                        .iter()
                        .filter(|r| self.pair_in_scope(r))
                        .map(|r| JsonPair {
                            project: self.project_id(r.need),
                            need: r.need.need,
                            offer: self.offer_id(r.offer),
                            score: r.score,
                        })
                        .collect(),
                ),
                total_score: Some(a.total_score),
                unmatched: a
                    .unmatched
                    .iter()
                    .filter(|n| self.in_scope(**n))
                    .map(|n| need(*n))
                    .collect(),
                diagnostics: Vec::new(),
                min_score: Some(self.matcher.min_score()),
                written,
                diffs,
            },
            None => {
                // Without --assign: the open needs no offer can serve at all.
                let unmatched = self
                    .matcher
                    .open_needs()
                    .into_iter()
                    .filter(|n| self.in_scope(*n) && self.matcher.rank_offers(*n, 1).is_empty())
                    .map(need)
                    .collect();
                JsonReport {
                    plugins: self.plugins.clone(),
                    rankings,
                    assignment: None,
                    total_score: None,
                    unmatched,
                    diagnostics: Vec::new(),
                    min_score: Some(self.matcher.min_score()),
                    written,
                    diffs,
                }
            }
        }
    }

    fn json_offer(&self, r: &Ranked) -> JsonOffer<'_> {
        JsonOffer {
            offer: self.offer_id(r.offer),
            partner: self.partner_id(r.offer),
            score: r.score,
            explanation: self.matcher.explain(r.need, r.offer).and_then(Result::ok),
        }
    }

    fn need_label(&self, need: NeedId) -> String {
        let p = self.loaded.catalog.projects.get(need.project);
        let n = p.and_then(|p| p.needs.get(need.need));
        let lang = self.loaded.catalog.config.default_language();
        let desc = n
            .and_then(|n| n.description.as_ref())
            .and_then(|d| d.get(lang, lang))
            .map(|d| format!(": {}", one_line(d, 70)))
            .unwrap_or_default();
        format!(
            "{} #{} {}{desc}",
            self.project_id(need),
            need.need,
            n.map_or("", |n| n.kind.as_str())
        )
    }

    fn explain_lines(&self, out: &mut String, need: NeedId, offer: usize, indent: &str) {
        match self.matcher.explain(need, offer) {
            Some(Ok(e)) => {
                // Plugin terms (`plugin:<id>`) are longer than the built-in names.
                let width = e
                    .terms
                    .iter()
                    .map(|t| t.name.chars().count())
                    .max()
                    .unwrap_or(0)
                    .max(8);
                for t in &e.terms {
                    let _ = writeln!(
                        out,
                        "{indent}{:<width$} weight {:.2} × {:.2} → {:.3}  {}",
                        t.name, t.weight, t.value, t.contribution, t.detail
                    );
                }
            }
            Some(Err(why)) => {
                let _ = writeln!(out, "{indent}why not [{}]: {why}", why.constraint());
            }
            None => {}
        }
    }

    fn human(&self, today: NaiveDate) -> String {
        let mut out = String::new();
        let city = &self.loaded.catalog.config.city;
        let name = crate::output::shown(&city.name);
        let city_name = match (&city.ags, name.as_ref()) {
            (Some(ags), "") => ags.clone(),
            (Some(ags), name) => format!("{name} ({ags})"),
            (None, "") => "the city".to_owned(),
            (None, name) => name.to_owned(),
        };
        let open = self.matcher.open_needs();
        let _ = writeln!(
            out,
            "{} projects, {} partners, {} offers for {city_name} on {today}; {} open needs",
            self.loaded.catalog.projects.len(),
            self.loaded.catalog.partners.len(),
            self.loaded.catalog.offers.len(),
            open.len()
        );
        for p in &self.plugins {
            let _ = writeln!(
                out,
                "scorer plugin {}: term {} with weight {:.2} ({} pairs scored)",
                p.id, p.term, p.weight, p.scored
            );
        }

        if let (Some(p), Some(o), true) = (self.project, self.offer, self.args.explain) {
            let _ = writeln!(
                out,
                "\nOffer {} ({}) for project {}:",
                self.offer_id(o),
                self.partner_name(o),
                self.project_id(NeedId {
                    project: p,
                    need: 0
                })
            );
            let n_needs = self
                .loaded
                .catalog
                .projects
                .get(p)
                .map_or(0, |p| p.needs.len());
            for need in (0..n_needs).map(|n| NeedId {
                project: p,
                need: n,
            }) {
                match self.matcher.explain(need, o) {
                    Some(Ok(e)) => {
                        let _ = writeln!(out, "  {}  score {:.3}", self.need_label(need), e.score);
                    }
                    _ => {
                        let _ = writeln!(out, "  {}", self.need_label(need));
                    }
                }
                self.explain_lines(&mut out, need, o, "      ");
            }
            return out;
        }

        if let Some(a) = self.assignment() {
            let shown: Vec<&Ranked> = a.pairs.iter().filter(|r| self.pair_in_scope(r)).collect();
            let _ = writeln!(
                out,
                "\nOptimal assignment: {} of {} open needs matched, total score {:.3}",
                a.pairs.len(),
                a.pairs.len() + a.unmatched.len(),
                a.total_score
            );
            if shown.is_empty() {
                let _ = writeln!(out, "  (no pairs{})", scope_note(self));
            }
            for r in shown {
                let _ = writeln!(
                    out,
                    "  {:.3}  {}  ←  {} ({})",
                    r.score,
                    self.need_label(r.need),
                    self.offer_id(r.offer),
                    self.partner_name(r.offer)
                );
                if self.args.explain {
                    self.explain_lines(&mut out, r.need, r.offer, "         ");
                }
            }
            let left: Vec<&NeedId> = a.unmatched.iter().filter(|n| self.in_scope(**n)).collect();
            if self.offer.is_none() {
                let _ = writeln!(out, "\nLeft open ({}):", left.len());
                if left.is_empty() {
                    let _ = writeln!(out, "  (none)");
                }
                for n in left {
                    let _ = writeln!(out, "  {}", self.need_label(*n));
                    if self.reasons(*n).is_none() {
                        let _ = writeln!(
                            out,
                            "    its admissible offers do more good for other needs (see the ranking without --assign)"
                        );
                    } else {
                        self.reason_lines(&mut out, *n, "    ");
                    }
                }
            }
            if let Some(w) = &self.written {
                self.written_lines(&mut out, w);
            }
            return out;
        }

        match self.offer {
            Some(o) => {
                let _ = writeln!(
                    out,
                    "\nBest needs for offer {} ({}), top {}:",
                    self.offer_id(o),
                    self.partner_name(o),
                    self.k
                );
                let rankings = self.rankings();
                if rankings.is_empty() {
                    let why = match self.matcher.offer_exclusion(o) {
                        Some(e) => format!(": {e}"),
                        None => String::new(),
                    };
                    let _ = writeln!(out, "  (no admissible open need{why})");
                }
                for (i, (need, rs)) in rankings.iter().enumerate() {
                    for r in rs {
                        let _ = writeln!(
                            out,
                            "  {}. {:.3}  {}",
                            i + 1,
                            r.score,
                            self.need_label(*need)
                        );
                        if self.args.explain {
                            self.explain_lines(&mut out, r.need, r.offer, "        ");
                        }
                    }
                }
            }
            None => {
                for (need, offers) in self.rankings() {
                    let _ = writeln!(out, "\n{}", self.need_label(need));
                    if offers.is_empty() {
                        let _ = writeln!(out, "  no admissible offer:");
                        self.reason_lines(&mut out, need, "    ");
                    }
                    for (i, r) in offers.iter().enumerate() {
                        let _ = writeln!(
                            out,
                            "  {}. {:.3}  {} ({})",
                            i + 1,
                            r.score,
                            self.offer_id(r.offer),
                            self.partner_name(r.offer)
                        );
                        if self.args.explain {
                            self.explain_lines(&mut out, r.need, r.offer, "        ");
                        }
                    }
                    if self.args.explain {
                        let weak = self.matcher.below_minimum_offers(need, self.k);
                        if !weak.is_empty() {
                            let _ = writeln!(
                                out,
                                "  below the minimum score {:.2} (not proposed):",
                                self.matcher.min_score()
                            );
                        }
                        for r in weak {
                            let _ = writeln!(
                                out,
                                "  –  {:.3}  {} ({})",
                                r.score,
                                self.offer_id(r.offer),
                                self.partner_name(r.offer)
                            );
                            self.explain_lines(&mut out, r.need, r.offer, "        ");
                        }
                    }
                }
            }
        }
        out
    }

    /// The human report of `--write`: each suggestion written and where, or with
    /// `--dry-run` the diffs.
    fn written_lines(&self, out: &mut String, w: &Written) {
        let files: std::collections::BTreeSet<&str> =
            w.entries.iter().map(|(_, f)| f.as_str()).collect();
        let n = w.entries.len();
        let s = |n: usize| if n == 1 { "" } else { "s" };
        if n == 0 {
            let _ = writeln!(
                out,
                "\nNothing to write: no assigned pair{} for a need without support",
                scope_note(self)
            );
            return;
        }
        let _ = writeln!(
            out,
            "\n{} {n} suggested support entr{} into {} project file{}:",
            if w.diffs.is_some() {
                "Dry run: --write would write"
            } else {
                "Wrote"
            },
            if n == 1 { "y" } else { "ies" },
            files.len(),
            s(files.len())
        );
        for (sg, file) in &w.entries {
            let _ = writeln!(
                out,
                "  {}  ←  {} ({}), suggested: {file}",
                self.need_label(NeedId {
                    project: sg.project,
                    need: sg.need,
                }),
                self.offer_id(sg.offer),
                self.partner_name(sg.offer)
            );
        }
        match &w.diffs {
            Some(diffs) => {
                for (_, diff) in diffs {
                    out.push('\n');
                    out.push_str(diff);
                }
                let _ = writeln!(out, "\nNothing was written (--dry-run).");
            }
            None => {
                let _ = writeln!(
                    out,
                    "When a partner agrees: digifarm support <CATALOG> <PROJECT> --need <N> --partner <PARTNER> --agree --by <NAME> --reason <TEXT>"
                );
            }
        }
    }
}

fn scope_note(view: &View<'_, '_>) -> &'static str {
    if view.project.is_some() || view.offer.is_some() {
        " in the selected scope"
    } else {
        ""
    }
}

fn one_line(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use digifarm_core::synth;

    fn args(extra: &[&str]) -> Args {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Wrap {
            #[command(flatten)]
            args: Args,
        }
        let mut argv = vec!["digifarm", "catalog"];
        argv.extend_from_slice(extra);
        Wrap::try_parse_from(argv).unwrap().args
    }

    fn loaded() -> LoadedCatalog {
        let cat = synth::catalog(4, 40, 8, 30);
        LoadedCatalog {
            catalog: Catalog::from_records(cat.config, cat.projects, cat.partners, cat.offers),
            diagnostics: Vec::new(),
            root: PathBuf::new(),
        }
    }

    fn json(extra: &[&str], l: &LoadedCatalog) -> (serde_json::Value, ExitCode) {
        let mut a = vec!["--format", "json"];
        a.extend_from_slice(extra);
        let out = execute(&args(&a), l, synth::REFERENCE_DATE, None).unwrap();
        (serde_json::from_str(&out.text).unwrap(), out.code)
    }

    #[test]
    fn json_default_has_rankings_and_no_assignment() {
        let l = loaded();
        let (v, code) = json(&["--top", "2"], &l);
        assert_eq!(code, ExitCode::SUCCESS);
        assert!(v["assignment"].is_null() && v["total_score"].is_null());
        let rankings = v["rankings"].as_array().unwrap();
        assert!(!rankings.is_empty());
        for r in rankings {
            assert!(r["project"].is_string() && r["need"].is_u64());
            let offers = r["offers"].as_array().unwrap();
            assert!(offers.len() <= 2);
            for o in offers {
                assert!(o["score"].as_f64().unwrap() >= 0.0);
                assert!(o["explanation"]["terms"].is_array());
                assert!(o["partner"].is_string());
            }
        }
    }

    #[test]
    fn json_assign_totals_match_pairs() {
        let l = loaded();
        let (v, _) = json(&["--assign"], &l);
        let pairs = v["assignment"].as_array().unwrap();
        assert!(!pairs.is_empty());
        let sum: f64 = pairs.iter().map(|p| p["score"].as_f64().unwrap()).sum();
        assert!((sum - v["total_score"].as_f64().unwrap()).abs() < 1e-9);
        assert!(v["unmatched"].is_array());
    }

    #[test]
    fn project_and_offer_filters() {
        let l = loaded();
        let pid = l.catalog.projects[3].id.clone();
        let (v, _) = json(&["--project", &pid], &l);
        for r in v["rankings"].as_array().unwrap() {
            assert_eq!(r["project"], pid.as_str());
        }
        let oid = l.catalog.offers[0].id.clone();
        let (v, _) = json(&["--offer", &oid, "--top", "4"], &l);
        let rankings = v["rankings"].as_array().unwrap();
        assert!(rankings.len() <= 4);
        for r in rankings {
            assert_eq!(r["offers"][0]["offer"], oid.as_str());
        }
    }

    #[test]
    fn unknown_ids_are_usage_errors() {
        let l = loaded();
        assert!(
            execute(
                &args(&["--project", "nope"]),
                &l,
                synth::REFERENCE_DATE,
                None
            )
            .is_err()
        );
        assert!(execute(&args(&["--offer", "nope"]), &l, synth::REFERENCE_DATE, None).is_err());
    }

    #[test]
    fn validation_errors_stop_matching_with_exit_1() {
        let mut l = loaded();
        l.diagnostics.push(Diagnostic::new(
            digifarm_core::Code::DanglingReference,
            "projects/x.yaml",
            "/needs/0/supported_by/0/partner",
            "partner `ghost` does not exist",
        ));
        let out = execute(&args(&["--assign"]), &l, synth::REFERENCE_DATE, None).unwrap();
        assert_eq!(out.code, ExitCode::from(1));
        assert!(out.text.contains("dangling-reference"));
        assert!(out.text.contains("matching did not run"));
        let (v, code) = json(&[], &l);
        assert_eq!(code, ExitCode::from(1));
        assert!(v["assignment"].is_null());
        assert_eq!(v["diagnostics"][0]["code"], "dangling-reference");
    }

    #[test]
    fn bad_weights_are_a_diagnostic_with_exit_1() {
        let mut l = loaded();
        l.catalog.config.matching.weights.skills = f64::NAN;
        let out = execute(&args(&[]), &l, synth::REFERENCE_DATE, None).unwrap();
        assert_eq!(out.code, ExitCode::from(1));
        assert!(out.text.contains("invalid-number"), "{}", out.text);
        assert!(out.text.contains("/matching/weights/skills"));
    }

    #[test]
    fn human_output_explains_and_says_why_not() {
        let l = loaded();
        let out = execute(
            &args(&["--assign", "--explain"]),
            &l,
            synth::REFERENCE_DATE,
            None,
        )
        .unwrap();
        assert!(out.text.contains("Optimal assignment:"), "{}", out.text);
        assert!(out.text.contains("urgency"));
        assert!(out.text.contains("Left open"));
        let pid = l.catalog.projects[0].id.clone();
        let oid = l.catalog.offers[0].id.clone();
        let out = execute(
            &args(&["--project", &pid, "--offer", &oid, "--explain"]),
            &l,
            synth::REFERENCE_DATE,
            None,
        )
        .unwrap();
        assert!(
            out.text.contains("why not [") || out.text.contains("score "),
            "{}",
            out.text
        );
    }

    #[test]
    fn empty_catalog_runs() {
        let l = LoadedCatalog {
            catalog: Catalog::from_records(synth::config(), Vec::new(), Vec::new(), Vec::new()),
            diagnostics: Vec::new(),
            root: PathBuf::new(),
        };
        let (v, code) = json(&["--assign"], &l);
        assert_eq!(code, ExitCode::SUCCESS);
        assert_eq!(v["total_score"], 0.0);
        let out = execute(&args(&[]), &l, synth::REFERENCE_DATE, None).unwrap();
        assert!(out.text.contains("0 open needs"));
    }

    #[test]
    fn top_zero_is_a_usage_error() {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Wrap {
            #[command(flatten)]
            #[allow(dead_code)]
            args: Args,
        }
        assert!(Wrap::try_parse_from(["digifarm", "c", "--top", "0"]).is_err());
    }
}

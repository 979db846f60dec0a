//! `digifarm match <CATALOG>`: who can help which project, and the best global assignment.
//!
//! Matching never runs on invalid data: the catalog is loaded and validated first, and any
//! error ends the command with exit code 1 and the diagnostics. Scorer plugins (listed in
//! digifarm.toml or given with `--plugin`) add a term each to the score; one that fails ends
//! the command the same way (`plugin-failed`), as the result would be wrong without it.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use digifarm_core::matching::{Assignment, Explanation, MatchInput, Matcher, NeedId, Ranked};
use digifarm_core::model::{CityConfig, DEFAULT_PLUGIN_WEIGHT, Partner, Project, SupportOffer};
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
#[derive(Debug, Clone, Default)]
pub struct LoadedCatalog {
    /// Projects.
    pub projects: Vec<Project>,
    /// Partners.
    pub partners: Vec<Partner>,
    /// Offers.
    pub offers: Vec<SupportOffer>,
    /// The city config.
    pub config: CityConfig,
    /// Path of the config file, for diagnostics about it.
    pub config_file: String,
    /// The catalog root: plugin paths in the config are relative to it.
    pub root: PathBuf,
    /// Every finding of loading and validation.
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads and validates the catalog at `path`. Errors are I/O or usage problems (exit 2);
/// findings go into the diagnostics.
///
/// The catalog loader lives on the main branch (`digifarm_core::validate::validate_path`);
/// this branch does not have it yet, so loading reports that. Everything after loading is
/// implemented and tested through [`execute`].
fn load(path: &std::path::Path, today: NaiveDate) -> Result<LoadedCatalog, CliError> {
    let options = digifarm_core::catalog::LoadOptions::default();
    let (catalog, report) = digifarm_core::validate::validate_path(path, &options, today)
        .map_err(|e| CliError(e.to_string()))?;
    let config_file = catalog.config_file_path();
    let root = catalog.root.clone().unwrap_or_else(|| {
        path.parent()
            .map_or_else(|| PathBuf::from("."), std::path::Path::to_path_buf)
    });
    Ok(LoadedCatalog {
        projects: catalog.projects,
        partners: catalog.partners,
        offers: catalog.offers,
        config: catalog.config,
        config_file,
        root,
        diagnostics: report.diagnostics,
    })
}

pub fn run(args: Args) -> CmdResult {
    let today = args
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let loaded = load(&args.catalog, today)?;
    let outcome = execute(&args, &loaded, today)?;
    output::stdout(&outcome.text)?;
    Ok(outcome.code)
}

/// What the command prints and its exit code.
#[derive(Debug)]
pub struct Outcome {
    /// Everything for stdout.
    pub text: String,
    /// The exit code.
    pub code: ExitCode,
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
        }
    }
}

fn json_text<T: Serialize>(value: &T) -> Result<String, CliError> {
    let mut s = serde_json::to_string(value).map_err(|e| CliError(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

fn render_diagnostics(diagnostics: &[Diagnostic]) -> String {
    // The source text is not kept here; the location line carries file, line and column.
    let mut out = crate::render::diagnostics(diagnostics, |_, _| None, crate::output::use_colour());
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
/// errors (matching does not run), 2 (an `Err`) for an unknown `--project` or `--offer`.
pub fn execute(args: &Args, loaded: &LoadedCatalog, today: NaiveDate) -> Result<Outcome, CliError> {
    let findings = |diagnostics: Vec<Diagnostic>| -> Result<Outcome, CliError> {
        let text = match args.format {
            Format::Json => json_text(&JsonReport::empty(diagnostics))?,
            Format::Human => render_diagnostics(&diagnostics),
        };
        Ok(Outcome {
            text,
            code: ExitCode::from(1),
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
    let mut matcher = match Matcher::new(MatchInput {
        projects: &loaded.projects,
        partners: &loaded.partners,
        offers: &loaded.offers,
        config: &loaded.config,
        today,
    }) {
        Ok(m) => m,
        Err(e) => return findings(vec![e.to_diagnostic(&loaded.config_file)]),
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
        &loaded.config_file,
        &args.plugin,
        args.plugin_weight,
    ) {
        Ok(runs) => runs,
        Err(failed) => return findings(failed),
    };
    let view = View {
        args,
        loaded,
        matcher: &matcher,
        plugins,
        project,
        offer,
        k: args.top as usize,
    };
    let text = match args.format {
        Format::Json => json_text(&view.json())?,
        Format::Human => view.human(today),
    };
    Ok(Outcome {
        text,
        code: ExitCode::SUCCESS,
    })
}

struct View<'v, 'a> {
    args: &'v Args,
    loaded: &'v LoadedCatalog,
    matcher: &'v Matcher<'a>,
    plugins: Vec<ScorerRun>,
    project: Option<usize>,
    offer: Option<usize>,
    k: usize,
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

    fn assignment(&self) -> Option<Assignment> {
        self.args.assign.then(|| self.matcher.assign())
    }

    fn pair_in_scope(&self, r: &Ranked) -> bool {
        self.in_scope(r.need) && self.offer.is_none_or(|o| o == r.offer)
    }

    fn project_id(&self, need: NeedId) -> &str {
        self.loaded
            .projects
            .get(need.project)
            .map_or("", |p| p.id.as_str())
    }

    fn offer_id(&self, offer: usize) -> &str {
        self.loaded.offers.get(offer).map_or("", |o| o.id.as_str())
    }

    fn partner_id(&self, offer: usize) -> &str {
        self.loaded
            .offers
            .get(offer)
            .map_or("", |o| o.partner.as_str())
    }

    fn partner_name(&self, offer: usize) -> &str {
        let id = self.partner_id(offer);
        self.loaded
            .partners
            .iter()
            .find(|p| p.id == id)
            .map_or(id, |p| p.name.as_str())
    }

    fn json(&self) -> JsonReport<'_> {
        let rankings = self
            .rankings()
            .into_iter()
            .map(|(need, offers)| JsonRanking {
                project: self.project_id(need),
                need: need.need,
                offers: offers
                    .iter()
                    .map(|r| JsonOffer {
                        offer: self.offer_id(r.offer),
                        partner: self.partner_id(r.offer),
                        score: r.score,
                        explanation: self.matcher.explain(r.need, r.offer).and_then(Result::ok),
                    })
                    .collect(),
            })
            .collect::<Vec<_>>();
        let need = |n: NeedId| JsonNeed {
            project: self.project_id(n),
            need: n.need,
        };
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
                }
            }
        }
    }

    fn need_label(&self, need: NeedId) -> String {
        let p = self.loaded.projects.get(need.project);
        let n = p.and_then(|p| p.needs.get(need.need));
        let lang = self.loaded.config.default_language();
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

    /// For a need with no admissible offer: how many offers each constraint excluded.
    fn exclusion_summary(&self, need: NeedId) -> String {
        let mut counts: std::collections::BTreeMap<&'static str, usize> = Default::default();
        for o in 0..self.loaded.offers.len() {
            if let Some(Err(e)) = self.matcher.check(need, o) {
                *counts.entry(e.constraint()).or_default() += 1;
            }
        }
        if counts.is_empty() {
            return "the catalog has no offers".to_owned();
        }
        counts
            .iter()
            .map(|(c, n)| format!("{n} excluded by {c}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn human(&self, today: NaiveDate) -> String {
        let mut out = String::new();
        let city = &self.loaded.config.city;
        let city_name = match (&city.ags, city.name.as_str()) {
            (Some(ags), "") => ags.clone(),
            (Some(ags), name) => format!("{name} ({ags})"),
            (None, "") => "the city".to_owned(),
            (None, name) => name.to_owned(),
        };
        let open = self.matcher.open_needs();
        let _ = writeln!(
            out,
            "{} projects, {} partners, {} offers for {city_name} on {today}; {} open needs",
            self.loaded.projects.len(),
            self.loaded.partners.len(),
            self.loaded.offers.len(),
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
            let n_needs = self.loaded.projects.get(p).map_or(0, |p| p.needs.len());
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
                }
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
                        let _ = writeln!(
                            out,
                            "  no admissible offer ({})",
                            self.exclusion_summary(need)
                        );
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
                }
            }
        }
        out
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
            projects: cat.projects,
            partners: cat.partners,
            offers: cat.offers,
            config: cat.config,
            config_file: "digifarm.toml".into(),
            root: PathBuf::new(),
            diagnostics: Vec::new(),
        }
    }

    fn json(extra: &[&str], l: &LoadedCatalog) -> (serde_json::Value, ExitCode) {
        let mut a = vec!["--format", "json"];
        a.extend_from_slice(extra);
        let out = execute(&args(&a), l, synth::REFERENCE_DATE).unwrap();
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
        let pid = l.projects[3].id.clone();
        let (v, _) = json(&["--project", &pid], &l);
        for r in v["rankings"].as_array().unwrap() {
            assert_eq!(r["project"], pid.as_str());
        }
        let oid = l.offers[0].id.clone();
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
        assert!(execute(&args(&["--project", "nope"]), &l, synth::REFERENCE_DATE).is_err());
        assert!(execute(&args(&["--offer", "nope"]), &l, synth::REFERENCE_DATE).is_err());
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
        let out = execute(&args(&["--assign"]), &l, synth::REFERENCE_DATE).unwrap();
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
        l.config.matching.weights.skills = f64::NAN;
        let out = execute(&args(&[]), &l, synth::REFERENCE_DATE).unwrap();
        assert_eq!(out.code, ExitCode::from(1));
        assert!(out.text.contains("invalid-number"), "{}", out.text);
        assert!(out.text.contains("/matching/weights/skills"));
    }

    #[test]
    fn human_output_explains_and_says_why_not() {
        let l = loaded();
        let out = execute(&args(&["--assign", "--explain"]), &l, synth::REFERENCE_DATE).unwrap();
        assert!(out.text.contains("Optimal assignment:"), "{}", out.text);
        assert!(out.text.contains("urgency"));
        assert!(out.text.contains("Left open"));
        let pid = l.projects[0].id.clone();
        let oid = l.offers[0].id.clone();
        let out = execute(
            &args(&["--project", &pid, "--offer", &oid, "--explain"]),
            &l,
            synth::REFERENCE_DATE,
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
            config: synth::config(),
            ..LoadedCatalog::default()
        };
        let (v, code) = json(&["--assign"], &l);
        assert_eq!(code, ExitCode::SUCCESS);
        assert_eq!(v["total_score"], 0.0);
        let out = execute(&args(&[]), &l, synth::REFERENCE_DATE).unwrap();
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

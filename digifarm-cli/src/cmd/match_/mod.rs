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

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use digifarm_core::catalog::Catalog;
use digifarm_core::catalog::write::{CatalogLock, WriteError};
use digifarm_core::matching::{Matcher, NeedId};
use digifarm_core::model::{DEFAULT_PLUGIN_WEIGHT, Project};
use digifarm_core::workflow;
use digifarm_core::{Diagnostic, Severity};

use crate::output::{self, CliError, CmdResult, Format};
use view::{JsonReport, View, Written, json_text, render_diagnostics};

mod view;

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
    } else if args.format == Format::Json {
        // Escaped as JSON already; the human report's escapes would make it invalid.
        output::stdout_raw(&outcome.text)?;
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
    // Scorer plugins get only the pairs that can still reach a need's shown top --top and,
    // with --assign, those that could still change the optimal assignment; --explain and
    // --offer use more scores than that, so there they get every admissible pair.
    let in_scope: Vec<NeedId> = matcher
        .open_needs()
        .into_iter()
        .filter(|n| project.is_none_or(|p| p == n.project))
        .collect();
    let top_k =
        (!args.explain && offer.is_none()).then_some((args.top as usize, in_scope.as_slice()));
    let (plugins, scored_assignment) = match super::plugin::run_scorers(
        &mut matcher,
        &loaded.root,
        &loaded.catalog.config_file_path(),
        &args.plugin,
        args.plugin_weight,
        top_k,
        args.assign,
    ) {
        Ok(x) => x,
        Err(failed) => return findings(failed),
    };
    let assignment = match scored_assignment {
        Some(a) => Some(a),
        None => args.assign.then(|| matcher.assign()),
    };
    let mut view = View {
        args,
        loaded,
        matcher: &matcher,
        plugins,
        project,
        offer,
        k: args.top as usize,
        assignment,
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

/// `--write`, on the view's assignment: the project files get the suggestions.
impl View<'_, '_> {
    /// The change `--write` would make to one file, as a unified diff without context: the
    /// lines the edit adds or changes, never the record's other lines (its contacts). For a
    /// file that would be written anew, the change to the record without its personal data.
    fn dry_run_diff(
        &self,
        index: usize,
        project: &Project,
        rendered: &digifarm_core::catalog::write::Rendered,
        file: &str,
    ) -> String {
        let diff = |old: &str, new: &str| {
            similar::TextDiff::from_lines(old, new)
                .unified_diff()
                .context_radius(0)
                .header(file, file)
                .to_string()
        };
        if rendered.in_place {
            let old = self
                .loaded
                .catalog
                .project_source_text(index)
                .unwrap_or_default();
            // The old text is read without its byte order mark: compared without it. A last
            // line that gets its line break is not a changed line (nor shown as one).
            let new = rendered
                .text
                .strip_prefix('\u{feff}')
                .unwrap_or(&rendered.text);
            let ended = format!("{old}\n");
            let old = if old.ends_with('\n') || old.is_empty() {
                old
            } else {
                &ended
            };
            return diff(old, new);
        }
        let without_people = |p: &Project| {
            let mut p = p.clone();
            digifarm_core::export::without_people(&mut p);
            digifarm_core::yaml_emit::to_string(&p).unwrap_or_default()
        };
        let old = self
            .loaded
            .catalog
            .projects
            .get(index)
            .map(without_people)
            .unwrap_or_default();
        format!(
            "(the file would be written anew: its layout is not kept)\n{}",
            diff(&old, &without_people(project))
        )
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
        super::check_text_arg("--by", Some(by), true)?;
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
            let rendered = self.loaded.catalog.render_project_edit(*index, project)?;
            let file = rendered.path.display().to_string();
            if self.args.dry_run {
                diffs.push((
                    file.clone(),
                    self.dry_run_diff(*index, project, &rendered, &file),
                ));
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

//! `digifarm refresh <CATALOG>`: read each project's forge and homepage, store the signals
//! in `health/<id>.yaml`, and show the explained verdicts. `--offline` shows the verdicts of
//! what is stored, without any request.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use digifarm_core::catalog::{self, Catalog, LoadOptions};
use digifarm_core::health::{self, Outcome, Verdict};
use digifarm_core::{Diagnostic, Severity, validate};
use digifarm_net::refresh::{self, Options, ProjectReport, Status};

use crate::output::{self, CliError, CmdResult, Format};
use crate::render;

/// Arguments of `digifarm refresh`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Catalog directory.
    pub catalog: PathBuf,
    /// Make no request: show the verdicts of the stored health data.
    #[arg(long)]
    pub offline: bool,
    /// The API base of a forge host, over `[health]`: `github.com=http://127.0.0.1:8080`
    /// (repeatable). The forge's token is sent there.
    #[arg(long = "api-base", value_name = "HOST=URL", value_parser = parse_api_base)]
    pub api_base: Vec<(String, String)>,
    /// Allow requests to private, loopback and link-local addresses (an intranet forge;
    /// tests).
    #[arg(long)]
    pub allow_private: bool,
    /// Requests in flight at the same time (default: `[health] concurrency`, 4).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub concurrency: Option<u32>,
    /// Time limit of one request in milliseconds (default: `[health] timeout_seconds`).
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub timeout_ms: Option<u64>,
    /// Do not use the ETag cache (every answer in full).
    #[arg(long)]
    pub no_cache: bool,
    /// Refresh only this project (repeatable).
    #[arg(long = "project", value_name = "ID")]
    pub projects: Vec<String>,
    /// The day of the observation and of the verdicts (default: today), as YYYY-MM-DD.
    #[arg(long, value_parser = super::validate::parse_date)]
    pub today: Option<chrono::NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

fn parse_api_base(s: &str) -> Result<(String, String), String> {
    let (host, url) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not HOST=URL (e.g. github.com=http://127.0.0.1:8080)"))?;
    if host.trim().is_empty() || !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!("`{s}` is not HOST=URL with an http(s) URL"));
    }
    Ok((host.trim().to_ascii_lowercase(), url.trim().to_owned()))
}

/// The JSON of `--format json`.
#[derive(serde::Serialize)]
struct JsonOut<'a> {
    today: chrono::NaiveDate,
    offline: bool,
    projects: Vec<JsonProject<'a>>,
    requests: u64,
    full_responses: u64,
    not_modified: u64,
    pauses: u64,
    written: Vec<String>,
    /// Tokens set but not sent (the forge's host, the variable and why; never the token).
    tokens_withheld: Vec<&'a refresh::WithheldToken>,
    diagnostics: Vec<&'a Diagnostic>,
}

#[derive(serde::Serialize)]
struct JsonProject<'a> {
    project: &'a str,
    status: Option<Status>,
    verdict: &'a Verdict,
}

/// Exit code 1 when a project could not be refreshed, 0 otherwise.
pub fn run(args: Args) -> CmdResult {
    let today = args.today.unwrap_or_else(validate::today);
    let meta = std::fs::metadata(&args.catalog)
        .map_err(|e| CliError(format!("{}: {e}", args.catalog.display())))?;
    if !meta.is_dir() {
        return Err(CliError(format!(
            "{}: refresh needs a catalog directory",
            args.catalog.display()
        )));
    }
    let loaded = catalog::load(&args.catalog, &LoadOptions::default())?;
    let cat = loaded.catalog;
    let load_errors: Vec<&Diagnostic> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();

    let report = if args.offline {
        None
    } else {
        let options = Options {
            today,
            allow_private: args.allow_private,
            api_bases: args.api_base.clone(),
            concurrency: args.concurrency,
            timeout: args.timeout_ms.map(Duration::from_millis),
            use_cache: !args.no_cache,
            only: args.projects.clone(),
        };
        let progress = Progress::new(args.format == Format::Human);
        let report = refresh::refresh(&cat, &args.catalog, &options, &|p, done, total| {
            progress.tick(p, done, total);
        });
        progress.finish();
        Some(report)
    };
    // Verdicts from what is stored now (reloaded after writing).
    let cat = if report.as_ref().is_some_and(|r| !r.written.is_empty()) {
        catalog::load(&args.catalog, &LoadOptions::default())?.catalog
    } else {
        cat
    };
    let verdicts = health::verdicts(&cat, today);
    let status_of = |i: usize| -> Option<&ProjectReport> {
        report
            .as_ref()
            .and_then(|r| r.projects.iter().find(|p| p.index == i))
    };
    let selected = |id: &str| args.projects.is_empty() || args.projects.iter().any(|p| p == id);
    // The run's own findings (the `[health]` settings) first, then each project's.
    let failure_diagnostics: Vec<&Diagnostic> = report
        .iter()
        .flat_map(|r| {
            r.diagnostics
                .iter()
                .chain(r.projects.iter().flat_map(|p| p.diagnostics.iter()))
        })
        .collect();
    match args.format {
        Format::Json => {
            let projects = cat
                .projects
                .iter()
                .zip(&verdicts)
                .enumerate()
                .filter(|(_, (p, _))| selected(&p.id))
                .map(|(i, (p, v))| JsonProject {
                    project: &p.id,
                    status: status_of(i).map(|r| r.status),
                    verdict: v,
                })
                .collect();
            let r = report.as_ref();
            output::json(&JsonOut {
                today,
                offline: args.offline,
                projects,
                requests: r.map_or(0, |r| r.requests),
                full_responses: r.map_or(0, |r| r.full_responses),
                not_modified: r.map_or(0, |r| r.not_modified),
                pauses: r.map_or(0, |r| r.pauses),
                written: r.map_or_else(Vec::new, |r| {
                    r.written.iter().map(|p| p.display().to_string()).collect()
                }),
                tokens_withheld: r.map_or_else(Vec::new, |r| r.tokens_withheld.iter().collect()),
                diagnostics: failure_diagnostics.clone(),
            })?;
        }
        Format::Human => {
            let colour = output::use_colour();
            let mut out = String::new();
            if !failure_diagnostics.is_empty() {
                let owned: Vec<Diagnostic> =
                    failure_diagnostics.iter().map(|d| (*d).clone()).collect();
                let lines = render::SourceLines::of(cat.sources());
                out.push_str(&render::diagnostics(
                    &owned,
                    |file, line| lines.line(file, line),
                    colour,
                ));
            }
            for (i, (p, v)) in cat.projects.iter().zip(&verdicts).enumerate() {
                if !selected(&p.id) {
                    continue;
                }
                let status = status_of(i).map(|r| r.status);
                out.push_str(&verdict_lines(&p.id, v, status));
                if let Some(note) = cat.health.get(&p.id).and_then(|s| s.record.note.as_deref()) {
                    out.push_str(&format!(
                        "  note: {}\n",
                        note.split_whitespace().collect::<Vec<_>>().join(" ")
                    ));
                }
            }
            out.push_str(&summary(&cat, report.as_ref(), today, load_errors.len()));
            output::stdout(&out)?;
        }
    }
    Ok(if report.as_ref().is_some_and(refresh::Report::failed) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A project's verdict: one header line, then one line per check.
pub(crate) fn verdict_lines(id: &str, v: &Verdict, status: Option<Status>) -> String {
    let score = v
        .score
        .map_or_else(|| "–".to_owned(), |s| format!("{s}/10"));
    let observed = v
        .observed
        .map_or_else(|| "no data".to_owned(), |d| format!("data of {d}"));
    let status = match status {
        Some(Status::Updated) => ", updated",
        Some(Status::Confirmed) => ", confirmed",
        Some(Status::Failed) => ", FAILED (stored data kept)",
        Some(Status::Skipped) => ", skipped (no source repository)",
        None => "",
    };
    let mut out = format!("{id}: {} {score} ({observed}{status})\n", v.level);
    for c in &v.checks {
        let mark = match c.outcome {
            Outcome::Pass => "ok  ",
            Outcome::Fail => "FAIL",
            Outcome::Unknown => "?   ",
            Outcome::NotApplicable => "n/a ",
        };
        out.push_str(&format!("  {mark} {:<22} {}\n", c.code, c.message));
    }
    out
}

fn summary(
    cat: &Catalog,
    report: Option<&refresh::Report>,
    today: chrono::NaiveDate,
    load_errors: usize,
) -> String {
    let mut out = String::new();
    if load_errors > 0 {
        out.push_str(&format!(
            "note: {load_errors} record error(s) in the catalog; `digifarm validate` shows them\n"
        ));
    }
    match report {
        None => out.push_str(&format!(
            "offline: verdicts on {today} from the stored health data of {} project(s); no request made\n",
            cat.health.files.len()
        )),
        Some(r) => {
            for w in &r.tokens_withheld {
                out.push_str(&format!("note: {w}\n"));
            }
            let count = |s: Status| r.projects.iter().filter(|p| p.status == s).count();
            out.push_str(&format!(
                "refreshed {} project(s) on {today}: {} updated, {} confirmed, {} failed, {} skipped; {} request(s), {} full answer(s), {} not modified, {} rate-limit pause(s); {} file(s) written\n",
                r.projects.len(),
                count(Status::Updated),
                count(Status::Confirmed),
                count(Status::Failed),
                count(Status::Skipped),
                r.requests,
                r.full_responses,
                r.not_modified,
                r.pauses,
                r.written.len()
            ));
        }
    }
    out
}

/// A progress bar on a terminal, one plain line per project elsewhere (CI logs); on stderr.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    lines: bool,
}

impl Progress {
    fn new(human: bool) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let bar = (human && terminal).then(|| {
            let bar = indicatif::ProgressBar::new(0);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} projects {msg}")
            {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            lines: human && !terminal,
        }
    }

    #[allow(clippy::print_stderr)]
    fn tick(&self, p: &ProjectReport, done: usize, total: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            bar.set_message(p.project.clone());
        } else if self.lines {
            let what = match p.status {
                Status::Failed => "failed",
                Status::Skipped => "skipped",
                _ => "read",
            };
            eprintln!("refresh {done}/{total}: {} {what}", p.project);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

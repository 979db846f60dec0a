//! `digifarm validate <PATH>`: every problem of a catalog, with file, line and column.

use std::path::PathBuf;
use std::process::ExitCode;

use digifarm_core::catalog::{LoadOptions, SourceFile};
use digifarm_core::model::RecordKind;
use digifarm_core::validate::{self, Report};
use digifarm_core::{Diagnostic, Severity};

use crate::output::{self, CliError, CmdResult, Format};
use crate::render;

/// Arguments of `digifarm validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Catalog directory, or one record file (YAML, JSON, JSON array or JSON Lines).
    pub path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Record kind of a single file (default: from its directory name, else project).
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<RecordKind>,
    /// A directory of local source checkouts, one per project id (`DIR/<id>/`): the licence
    /// file of each is compared with the project's declared licence.
    #[cfg(feature = "detection")]
    #[arg(long, value_name = "DIR")]
    pub checkouts: Option<PathBuf>,
    /// Reference date for staleness and future dates (default: today), as YYYY-MM-DD.
    #[arg(long, value_parser = parse_date)]
    pub today: Option<chrono::NaiveDate>,
}

pub(crate) fn parse_kind(s: &str) -> Result<RecordKind, String> {
    s.parse()
}

pub(crate) fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| format!("`{s}` is not a date YYYY-MM-DD: {e}"))
}

/// The JSON shape of `--format json`.
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    valid: bool,
    counts: validate::Counts,
    diagnostics: &'a [Diagnostic],
}

pub fn run(args: Args) -> CmdResult {
    let options = LoadOptions { kind: args.kind };
    let today = args.today.unwrap_or_else(validate::today);
    #[allow(unused_mut)]
    let (catalog, mut report) = validate::validate_path(&args.path, &options, today)
        .map_err(|e| CliError(e.to_string()))?;
    #[cfg(feature = "detection")]
    if let Some(dir) = &args.checkouts {
        let mut found = report.diagnostics.clone();
        found.extend(crosscheck_checkouts(&catalog, dir));
        report = Report::new(&catalog, found);
    }
    match args.format {
        Format::Json => output::json(&JsonReport {
            valid: report.valid,
            counts: report.counts,
            diagnostics: &report.diagnostics,
        })?,
        Format::Human => output::stdout(&render_human(
            &report,
            catalog.sources(),
            output::use_colour(),
        ))?,
    }
    Ok(if report.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The human report: every diagnostic, then a summary line.
fn render_human(report: &Report, sources: &[SourceFile], colour: bool) -> String {
    let mut out = render::diagnostics(
        &report.diagnostics,
        |file, line| {
            sources
                .iter()
                .find(|s| s.path == file)
                .and_then(|s| render::nth_line(&s.text, line))
        },
        colour,
    );
    let (e, w, i) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info),
    );
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let verdict = render::verdict(
        report.valid,
        if report.valid { "valid" } else { "invalid" },
        colour,
    );
    out.push_str(&format!(
        "{verdict}: {}, {}, {} in {}, {}, {}\n",
        plural(e, "error"),
        plural(w, "warning"),
        plural(i, "note"),
        plural(report.counts.projects, "project"),
        plural(report.counts.partners, "partner"),
        plural(report.counts.offers, "offer"),
    ));
    out
}

/// Compares each project's declared licence with the licence file of its checkout in `dir`.
#[cfg(feature = "detection")]
fn crosscheck_checkouts(
    catalog: &digifarm_core::catalog::Catalog,
    dir: &std::path::Path,
) -> Vec<Diagnostic> {
    use digifarm_core::license;
    let mut out = Vec::new();
    for (i, project) in catalog.projects.iter().enumerate() {
        let checkout = dir.join(&project.id);
        if !checkout.is_dir() {
            continue;
        }
        let (file, pointer) = catalog.record_location(digifarm_core::model::RecordKind::Project, i);
        let finding = match license::detect_file(&checkout) {
            Ok(detections) => license::crosscheck(&project.license, &detections),
            Err(e) => {
                out.push(
                    Diagnostic::new(digifarm_core::Code::Io, file, pointer, e.to_string())
                        .with_severity(Severity::Warning),
                );
                continue;
            }
        };
        if let Some(f) = finding {
            let mut d = Diagnostic::new(f.code, file, format!("{pointer}/license"), f.message);
            d.severity = f.severity;
            d.help = f.help;
            out.push(d);
        }
    }
    catalog.resolve_positions(&mut out);
    out
}

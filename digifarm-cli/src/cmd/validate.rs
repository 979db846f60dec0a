//! `digifarm validate <PATH>`: every problem of a catalog, with file, line and column.

use std::path::PathBuf;
use std::process::ExitCode;

use digifarm_core::catalog::{LoadOptions, SourceFile};
use digifarm_core::model::RecordKind;
use digifarm_core::validate::{self, Report};
use digifarm_core::{Diagnostic, Severity};

use crate::output::{self, CliError, CmdResult, Format};

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
    let (catalog, report) = validate::validate_path(&args.path, &options, today)
        .map_err(|e| CliError(e.to_string()))?;
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

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn severity(&self, s: Severity) -> String {
        let code = match s {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        self.paint(code, s.as_str())
    }
}

/// Renders diagnostics the way compilers do: header, location, source line with a caret, help.
pub(crate) fn render_human(report: &Report, sources: &[SourceFile], colour: bool) -> String {
    let style = Style { on: colour };
    let mut out = String::new();
    for d in &report.diagnostics {
        render_one(&mut out, d, sources, &style);
    }
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
    let verdict = if report.valid {
        style.paint("1;32", "valid")
    } else {
        style.paint("1;31", "invalid")
    };
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

fn render_one(out: &mut String, d: &Diagnostic, sources: &[SourceFile], style: &Style) {
    out.push_str(&format!(
        "{}{}: {}\n",
        style.severity(d.severity),
        style.paint("1", &format!("[{}]", d.code)),
        d.message
    ));
    let location = match (d.line, d.column) {
        (0, _) => d.file.clone(),
        (l, 0) => format!("{}:{l}", d.file),
        (l, c) => format!("{}:{l}:{c}", d.file),
    };
    let pointer = if d.pointer.is_empty() {
        String::new()
    } else {
        format!(" (at {})", d.pointer)
    };
    out.push_str(&format!(
        "  {} {location}{pointer}\n",
        style.paint("1;34", "-->")
    ));
    let line_text = sources
        .iter()
        .find(|s| s.path == d.file)
        .and_then(|s| s.text.lines().nth((d.line as usize).checked_sub(1)?));
    if let Some(text) = line_text {
        let number = d.line.to_string();
        let gutter = " ".repeat(number.len());
        let shown: String = text
            .chars()
            .take(160)
            .collect::<String>()
            .replace('\t', " ");
        let caret_at = (d.column as usize)
            .saturating_sub(1)
            .min(shown.chars().count());
        out.push_str(&format!("{gutter} {}\n", style.paint("1;34", "|")));
        out.push_str(&format!(
            "{} {} {shown}\n",
            style.paint("1;34", &number),
            style.paint("1;34", "|")
        ));
        out.push_str(&format!(
            "{gutter} {} {}{}\n",
            style.paint("1;34", "|"),
            " ".repeat(caret_at),
            style.paint(
                if d.severity == Severity::Error {
                    "1;31"
                } else {
                    "1;33"
                },
                "^"
            )
        ));
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("  = help: {help}\n"));
    }
    out.push('\n');
}

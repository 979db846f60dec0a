//! `digifarm propose <CATALOG> --from <FILE>`: a filled-in proposal form becomes
//! `projects/<id>.yaml` with lifecycle `proposed`, if the criteria code can check are met.

use std::path::PathBuf;
use std::process::ExitCode;

use digifarm_core::catalog::write::CatalogLock;
use digifarm_core::catalog::{self, LoadOptions};
use digifarm_core::workflow;
use digifarm_core::{Diagnostic, validate};

use crate::output::{self, CliError, CmdResult, Format};
use crate::render;

/// Arguments of `digifarm propose`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Catalog directory to add the project to.
    pub catalog: PathBuf,
    /// The filled-in proposal form (YAML or JSON; see `digifarm schema proposal`).
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// Date of the proposal (default: today), as YYYY-MM-DD.
    #[arg(long, value_parser = super::validate::parse_date)]
    pub today: Option<chrono::NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(serde::Serialize)]
struct JsonReport<'a> {
    accepted: bool,
    project: Option<&'a str>,
    file: Option<String>,
    diagnostics: &'a [Diagnostic],
}

pub fn run(args: Args) -> CmdResult {
    if !args.catalog.is_dir() {
        return Err(CliError(format!(
            "{}: not a catalog directory",
            args.catalog.display()
        )));
    }
    let today = args.today.unwrap_or_else(validate::today);
    let file = args.from.display().to_string();
    let bytes = output::read_input(&args.from, digifarm_core::source::MAX_RECORD_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|_| CliError(format!("{file}: not UTF-8")))?;
    // A byte order mark (what many Windows editors write) is skipped, as for catalog files:
    // JSON does not allow one, and the positions of findings count from after it.
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    let is_json = args
        .from
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    // Under the catalog's lock: the id check and the new file see every earlier proposal.
    let lock = CatalogLock::acquire(&args.catalog)?;
    let loaded = catalog::load(&args.catalog, &LoadOptions::default())?;
    let result = workflow::propose_text(&text, is_json, &loaded.catalog, today, &file);
    let colour = output::use_colour();
    let lines = render::SourceLines::new([(file.as_str(), text.as_str())]);
    // A finding about the proposer shows no source line: it would be their name or address
    // (personal data) in the log of the pull request that brought the proposal.
    let private_lines: std::collections::HashSet<u32> = match &result {
        Ok((_, warnings)) => warnings,
        Err(diagnostics) => diagnostics,
    }
    .iter()
    .filter(|d| d.pointer.starts_with("/proposer"))
    .map(|d| d.line)
    .collect();
    let source_line = |f: &str, line: u32| {
        if private_lines.contains(&line) {
            None
        } else {
            lines.line(f, line)
        }
    };
    match result {
        Ok((project, warnings)) => {
            let path = match catalog::write::create_project(&lock, &project) {
                Ok(path) => path,
                Err(e) => return output::write_failed(e),
            };
            drop(lock);
            match args.format {
                Format::Json => output::json(&JsonReport {
                    accepted: true,
                    project: Some(&project.id),
                    file: Some(path.display().to_string()),
                    diagnostics: &warnings,
                })?,
                Format::Human => {
                    let mut out = render::diagnostics(&warnings, source_line, colour);
                    out.push_str(&format!(
                        // The proposer is not named: a proposal arrives as a pull request,
                        // and this line lands in its CI log (personal data).
                        "{} `{}` proposed: wrote {} (lifecycle proposed; attested {} by the proposer on {today})\n",
                        render::verdict(true, "ok:", colour),
                        project.id,
                        path.display(),
                        project
                            .attestations
                            .iter()
                            .map(|a| a.criterion.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    ));
                    output::stdout(&out)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(diagnostics) => {
            match args.format {
                Format::Json => output::json(&JsonReport {
                    accepted: false,
                    project: None,
                    file: None,
                    diagnostics: &diagnostics,
                })?,
                Format::Human => {
                    let mut out = render::diagnostics(&diagnostics, source_line, colour);
                    out.push_str(&format!(
                        "{} the proposal is refused; nothing was written\n",
                        render::verdict(false, "refused:", colour)
                    ));
                    output::stdout(&out)?;
                }
            }
            Ok(ExitCode::from(1))
        }
    }
}

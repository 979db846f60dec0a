//! Checking a proposal from the city's web form: the form's answers (a YAML or JSON file, see
//! `digifarm schema proposal`) are read and checked against the catalog exactly as
//! `digifarm propose` checks them (free id, open-source licence under the city's policy,
//! source repository, link to the city, the four attestations, the catalog's own rules), but
//! nothing is written: the findings are printed and, if the proposal is accepted, the project
//! file that would be added.
//!
//! ```text
//! cargo run -p digifarm-core --example validate_proposal -- examples/muenster examples/proposals/lastenrad-muenster.yaml [YYYY-MM-DD]
//! ```
//!
//! The date (default: today) is the day the proposal is recorded on. Exit code 0 when the
//! proposal is accepted, 1 when it is refused, 2 when a file cannot be read. (A form that
//! sends its answers as JSON while they are typed in gets the same findings from
//! `workflow::check_form`, as the portal's proposal page does.)
#![allow(clippy::print_stderr)]

use std::error::Error;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use digifarm_core::Diagnostic;
use digifarm_core::catalog::write::record_path;
use digifarm_core::catalog::{self, LoadOptions};
use digifarm_core::model::RecordKind;
use digifarm_core::validate::today;
use digifarm_core::{workflow, yaml_emit};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, Box<dyn Error>> {
    let mut stdout = std::io::stdout().lock();
    let mut args = std::env::args().skip(1);
    let (Some(catalog_dir), Some(form)) = (args.next(), args.next()) else {
        return Err("usage: validate_proposal <CATALOG> <PROPOSAL.yaml|.json> [YYYY-MM-DD]".into());
    };
    let date = match args.next() {
        Some(s) => s
            .parse()
            .map_err(|e| format!("`{s}` is not a date YYYY-MM-DD: {e}"))?,
        None => today(),
    };

    // The form's answers, as the citizen sent them. The file name appears in the findings.
    let text = std::fs::read_to_string(&form).map_err(|e| format!("{form}: {e}"))?;
    let is_json = Path::new(&form)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    // The catalog gives the city's rules (licence policy, admission, categories) and the ids
    // already taken.
    let loaded = catalog::load(Path::new(&catalog_dir), &LoadOptions::default())?;

    // Is it a proposal (the form's fields, by its JSON Schema), and would the programme take
    // it? Every problem and every unmet criterion is a finding at its line in the form's file.
    match workflow::propose_text(&text, is_json, &loaded.catalog, date, &form) {
        Ok((project, warnings)) => {
            print_findings(&mut stdout, &warnings)?;
            // What `digifarm propose` would write: the file and its content.
            let file = record_path(RecordKind::Project, &project.id)?;
            writeln!(
                stdout,
                "accepted: `{}` would be added as {}/{} (lifecycle {}):",
                project.id,
                catalog_dir.trim_end_matches('/'),
                file.display(),
                project.lifecycle.as_str(),
            )?;
            write!(stdout, "{}", yaml_emit::to_string(&project)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(findings) => {
            print_findings(&mut stdout, &findings)?;
            let errors = findings.iter().filter(|d| d.is_error()).count();
            writeln!(
                stdout,
                "the proposal is refused ({errors} errors); nothing would be added"
            )?;
            Ok(ExitCode::from(1))
        }
    }
}

/// One line per finding: where (line and column in the form's file), severity, stable code, message and, where known, how to fix it.
fn print_findings(out: &mut impl Write, findings: &[Diagnostic]) -> std::io::Result<()> {
    for d in findings {
        writeln!(
            out,
            "{}:{}:{}: {} {}: {}",
            d.file, d.line, d.column, d.severity, d.code, d.message
        )?;
        if let Some(help) = &d.help {
            writeln!(out, "    help: {help}")?;
        }
    }
    Ok(())
}

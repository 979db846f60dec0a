//! Publishing the portal: validate a catalog and, if it has no errors, export the static HTML
//! site (every language the catalog has, search, filters, profile pages) into a directory, as
//! `digifarm export --format html` does. A catalog with errors is not exported.
//!
//! ```text
//! cargo run -p digifarm-core --example export_site -- examples/muenster target/muenster-site [YYYY-MM-DD]
//! ```
//!
//! The date (default: today) decides which offers are still current. The site lists only what
//! the portal publishes (admitted and sustained projects, current offers, the partners behind
//! them) and never contact data. The output directory must be empty or new, and must not be
//! or contain the catalog. Exit code 0 when the site is written, 1 when the catalog has
//! errors, 2 when reading or writing fails.
#![allow(clippy::print_stderr)]

use std::error::Error;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use digifarm_core::catalog::{LoadOptions, assets};
use digifarm_core::export::{self, Format, Options, WriteOptions};
use digifarm_core::validate::{today, validate_path};

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
    let (Some(path), Some(out)) = (
        args.next().map(PathBuf::from),
        args.next().map(PathBuf::from),
    ) else {
        return Err("usage: export_site <CATALOG> <OUT_DIR> [YYYY-MM-DD]".into());
    };
    let date = match args.next() {
        Some(s) => s
            .parse()
            .map_err(|e| format!("`{s}` is not a date YYYY-MM-DD: {e}"))?,
        None => today(),
    };

    // Only a valid catalog is published: every error is listed, nothing is written.
    let (catalog, report) = validate_path(&path, &LoadOptions::default(), date)?;
    if !report.valid {
        for d in report.diagnostics.iter().filter(|d| d.is_error()) {
            writeln!(
                stdout,
                "{}:{}:{}: error {}: {}",
                d.file, d.line, d.column, d.code, d.message
            )?;
        }
        writeln!(stdout, "the catalog has errors; nothing was exported")?;
        return Ok(ExitCode::from(1));
    }
    // The export never writes into its input.
    catalog.check_output(&out)?;

    // The project images and the logo, read and checked; the render scales them to the
    // portal's size (a catalog without images, like Münster's, has none to read).
    let (images, problems) = assets::read(&catalog, false);
    if let Some(d) = problems.iter().find(|d| d.is_error()) {
        return Err(format!("{}:{}:{}: {}", d.file, d.line, d.column, d.message).into());
    }
    let options = Options {
        today: Some(date),
        assets: Some(Arc::new(images)),
        ..Options::default()
    };
    // Rendering is pure (a list of files in memory); writing puts them in place atomically.
    let files = export::render(&catalog, Format::Html, &options)?;
    let written = export::write(&files, &out, &WriteOptions::default())?;

    let listed = export::published(&catalog, date);
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    for f in &files {
        writeln!(stdout, "{:>9}  {}", f.bytes.len(), f.path)?;
    }
    writeln!(
        stdout,
        "wrote {} files, {bytes} bytes, to {}: {} projects, {} partners, {} offers published; the catalog has {} findings, none an error",
        written.len(),
        out.display(),
        listed.projects.len(),
        listed.partners.len(),
        listed.offers.len(),
        report.diagnostics.len(),
    )?;
    Ok(ExitCode::SUCCESS)
}

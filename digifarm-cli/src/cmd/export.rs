//! `digifarm export <CATALOG> --format <F> --out <DIR|FILE>`: publish a catalog.
//!
//! The catalog is validated first; a catalog with errors is not exported (exit 1, the
//! diagnostics on stderr). Contact data is left out unless `--include-private` is given,
//! which `html`, `atom` and `jsonld` refuse.

use std::path::PathBuf;
use std::process::ExitCode;

use digifarm_core::catalog::LoadOptions;
use digifarm_core::export::{self, CsvDialect, Format, Options, WriteOptions};
use digifarm_core::validate;

use crate::output::{self, CliError, CmdResult};

/// Export formats on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// Catalog directory of JSON arrays plus digifarm.toml (loads back unchanged).
    Json,
    /// Catalog directory of JSON Lines files plus digifarm.toml.
    Jsonl,
    /// One CSV file per entity kind.
    Csv,
    /// Markdown list of projects.
    Markdown,
    /// schema.org JSON-LD.
    Jsonld,
    /// Atom feed of needs that want help.
    Atom,
    /// Static HTML site with search, filters and profile pages.
    Html,
    /// One publiccode.yml per project.
    Publiccode,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Json => Format::Json,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Csv => Format::Csv,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Jsonld => Format::Jsonld,
            FormatArg::Atom => Format::Atom,
            FormatArg::Html => Format::Html,
            FormatArg::Publiccode => Format::Publiccode,
        }
    }
}

/// CSV dialects on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DialectArg {
    /// `;`, UTF-8 byte order mark, decimal comma: German Excel opens it by double-click.
    Excel,
    /// Plain RFC 4180 (`,`, no byte order mark) for tools.
    Rfc4180,
}

/// Arguments of `digifarm export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Catalog directory or record file.
    pub catalog: PathBuf,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// Output directory (or file, for single-file formats given a name with an extension).
    #[arg(long)]
    pub out: PathBuf,
    /// Include contact data (personal data). Refused for html, atom and jsonld.
    #[arg(long)]
    pub include_private: bool,
    /// Language of the text (default: the catalog's default language).
    #[arg(long, value_parser = ["de", "en"])]
    pub lang: Option<String>,
    /// Write into a non-empty output directory or over an existing file.
    #[arg(long)]
    pub force: bool,
    /// CSV dialect.
    #[arg(long, value_enum, default_value_t = DialectArg::Excel)]
    pub csv_dialect: DialectArg,
    /// Absolute URL the site will be published at (sitemap and feed links).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Reference date for validation (default: today), as YYYY-MM-DD.
    #[arg(long, value_parser = super::validate::parse_date)]
    pub today: Option<chrono::NaiveDate>,
}

#[allow(clippy::print_stderr)]
fn report_errors(text: &str) {
    eprint!("{text}");
}

pub fn run(args: Args) -> CmdResult {
    let format = Format::from(args.format);
    if args.include_private && format.is_public_only() {
        return Err(CliError(export::Error::PrivateRefused(format).to_string()));
    }
    let today = args.today.unwrap_or_else(validate::today);
    let (catalog, report) = validate::validate_path(&args.catalog, &LoadOptions::default(), today)
        .map_err(|e| CliError(e.to_string()))?;
    if !report.valid {
        report_errors(&super::validate::render_human(
            &report,
            catalog.sources(),
            false,
        ));
        report_errors("digifarm: the catalog has errors and was not exported\n");
        return Ok(ExitCode::from(1));
    }
    let options = Options {
        lang: args.lang,
        include_private: args.include_private,
        csv_dialect: match args.csv_dialect {
            DialectArg::Excel => CsvDialect::Excel,
            DialectArg::Rfc4180 => CsvDialect::Rfc4180,
        },
        base_url: args.base_url,
    };
    let files = export::render(&catalog, format, &options).map_err(|e| CliError(e.to_string()))?;
    let written = export::write(&files, &args.out, &WriteOptions { force: args.force })
        .map_err(|e| CliError(e.to_string()))?;
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    output::stdout(&format!(
        "exported {}, {}, {} as {format}: {}, {bytes} bytes, to {}\n",
        plural(catalog.projects.len(), "project"),
        plural(catalog.partners.len(), "partner"),
        plural(catalog.offers.len(), "offer"),
        plural(written.len(), "file"),
        args.out.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

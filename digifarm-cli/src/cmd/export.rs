//! `digifarm export <CATALOG> --format <F> --out <DIR|FILE>`: publish a catalog;
//! `digifarm export <CATALOG> --plugin <ID|FILE.wasm> [--out FILE]`: publish it with an
//! exporter plugin.
//!
//! The catalog is validated first; a catalog with errors is not exported (exit 1, the
//! diagnostics on stderr). Contact data is left out unless `--include-private` is given,
//! which `html`, `atom` and `jsonld` refuse, and so does `--plugin` (plugins never see
//! contacts).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use digifarm_core::catalog::write::{WriteError, write_atomic};
use digifarm_core::catalog::{Catalog, LoadOptions};
use digifarm_core::export::{self, CsvDialect, Format, Options, WriteOptions};
use digifarm_core::license::Policy;
use digifarm_core::{Code, Diagnostic, validate};
use digifarm_plugin_host::Kind;

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
    #[arg(
        long,
        value_enum,
        required_unless_present = "plugin",
        conflicts_with = "plugin"
    )]
    pub format: Option<FormatArg>,
    /// Export with this exporter plugin instead of a built-in format: the id of a plugin
    /// listed in the catalog's digifarm.toml (with its grants), or a FILE.wasm (plugin.toml
    /// beside it; no capabilities, the host's default limits).
    #[arg(long, value_name = "ID|FILE.wasm")]
    pub plugin: Option<String>,
    /// Output directory (or file, for single-file formats given a name with an extension).
    /// With --plugin: the file to write; without --out the plugin's output goes to stdout.
    #[arg(long, required_unless_present = "plugin")]
    pub out: Option<PathBuf>,
    /// Include contact data (personal data). Refused for html, atom, jsonld and --plugin.
    #[arg(long)]
    pub include_private: bool,
    /// Language of the text (default: the catalog's default language).
    #[arg(long, value_parser = ["de", "en"], conflicts_with = "plugin")]
    pub lang: Option<String>,
    /// Write into a non-empty output directory or over an existing file.
    #[arg(long)]
    pub force: bool,
    /// CSV dialect.
    #[arg(long, value_enum, default_value_t = DialectArg::Excel)]
    pub csv_dialect: DialectArg,
    /// Absolute URL the site will be published at (sitemap and feed links).
    #[arg(long, conflicts_with = "plugin")]
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
    let (format, out) = match (args.format, &args.plugin, &args.out) {
        (_, Some(plugin), _) => {
            if args.include_private {
                return Err(CliError(
                    "--include-private cannot be used with --plugin: plugins never see contact data"
                        .to_owned(),
                ));
            }
            let plugin = plugin.clone();
            return run_plugin(args, &plugin);
        }
        (Some(format), None, Some(out)) => (Format::from(format), out.clone()),
        // clap requires --format and --out unless --plugin is given.
        _ => return Err(CliError("--format and --out are required".to_owned())),
    };
    if args.include_private && format.is_public_only() {
        return Err(CliError(export::Error::PrivateRefused(format).to_string()));
    }
    let Some(catalog) = load_valid(&args)? else {
        return Ok(ExitCode::from(1));
    };
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
    let written = export::write(&files, &out, &WriteOptions { force: args.force })
        .map_err(|e| CliError(e.to_string()))?;
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    output::stdout(&format!(
        "exported {}, {}, {} as {format}: {}, {bytes} bytes, to {}\n",
        plural(catalog.projects.len(), "project"),
        plural(catalog.partners.len(), "partner"),
        plural(catalog.offers.len(), "offer"),
        plural(written.len(), "file"),
        out.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// Loads and validates the catalog; `None` (the errors already on stderr) when it has errors
/// and must not be exported.
fn load_valid(args: &Args) -> Result<Option<Catalog>, CliError> {
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
        return Ok(None);
    }
    Ok(Some(catalog))
}

/// `--plugin`: the exporter plugin's bytes to `--out` (atomically; an existing file only with
/// `--force`) or to stdout. A plugin that cannot be loaded or fails is a `plugin-failed`
/// finding (exit 1); a plugin that is no exporter is a usage error (exit 2).
fn run_plugin(args: Args, spec: &str) -> CmdResult {
    if let Some(out) = &args.out
        && out.is_dir()
    {
        return Err(CliError(format!(
            "{} is a directory; --plugin writes one file",
            out.display()
        )));
    }
    let Some(catalog) = load_valid(&args)? else {
        return Ok(ExitCode::from(1));
    };
    let root = catalog.root.clone().unwrap_or_else(|| {
        args.catalog
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    });
    let config_file = catalog.config_file_path();
    let resolved = super::plugin::resolve(spec, &root, &catalog.config, &config_file)?;
    let origin = if resolved.wasm.as_os_str() == spec {
        spec.to_owned()
    } else {
        config_file.clone()
    };
    let host = super::plugin::host()?;
    let policy = Policy::from_config(&catalog.config.license);
    let failed = |message: String| -> CmdResult {
        let d = Diagnostic::new(Code::PluginFailed, origin.clone(), "", message).with_help(
            "`digifarm plugin info <FILE.wasm>` shows the plugin's manifest, hash and world",
        );
        report_errors(&crate::render::diagnostics(&[d], |_, _| None, false));
        report_errors("digifarm: the plugin failed; nothing was exported\n");
        Ok(ExitCode::from(1))
    };
    let plugin = match host.load(&resolved.wasm, &resolved.grants, &policy) {
        Ok(p) => p,
        Err(e) => return failed(e.to_string()),
    };
    if plugin.kind() != Kind::Exporter {
        return Err(CliError(format!(
            "plugin `{}` is a {}, not an exporter; `digifarm export --plugin` runs exporter plugins",
            plugin.id(),
            plugin.kind()
        )));
    }
    let exported = match plugin.export(&catalog) {
        Ok(x) => x,
        Err(e) => return failed(e.to_string()),
    };
    let summary = |to: &str| {
        format!(
            "exported {}, {}, {} with plugin {} as {}: {} bytes, to {to}\n",
            plural(catalog.projects.len(), "project"),
            plural(catalog.partners.len(), "partner"),
            plural(catalog.offers.len(), "offer"),
            plugin.id(),
            exported.media_type,
            exported.bytes.len()
        )
    };
    match &args.out {
        Some(out) => {
            write_atomic(out, &exported.bytes, args.force).map_err(|e| match e {
                WriteError::Exists { path } => {
                    CliError(export::WriteError::Exists(path).to_string())
                }
                e => CliError(e.to_string()),
            })?;
            output::stdout(&summary(&out.display().to_string()))?;
        }
        None => {
            write_stdout(&exported.bytes)?;
            // The output is on stdout: the summary goes to stderr.
            report_errors(&summary("stdout"));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes bytes to stdout; a closed pipe is not an error.
fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError(format!("cannot write to stdout: {e}"))),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

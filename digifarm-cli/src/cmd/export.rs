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
use digifarm_core::export::{
    self, CsvDialect, Format, Notice, Options, PublishError, WriteOptions,
};
use digifarm_core::license::Policy;
use digifarm_core::{Code, Diagnostic, validate};
use digifarm_plugin_host::Kind;

use crate::output::{self, CliError, CmdResult};

/// `--format`: the core's export formats, named and described by the core, so that a new
/// format is on the command line without a change here.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(
        Format::ALL.map(|f| clap::builder::PossibleValue::new(f.as_str()).help(f.summary())),
    )
    .try_map(|name| name.parse::<Format>())
}

/// CSV dialects on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DialectArg {
    /// `;`, UTF-8 byte order mark, decimal comma: German Excel opens it by double-click.
    Excel,
    /// Plain RFC 4180 (`,`, no byte order mark) for tools. In both dialects a text cell that
    /// a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`.
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
        value_parser = format_parser(),
        required_unless_present = "plugin",
        conflicts_with = "plugin"
    )]
    pub format: Option<Format>,
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
    /// For json, jsonl and csv: only what the publishing formats list (projects in a public
    /// lifecycle, current offers, the partners supporting them). html, atom, markdown, jsonld
    /// and publiccode always list only that.
    #[arg(long, conflicts_with = "plugin")]
    pub public_only: bool,
    /// Reference date for validation (default: today), as YYYY-MM-DD.
    #[arg(long, value_parser = super::validate::parse_date)]
    pub today: Option<chrono::NaiveDate>,
    /// `--format publiccode`: the version of the standard to write: "0" (the current one),
    /// 0.7, 0.5, 0.4 (openCode), 0.3 or 0.2; only the keys that version knows are written.
    #[arg(long, default_value = "0", value_parser = parse_publiccode_version)]
    pub publiccode_version: digifarm_core::publiccode::Version,
    /// `--format publiccode`: write the projects that yield a valid file and list the others
    /// (instead of failing).
    #[arg(long)]
    pub skip_invalid: bool,
}

fn parse_publiccode_version(s: &str) -> Result<digifarm_core::publiccode::Version, String> {
    digifarm_core::publiccode::Version::writable(s)
}

#[allow(clippy::print_stderr)]
fn report_errors(text: &str) {
    output::stderr(text);
}

pub fn run(args: Args) -> CmdResult {
    // The catalog is never modified: an output that is it, lies inside it or contains it
    // is refused before anything is read or written.
    if let Some(out) = &args.out {
        digifarm_core::catalog::overlap::check_output(&args.catalog, out)
            .map_err(|e| CliError(e.to_string()))?;
    }
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
        (Some(format), None, Some(out)) => (format, out.clone()),
        // clap requires --format and --out unless --plugin is given.
        _ => return Err(CliError("--format and --out are required".to_owned())),
    };
    if args.include_private && format.is_public_only() {
        return Err(CliError(export::Error::PrivateRefused(format).to_string()));
    }
    let (catalog, report) = load(&args, format == Format::Html)?;
    let options = Options {
        lang: args.lang,
        include_private: args.include_private,
        csv_dialect: match args.csv_dialect {
            DialectArg::Excel => CsvDialect::Excel,
            DialectArg::Rfc4180 => CsvDialect::Rfc4180,
        },
        base_url: args.base_url,
        publiccode_version: args.publiccode_version,
        skip_invalid: args.skip_invalid,
        public_only: args.public_only,
        today: Some(args.today.unwrap_or_else(validate::today)),
        assets: None,
    };
    let mut notice = |n: Notice| match n {
        Notice::PubliccodeWarning { project, warning } => {
            report_errors(&format!("digifarm: warning: {project}: {warning}\n"));
        }
        Notice::PubliccodeSkipped(refused) => report_errors(&format!(
            "digifarm: skipped {} project(s) that cannot be exported as a valid publiccode.yml:\n{}",
            refused.len(),
            refusal_list(&refused)
        )),
        Notice::PortalGaps(gaps) => {
            report_errors(&render_diagnostics(&catalog, &gaps));
            report_errors(
                "digifarm: warning: the exported site lacks what [portal] in digifarm.toml should give it (see above)\n",
            );
        }
    };
    let published = match export::publish(
        &catalog,
        &report,
        format,
        &options,
        &out,
        &WriteOptions { force: args.force },
        &mut notice,
    ) {
        Ok(published) => published,
        Err(PublishError::Invalid) => return Ok(refuse_invalid(&report, &catalog)),
        Err(
            ref e @ (PublishError::ImagesUnreadable(ref findings)
            | PublishError::ImagesUnpublishable(ref findings)),
        ) => {
            report_errors(&render_diagnostics(&catalog, findings));
            report_errors(&format!("digifarm: {e}\n"));
            return Ok(ExitCode::from(1));
        }
        Err(PublishError::PubliccodeRefused { refused, version }) => {
            report_errors(&format!(
                "digifarm: {} project(s) cannot be exported as a valid publiccode.yml {version}; nothing was written (fix them, or use --skip-invalid):\n{}",
                refused.len(),
                refusal_list(&refused)
            ));
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(CliError(e.to_string())),
    };
    output::stdout(&format!(
        "exported {}, {}, {} as {format}: {}, {} bytes, to {}\n",
        plural(published.projects, "project"),
        plural(published.partners, "partner"),
        plural(published.offers, "offer"),
        plural(published.paths.len(), "file"),
        published.bytes,
        out.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// The refused projects, each with its fixes, as the refusal and the skip notice list them.
fn refusal_list(refused: &[export::publiccode::Refusal]) -> String {
    refused
        .iter()
        .map(|r| {
            format!(
                "  {}:\n{}",
                r.project,
                r.fixes
                    .iter()
                    .map(|f| format!("    - {f}\n"))
                    .collect::<String>()
            )
        })
        .collect()
}

fn render_diagnostics(catalog: &Catalog, diagnostics: &[Diagnostic]) -> String {
    let lines = crate::render::SourceLines::of(catalog.sources());
    crate::render::diagnostics(diagnostics, |file, line| lines.line(file, line), false)
}

/// Loads and validates the catalog: the catalog and its report. With `site`, validation also
/// makes the scaled copies of the project images that the HTML export then reads from the
/// cache.
fn load(args: &Args, site: bool) -> Result<(Catalog, validate::Report), CliError> {
    let today = args.today.unwrap_or_else(validate::today);
    let options = LoadOptions {
        image_cache: digifarm_core::catalog::assets::default_cache_dir(),
        prepare_images: site,
        ..LoadOptions::default()
    };
    validate::validate_path(&args.catalog, &options, today).map_err(|e| CliError(e.to_string()))
}

/// Loads and validates the catalog; `None` (the errors already on stderr) when it has errors
/// and must not be exported.
fn load_valid(args: &Args) -> Result<Option<Catalog>, CliError> {
    let (catalog, report) = load(args, false)?;
    if !report.valid {
        refuse_invalid(&report, &catalog);
        return Ok(None);
    }
    Ok(Some(catalog))
}

/// A catalog with errors is not exported: its report on stderr, exit 1.
fn refuse_invalid(report: &validate::Report, catalog: &Catalog) -> ExitCode {
    super::refuse_invalid(report, catalog, " and was not exported")
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
            // The bytes are the plugin's: on a terminal they must not carry escapes.
            if std::io::IsTerminal::is_terminal(&std::io::stdout())
                && !terminal_safe(&exported.bytes)
            {
                return Err(CliError(format!(
                    "plugin `{}` produced {} output with control characters (or not UTF-8), which is not written to a terminal; use --out FILE or redirect stdout",
                    plugin.id(),
                    exported.media_type
                )));
            }
            write_stdout(&exported.bytes)?;
            // The output is on stdout: the summary goes to stderr.
            report_errors(&summary("stdout"));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether `bytes` can be shown on a terminal as they are: UTF-8 text whose only control
/// characters are tabs and line breaks (no escape sequences, no bidirectional overrides).
fn terminal_safe(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|text| {
        text.chars()
            .all(|c| c == '\n' || c == '\t' || !digifarm_core::diagnostic::is_unprintable(c))
    })
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

#[cfg(test)]
mod tests {
    use super::terminal_safe;

    #[test]
    fn exporter_output_on_a_terminal() {
        assert!(terminal_safe(
            b"<feed>\n\t<title>M\xc3\xbcnster</title>\n</feed>\n"
        ));
        for unsafe_output in [
            &b"\x1b[2J"[..],
            b"a\rb",
            b"\xff\xfe",
            "x\u{202E}y".as_bytes(),
            "\u{9b}31m".as_bytes(),
        ] {
            assert!(!terminal_safe(unsafe_output), "{unsafe_output:?}");
        }
    }
}

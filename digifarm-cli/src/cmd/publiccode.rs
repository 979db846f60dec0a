//! `digifarm publiccode check FILE...`: publiccode.yml files checked on their own, with the
//! same diagnostics as `validate` (human, json, sarif; file:line:column; stable codes).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use digifarm_core::publiccode::{self, Options};
use digifarm_core::{Diagnostic, Severity};

use crate::output::{self, CliError, CmdResult};
use crate::render;

/// Arguments of `digifarm publiccode`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Check publiccode.yml files against the standard (every version from 0.2 to 0.7 and
    /// "0"), as its reference validator does. Exit code 1 when a file has errors.
    Check(CheckArgs),
}

/// Arguments of `digifarm publiccode check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// publiccode.yml files, or directories holding one (a repository checkout).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output format (`sarif`: SARIF 2.1.0, for code-scanning annotations on pull requests).
    #[arg(long, value_enum, default_value_t = super::validate::ValidateFormat::Human)]
    pub format: super::validate::ValidateFormat,
    /// Also check what needs the network: that URLs answer and remote logos exist. Private,
    /// loopback and link-local addresses are refused.
    #[arg(long)]
    pub network: bool,
    /// Seconds to wait for each URL with `--network`.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub timeout: u64,
    /// Allow `--network` to reach private and loopback addresses (for a test server on
    /// 127.0.0.1; never for files from strangers).
    #[arg(long, hide = true)]
    pub network_allow_private: bool,
    /// The codes of the IndicePA register (one a line): `urn:x-italian-pa:<code>` and
    /// `IT.riuso.codiceIPA` are then checked against it, not only for their form.
    #[arg(long, value_name = "FILE")]
    pub ipa_codes: Option<PathBuf>,
}

/// The JSON shape of `--format json`.
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    valid: bool,
    files: usize,
    diagnostics: &'a [Diagnostic],
}

pub fn run(args: Args) -> CmdResult {
    match args.command {
        Command::Check(a) => check(a),
    }
}

/// The publiccode.yml a path names: the file itself, or `publiccode.yml`/`.yaml` in a
/// directory.
pub(crate) fn resolve(path: &Path) -> Result<PathBuf, CliError> {
    if path.is_dir() {
        for name in ["publiccode.yml", "publiccode.yaml"] {
            let candidate = path.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
        return Err(CliError(format!(
            "{}: no publiccode.yml in this directory",
            path.display()
        )));
    }
    if !path.exists() {
        return Err(CliError(format!("{}: no such file", path.display())));
    }
    Ok(path.to_path_buf())
}

/// Reads an IndicePA code list: one code a line, `#` comments, case-insensitive.
pub(crate) fn read_ipa_codes(path: &Path) -> Result<HashSet<String>, CliError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_ascii_lowercase)
        .collect())
}

#[cfg(feature = "network")]
fn network(args: &CheckArgs) -> Option<publiccode::network::HttpChecker> {
    args.network.then(|| {
        publiccode::network::HttpChecker::new(
            std::time::Duration::from_secs(args.timeout.max(1)),
            args.network_allow_private,
        )
    })
}

fn check(args: CheckArgs) -> CmdResult {
    let ipa = args.ipa_codes.as_deref().map(read_ipa_codes).transpose()?;
    #[cfg(feature = "network")]
    let net = network(&args);
    #[cfg(not(feature = "network"))]
    if args.network {
        return Err(CliError(
            "--network needs digifarm built with the `network` feature".to_owned(),
        ));
    }
    let mut diagnostics = Vec::new();
    let mut sources: Vec<(String, String)> = Vec::new();
    for path in &args.files {
        let file = resolve(path)?;
        // The checker itself reports a file over its size limit.
        let bytes = output::read_input(&file, digifarm_core::source::MAX_COLLECTION_BYTES)?;
        let name = file.display().to_string();
        let options = Options {
            base_dir: Some(file.parent().unwrap_or(Path::new("."))),
            ipa_codes: ipa.as_ref(),
            #[cfg(feature = "network")]
            network: net.as_ref().map(|n| n as &dyn publiccode::Network),
            #[cfg(not(feature = "network"))]
            network: None,
        };
        let checked = publiccode::check(&bytes, &name, &options);
        diagnostics.extend(checked.diagnostics);
        // Positions count from after a byte order mark, as the checker reads the text.
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned();
        sources.push((name, text));
    }
    let valid = !diagnostics.iter().any(Diagnostic::is_error);
    match args.format {
        super::validate::ValidateFormat::Json => output::json(&JsonReport {
            valid,
            files: args.files.len(),
            diagnostics: &diagnostics,
        })?,
        super::validate::ValidateFormat::Sarif => {
            output::json(&super::validate::sarif_of(&diagnostics))?;
        }
        super::validate::ValidateFormat::Human => {
            let colour = output::use_colour();
            let lines = render::SourceLines::new(
                sources.iter().map(|(name, text)| (name.as_str(), &**text)),
            );
            let mut out =
                render::diagnostics(&diagnostics, |file, line| lines.line(file, line), colour);
            let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
            let plural = |n: usize, word: &str| {
                if n == 1 {
                    format!("{n} {word}")
                } else {
                    format!("{n} {word}s")
                }
            };
            out.push_str(&format!(
                "{}: {}, {}, {} in {}\n",
                render::verdict(valid, if valid { "valid" } else { "invalid" }, colour),
                plural(count(Severity::Error), "error"),
                plural(count(Severity::Warning), "warning"),
                plural(count(Severity::Info), "note"),
                plural(args.files.len(), "publiccode.yml file"),
            ));
            output::stdout(&out)?;
        }
    }
    Ok(if valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

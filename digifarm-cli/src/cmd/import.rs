//! `digifarm import <FORMAT> <FILE> --out <DIR>`: turn another format into catalog files
//! (`digifarm-json`, `digifarm-csv`, `publiccode`, `civic-json`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use digifarm_core::import::{Import, civic_json, digifarm_csv, digifarm_json, publiccode};
use digifarm_core::{Diagnostic, Severity, yaml_emit};
use serde::Serialize;

use crate::output::{self, CliError, CmdResult, Format};
use crate::render;

/// Arguments of `digifarm import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    source: Source,
}

#[derive(Debug, clap::Subcommand)]
enum Source {
    /// Import a DIGIFARM spreadsheet export: a JSON array of projects with German column
    /// names (Name, Kurzbeschreibung, Lizenz, Inhalt, Technik, Sponsor, …), as Münster's
    /// digifarm.json.
    #[command(name = "digifarm-json")]
    DigifarmJson(FileArgs),
    /// Import the DIGIFARM spreadsheet saved as CSV: the same columns, `;` or `,` separated,
    /// UTF-8 with or without byte order mark.
    #[command(name = "digifarm-csv")]
    DigifarmCsv(FileArgs),
    /// Import a publiccode.yml (0.x) as a project; contacts become private contacts,
    /// fundedBy and contractors become partners.
    #[command(name = "publiccode")]
    Publiccode(FileArgs),
    /// Import a civic.json (BetaNYC, DCgov): one project or an array of them, with needs and
    /// partners.
    #[command(name = "civic-json")]
    CivicJson(FileArgs),
    /// Import with an importer plugin (a WebAssembly component, plugin.toml beside it), e.g.
    /// plugins/examples/civic-json: a FILE.wasm (no capabilities, the host's default limits)
    /// or the id of a plugin listed in <--out DIR>/digifarm.toml (with its grants). The
    /// records it returns are checked against the model.
    Plugin(PluginArgs),
}

#[derive(Debug, clap::Args)]
struct PluginArgs {
    /// The importer plugin: its .wasm file, or the id of a plugin listed in the output
    /// catalog's digifarm.toml.
    #[arg(long, value_name = "ID|FILE.wasm")]
    plugin: String,
    /// Media type of the input, passed to the plugin.
    #[arg(long, default_value = "application/json")]
    media_type: String,
    #[command(flatten)]
    file: FileArgs,
}

#[derive(Debug, clap::Args)]
struct FileArgs {
    /// The file to import (read only, never modified).
    file: PathBuf,
    /// Catalog directory to write: digifarm.toml (if absent), projects/, partners/.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Overwrite record files that already exist (digifarm.toml is never overwritten).
    #[arg(long)]
    force: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// What happened to one output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Action {
    /// Written (new, or replaced with `--force`).
    Written,
    /// Already there with the same content.
    Unchanged,
    /// Already there with other content and not replaced (no `--force`).
    Skipped,
}

#[derive(Debug, Serialize)]
struct FileResult {
    path: String,
    action: Action,
}

#[derive(Debug, Default, Serialize)]
struct HelpWanted {
    content: usize,
    technical: usize,
    financial: usize,
}

#[derive(Debug, Serialize)]
struct Counts {
    projects: usize,
    partners: usize,
}

#[derive(Debug, Serialize)]
struct Report<'a> {
    ok: bool,
    input: String,
    out: String,
    counts: Counts,
    help_wanted: HelpWanted,
    /// Projects per licence expression written.
    licenses: BTreeMap<String, usize>,
    /// Projects per status written.
    statuses: BTreeMap<&'static str, usize>,
    files: Vec<FileResult>,
    diagnostics: &'a [Diagnostic],
}

pub fn run(args: Args) -> CmdResult {
    match args.source {
        Source::DigifarmJson(args) => run_file(args, digifarm_json::import),
        Source::DigifarmCsv(args) => run_file(args, digifarm_csv::import),
        Source::Publiccode(args) => run_file(args, |bytes, file| {
            publiccode::import(bytes, file, &publiccode::Options::default())
        }),
        Source::CivicJson(args) => run_file(args, civic_json::import),
        Source::Plugin(args) => run_plugin(args),
    }
}

fn run_file(args: FileArgs, importer: impl Fn(&[u8], &str) -> Import) -> CmdResult {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| CliError(format!("cannot read {}: {e}", args.file.display())))?;
    let file_label = args.file.display().to_string();
    let import = importer(&bytes, &file_label);
    finish(args, &bytes, file_label, import)
}

fn run_plugin(args: PluginArgs) -> CmdResult {
    let bytes = std::fs::read(&args.file.file)
        .map_err(|e| CliError(format!("cannot read {}: {e}", args.file.file.display())))?;
    let file_label = args.file.file.display().to_string();
    let (config, resolved) = resolve_plugin(&args.plugin, &args.file.out)?;
    let host = super::plugin::host()?;
    let policy = digifarm_core::license::Policy::from_config(&config.license);
    let imported = host
        .load(&resolved.wasm, &resolved.grants, &policy)
        .and_then(|plugin| plugin.import(&config, &args.media_type, &bytes))
        .map_err(|e| CliError(e.to_string()))?;
    let mut diagnostics: Vec<Diagnostic> = imported
        .diagnostics
        .into_iter()
        .map(|mut d| {
            // The plugin names the record in `file`; show the input file with the record.
            d.message = if d.file.is_empty() {
                d.message
            } else {
                format!("{}: {}", d.file, d.message)
            };
            d.file.clone_from(&file_label);
            d
        })
        .collect();
    if !imported.offers.is_empty() {
        diagnostics.push(
            Diagnostic::new(
                digifarm_core::Code::ImportUnmapped,
                file_label.clone(),
                "",
                format!(
                    "the plugin returned {} offers; this command writes projects and partners only",
                    imported.offers.len()
                ),
            )
            .with_severity(Severity::Warning),
        );
    }
    let import = Import {
        projects: imported.projects,
        partners: imported.partners,
        diagnostics,
    };
    finish(args.file, &bytes, file_label, import)
}

/// The importer `spec` names and the city config it runs with: a FILE.wasm runs with the
/// default config and no grants; an id is looked up in `<out>/digifarm.toml`, whose config
/// (licence policy, city) and grants apply.
fn resolve_plugin(
    spec: &str,
    out: &Path,
) -> Result<(digifarm_core::model::CityConfig, super::plugin::Resolved), CliError> {
    let default = digifarm_core::model::CityConfig::default();
    let config_path = out.join("digifarm.toml");
    let label = config_path.display().to_string();
    if super::plugin::is_path(spec) {
        let resolved = super::plugin::resolve(spec, out, &default, &label)?;
        return Ok((default, resolved));
    }
    if !config_path.is_file() {
        return Err(CliError(format!(
            "`{spec}` is not a FILE.wasm, and {label} does not exist to look up a plugin id in"
        )));
    }
    let loaded = digifarm_core::catalog::load(out, &digifarm_core::catalog::LoadOptions::default())
        .map_err(|e| CliError(e.to_string()))?;
    if let Some(d) = loaded
        .diagnostics
        .iter()
        .find(|d| d.is_error() && Path::new(&d.file).file_name() == config_path.file_name())
    {
        return Err(CliError(format!(
            "{label} has errors ({}: {}); run `digifarm validate`",
            d.code, d.message
        )));
    }
    let config = loaded.catalog.config;
    let resolved = super::plugin::resolve(spec, out, &config, &label)?;
    Ok((config, resolved))
}

fn finish(args: FileArgs, bytes: &[u8], file_label: String, import: Import) -> CmdResult {
    let files = if import.projects.is_empty() && import.partners.is_empty() {
        Vec::new()
    } else {
        write_catalog(&import, &args.out, args.force)?
    };
    let report = Report {
        ok: !import.has_errors(),
        input: file_label,
        out: args.out.display().to_string(),
        counts: Counts {
            projects: import.projects.len(),
            partners: import.partners.len(),
        },
        help_wanted: help_wanted(&import),
        licenses: tally(import.projects.iter().map(|p| p.license.clone())),
        statuses: tally(import.projects.iter().map(|p| p.status.as_str())),
        files,
        diagnostics: &import.diagnostics,
    };
    match args.format {
        Format::Json => output::json(&report)?,
        Format::Human => output::stdout(&human(&report, bytes))?,
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn tally<K: Ord>(keys: impl Iterator<Item = K>) -> BTreeMap<K, usize> {
    let mut counts = BTreeMap::new();
    for key in keys {
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

fn list<K: std::fmt::Display>(counts: &BTreeMap<K, usize>) -> String {
    counts
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn help_wanted(import: &Import) -> HelpWanted {
    let mut counts = HelpWanted::default();
    for need in import.projects.iter().flat_map(|p| &p.needs) {
        if need.wants_help() {
            match need.kind.as_str() {
                "content" => counts.content += 1,
                "technical" => counts.technical += 1,
                "financial" => counts.financial += 1,
                _ => {}
            }
        }
    }
    counts
}

/// Writes the records below `out`; an I/O failure ends the command (exit 2).
fn write_catalog(import: &Import, out: &Path, force: bool) -> Result<Vec<FileResult>, CliError> {
    let mut results = Vec::new();
    for dir in ["projects", "partners"] {
        let path = out.join(dir);
        std::fs::create_dir_all(&path)
            .map_err(|e| CliError(format!("cannot create {}: {e}", path.display())))?;
    }
    let config = out.join("digifarm.toml");
    if !config.exists() {
        let action = write_atomic(&config, import.starter_config().as_bytes(), false)?;
        results.push(FileResult {
            path: "digifarm.toml".into(),
            action,
        });
    }
    let mut records: Vec<(String, String)> = Vec::new();
    for project in &import.projects {
        let yaml = yaml_emit::to_string(project).map_err(|e| CliError(e.to_string()))?;
        records.push((format!("projects/{}.yaml", project.id), yaml));
    }
    for partner in &import.partners {
        let yaml = yaml_emit::to_string(partner).map_err(|e| CliError(e.to_string()))?;
        records.push((format!("partners/{}.yaml", partner.id), yaml));
    }
    for (relative, yaml) in records {
        let action = write_atomic(&out.join(&relative), yaml.as_bytes(), force)?;
        results.push(FileResult {
            path: relative,
            action,
        });
    }
    Ok(results)
}

/// Writes `content` to `path` through a temporary file in the same directory and a rename,
/// so that readers never see half a file. Without `overwrite`, an existing file is kept.
fn write_atomic(path: &Path, content: &[u8], overwrite: bool) -> Result<Action, CliError> {
    use digifarm_core::catalog::write::{self, WriteError};
    match std::fs::read(path) {
        Ok(existing) if existing == content => return Ok(Action::Unchanged),
        Ok(_) if !overwrite => return Ok(Action::Skipped),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(CliError(format!("cannot write {}: {e}", path.display()))),
    }
    match write::write_atomic(path, content, overwrite) {
        Ok(()) => Ok(Action::Written),
        // Created by someone else since the check above: left alone.
        Err(WriteError::Exists { .. }) => Ok(Action::Skipped),
        Err(e) => Err(CliError(e.to_string())),
    }
}

/// The human report: each diagnostic with its source line and a caret, then a summary.
fn human(report: &Report<'_>, input: &[u8]) -> String {
    let text = String::from_utf8_lossy(input);
    let mut out = render::diagnostics(
        report.diagnostics,
        |_, line| render::nth_line(&text, line),
        output::use_colour(),
    );
    let count = |s: Severity| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .count()
    };
    let files_with = |action: Action| report.files.iter().filter(|f| f.action == action).count();
    out.push_str(&format!(
        "imported {} projects and {} partners from {} into {}\n",
        report.counts.projects, report.counts.partners, report.input, report.out
    ));
    let hw = &report.help_wanted;
    out.push_str(&format!(
        "  needs wanting help: content {}, technical {}, financial {}\n",
        hw.content, hw.technical, hw.financial
    ));
    out.push_str(&format!("  licences: {}\n", list(&report.licenses)));
    out.push_str(&format!("  statuses: {}\n", list(&report.statuses)));
    out.push_str(&format!(
        "  files: {} written, {} unchanged, {} skipped (already there; --force overwrites records)\n",
        files_with(Action::Written),
        files_with(Action::Unchanged),
        files_with(Action::Skipped)
    ));
    for f in report.files.iter().filter(|f| f.action == Action::Skipped) {
        out.push_str(&format!("    skipped {}\n", f.path));
    }
    out.push_str(&format!(
        "  errors: {}, warnings: {}, infos: {}\n",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    ));
    out
}

//! `digifarm import <FORMAT> <FILE> --out <DIR>`: turn another format into catalog files
//! (`digifarm-json`, `digifarm-csv`, `publiccode`, `civic-json`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use digifarm_core::import::{Import, civic_json, digifarm_csv, digifarm_json, publiccode};
use digifarm_core::source::Format as Lines;
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
        Source::DigifarmJson(args) => run_file(args, Some(Lines::Json), digifarm_json::import),
        // The CSV reader breaks lines at a lone CR too, as YAML does.
        Source::DigifarmCsv(args) => run_file(args, None, digifarm_csv::import),
        Source::Publiccode(args) => {
            // An existing catalog keeps its default language; a new one takes the file's.
            let default_lang = std::fs::read_to_string(args.out.join("digifarm.toml"))
                .ok()
                .and_then(|t| publiccode::catalog_language(&t));
            let options = publiccode::Options {
                default_lang,
                base_dir: args.file.parent().map(Path::to_path_buf),
                ipa_codes: None,
            };
            run_file(args, Some(Lines::Yaml), |bytes, file| {
                publiccode::import(bytes, file, &options)
            })
        }
        Source::CivicJson(args) => run_file(args, Some(Lines::Json), civic_json::import),
        Source::Plugin(args) => run_plugin(args),
    }
}

/// The input file is never modified: an output directory that is it or holds it is refused.
fn refuse_overlap(args: &FileArgs) -> Result<(), CliError> {
    digifarm_core::catalog::overlap::check_output(&args.file, &args.out)
        .map_err(|e| CliError(e.to_string()))
}

/// `lines`: the input's format as far as its lines are counted (see `LineIndex::of`).
fn run_file(
    args: FileArgs,
    lines: Option<Lines>,
    importer: impl Fn(&[u8], &str) -> Import,
) -> CmdResult {
    refuse_overlap(&args)?;
    let bytes = output::read_input(&args.file, digifarm_core::source::MAX_COLLECTION_BYTES)?;
    let file_label = args.file.display().to_string();
    let import = importer(&bytes, &file_label);
    finish(args, lines, &bytes, file_label, import)
}

fn run_plugin(args: PluginArgs) -> CmdResult {
    refuse_overlap(&args.file)?;
    let bytes = output::read_input(&args.file.file, digifarm_core::source::MAX_COLLECTION_BYTES)?;
    let file_label = args.file.file.display().to_string();
    let target = target_catalog(&args.file.out)?;
    let (config, resolved) = resolve_plugin(&args.plugin, &args.file.out, &target)?;
    let host = super::plugin::host()?;
    let policy = digifarm_core::license::Policy::from_config(&config.license);
    let imported = host
        .load(&resolved.wasm, &resolved.grants, &policy)
        .and_then(|plugin| plugin.import_into(&config, &target, &args.media_type, &bytes))
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
    // The checks of the returned records: their pointers lead into the plugin's output.
    diagnostics.extend(imported.checks.into_iter().map(|mut d| {
        d.file.clone_from(&file_label);
        d
    }));
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
        ..Import::default()
    };
    let lines = Lines::from_path(&args.file.file);
    finish(args.file, lines, &bytes, file_label, import)
}

/// The catalog the records go into: the one in `out` when it is a directory (its config and
/// records take part in the checks of what is imported), else a new, empty one.
fn target_catalog(out: &Path) -> Result<digifarm_core::catalog::Catalog, CliError> {
    if !out.is_dir() {
        return Ok(digifarm_core::catalog::Catalog::default());
    }
    let config_path = out.join("digifarm.toml");
    let loaded = digifarm_core::catalog::load(out, &digifarm_core::catalog::LoadOptions::default())
        .map_err(|e| CliError(e.to_string()))?;
    if let Some(d) = loaded
        .diagnostics
        .iter()
        .find(|d| d.is_error() && Path::new(&d.file).file_name() == config_path.file_name())
    {
        return Err(CliError(format!(
            "{} has errors ({}: {}); run `digifarm validate`",
            config_path.display(),
            d.code,
            d.message
        )));
    }
    Ok(loaded.catalog)
}

/// The importer `spec` names and the city config it runs with: a FILE.wasm runs with the
/// default config and no grants; an id is looked up in `<out>/digifarm.toml` (loaded as
/// `target`), whose config (licence policy, city) and grants apply.
fn resolve_plugin(
    spec: &str,
    out: &Path,
    target: &digifarm_core::catalog::Catalog,
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
    let config = target.config.clone();
    let resolved = super::plugin::resolve(spec, out, &config, &label)?;
    Ok((config, resolved))
}

fn finish(
    args: FileArgs,
    lines: Option<Lines>,
    bytes: &[u8],
    file_label: String,
    mut import: Import,
) -> CmdResult {
    let files = if import.projects.is_empty() && import.partners.is_empty() {
        Vec::new()
    } else {
        let (files, refused) = write_catalog(&import, &args.out, args.force, &file_label)?;
        import.diagnostics.extend(refused);
        files
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
        Format::Human => output::stdout(&human(&report, lines, bytes))?,
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
        .map(|(k, n)| format!("{} {n}", crate::output::shown(&k.to_string())))
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

/// Writes the records below `out`, under the catalog's lock (an existing catalog may be
/// written by another command at the same time); an I/O failure ends the command (exit 2). A
/// record whose id cannot be a file name in `out` (the catalog writer refuses it) is not
/// written and becomes an error diagnostic.
fn write_catalog(
    import: &Import,
    out: &Path,
    force: bool,
    file_label: &str,
) -> Result<(Vec<FileResult>, Vec<Diagnostic>), CliError> {
    use digifarm_core::catalog::write::{self, WriteError};
    use digifarm_core::model::RecordKind;
    let mut results = Vec::new();
    let mut refused = Vec::new();
    // The kind directories, created inside `out` only.
    for dir in ["projects", "partners"] {
        write::contained_path(out, &Path::new(dir).join(".keep"))
            .map_err(|e| CliError(e.to_string()))?;
    }
    let lock = digifarm_core::catalog::write::CatalogLock::acquire(out)?;
    let config = Path::new("digifarm.toml");
    if !out.join(config).exists() {
        let action = write_file(
            &lock,
            out,
            config,
            import.starter_config().as_bytes(),
            false,
        )?;
        results.push(FileResult {
            path: "digifarm.toml".into(),
            action,
        });
    }
    // The ids the catalog already has, and where: a record kept in another file (a JSON
    // record, a collection) would get a second one beside it.
    let existing = existing_records(out)?;
    let mut records: Vec<(PathBuf, String)> = Vec::new();
    let mut add = |kind: RecordKind, index: usize, id: &str, yaml: Result<String, String>| {
        match write::record_path(kind, id) {
            Ok(relative) => {
                let target = out.join(&relative).display().to_string();
                match existing.get(&(kind, id.to_owned())) {
                    Some(file) if *file != target => refused.push(
                        Diagnostic::new(
                            digifarm_core::Code::DuplicateId,
                            file_label,
                            format!("/{}/{index}/id", kind.dir_name()),
                            format!(
                                "the catalog already has a {} `{id}` in {file}; it was not imported",
                                kind.as_str()
                            ),
                        )
                        .with_help("change the record in its file, or remove it there first"),
                    ),
                    _ => records.push((relative, yaml.map_err(CliError)?)),
                }
            }
            Err(e @ WriteError::InvalidFileName { .. }) => refused.push(
                Diagnostic::new(
                    digifarm_core::Code::InvalidFormat,
                    file_label,
                    format!("/{}/{index}/id", kind.dir_name()),
                    e.to_string(),
                )
                .with_help("ids are lower-case slugs: letters, digits and single hyphens"),
            ),
            Err(e) => return Err(CliError(e.to_string())),
        }
        Ok(())
    };
    for (i, project) in import.projects.iter().enumerate() {
        let yaml = yaml_emit::to_string(project).map_err(|e| e.to_string());
        add(RecordKind::Project, i, &project.id, yaml)?;
    }
    for (i, partner) in import.partners.iter().enumerate() {
        let yaml = yaml_emit::to_string(partner).map_err(|e| e.to_string());
        add(RecordKind::Partner, i, &partner.id, yaml)?;
    }
    for (relative, yaml) in records {
        let action = write_file(&lock, out, &relative, yaml.as_bytes(), force)?;
        results.push(FileResult {
            path: relative.display().to_string(),
            action,
        });
    }
    Ok((results, refused))
}

/// The projects and partners of the catalog at `out` (read under its lock), by kind and id,
/// with the file each was read from.
fn existing_records(
    out: &Path,
) -> Result<std::collections::HashMap<(digifarm_core::model::RecordKind, String), String>, CliError>
{
    use digifarm_core::model::RecordKind;
    let catalog =
        digifarm_core::catalog::load(out, &digifarm_core::catalog::LoadOptions::default())
            .map_err(|e| CliError(e.to_string()))?
            .catalog;
    let mut ids = std::collections::HashMap::new();
    for (index, p) in catalog.projects.iter().enumerate() {
        let (file, _, _) = catalog.locate_record(RecordKind::Project, index);
        ids.insert((RecordKind::Project, p.id.clone()), file);
    }
    for (index, p) in catalog.partners.iter().enumerate() {
        let (file, _, _) = catalog.locate_record(RecordKind::Partner, index);
        ids.insert((RecordKind::Partner, p.id.clone()), file);
    }
    Ok(ids)
}

/// Writes `content` to `relative` below `out` through the catalog writer, under the lock
/// (atomic, and never outside `out`). Without `overwrite`, an existing file is kept.
fn write_file(
    lock: &digifarm_core::catalog::write::CatalogLock,
    out: &Path,
    relative: &Path,
    content: &[u8],
    overwrite: bool,
) -> Result<Action, CliError> {
    use digifarm_core::catalog::write::{self, WriteError};
    let path = write::contained_path(out, relative).map_err(|e| CliError(e.to_string()))?;
    match std::fs::symlink_metadata(&path) {
        // A link is never followed to compare: only replaced, and only with --force.
        Ok(meta) if meta.file_type().is_symlink() && !overwrite => return Ok(Action::Skipped),
        Ok(meta) if meta.file_type().is_symlink() => {}
        Ok(_) => match std::fs::read(&path) {
            Ok(existing) if existing == content => return Ok(Action::Unchanged),
            Ok(_) if !overwrite => return Ok(Action::Skipped),
            Ok(_) => {}
            Err(e) => return Err(CliError(format!("cannot write {}: {e}", path.display()))),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(CliError(format!("cannot write {}: {e}", path.display()))),
    }
    match write::write_locked(lock, &path, content, overwrite) {
        Ok(()) => Ok(Action::Written),
        // Created by someone else since the check above: left alone.
        Err(WriteError::Exists { .. }) => Ok(Action::Skipped),
        Err(e) => Err(CliError(e.to_string())),
    }
}

/// The human report: each diagnostic with its source line and a caret, then a summary.
fn human(report: &Report<'_>, format: Option<Lines>, input: &[u8]) -> String {
    let text = String::from_utf8_lossy(input);
    // Positions count from after a byte order mark, as the importers read the text.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let lines = render::SourceLines::of_format([("", text)], format);
    let mut out = render::diagnostics(
        report.diagnostics,
        |_, line| lines.line("", line),
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
        report.counts.projects,
        report.counts.partners,
        crate::output::shown(&report.input),
        crate::output::shown(&report.out)
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
        out.push_str(&format!("    skipped {}\n", crate::output::shown(&f.path)));
    }
    out.push_str(&format!(
        "  errors: {}, warnings: {}, infos: {}\n",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    ));
    out
}

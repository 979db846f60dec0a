//! `digifarm validate <PATH>`: every problem of a catalog, with file, line and column.

use std::path::PathBuf;
use std::process::ExitCode;

use digifarm_core::catalog::{Catalog, LoadOptions};
use digifarm_core::diagnostic::Omitted;
use digifarm_core::model::RecordKind;
use digifarm_core::validate::{self, Report};
use digifarm_core::{Diagnostic, Severity};

use crate::output::{self, CliError, CmdResult};
use crate::render;

/// Arguments of `digifarm validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Catalog directory, or one record file (YAML, JSON, JSON array or JSON Lines).
    pub path: PathBuf,
    /// Output format (`sarif`: SARIF 2.1.0, for code-scanning annotations on pull requests).
    #[arg(long, value_enum, default_value_t = ValidateFormat::Human)]
    pub format: ValidateFormat,
    /// Record kind of a single file (default: from its directory name, else project).
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<RecordKind>,
    /// A directory of local source checkouts, one per project id (`DIR/<id>/`): the licence
    /// file of each is compared with the project's declared licence.
    #[cfg(feature = "detection")]
    #[arg(long, value_name = "DIR")]
    pub checkouts: Option<PathBuf>,
    /// Reference date for staleness and future dates (default: today), as YYYY-MM-DD.
    #[arg(long, value_parser = parse_date)]
    pub today: Option<chrono::NaiveDate>,
    /// Also run this validator plugin (repeatable); it gets no capabilities and the host's
    /// default limits. Plugins listed in digifarm.toml always run.
    #[arg(long = "plugin", value_name = "FILE.wasm")]
    pub plugin: Vec<PathBuf>,
}

pub(crate) fn parse_kind(s: &str) -> Result<RecordKind, String> {
    s.parse()
}

pub(crate) fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| format!("`{s}` is not a date YYYY-MM-DD: {e}"))
}

/// Output formats of `digifarm validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ValidateFormat {
    /// For people.
    Human,
    /// One JSON object on stdout.
    Json,
    /// SARIF 2.1.0 (GitHub and GitLab code scanning).
    Sarif,
}

/// The JSON shape of `--format json`.
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    valid: bool,
    counts: validate::Counts,
    diagnostics: &'a [Diagnostic],
    /// Findings beyond the listed ones, by severity (only when there are).
    #[serde(skip_serializing_if = "Omitted::is_none")]
    omitted: Omitted,
}

pub fn run(args: Args) -> CmdResult {
    let options = LoadOptions {
        kind: args.kind,
        image_cache: digifarm_core::catalog::assets::default_cache_dir(),
        prepare_images: false,
    };
    let today = args.today.unwrap_or_else(validate::today);
    // The projects are checked in batches and dropped, unless a plugin or the checkouts
    // need them afterwards.
    #[cfg(feature = "detection")]
    let checkouts = args.checkouts.is_some();
    #[cfg(not(feature = "detection"))]
    let checkouts = false;
    let keep = |catalog: &digifarm_core::catalog::Catalog| {
        checkouts || !args.plugin.is_empty() || !catalog.config.plugins.is_empty()
    };
    #[allow(unused_mut)]
    let (catalog, mut report) = validate::validate_path_with(&args.path, &options, today, &keep)
        .map_err(|e| CliError(e.to_string()))?;
    #[cfg(feature = "detection")]
    if let Some(dir) = &args.checkouts {
        report = report.extended(&catalog, crosscheck_checkouts(&catalog, dir));
    }
    report = super::plugin::run_validators(&catalog, &args.path, &args.plugin, report)?;
    match args.format {
        ValidateFormat::Sarif => output::json(&sarif(&report))?,
        ValidateFormat::Json => output::json(&JsonReport {
            valid: report.valid,
            counts: report.counts,
            diagnostics: &report.diagnostics,
            omitted: report.omitted,
        })?,
        ValidateFormat::Human => {
            render_human_to(&report, &catalog, output::use_colour(), &mut |text| {
                output::stdout(text)
            })?;
        }
    }
    Ok(if report.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The human report: every diagnostic, then a summary line.
pub(crate) fn render_human(report: &Report, catalog: &Catalog, colour: bool) -> String {
    let mut out = String::new();
    let _ = render_human_to(report, catalog, colour, &mut |text| {
        out.push_str(text);
        Ok(())
    });
    out
}

/// Diagnostics rendered per piece of text handed to `emit`.
const CHUNK: usize = 1000;

/// [`render_human`], handed to `emit` a thousand diagnostics at a time: a report of a
/// million findings is never held as one text.
pub(crate) fn render_human_to(
    report: &Report,
    catalog: &Catalog,
    colour: bool,
    emit: &mut dyn FnMut(&str) -> Result<(), CliError>,
) -> Result<(), CliError> {
    use rayon::prelude::*;
    let lines = render::SourceLines::of(catalog.sources());
    let source_line = |file: &str, line: u32| {
        lines
            .line(file, line)
            .or_else(|| catalog.excerpt(file, line))
    };
    // The chunks of a window are rendered on the pool and handed on in order, so the text
    // held at once is a window's (a few megabytes), not the report's.
    let window = CHUNK * 2 * rayon::current_num_threads();
    for findings in report.diagnostics.chunks(window) {
        let texts: Vec<String> = findings
            .par_chunks(CHUNK)
            .map(|chunk| render::diagnostics(chunk, source_line, colour))
            .collect();
        for text in &texts {
            emit(text)?;
        }
    }
    let omitted = &report.omitted;
    if !omitted.is_none() {
        emit(&format!(
            "… and {} more (errors {}, warnings {}, notes {}), not listed: the report lists the first {} findings; fix these and run again\n\n",
            omitted.total(),
            omitted.errors,
            omitted.warnings,
            omitted.notes,
            report.diagnostics.len()
        ))?;
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
    let verdict = render::verdict(
        report.valid,
        if report.valid { "valid" } else { "invalid" },
        colour,
    );
    emit(&format!(
        "{verdict}: {}, {}, {} in {}, {}, {}\n",
        plural(e, "error"),
        plural(w, "warning"),
        plural(i, "note"),
        plural(report.counts.projects, "project"),
        plural(report.counts.partners, "partner"),
        plural(report.counts.offers, "offer"),
    ))
}

/// Compares each project's declared licence with the licence file of its checkout in `dir`.
#[cfg(feature = "detection")]
fn crosscheck_checkouts(
    catalog: &digifarm_core::catalog::Catalog,
    dir: &std::path::Path,
) -> Vec<Diagnostic> {
    use digifarm_core::catalog::confined::{EntryKind, Root};
    use digifarm_core::license;
    let mut out = Vec::new();
    // Licence files are read only where they resolve inside `dir`.
    let root = match Root::open(dir) {
        Ok(root) => root,
        Err(e) => {
            out.push(
                Diagnostic::new(
                    digifarm_core::Code::Io,
                    dir.display().to_string(),
                    "",
                    format!("cannot read the checkouts directory: {e}"),
                )
                .with_help(
                    "--checkouts names a directory holding one checkout per project id (DIR/<id>/); the licence cross-check asked for did not run",
                ),
            );
            return out;
        }
    };
    for (i, project) in catalog.projects.iter().enumerate() {
        let relative = std::path::Path::new(&project.id);
        let (file, pointer, line) =
            catalog.locate_record(digifarm_core::model::RecordKind::Project, i);
        // A JSON Lines record's findings carry its line; the column is resolved below.
        let push = |out: &mut Vec<Diagnostic>, mut d: Diagnostic| {
            d.line = line;
            out.push(d);
        };
        let detected = match root.kind(relative) {
            Ok(Some(EntryKind::Dir)) => license::detect_in(&root, relative),
            Ok(_) => continue,
            Err(e) => Err(license::DetectError {
                message: e.to_string(),
                source: None,
                outside: e.code() == digifarm_core::Code::OutsideCatalog,
            }),
        };
        let finding = match detected {
            Ok(detections) => license::crosscheck(&project.license, &detections),
            Err(e) if e.outside => {
                push(
                    &mut out,
                    Diagnostic::new(
                        digifarm_core::Code::OutsideCatalog,
                        file,
                        pointer,
                        format!("the checkout's licence file {e}"),
                    ),
                );
                continue;
            }
            Err(e) => {
                push(
                    &mut out,
                    Diagnostic::new(digifarm_core::Code::Io, file, pointer, e.to_string())
                        .with_severity(Severity::Warning),
                );
                continue;
            }
        };
        if let Some(f) = finding {
            let mut d = Diagnostic::new(f.code, file, format!("{pointer}/license"), f.message);
            d.severity = f.severity;
            d.help = f.help;
            push(&mut out, d);
        }
    }
    catalog.resolve_positions(&mut out);
    out
}

/// The report as a SARIF 2.1.0 log.
fn sarif(report: &Report) -> serde_json::Value {
    let mut log = sarif_of(&report.diagnostics);
    if !report.omitted.is_none() {
        // The run says that it lists only part of its results, and how many it left out.
        log["runs"][0]["properties"] = serde_json::json!({"omitted": report.omitted});
    }
    log
}

/// Diagnostics as a SARIF 2.1.0 log: one rule per code that occurs, one result per finding.
pub(crate) fn sarif_of(diagnostics: &[Diagnostic]) -> serde_json::Value {
    use serde_json::json;
    let mut codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_ref()).collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<serde_json::Value> = codes
        .iter()
        .map(|code| {
            let description = digifarm_core::Code::ALL
                .iter()
                .find(|c| c.as_str() == *code)
                .map_or(*code, |c| c.description());
            json!({"id": code, "shortDescription": {"text": description}})
        })
        .collect();
    let results: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "note",
            };
            let text = match &d.help {
                Some(help) => format!("{} (help: {help})", d.message),
                None => d.message.clone(),
            };
            let mut location = json!({"artifactLocation": sarif_artifact(&d.file)});
            if d.line > 0 {
                location["region"] = json!({"startLine": d.line, "startColumn": d.column.max(1)});
            }
            json!({
                "ruleId": d.code,
                "level": level,
                "message": {"text": text},
                "locations": [{"physicalLocation": location}],
                "properties": {"pointer": d.pointer},
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "digifarm",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            // Columns count Unicode characters; SARIF's default is UTF-16 code units, which
            // differ after any character beyond the BMP (an emoji).
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// Characters a URI path segment cannot hold as they are (RFC 3986), besides the non-ASCII
/// ones, which are always encoded.
const NOT_IN_PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A SARIF `artifactLocation` for a diagnostic's file: a relative path becomes a URI
/// relative to `%SRCROOT%` (the checkout, where code scanning looks for it), without the
/// `./` that `validate .` gives it, percent-encoded; an absolute path a `file://` URI.
fn sarif_artifact(file: &str) -> serde_json::Value {
    let path = file.replace('\\', "/");
    let mut relative = path.as_str();
    while let Some(rest) = relative.strip_prefix("./") {
        relative = rest.trim_start_matches('/');
    }
    let encoded: String = relative
        .split('/')
        .map(|segment| percent_encoding::utf8_percent_encode(segment, NOT_IN_PATH).to_string())
        .collect::<Vec<_>>()
        .join("/");
    if path.starts_with('/') {
        serde_json::json!({"uri": format!("file://{encoded}")})
    } else {
        serde_json::json!({"uri": encoded, "uriBaseId": "%SRCROOT%"})
    }
}

#[cfg(test)]
mod tests {
    use super::sarif_artifact;

    #[test]
    fn sarif_paths_are_uris_relative_to_the_checkout() {
        let uri = |f: &str| {
            sarif_artifact(f)["uri"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(uri("./projects/a.yaml"), "projects/a.yaml");
        assert_eq!(uri("././digifarm.toml"), "digifarm.toml");
        assert_eq!(uri("katalog/projects/a.yaml"), "katalog/projects/a.yaml");
        assert_eq!(
            uri("mein katalog/Ü#1.yaml"),
            "mein%20katalog/%C3%9C%231.yaml"
        );
        assert_eq!(uri("a\\b.yaml"), "a/b.yaml");
        assert_eq!(uri("/srv/c/x.yaml"), "file:///srv/c/x.yaml");
        assert_eq!(sarif_artifact("x.yaml")["uriBaseId"], "%SRCROOT%");
        assert!(sarif_artifact("/x.yaml").get("uriBaseId").is_none());
    }
}

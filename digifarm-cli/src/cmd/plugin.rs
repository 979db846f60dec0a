//! `digifarm plugin info <FILE.wasm>`, and running validator plugins for `digifarm validate`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use digifarm_core::catalog::Catalog;
use digifarm_core::license::Policy;
use digifarm_core::model::PluginGrants;
use digifarm_core::validate::Report;
use digifarm_core::{Code, Diagnostic};
use digifarm_plugin_host::{Host, HostOptions, Kind};

use crate::output::{self, CliError, CmdResult, Format};

/// Arguments of `digifarm plugin`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Print a plugin's manifest, its hash check and the world it implements.
    Info {
        /// The plugin's .wasm file (its plugin.toml lies beside it).
        wasm: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

/// Where compiled plugins are cached: `$DIGIFARM_PLUGIN_CACHE` (`off` disables), else
/// `$XDG_CACHE_HOME/digifarm/plugins`, else `~/.cache/digifarm/plugins`.
fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DIGIFARM_PLUGIN_CACHE") {
        return (dir != "off").then(|| PathBuf::from(dir));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("digifarm").join("plugins"))
}

/// The process's plugin host (compiled-artefact cache as [`cache_dir`] says).
pub fn host() -> Result<Host, CliError> {
    let options = HostOptions {
        cache_dir: cache_dir(),
        ..HostOptions::default()
    };
    match Host::new(options) {
        Ok(host) => Ok(host),
        // An unusable cache directory should not stop validation: run without it.
        Err(_) => Host::new(HostOptions::default()).map_err(|e| CliError(e.to_string())),
    }
}

pub fn run(args: Args) -> CmdResult {
    match args.command {
        Command::Info { wasm, format } => info(&wasm, format),
    }
}

#[derive(serde::Serialize)]
struct InfoJson<'a> {
    manifest: &'a digifarm_plugin_host::Manifest,
    manifest_path: String,
    sha256: &'a str,
    hash_matches: bool,
    world: Option<Kind>,
    host_api_version: &'static str,
    imports: &'a [String],
}

fn info(wasm: &Path, format: Format) -> CmdResult {
    let info = host()?.inspect(wasm).map_err(|e| CliError(e.to_string()))?;
    let ok = info.hash_matches && info.world == Some(info.manifest.kind);
    match format {
        Format::Json => output::json(&InfoJson {
            manifest: &info.manifest,
            manifest_path: info.manifest_path.display().to_string(),
            sha256: &info.sha256,
            hash_matches: info.hash_matches,
            world: info.world,
            host_api_version: digifarm_plugin_host::API_VERSION,
            imports: &info.imports,
        })?,
        Format::Human => {
            let m = &info.manifest;
            let mut out = String::new();
            out.push_str(&format!("{} {} ({})\n", m.id, m.version, m.name));
            if let Some(d) = &m.description {
                out.push_str(&format!("  {d}\n"));
            }
            out.push_str(&format!("manifest:     {}\n", info.manifest_path.display()));
            out.push_str(&format!("kind:         {}\n", m.kind));
            out.push_str(&format!(
                "world:        {}\n",
                match info.world {
                    Some(w) => format!(
                        "digifarm:plugin/{w}@{}{}",
                        digifarm_plugin_host::API_VERSION,
                        if w == m.kind {
                            ""
                        } else {
                            "  (DOES NOT MATCH the manifest's kind)"
                        }
                    ),
                    None => "none: the component exports no digifarm plugin function".to_owned(),
                }
            ));
            out.push_str(&format!(
                "api version:  {} (host implements {})\n",
                m.api_version,
                digifarm_plugin_host::API_VERSION
            ));
            out.push_str(&format!("license:      {}\n", m.license));
            out.push_str(&format!(
                "sha256:       {}  ({})\n",
                info.sha256,
                if info.hash_matches {
                    "matches plugin.toml".to_owned()
                } else {
                    format!("DOES NOT MATCH plugin.toml: {}", m.sha256)
                }
            ));
            out.push_str(&format!(
                "capabilities: {}\n",
                if m.capabilities.is_empty() {
                    "none".to_owned()
                } else {
                    m.capabilities.join(", ")
                }
            ));
            let l = m.limits;
            let show = |v: Option<u32>, unit: &str| {
                v.map_or_else(|| "host default".to_owned(), |v| format!("{v} {unit}"))
            };
            out.push_str(&format!(
                "limits:       memory {}, timeout {}, output {}\n",
                show(l.memory_mb, "MiB"),
                show(l.timeout_ms, "ms"),
                show(l.output_kb, "KiB")
            ));
            out.push_str(&format!("imports:      {}\n", info.imports.join(", ")));
            output::stdout(&out)?;
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Runs the validator plugins `digifarm.toml` lists, and the ad-hoc ones given with
/// `--plugin`, over `catalog`; a plugin that cannot be loaded or fails becomes a
/// `plugin-failed` diagnostic. Returns `report` extended with their findings.
pub fn run_validators(
    catalog: &Catalog,
    path: &Path,
    extra: &[PathBuf],
    report: Report,
) -> Result<Report, CliError> {
    let configured = &catalog.config.plugins;
    if configured.is_empty() && extra.is_empty() {
        return Ok(report);
    }
    let root = catalog.root.clone().unwrap_or_else(|| {
        path.parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    });
    let config_file = root.join("digifarm.toml").display().to_string();
    let host = host()?;
    let policy = Policy::from_config(&catalog.config.license);
    let mut runs: Vec<(PathBuf, PluginGrants, String)> = configured
        .iter()
        .map(|p| (root.join(&p.path), p.grants.clone(), config_file.clone()))
        .collect();
    runs.extend(
        extra
            .iter()
            .map(|w| (w.clone(), PluginGrants::default(), w.display().to_string())),
    );
    let mut diagnostics = report.diagnostics;
    for (wasm, grants, origin) in runs {
        let result = host.load(&wasm, &grants, &policy).and_then(|plugin| {
            if plugin.kind() == Kind::Validator {
                plugin.validate_catalog(catalog)
            } else {
                // Scorers, exporters and importers run in match, export and import.
                Ok(Vec::new())
            }
        });
        match result {
            Ok(found) => diagnostics.extend(found),
            Err(e) => diagnostics.push(
                Diagnostic::new(Code::PluginFailed, origin, "", e.to_string()).with_help(
                    "`digifarm plugin info <FILE.wasm>` shows the plugin's manifest, hash and world",
                ),
            ),
        }
    }
    Ok(Report::new(catalog, diagnostics))
}

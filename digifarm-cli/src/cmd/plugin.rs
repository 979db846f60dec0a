//! `digifarm plugin info <FILE.wasm>`; running validator plugins for `digifarm validate` and
//! scorer plugins for `digifarm match`; finding the plugin `export --plugin` and
//! `import plugin --plugin` name.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use digifarm_core::catalog::Catalog;
use digifarm_core::license::Policy;
use digifarm_core::matching::{
    AssignOptions, Assignment, MatchErrorKind, Matcher, NeedId, TermValue,
};
use digifarm_core::model::{CityConfig, Partner, PluginGrants};
use digifarm_core::validate::Report;
use digifarm_core::{Code, Diagnostic};
use digifarm_plugin_host::{Candidate, Host, HostOptions, Kind, Manifest};

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
    unknown_capabilities: &'a [&'a str],
}

fn info(wasm: &Path, format: Format) -> CmdResult {
    let info = host()?.inspect(wasm).map_err(|e| CliError(e.to_string()))?;
    // `validate` refuses a plugin that asks for a capability the host does not know.
    let unknown: Vec<&str> = info
        .manifest
        .capabilities
        .iter()
        .map(String::as_str)
        .filter(|c| digifarm_plugin_host::Capability::parse(c).is_none())
        .collect();
    let ok = info.hash_matches && info.world == Some(info.manifest.kind) && unknown.is_empty();
    match format {
        Format::Json => output::json(&InfoJson {
            manifest: &info.manifest,
            manifest_path: info.manifest_path.display().to_string(),
            sha256: &info.sha256,
            hash_matches: info.hash_matches,
            world: info.world,
            host_api_version: digifarm_plugin_host::API_VERSION,
            imports: &info.imports,
            unknown_capabilities: &unknown,
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
            out.push_str(&format!(
                "input:        encoding version {}{}\n",
                m.encoding,
                match m.encoding {
                    2 => " (character offsets and an index of field positions)",
                    3 => " (version 2 with text in ASCII, for JavaScript)",
                    _ => "",
                }
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
                "capabilities: {}{}\n",
                if m.capabilities.is_empty() {
                    "none".to_owned()
                } else {
                    m.capabilities.join(", ")
                },
                if unknown.is_empty() {
                    String::new()
                } else {
                    format!(
                        "  (UNKNOWN: {}; grantable are clocks, random, environment, and the plugin is refused)",
                        unknown.join(", ")
                    )
                }
            ));
            let l = m.limits;
            let show = |v: Option<u32>, unit: &str| {
                v.map_or_else(|| "host default".to_owned(), |v| format!("{v} {unit}"))
            };
            out.push_str(&format!(
                "limits:       memory {}, timeout {}, output {}, run {}, findings {}\n",
                show(l.memory_mb, "MiB"),
                show(l.timeout_ms, "ms"),
                show(l.output_kb, "KiB"),
                show(l.run_timeout_ms, "ms"),
                show(l.max_findings, "per run")
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
    let mut diagnostics = Vec::new();
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
            Err(e) => diagnostics.push(plugin_failed(&origin, String::new(), e.to_string())),
        }
    }
    Ok(report.extended(catalog, diagnostics))
}

const INFO_HELP: &str =
    "`digifarm plugin info <FILE.wasm>` shows the plugin's manifest, hash and world";

fn plugin_failed(origin: &str, pointer: String, message: String) -> Diagnostic {
    Diagnostic::new(Code::PluginFailed, origin, pointer, message).with_help(INFO_HELP)
}

/// A plugin named on the command line (`--plugin`), found.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The `.wasm` file.
    pub wasm: PathBuf,
    /// What it is granted: the configured grants, none for an ad-hoc file.
    pub grants: PluginGrants,
}

/// Whether a `--plugin` value names a file (it ends in `.wasm` or has a directory part)
/// rather than the id of a configured plugin.
pub fn is_path(spec: &str) -> bool {
    spec.ends_with(".wasm") || spec.contains('/') || spec.contains(std::path::MAIN_SEPARATOR)
}

/// Finds the plugin `spec` names: a `.wasm` file (run ad hoc, with no grants), or the `id` (in
/// its plugin.toml) of a plugin `config` lists, paths relative to `root` (with its grants).
///
/// # Errors
/// No configured plugin has that id (the message lists the ids there are).
pub fn resolve(
    spec: &str,
    root: &Path,
    config: &CityConfig,
    config_file: &str,
) -> Result<Resolved, CliError> {
    if is_path(spec) {
        return Ok(Resolved {
            wasm: PathBuf::from(spec),
            grants: PluginGrants::default(),
        });
    }
    let mut ids = Vec::new();
    for entry in &config.plugins {
        let wasm = root.join(&entry.path);
        let Ok(manifest) = Manifest::read_for(&wasm, spec) else {
            continue;
        };
        if manifest.id == spec {
            return Ok(Resolved {
                wasm,
                grants: entry.grants.clone(),
            });
        }
        ids.push(manifest.id);
    }
    let listed = if ids.is_empty() {
        "it lists no plugin with a readable plugin.toml".to_owned()
    } else {
        format!("it lists {}", ids.join(", "))
    };
    Err(CliError(format!(
        "no plugin with id `{spec}` in {config_file} ({listed}); give a plugin id from there or a FILE.wasm"
    )))
}

/// A scorer plugin's term in the matching score.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScorerRun {
    /// The plugin's id.
    pub id: String,
    /// The term's name: `plugin:<id>`.
    pub term: String,
    /// Its weight.
    pub weight: f64,
    /// Where it was named: digifarm.toml or the `.wasm` given with `--plugin`.
    pub origin: String,
    /// How many candidate pairs it scored.
    pub scored: usize,
    /// How many admissible pairs there are (more than `scored` when only the pairs that
    /// could change the shown rankings or the assignment were sent).
    pub admissible: usize,
}

/// One scorer to run, before it ran.
struct ScorerJob {
    wasm: PathBuf,
    grants: PluginGrants,
    weight: f64,
    origin: String,
    pointer: String,
}

/// Why one explanation line: the plugin's own terms, explained.
fn detail(score: &digifarm_plugin_host::Score) -> String {
    let parts: Vec<String> = score
        .terms
        .iter()
        .filter(|t| !t.explanation.trim().is_empty())
        .map(|t| t.explanation.trim().to_owned())
        .collect();
    if parts.is_empty() {
        format!("score {:.2}", score.value)
    } else {
        parts.join("; ")
    }
}

/// Runs the scorer plugins `digifarm.toml` lists (other kinds are skipped) and the ad-hoc
/// ones given with `--plugin` (no grants, weight `extra_weight`) over the matcher's admissible
/// pairs, and adds each one's scores to the matcher as a term `plugin:<id>`.
///
/// With `top_k`, the plugins get only the pairs that can still reach those needs' top `k`
/// ([`Matcher::pairs_for_top_k`]). With `assign` too, rounds follow: the optimal assignment
/// is computed with what is scored, the pairs no plugin scored yet that could still change
/// it ([`Matcher::assign_with_unscored`]) are sent, and so on until none is left; that
/// assignment, equal in total to the one scoring every pair gives, is returned.
///
/// # Errors
/// One `plugin-failed` diagnostic per plugin that could not be loaded, is not a scorer (when
/// given with `--plugin`), failed, or whose weight or output the matcher refuses. Terms of
/// the plugins that ran are kept in the matcher, but the caller must not report a result.
pub fn run_scorers(
    matcher: &mut Matcher<'_>,
    root: &Path,
    config_file: &str,
    extra: &[PathBuf],
    extra_weight: f64,
    top_k: Option<(usize, &[NeedId])>,
    assign: bool,
) -> Result<(Vec<ScorerRun>, Option<Assignment>), Vec<Diagnostic>> {
    let input = *matcher.input();
    let config: &CityConfig = input.config;
    let mut failed = Vec::new();
    let mut jobs = Vec::new();
    for (i, entry) in config.plugins.iter().enumerate() {
        let wasm = root.join(&entry.path);
        let label = wasm
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("plugin")
            .to_owned();
        // The kind is read from the manifest; the host checks it against the component.
        match Manifest::read_for(&wasm, &label) {
            Ok(m) if m.kind != Kind::Scorer => continue,
            Ok(_) => jobs.push(ScorerJob {
                wasm,
                grants: entry.grants.clone(),
                weight: entry.weight,
                origin: config_file.to_owned(),
                pointer: format!("/plugins/{i}"),
            }),
            // Whether it is a scorer is unknown, and matching without it could be wrong.
            Err(e) => failed.push(plugin_failed(
                config_file,
                format!("/plugins/{i}/path"),
                e.to_string(),
            )),
        }
    }
    jobs.extend(extra.iter().map(|w| ScorerJob {
        wasm: w.clone(),
        grants: PluginGrants::default(),
        weight: extra_weight,
        origin: w.display().to_string(),
        pointer: String::new(),
    }));
    if jobs.is_empty() {
        return if failed.is_empty() {
            Ok((Vec::new(), None))
        } else {
            Err(failed)
        };
    }
    let host = match host() {
        Ok(h) => h,
        Err(e) => {
            failed.push(plugin_failed(config_file, String::new(), e.0));
            return Err(failed);
        }
    };
    let policy = Policy::from_config(&config.license);
    let admissible = matcher.admissible_pairs();
    let pairs = match top_k {
        // Only the pairs that can still reach a shown ranking, whatever the plugins answer.
        Some((k, needs)) => {
            let weight = jobs.iter().map(|j| j.weight).fold(0.0, |a, w| a + w);
            matcher.pairs_for_top_k(k, weight, needs, None)
        }
        None => admissible.clone(),
    };
    let admissible = admissible.len();
    let mut loaded = Vec::new();
    for job in jobs {
        match host.load(&job.wasm, &job.grants, &policy) {
            Ok(plugin) => loaded.push((job, plugin)),
            Err(e) => failed.push(plugin_failed(&job.origin, job.pointer, e.to_string())),
        }
    }
    let mut runs: Vec<Option<ScorerRun>> = vec![None; loaded.len()];
    let partners: std::collections::HashMap<&str, &Partner> =
        input.partners.iter().map(|p| (p.id.as_str(), p)).collect();
    // First the pairs chosen above; with `assign`, then each round's pairs that could still
    // change the assignment, until none is left.
    let rounds = assign && top_k.is_some();
    let mut batch = pairs;
    let mut assignment = None;
    loop {
        // Admissible pairs have an active project, an existing offer and a known partner.
        let (pairs, candidates): (Vec<_>, Vec<Candidate<'_>>) = batch
            .iter()
            .filter_map(|&(need, offer)| {
                let project = input.projects.get(need.project)?;
                let o = input.offers.get(offer)?;
                let partner = partners.get(o.partner.as_str())?;
                Some((
                    (need, offer),
                    Candidate {
                        project,
                        need_index: need.need,
                        offer: o,
                        partner,
                    },
                ))
            })
            .unzip();
        for ((job, plugin), run) in loaded.iter().zip(&mut runs) {
            let scored = score_batch(matcher, job, plugin, (&pairs, &candidates), run, admissible);
            if let Err(e) = scored {
                failed.push(*e);
            }
        }
        if !(failed.is_empty() && rounds) {
            break;
        }
        let (a, more) = matcher.assign_with_unscored(AssignOptions::default());
        if more.is_empty() {
            assignment = Some(a);
            break;
        }
        // Each round scores every pair it sends, so a list can only come back unchanged if
        // its pairs could not be sent: stop rather than loop.
        if more == batch {
            failed.push(plugin_failed(
                config_file,
                String::new(),
                format!(
                    "{} pairs the assignment needs could not be scored",
                    more.len()
                ),
            ));
            break;
        }
        batch = more;
    }
    let runs = runs.into_iter().flatten().collect();
    if failed.is_empty() {
        Ok((runs, assignment))
    } else {
        Err(failed)
    }
}

/// Sends `pairs` (as `candidates`) to one loaded scorer and adds its values to the matcher:
/// as a new term `plugin:<id>` the first time (`run` is `None`), as more values of that term
/// after.
fn score_batch(
    matcher: &mut Matcher<'_>,
    job: &ScorerJob,
    plugin: &digifarm_plugin_host::Plugin,
    (pairs, candidates): (&[(NeedId, usize)], &[Candidate<'_>]),
    run: &mut Option<ScorerRun>,
    admissible: usize,
) -> Result<(), Box<Diagnostic>> {
    let config = matcher.input().config;
    let scores = plugin.score(config, candidates).map_err(|e| {
        Box::new(plugin_failed(
            &job.origin,
            job.pointer.clone(),
            e.to_string(),
        ))
    })?;
    let id = plugin.id().to_owned();
    let term = format!("plugin:{id}");
    let values = pairs
        .iter()
        .zip(&scores)
        .map(|(&(need, offer), s)| TermValue {
            need,
            offer,
            value: s.value,
            detail: detail(s),
        });
    let added = match run {
        None => matcher.add_term(term.clone(), job.weight, values),
        Some(_) => matcher.extend_term(&term, values),
    };
    if let Err(e) = added {
        let pointer = match e.kind {
            MatchErrorKind::TermWeight { .. } if !job.pointer.is_empty() => {
                format!("{}/weight", job.pointer)
            }
            _ => job.pointer.clone(),
        };
        return Err(Box::new(plugin_failed(
            &job.origin,
            pointer,
            format!("plugin `{id}`: {e}"),
        )));
    }
    match run {
        Some(r) => r.scored += scores.len(),
        None => {
            *run = Some(ScorerRun {
                id,
                term,
                weight: job.weight,
                origin: job.origin.clone(),
                scored: scores.len(),
                admissible,
            })
        }
    }
    Ok(())
}

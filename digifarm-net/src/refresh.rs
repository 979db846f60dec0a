//! `digifarm refresh`: read every project's forge and homepage, and store what was seen in
//! the catalog (`health/<id>.yaml`). Projects are read in parallel by a bounded number of
//! workers (each has one request in flight); one project's failure never stops the others,
//! and a project that failed keeps its stored data exactly as it was.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use digifarm_core::catalog::{Catalog, health_config, write};
use digifarm_core::health::{self, repo};
use digifarm_core::model::{ForgeKind, HomepageSignal, Observation, RecordKind};
use digifarm_core::{Code, Diagnostic, Severity};

use crate::fetch::{Cache, FetchError, Fetcher, Token};
use crate::forge;
use crate::http::{Client, HttpError, Limits, Method};

/// How to refresh.
#[derive(Debug, Clone)]
pub struct Options {
    /// The day of the observation.
    pub today: NaiveDate,
    /// Allow private, loopback and link-local addresses.
    pub allow_private: bool,
    /// API base per forge host (`github.com` → `http://127.0.0.1:8080/`), over the config.
    /// Trusted (it comes from the command line, not from the catalog): the forge's token is
    /// sent there.
    pub api_bases: Vec<(String, String)>,
    /// Requests in flight (default: `[health] concurrency`).
    pub concurrency: Option<u32>,
    /// Per-request time limit (default: `[health] timeout_seconds`).
    pub timeout: Option<Duration>,
    /// Use the ETag cache (`[health] cache_dir`).
    pub use_cache: bool,
    /// Refresh only these projects (all when empty).
    pub only: Vec<String>,
}

/// What happened to one project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// New signals were stored.
    Updated,
    /// The same signals as before: only the date they were last seen moved.
    Confirmed,
    /// Nothing could be read; the stored data is unchanged.
    Failed,
    /// No source repository to read.
    Skipped,
}

/// The outcome for one project.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProjectReport {
    /// The project's id.
    pub project: String,
    /// Its index in the catalog.
    #[serde(skip)]
    pub index: usize,
    /// What happened.
    pub status: Status,
    /// What was observed (when something was).
    pub observation: Option<Observation>,
    /// Why it failed.
    pub diagnostics: Vec<Diagnostic>,
    /// A token that was set but not sent to this project's forge.
    #[serde(skip)]
    pub withheld: Option<WithheldToken>,
}

/// A forge token that is set in the environment but was not sent, because the catalog
/// points the forge's API somewhere the token must not go. Never holds the token itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WithheldToken {
    /// The forge's host (`github.com`).
    pub host: String,
    /// The environment variable holding the token.
    pub variable: String,
    /// Why it was not sent.
    pub reason: String,
}

impl std::fmt::Display for WithheldToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is set but was not sent to {}: {}; its projects were read without a token",
            self.variable, self.host, self.reason
        )
    }
}

/// The outcome of a refresh.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    /// One entry per project, in catalog order.
    pub projects: Vec<ProjectReport>,
    /// Requests sent.
    pub requests: u64,
    /// Full answers (2xx with a body from the network).
    pub full_responses: u64,
    /// 304 answers served from the cache.
    pub not_modified: u64,
    /// Rate-limit pauses.
    pub pauses: u64,
    /// Files written.
    pub written: Vec<PathBuf>,
    /// Findings about the run rather than one project: the `[health]` settings (a cache
    /// directory outside the catalog, an ignored `token_env`).
    pub diagnostics: Vec<Diagnostic>,
    /// Tokens set but not sent, once per forge.
    pub tokens_withheld: Vec<WithheldToken>,
}

impl Report {
    /// Whether any project failed, or the settings hold an error.
    pub fn failed(&self) -> bool {
        self.projects.iter().any(|p| p.status == Status::Failed)
            || self
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
    }
}

/// The token in the environment variable `env`, if it is set and not blank.
fn token_value(env: &str) -> Option<String> {
    let value = std::env::var(env).ok()?;
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

fn token_for(kind: ForgeKind, value: String) -> Token {
    match kind {
        ForgeKind::Github | ForgeKind::Bitbucket => Token {
            header: "Authorization",
            value: format!("Bearer {value}"),
        },
        ForgeKind::Gitlab => Token {
            header: "PRIVATE-TOKEN",
            value,
        },
        ForgeKind::Gitea => Token {
            header: "Authorization",
            value: format!("token {value}"),
        },
    }
}

fn fetch_diagnostic(e: &FetchError) -> (Code, String) {
    match e {
        FetchError::Http(HttpError::Refused { .. }) => (Code::FetchRefused, e.to_string()),
        FetchError::Http(_) | FetchError::Status { .. } => (Code::FetchFailed, e.to_string()),
        FetchError::Invalid { .. } => (Code::ForgeResponseInvalid, e.to_string()),
        FetchError::RateLimited { .. } => (Code::ForgeRateLimited, e.to_string()),
    }
}

/// Checks a homepage: HEAD, then GET (body not read) when HEAD is refused or fails.
fn homepage(fetcher: &Fetcher, url: &str) -> HomepageSignal {
    let head = fetcher.send(Method::Head, url, &[], false);
    let result = match head {
        Ok(r) if r.status < 400 => Ok(r),
        _ => fetcher.send(Method::Get, url, &[], false),
    };
    match result {
        Ok(r) => HomepageSignal {
            url: url.to_owned(),
            status: Some(r.status),
            error: None,
        },
        Err(e) => HomepageSignal {
            url: url.to_owned(),
            status: None,
            error: Some(match e {
                HttpError::Timeout { millis, .. } => format!("no answer within {millis} ms"),
                HttpError::UnknownHost { .. } => "unknown host".to_owned(),
                HttpError::Redirects { what, .. } => what,
                HttpError::Refused { address, kind, .. } => {
                    format!("refused: {address} is a {kind} address")
                }
                HttpError::Connection { message, .. } => message,
                other => other.to_string(),
            }),
        },
    }
}

/// Refreshes the projects of `catalog` (loaded from the directory `root`) and writes their
/// health files. `progress` is called once per project as it finishes, with the number done
/// and the total.
pub fn refresh(
    catalog: &Catalog,
    root: &Path,
    options: &Options,
    progress: &(dyn Fn(&ProjectReport, usize, usize) + Sync),
) -> Report {
    let config = &catalog.config.health;
    let limits = Limits {
        timeout: options
            .timeout
            .unwrap_or_else(|| Duration::from_secs(u64::from(config.timeout_seconds))),
        max_body: u64::from(config.max_body_mb) * 1024 * 1024,
        max_redirects: config.max_redirects,
        allow_private: options.allow_private,
        ..Limits::default()
    };
    // The settings are checked before anything is sent or written: a cache directory that
    // leads out of the catalog is not used (the run goes on without a cache).
    let cache_dir = health_config::cache_dir(catalog, root);
    let mut settings = health_config::token_env_findings(catalog);
    if let Err(d) = &cache_dir {
        settings.insert(0, (**d).clone());
    }
    let cache = match cache_dir {
        Ok(dir) if options.use_cache => Some(Cache::new(&dir)),
        _ => None,
    };
    let fetcher = Fetcher::new(
        Client::new(limits),
        cache,
        Duration::from_secs(u64::from(config.max_wait_seconds)),
    );
    let selected: Vec<usize> = (0..catalog.projects.len())
        .filter(|&i| options.only.is_empty() || options.only.contains(&catalog.projects[i].id))
        .collect();
    let total = selected.len();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<ProjectReport>> = Mutex::new(Vec::with_capacity(total));
    let workers = options
        .concurrency
        .unwrap_or(config.concurrency)
        .clamp(1, 64) as usize;
    std::thread::scope(|scope| {
        for _ in 0..workers.min(total.max(1)) {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = selected.get(k) else { break };
                    let report = refresh_one(catalog, i, options, &fetcher);
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    progress(&report, n, total);
                    if let Ok(mut r) = results.lock() {
                        r.push(report);
                    }
                }
            });
        }
    });
    let mut projects = results.into_inner().unwrap_or_default();
    projects.sort_by_key(|p| p.index);

    // Store what was observed; a failed project's file is not touched.
    let mut written = Vec::new();
    let by = catalog.health.by_project();
    for p in &mut projects {
        let Some(obs) = p.observation.clone() else {
            continue;
        };
        let previous = by.get(p.project.as_str()).map(|s| &s.record);
        let record = health::record(previous, &p.project, obs, config.history);
        let changed_signals = previous
            .and_then(|r| r.latest())
            .is_none_or(|last| record.latest().is_none_or(|new| !last.same_signals(new)));
        p.status = if changed_signals {
            Status::Updated
        } else {
            Status::Confirmed
        };
        let relative =
            Path::new(health::DIR).join(format!("{}.yaml", p.project.replace('/', "--")));
        let shown = root.join(&relative);
        // Only inside the catalog: `health/` (or a directory on the way) linked out of it is
        // refused, and nothing is written for the project.
        let path = match write::contained_path(root, &relative) {
            Ok(path) => path,
            Err(e) => {
                p.status = Status::Failed;
                p.diagnostics.push(
                    Diagnostic::new(
                        Code::OutsideCatalog,
                        shown.to_string_lossy(),
                        "",
                        format!("`{}`: {e}; its health data was not written", p.project),
                    )
                    .with_help(
                        "health files are written only inside the catalog: make `health/` a plain directory",
                    ),
                );
                continue;
            }
        };
        let text = match digifarm_core::yaml_emit::to_string(&record) {
            Ok(t) => t,
            Err(e) => {
                p.status = Status::Failed;
                p.diagnostics.push(Diagnostic::new(
                    Code::Io,
                    path.to_string_lossy(),
                    "",
                    format!("cannot write the health data: {e}"),
                ));
                continue;
            }
        };
        if std::fs::read(&path).ok().as_deref() == Some(text.as_bytes()) {
            continue;
        }
        // `path` was checked to stay inside just above.
        match write::write_atomic(&path, text.as_bytes(), true) {
            Ok(()) => written.push(path),
            Err(e) => {
                p.status = Status::Failed;
                p.diagnostics.push(Diagnostic::new(
                    Code::Io,
                    path.to_string_lossy(),
                    "",
                    e.to_string(),
                ));
            }
        }
    }
    let mut all: Vec<Diagnostic> = projects
        .iter()
        .flat_map(|p| p.diagnostics.clone())
        .chain(settings)
        .collect();
    catalog.resolve_positions(&mut all);
    let mut it = all.into_iter();
    for p in &mut projects {
        for d in &mut p.diagnostics {
            if let Some(resolved) = it.next() {
                *d = resolved;
            }
        }
    }
    let diagnostics: Vec<Diagnostic> = it.collect();
    // Once per forge: every project on it had its token withheld for the same reason.
    let mut tokens_withheld: Vec<WithheldToken> = Vec::new();
    for w in projects.iter().filter_map(|p| p.withheld.as_ref()) {
        if !tokens_withheld.iter().any(|t| t.host == w.host) {
            tokens_withheld.push(w.clone());
        }
    }
    Report {
        projects,
        requests: fetcher.stats.requests.load(Ordering::Relaxed),
        full_responses: fetcher.stats.full.load(Ordering::Relaxed),
        not_modified: fetcher.stats.not_modified.load(Ordering::Relaxed),
        pauses: fetcher.stats.pauses.load(Ordering::Relaxed),
        written,
        diagnostics,
        tokens_withheld,
    }
}

fn refresh_one(
    catalog: &Catalog,
    index: usize,
    options: &Options,
    fetcher: &Fetcher,
) -> ProjectReport {
    let project = &catalog.projects[index];
    let config = &catalog.config.health;
    let (file, prefix, line) = catalog.locate_record(RecordKind::Project, index);
    let mut report = ProjectReport {
        project: project.id.clone(),
        index,
        status: Status::Failed,
        observation: None,
        diagnostics: Vec::new(),
        withheld: None,
    };
    let fail = |report: &mut ProjectReport, code: Code, message: String, help: Option<String>| {
        let mut d = Diagnostic::new(
            code,
            file.clone(),
            format!("{prefix}/links/source"),
            message,
        )
        .with_severity(Severity::Error);
        d.help = help;
        d.line = line;
        report.diagnostics.push(d);
    };
    let Some(source) = project.links.source.as_deref() else {
        report.status = Status::Skipped;
        return report;
    };
    let mut repo = match repo::parse(source, config) {
        Ok(r) => r,
        Err(e) => {
            let (code, help) = match &e {
                repo::RepoUrlError::UnknownForge { host } => (
                    Code::ForgeUnknown,
                    Some(format!(
                        "add `[[health.forges]]` with `host = \"{host}\"` and its `kind` to digifarm.toml"
                    )),
                ),
                repo::RepoUrlError::NotARepository { repository, .. } => (
                    Code::SourceNotRepository,
                    Some(match repository {
                        Some(r) => format!("link the repository itself: `{r}`"),
                        None => {
                            "link the project's repository (`https://HOST/OWNER/NAME`)".to_owned()
                        }
                    }),
                ),
                _ => (Code::SourceNotRepository, None),
            };
            fail(&mut report, code, e.to_string(), help);
            return report;
        }
    };
    let host_plain = repo.host.split(':').next().unwrap_or("").to_owned();
    let from_command_line = options
        .api_bases
        .iter()
        .find(|(h, _)| h.eq_ignore_ascii_case(&repo.host) || h.eq_ignore_ascii_case(&host_plain));
    // The catalog may say where a forge's API is, but not where its token goes: an API base
    // from the catalog gets the token only where `token_refusal` allows; one from the
    // command line is the operator's own choice, and its origin is where the token may go.
    if let Some((_, base)) = from_command_line {
        repo.api_base = base.trim_end_matches('/').to_owned();
        repo.token_scope = repo::TokenScope::Origin(repo.api_base.clone());
    }
    let token = token_value(&repo.token_env).and_then(|value| {
        match repo.token_refusal(options.allow_private) {
            None => Some(token_for(repo.forge, value)),
            Some(reason) => {
                report.withheld = Some(WithheldToken {
                    host: repo.host.clone(),
                    variable: repo.token_env.clone(),
                    reason,
                });
                None
            }
        }
    });
    let ctx = forge::Ctx {
        fetcher,
        repo: &repo,
        token,
        today: options.today,
        window_days: config.window_days,
        reaction_window_days: config.reaction_window_days,
        max_pages: config.max_pages,
    };
    let signals = match forge::read(&ctx) {
        Ok(s) => s,
        Err(e) => {
            let (code, message) = fetch_diagnostic(&e);
            let help = match code {
                Code::FetchRefused => {
                    Some("pass --allow-private to reach a forge on a private network".to_owned())
                }
                Code::ForgeRateLimited => Some(format!(
                    "set {} to a token, or run again after the reset",
                    repo.token_env
                )),
                _ => None,
            };
            fail(
                &mut report,
                code,
                format!(
                    "`{}`: {message}; its stored health data is unchanged",
                    project.id
                ),
                help,
            );
            return report;
        }
    };
    let homepage = project
        .links
        .homepage
        .as_deref()
        .map(|url| homepage(fetcher, url));
    report.status = Status::Updated;
    report.observation = Some(Observation {
        first_seen: options.today,
        last_seen: options.today,
        source: source.to_owned(),
        forge: repo.forge,
        api: forge::document_url(&ctx),
        repository: signals,
        homepage,
    });
    report
}

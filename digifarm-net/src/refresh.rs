//! `digifarm refresh`: read every project's forge and homepage, and store what was seen in
//! the catalog (`health/<id>.yaml`). Projects are read in parallel by a bounded number of
//! workers (each has one request in flight); one project's failure never stops the others,
//! and a project that failed keeps its stored data exactly as it was.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use digifarm_core::catalog::Catalog;
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
}

impl Report {
    /// Whether any project failed.
    pub fn failed(&self) -> bool {
        self.projects.iter().any(|p| p.status == Status::Failed)
    }
}

fn token_for(kind: ForgeKind, env: Option<&str>) -> Option<Token> {
    let value = std::env::var(env?).ok().filter(|v| !v.trim().is_empty())?;
    let value = value.trim().to_owned();
    Some(match kind {
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
    })
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
    let cache = options
        .use_cache
        .then(|| Cache::new(&root.join(&config.cache_dir)));
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
        let path = root
            .join(health::DIR)
            .join(format!("{}.yaml", p.project.replace('/', "--")));
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
        match digifarm_core::catalog::write::write_atomic(&path, text.as_bytes(), true) {
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
    Report {
        projects,
        requests: fetcher.stats.requests.load(Ordering::Relaxed),
        full_responses: fetcher.stats.full.load(Ordering::Relaxed),
        not_modified: fetcher.stats.not_modified.load(Ordering::Relaxed),
        pauses: fetcher.stats.pauses.load(Ordering::Relaxed),
        written,
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
    if let Some((_, base)) = options
        .api_bases
        .iter()
        .find(|(h, _)| h.eq_ignore_ascii_case(&repo.host) || h.eq_ignore_ascii_case(&host_plain))
    {
        repo.api_base = base.trim_end_matches('/').to_owned();
    }
    let ctx = forge::Ctx {
        fetcher,
        repo: &repo,
        token: token_for(repo.forge, repo.token_env.as_deref()),
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
                        .as_deref()
                        .unwrap_or("the forge's token variable")
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

//! Project health: explained verdicts from the signals `digifarm refresh` stores in the
//! catalog (`health/<id>.yaml`, see [`crate::model::HealthRecord`]). No I/O here: reading
//! the files is the catalog module's job, talking to forges is `digifarm-net`'s.
//!
//! - [`repo`]: a source URL → the repository on its forge (or why it is none).
//! - [`Verdict`]: level, score and one sentence per check; [`Verdict::sentence`] is the
//!   plain-language line for the portal.
//! - [`findings`]: the verdicts as diagnostics for `digifarm validate` and `digifarm stale`.
//! - [`record`]: adds a new observation to a project's stored history.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic};
use crate::license;
use crate::model::{HealthRecord, Observation, Project, RecordKind};

pub mod repo;
mod verdict;

pub use verdict::{Check, Level, Outcome, Verdict};

/// The health directory inside a catalog.
pub const DIR: &str = "health";

/// One stored health file.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredHealth {
    /// The file, as shown in diagnostics.
    pub file: String,
    /// What it holds.
    pub record: HealthRecord,
}

/// The health files of a catalog, by project id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HealthStore {
    /// The files, in load order.
    pub files: Vec<StoredHealth>,
}

impl HealthStore {
    /// The stored record of `project`, if any.
    pub fn get(&self, project: &str) -> Option<&StoredHealth> {
        self.files.iter().find(|s| s.record.project == project)
    }

    /// The records by project id (the first file wins when two name the same project).
    pub fn by_project(&self) -> HashMap<&str, &StoredHealth> {
        let mut map = HashMap::with_capacity(self.files.len());
        for s in &self.files {
            map.entry(s.record.project.as_str()).or_insert(s);
        }
        map
    }
}

/// The newest observation of `project` that is about its current source URL.
pub fn latest_for<'a>(
    project: &Project,
    stored: Option<&'a StoredHealth>,
) -> Option<&'a Observation> {
    let obs = stored?.record.latest()?;
    (Some(obs.source.as_str()) == project.links.source.as_deref()).then_some(obs)
}

/// The verdict of every project of `catalog`, in project order.
pub fn verdicts(catalog: &Catalog, today: NaiveDate) -> Vec<Verdict> {
    let by = catalog.health.by_project();
    catalog
        .projects
        .iter()
        .map(|p| {
            let latest = latest_for(p, by.get(p.id.as_str()).copied());
            Verdict::evaluate(p, latest, &catalog.config.health, today)
        })
        .collect()
}

/// The verdict of every project as of the day its data was last confirmed (deterministic:
/// exports and the portal say "as of" that day rather than counting to the wall clock).
pub fn verdicts_as_observed(catalog: &Catalog) -> Vec<Verdict> {
    let by = catalog.health.by_project();
    catalog
        .projects
        .iter()
        .map(|p| {
            let latest = latest_for(p, by.get(p.id.as_str()).copied());
            let day = latest.map_or(NaiveDate::MIN, |o| o.last_seen);
            Verdict::evaluate(p, latest, &catalog.config.health, day)
        })
        .collect()
}

/// The portal's plain-language health line of `project`, in `lang`, when health data is
/// stored for it (`stored`, its entry of [`HealthStore::by_project`]; see
/// [`Verdict::sentence`]).
pub fn portal_line(
    catalog: &Catalog,
    project: &Project,
    stored: Option<&StoredHealth>,
    lang: crate::i18n::Lang,
) -> Option<String> {
    let latest = latest_for(project, stored)?;
    let v = Verdict::evaluate(
        project,
        Some(latest),
        &catalog.config.health,
        latest.last_seen,
    );
    Some(v.sentence(lang))
}

/// The health level of every project (None without data), for matching's urgency.
pub fn levels(catalog: &Catalog, today: NaiveDate) -> Vec<Option<Level>> {
    verdicts(catalog, today)
        .into_iter()
        .map(|v| (v.level != Level::Unknown).then_some(v.level))
        .collect()
}

/// Whether the licence a forge detects fits the declared SPDX expression: `Some(true)` when
/// one of the forge's readings names a licence of the expression (GNU `-only`/`-or-later`
/// compared as one family, since forges do not tell them apart), `Some(false)` when none
/// does, `None` when either side says nothing (`NOASSERTION`, `other`, a declared expression
/// that does not parse).
///
/// ```
/// use digifarm_core::health::license_matches;
/// assert_eq!(license_matches("GPL-3.0-only", "GPL-3.0"), Some(true));
/// assert_eq!(license_matches("MIT OR Apache-2.0", "apache-2.0"), Some(true));
/// assert_eq!(license_matches("MIT", "GPL-3.0"), Some(false));
/// assert_eq!(license_matches("MIT", "NOASSERTION"), None);
/// ```
pub fn license_matches(declared: &str, forge: &str) -> Option<bool> {
    let forge = forge.trim();
    if forge.is_empty()
        || ["noassertion", "other", "none"].contains(&forge.to_ascii_lowercase().as_str())
    {
        return None;
    }
    let parsed = license::parse(declared).ok()?;
    let family = |id: &str| -> String {
        let l = id.to_ascii_lowercase();
        let l = l.trim_end_matches('+');
        l.strip_suffix("-only")
            .or_else(|| l.strip_suffix("-or-later"))
            .unwrap_or(l)
            .to_owned()
    };
    let declared: Vec<String> = parsed
        .terms()
        .iter()
        .filter_map(|t| match &t.licence {
            license::parse::Licence::Spdx(l) => Some(family(l.name)),
            license::parse::Licence::Ref(_) => None,
        })
        .collect();
    if declared.is_empty() {
        return None;
    }
    let mut readings: Vec<String> = license::normalize(forge)
        .candidates
        .iter()
        .flat_map(|c| {
            c.expression
                .split(|ch: char| ch.is_whitespace() || ch == '(' || ch == ')')
                .filter(|t| !t.is_empty() && !["AND", "OR", "WITH"].contains(t))
                .map(family)
                .collect::<Vec<_>>()
        })
        .collect();
    if readings.is_empty() {
        readings.push(family(forge));
    }
    Some(readings.iter().any(|r| declared.contains(r)))
}

/// Adds `observation` to the stored `previous` record of `project` (or starts one): when the
/// signals equal the newest observation's, only its `last_seen` moves; otherwise the
/// observation is appended and the oldest ones beyond `history` are dropped. Returns the new
/// record.
pub fn record(
    previous: Option<&HealthRecord>,
    project: &str,
    observation: Observation,
    history: u32,
) -> HealthRecord {
    let mut rec = previous.cloned().unwrap_or_else(|| HealthRecord {
        project: project.to_owned(),
        note: None,
        observations: Vec::new(),
    });
    rec.project = project.to_owned();
    match rec.observations.last_mut() {
        Some(last)
            if last.same_signals(&observation) && observation.last_seen >= last.last_seen =>
        {
            last.last_seen = observation.last_seen;
            last.api = observation.api;
        }
        _ => rec.observations.push(observation),
    }
    let keep = history.max(1) as usize;
    if rec.observations.len() > keep {
        let drop = rec.observations.len() - keep;
        rec.observations.drain(..drop);
    }
    rec
}

/// The diagnostic code of a verdict check that `validate` and `stale` report, if any.
fn check_code(check: &Check) -> Option<(Code, &'static str)> {
    if !matches!(check.outcome, Outcome::Fail) {
        return None;
    }
    Some(match check.code {
        "repository-archived" => (Code::RepositoryArchived, "/links/source"),
        "repository-gone" => (Code::RepositoryGone, "/links/source"),
        "repository-moved" => (Code::RepositoryMoved, "/links/source"),
        "maintenance-slow" => (Code::MaintenanceSlow, "/links/source"),
        "maintenance-stale" => (Code::MaintenanceStale, "/links/source"),
        "homepage-unreachable" => (Code::HomepageUnreachable, "/links/homepage"),
        _ => return None,
    })
}

/// The health findings of a catalog, with the index of the project each is about
/// (`usize::MAX` for a health file that names no project); positions not yet resolved.
///
/// - `source-not-repository`: a source URL on a known forge that names no repository;
/// - from the stored signals: `repository-archived`, `repository-gone`, `repository-moved`,
///   `maintenance-slow`, `maintenance-stale`, `homepage-unreachable`,
///   `forge-license-mismatch`;
/// - `health-outdated`: the newest observation is older than `[health] max_age_days` or
///   was made for another source URL; `health-orphan`: a health file without its project.
pub fn findings(catalog: &Catalog, today: NaiveDate) -> Vec<(usize, Diagnostic)> {
    let mut out = project_findings(catalog, today);
    let ids: std::collections::HashSet<&str> =
        catalog.projects.iter().map(|p| p.id.as_str()).collect();
    out.extend(
        orphans(catalog, &|id| ids.contains(id))
            .into_iter()
            .map(|d| (usize::MAX, d)),
    );
    out
}

/// The findings of [`findings`] about the projects `catalog` holds (all of them, or one batch
/// of a streamed validation), with each project's index.
pub(crate) fn project_findings(catalog: &Catalog, today: NaiveDate) -> Vec<(usize, Diagnostic)> {
    use rayon::prelude::*;
    let by = catalog.health.by_project();
    // Each project on its own (parsing its source URL is most of the cost), in the pool; the
    // findings come back in the projects' order.
    catalog
        .projects
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, p)| one_project_findings(catalog, &by, today, i, p))
        .collect()
}

/// The findings of [`project_findings`] about project `i`, `p`.
fn one_project_findings(
    catalog: &Catalog,
    by: &HashMap<&str, &StoredHealth>,
    today: NaiveDate,
    i: usize,
    p: &Project,
) -> Vec<(usize, Diagnostic)> {
    let mut out = Vec::new();
    let config = &catalog.config.health;
    let (file, prefix, line) = catalog.locate_record(RecordKind::Project, i);
    let diag = |code: Code, pointer: &str, message: String| {
        let mut d = Diagnostic::new(code, file.clone(), format!("{prefix}{pointer}"), message);
        d.line = line;
        d
    };
    if let Some(source) = &p.links.source
        && let Err(repo::RepoUrlError::NotARepository {
            what, repository, ..
        }) = repo::parse(source, config)
    {
        let mut d = diag(
            Code::SourceNotRepository,
            "/links/source",
            format!("`{source}` is {what}, not a repository"),
        );
        d.help = Some(match repository {
            Some(r) => format!("link the repository itself: `{r}`"),
            None => "link the project's repository (`https://HOST/OWNER/NAME`)".to_owned(),
        });
        out.push((i, d));
    }
    let Some(&stored_file) = by.get(p.id.as_str()) else {
        return out;
    };
    let Some(last) = stored_file.record.latest() else {
        return out;
    };
    // `health-outdated`, at a field of the newest observation.
    let outdated = |field: &str, message: String, help: &str| {
        let n = stored_file.record.observations.len() - 1;
        let pointer = format!("/observations/{n}/{field}");
        (
            i,
            Diagnostic::new(
                Code::HealthOutdated,
                stored_file.file.clone(),
                pointer,
                message,
            )
            .with_help(help),
        )
    };
    if Some(last.source.as_str()) != p.links.source.as_deref() {
        out.push(outdated(
            "source",
            format!(
                "the health data of `{}` was recorded for `{}`, not for its source URL{}",
                p.id,
                last.source,
                p.links
                    .source
                    .as_deref()
                    .map(|s| format!(" `{s}`"))
                    .unwrap_or_default()
            ),
            "run `digifarm refresh` to record the current source",
        ));
        return out;
    }
    let age = (today - last.last_seen).num_days();
    if age > i64::from(config.max_age_days) {
        out.push(outdated(
            "last_seen",
            format!(
                "the health data of `{}` was last confirmed on {} ({age} days ago; the threshold is {})",
                p.id, last.last_seen, config.max_age_days
            ),
            "run `digifarm refresh` (nightly in CI: see \"Keeping the list fresh\")",
        ));
    }
    let verdict = Verdict::evaluate(p, Some(last), config, today);
    for check in &verdict.checks {
        if let Some((code, pointer)) = check_code(check) {
            let mut d = diag(code, pointer, check.message.clone());
            if code == Code::RepositoryMoved {
                d.help = last
                    .repository
                    .moved_to
                    .as_ref()
                    .map(|to| format!("set `links.source` to `{to}`"));
            }
            out.push((i, d));
        }
    }
    if let Some(forge_license) = &last.repository.license
        && license_matches(&p.license, forge_license) == Some(false)
    {
        out.push((
            i,
            diag(
                Code::ForgeLicenseMismatch,
                "/license",
                format!(
                    "the record declares `{}` but {} detects `{forge_license}` in the repository (on {})",
                    p.license, last.forge, last.last_seen
                ),
            )
            .with_help("check the repository's LICENSE file with the maintainers and correct one of them"),
        ));
    }
    out
}

/// `health-orphan`: the health files of projects that do not exist; `has_project` answers for
/// every project that passed its schema.
pub(crate) fn orphans(catalog: &Catalog, has_project: &dyn Fn(&str) -> bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in &catalog.health.files {
        if !has_project(&s.record.project)
            && !catalog.is_broken(RecordKind::Project, &s.record.project)
        {
            out.push(
                Diagnostic::new(
                    Code::HealthOrphan,
                    s.file.clone(),
                    "/project",
                    format!(
                        "no project with id `{}`: this health file belongs to none",
                        s.record.project
                    ),
                )
                .with_help("delete the file, or fix the id"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests;

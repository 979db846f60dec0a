//! What `digifarm refresh` observed about a project's repository and homepage, stored in the
//! catalog as `health/<id>.yaml` so that a city reviews every change as a pull request and
//! git keeps the history.
//!
//! A file holds the project's id and its observations, oldest first. An observation is a set
//! of raw signals with the first and last day they were seen: a nightly refresh that sees the
//! same signals again only moves `last_seen`, and a new observation is appended when a signal
//! changes (a commit, a release, an archived repository), up to `[health] history` entries.
//! Ages ("212 days ago") are never stored, only dates, so unchanged data stays unchanged.
//! Nothing personal is stored: authors are counted, not named.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The stored health data of one project: `health/<id>.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "digifarm project health")]
pub struct HealthRecord {
    /// The project's id (the file name is `<id>.yaml`).
    #[schemars(
        regex(pattern = r"^([a-z0-9]+(-[a-z0-9]+)*/)?[a-z0-9]+(-[a-z0-9]+)*$"),
        length(min = 1, max = 80)
    )]
    pub project: String,
    /// Where the data comes from when it was not read from a forge API by `digifarm refresh`
    /// (e.g. recorded by hand from a dated copy of the repository's public pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What was observed, oldest first.
    #[serde(default)]
    pub observations: Vec<Observation>,
}

impl HealthRecord {
    /// The newest observation, if any.
    pub fn latest(&self) -> Option<&Observation> {
        self.observations.last()
    }
}

/// One set of signals, seen unchanged from `first_seen` to `last_seen`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// The first day these signals were seen.
    #[serde(deserialize_with = "super::date::required")]
    pub first_seen: NaiveDate,
    /// The last day these signals were seen (the last refresh that confirmed them).
    #[serde(deserialize_with = "super::date::required")]
    pub last_seen: NaiveDate,
    /// The project's source repository URL as the record gave it.
    #[schemars(length(min = 1))]
    pub source: String,
    /// The forge kind: `github`, `gitlab`, `gitea` (Forgejo, Codeberg) or `bitbucket`.
    pub forge: ForgeKind,
    /// The API address the repository signals were read from (or the page they were
    /// recorded from).
    #[schemars(length(min = 1))]
    pub api: String,
    /// Signals about the repository.
    pub repository: RepoSignals,
    /// The homepage check, when the project has a homepage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<HomepageSignal>,
}

impl Observation {
    /// Whether `other` holds the same signals (dates of observation and addresses aside).
    pub fn same_signals(&self, other: &Observation) -> bool {
        self.source == other.source
            && self.forge == other.forge
            && self.repository == other.repository
            && self.homepage == other.homepage
    }
}

/// The kinds of forge digifarm reads.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ForgeKind {
    /// GitHub (REST API v3).
    Github,
    /// GitLab: gitlab.com or self-hosted, openCode among them (REST API v4).
    Gitlab,
    /// Forgejo or Gitea, Codeberg among them (API v1).
    Gitea,
    /// Bitbucket Cloud (API 2.0).
    Bitbucket,
}

impl ForgeKind {
    /// Every kind.
    pub const ALL: [ForgeKind; 4] = [
        ForgeKind::Github,
        ForgeKind::Gitlab,
        ForgeKind::Gitea,
        ForgeKind::Bitbucket,
    ];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ForgeKind::Github => "github",
            ForgeKind::Gitlab => "gitlab",
            ForgeKind::Gitea => "gitea",
            ForgeKind::Bitbucket => "bitbucket",
        }
    }
}

impl std::fmt::Display for ForgeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ForgeKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ForgeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                format!("unknown forge kind `{s}` (expected github, gitlab, gitea or bitbucket)")
            })
    }
}

/// The state of a repository as its forge reports it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RepoState {
    /// The repository exists and accepts changes.
    #[default]
    Active,
    /// Archived by its owners: read-only, final.
    Archived,
    /// Disabled by the forge (e.g. for a terms-of-service reason).
    Disabled,
    /// The forge answers 404 or 410: deleted, or no longer public.
    Gone,
}

impl RepoState {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            RepoState::Active => "active",
            RepoState::Archived => "archived",
            RepoState::Disabled => "disabled",
            RepoState::Gone => "gone",
        }
    }
}

/// Signals about a repository. A field the forge does not give (or does not give cheaply)
/// is absent, never guessed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RepoSignals {
    /// Active, archived, disabled or gone.
    #[serde(default)]
    pub state: RepoState,
    /// When the repository was archived, if the forge says (Forgejo/Gitea do).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::date::optional"
    )]
    pub archived_on: Option<NaiveDate>,
    /// The HTTP status of a gone repository (404 or 410).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The repository's address now, when it differs from the record's source URL (it was
    /// renamed or transferred).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<String>,
    /// The default branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_branch: Option<String>,
    /// The date of the default branch's newest commit.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::date::optional"
    )]
    pub last_commit: Option<NaiveDate>,
    /// The counting window of `commits` and `authors`, in days before the observation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub window_days: Option<u32>,
    /// Commits on the default branch in the window (a lower bound when `commits_capped`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commits: Option<u32>,
    /// Whether counting stopped at the page limit (`commits` is then "at least").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub commits_capped: bool,
    /// Distinct commit authors in the window (counted, never stored by name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authors: Option<u32>,
    /// The newest release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_release: Option<DatedName>,
    /// The newest tag (when the forge lists tags with dates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_tag: Option<DatedName>,
    /// Open issues (GitHub counts open pull requests in too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_issues: Option<u32>,
    /// Issues opened in the reaction window (see `[health] reaction_window_days`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recent_issues: Option<u32>,
    /// The median days to the first comment by someone other than the issue's author, over
    /// the issues opened in the reaction window; an unanswered issue counts with its age.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_reaction_days: Option<f64>,
    /// The licence as the forge detects it (an SPDX id, or the forge's own key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
}

/// A release or tag with its date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatedName {
    /// Its name (`v1.2.0`).
    pub name: String,
    /// When it was published (a release) or committed (a tag).
    #[serde(deserialize_with = "super::date::required")]
    pub date: NaiveDate,
}

/// What the homepage answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HomepageSignal {
    /// The address checked.
    #[schemars(length(min = 1))]
    pub url: String,
    /// The final HTTP status (after redirects within the limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Why there is no status (timeout, refused connection, unknown host, too many
    /// redirects, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl HomepageSignal {
    /// Whether the homepage answered with a success status (2xx).
    pub fn reachable(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

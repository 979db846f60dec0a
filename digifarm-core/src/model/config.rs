use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Lifecycle, LocalizedText};

/// A city's configuration: `digifarm.toml` at the catalog root.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "digifarm city config")]
pub struct CityConfig {
    /// The city running the catalog.
    #[serde(default)]
    pub city: CityInfo,
    /// Category taxonomy; when not empty, project categories must come from it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// Kinds of need beyond `content`, `technical` and `financial` (e.g. `legal`, `hosting`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub need_kinds: Vec<String>,
    /// Licence policy.
    #[serde(default)]
    pub license: LicenseConfig,
    /// Admission criteria that can be checked by machine.
    #[serde(default)]
    pub admission: AdmissionConfig,
    /// When listings count as stale.
    #[serde(default)]
    pub staleness: StalenessConfig,
    /// Matching weights.
    #[serde(default)]
    pub matching: MatchingConfig,
    /// The public portal: the programme's public contact, legal links, branding and which
    /// projects are published.
    #[serde(default)]
    pub portal: PortalConfig,
    /// Project health from the forges: thresholds of the verdicts, the refresh client's
    /// limits, self-hosted forges.
    #[serde(default)]
    pub health: HealthConfig,
    /// WebAssembly plugins the city runs, each with what it is granted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plugins: Vec<PluginConfig>,
}

impl CityConfig {
    /// The catalog's default language (the first configured one; `de` if none).
    pub fn default_language(&self) -> &str {
        self.city.languages.first().map_or("de", String::as_str)
    }

    /// Whether `kind` is a need/offer kind this catalog knows.
    pub fn knows_need_kind(&self, kind: &str) -> bool {
        super::BUILTIN_NEED_KINDS.contains(&kind) || self.need_kinds.iter().any(|k| k == kind)
    }
}

/// The city running the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CityInfo {
    /// City name.
    #[serde(default)]
    pub name: String,
    /// Official municipality key (Amtlicher Gemeindeschlüssel), 8 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{8}$"))]
    pub ags: Option<String>,
    /// Languages of the catalog; the first is the default language.
    #[serde(default = "default_languages")]
    pub languages: Vec<String>,
    /// The city's website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Short code that namespaces this city's ids when catalogs are merged (`ms` gives
    /// `ms/klimaheroes`); default: derived from the city name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub code: Option<String>,
    /// The cities of a merged catalog, written by `digifarm merge`; empty for a single city.
    /// Matching locates each project in its member city (the one whose `code` prefixes the
    /// project's id, else the one named by its `origin.city`), so an offer must cover that
    /// city, and its region closeness is computed against it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<MemberCity>,
}

impl Default for CityInfo {
    fn default() -> Self {
        CityInfo {
            name: String::new(),
            ags: None,
            languages: default_languages(),
            website: None,
            code: None,
            members: Vec::new(),
        }
    }
}

/// One city of a merged catalog (`[[city.members]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberCity {
    /// City name.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Official municipality key (Amtlicher Gemeindeschlüssel), 8 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{8}$"))]
    pub ags: Option<String>,
    /// The code that namespaces the city's ids in the merged catalog (`ms` for `ms/…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub code: Option<String>,
}

impl MemberCity {
    /// The member as a city (name and AGS), e.g. for region closeness.
    pub fn to_city_info(&self) -> CityInfo {
        CityInfo {
            name: self.name.clone(),
            ags: self.ags.clone(),
            code: self.code.clone(),
            ..CityInfo::default()
        }
    }
}

fn default_languages() -> Vec<String> {
    vec!["de".to_owned(), "en".to_owned()]
}

/// The public portal (`[portal]` in `digifarm.toml`): what a published site and the other
/// publishing formats (Atom, Markdown, JSON-LD, publiccode.yml) show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PortalConfig {
    /// Lifecycles whose projects are published; default `admitted` and `sustained`.
    #[serde(default = "default_public_lifecycles")]
    pub lifecycles: Vec<Lifecycle>,
    /// The programme's public role address: an e-mail address or a URL (never a person's
    /// private contact data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// A form where people offer help; a need's "I want to help" link opens it with the
    /// project and the need as query parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_url: Option<String>,
    /// A forge's "new file" URL where a proposal can be submitted as a pre-filled file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propose_url: Option<String>,
    /// The site's legal notice (Impressum).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imprint_url: Option<String>,
    /// The privacy policy (Datenschutzerklärung).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_url: Option<String>,
    /// The accessibility statement (Erklärung zur Barrierefreiheit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessibility_url: Option<String>,
    /// The programme's logo: an SVG or PNG file, relative to the catalog root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    /// Accent colour of the site, `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent_color: Option<String>,
    /// The portal's title (default: the programme's name from the city).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<LocalizedText>,
}

impl Default for PortalConfig {
    fn default() -> Self {
        PortalConfig {
            lifecycles: default_public_lifecycles(),
            contact: None,
            help_url: None,
            propose_url: None,
            imprint_url: None,
            privacy_url: None,
            accessibility_url: None,
            logo: None,
            accent_color: None,
            title: None,
        }
    }
}

impl PortalConfig {
    /// Whether projects in `lifecycle` are published.
    pub fn publishes(&self, lifecycle: Lifecycle) -> bool {
        self.lifecycles.contains(&lifecycle)
    }
}

fn default_public_lifecycles() -> Vec<Lifecycle> {
    vec![Lifecycle::Admitted, Lifecycle::Sustained]
}

/// Which licences the city admits.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LicenseConfig {
    /// The base policy.
    #[serde(default)]
    pub policy: LicensePolicyKind,
    /// Licence ids allowed in addition to the policy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    /// Licence ids refused even if the policy allows them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny: Vec<String>,
    /// `LicenseRef-*` identifiers the city has reviewed and accepts, each with a reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clarifications: Vec<LicenseClarification>,
    /// Projects whose licence is still being clarified: a missing licence is reported as a
    /// warning instead of an error for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<LicensePending>,
}

/// The base licence policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LicensePolicyKind {
    /// OSI-approved licences.
    Osi,
    /// Licences the FSF considers free.
    Fsf,
    /// OSI-approved or FSF-free (the default).
    #[default]
    OsiOrFsf,
    /// OSI-approved and FSF-free.
    OsiAndFsf,
}

impl LicensePolicyKind {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            LicensePolicyKind::Osi => "osi",
            LicensePolicyKind::Fsf => "fsf",
            LicensePolicyKind::OsiOrFsf => "osi-or-fsf",
            LicensePolicyKind::OsiAndFsf => "osi-and-fsf",
        }
    }
}

impl std::str::FromStr for LicensePolicyKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "osi" => Ok(LicensePolicyKind::Osi),
            "fsf" => Ok(LicensePolicyKind::Fsf),
            "osi-or-fsf" => Ok(LicensePolicyKind::OsiOrFsf),
            "osi-and-fsf" => Ok(LicensePolicyKind::OsiAndFsf),
            other => Err(format!(
                "unknown licence policy `{other}` (expected osi, fsf, osi-or-fsf or osi-and-fsf)"
            )),
        }
    }
}

/// A `LicenseRef-*` the city has reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LicenseClarification {
    /// The `LicenseRef-…` identifier.
    #[schemars(regex(pattern = r"^(DocumentRef-[A-Za-z0-9.\-]+:)?LicenseRef-[A-Za-z0-9.\-]+$"))]
    pub id: String,
    /// Why it is acceptable.
    #[schemars(length(min = 1))]
    pub reason: String,
}

/// A project whose licence is still being clarified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LicensePending {
    /// The project's id.
    pub project: String,
    /// What is being clarified, with whom.
    #[schemars(length(min = 1))]
    pub reason: String,
}

/// Admission criteria that can be checked by machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdmissionConfig {
    /// An admitted project must link its source repository.
    #[serde(default = "yes")]
    pub require_source: bool,
    /// What counts as a proposal's link to the city.
    #[serde(default)]
    pub city_link: CityLink,
    /// Further place names or municipality keys (AGS, a prefix covers a larger area, e.g.
    /// `05515` or `Münsterland`) that count as the city's region for `city_link`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub region: Vec<String>,
    /// Four-eyes rule: how many different reviewers must `review --approve` a project under
    /// review before `review --admit` succeeds (default 0: no separate approval).
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(range(max = 10))]
    pub approvals: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Default for AdmissionConfig {
    fn default() -> Self {
        AdmissionConfig {
            require_source: true,
            city_link: CityLink::default(),
            region: Vec::new(),
            approvals: 0,
        }
    }
}

/// What counts as a proposal's link to the city.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CityLink {
    /// Not checked.
    None,
    /// The project's origin city is the city (or in its region), or it is deployed there.
    Origin,
    /// As `origin`, or a partner supporting one of its needs comes from the city's region
    /// (the default).
    #[default]
    OriginOrPartner,
}

fn yes() -> bool {
    true
}

/// When listings count as stale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StalenessConfig {
    /// A listing not reviewed for this many days is stale.
    #[serde(default = "default_review_days")]
    #[schemars(range(min = 1))]
    pub review_days: u32,
    /// A project paused or broken for this many days is stale.
    #[serde(default = "default_status_days")]
    #[schemars(range(min = 1))]
    pub status_days: u32,
    /// An offer whose `valid_until` lies within this many days is reported as expiring.
    #[serde(default = "default_offer_days")]
    #[schemars(range(min = 0))]
    pub offer_days: u32,
}

impl Default for StalenessConfig {
    fn default() -> Self {
        StalenessConfig {
            review_days: default_review_days(),
            status_days: default_status_days(),
            offer_days: default_offer_days(),
        }
    }
}

fn default_offer_days() -> u32 {
    30
}

fn default_review_days() -> u32 {
    365
}

fn default_status_days() -> u32 {
    180
}

/// Matching configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchingConfig {
    /// Weights of the soft-score terms; they need not sum to one (they are normalised).
    #[serde(default)]
    pub weights: MatchingWeights,
    /// Pairs scoring below this (in [0, 1]) are too weak to propose: they are left out of
    /// rankings and the assignment (`--explain` still shows them, as below the minimum).
    #[serde(default = "default_min_score")]
    #[schemars(range(min = 0, max = 1))]
    pub min_score: f64,
}

impl Default for MatchingConfig {
    fn default() -> Self {
        MatchingConfig {
            weights: MatchingWeights::default(),
            min_score: default_min_score(),
        }
    }
}

/// The minimum score of a proposed pair when `digifarm.toml` sets none.
pub const DEFAULT_MIN_SCORE: f64 = 0.3;

fn default_min_score() -> f64 {
    DEFAULT_MIN_SCORE
}

/// Weights of the soft-score terms.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchingWeights {
    /// How much of the need's skills the offer covers.
    #[serde(default = "w_skills")]
    pub skills: f64,
    /// Overlap of offer topics and project categories.
    #[serde(default = "w_topics")]
    pub topics: f64,
    /// How close the offer's region is to the city.
    #[serde(default = "w_region")]
    pub region: f64,
    /// Need priority, age and project status.
    #[serde(default = "w_urgency")]
    pub urgency: f64,
    /// For money: how much of the need the budget covers.
    #[serde(default = "w_budget")]
    pub budget: f64,
}

impl Default for MatchingWeights {
    fn default() -> Self {
        MatchingWeights {
            skills: w_skills(),
            topics: w_topics(),
            region: w_region(),
            urgency: w_urgency(),
            budget: w_budget(),
        }
    }
}

fn w_skills() -> f64 {
    0.35
}
fn w_topics() -> f64 {
    0.2
}
fn w_region() -> f64 {
    0.15
}
fn w_urgency() -> f64 {
    0.15
}
fn w_budget() -> f64 {
    0.15
}

/// A plugin the city runs: `[[plugins]]` in `digifarm.toml`.
///
/// ```toml
/// [[plugins]]
/// path = "plugins/muenster_admission.wasm"   # plugin.toml lies beside it
/// grants.capabilities = ["clocks"]
/// grants.limits = { memory_mb = 32, timeout_ms = 500 }
/// grants.config = { city_partners = "stadt-muenster,citeq" }
///
/// [[plugins]]
/// path = "plugins/local-first.wasm"          # a scorer
/// weight = 0.3                               # its share in the matching score
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PluginConfig {
    /// The plugin's `.wasm` file, relative to the catalog root; its `plugin.toml` manifest
    /// lies in the same directory.
    #[schemars(length(min = 1))]
    pub path: String,
    /// What the city grants the plugin. A plugin that asks for more is refused.
    #[serde(default)]
    pub grants: PluginGrants,
    /// For scorer plugins: the weight of the plugin's score in `digifarm match`, next to the
    /// `[matching.weights]` (a pair's score is the weighted mean of the built-in terms and
    /// the plugins' scores). Ignored for other kinds of plugin.
    #[serde(default = "default_plugin_weight")]
    #[schemars(range(min = 0))]
    pub weight: f64,
}

/// The weight of a scorer plugin when `digifarm.toml` gives none.
pub const DEFAULT_PLUGIN_WEIGHT: f64 = 0.2;

fn default_plugin_weight() -> f64 {
    DEFAULT_PLUGIN_WEIGHT
}

/// What a city grants a plugin.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PluginGrants {
    /// WASI capabilities the plugin may use: `clocks`, `random`, `environment` (only the
    /// variables in `env`). Nothing else (files, network) can be granted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<String>,
    /// The most the plugin may use; the host's defaults apply where absent.
    #[serde(default)]
    pub limits: PluginLimits,
    /// Configuration keys and values the plugin may read through the host interface.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub config: BTreeMap<String, String>,
    /// Environment variables the plugin sees when granted `environment` (never the host's).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
}

/// Resource limits of a plugin (requested in `plugin.toml`, granted in `digifarm.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PluginLimits {
    /// Linear memory, in MiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 4096))]
    pub memory_mb: Option<u32>,
    /// Wall-clock time per call (one batch), in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 600000))]
    pub timeout_ms: Option<u32>,
    /// Size of one call's output, in KiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1048576))]
    pub output_kb: Option<u32>,
    /// Wall-clock time for a whole run (every batch of one command), in milliseconds. When
    /// neither the plugin nor the city sets it, the host derives it from the catalog's size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 86400000))]
    pub run_timeout_ms: Option<u32>,
    /// Findings (diagnostics) one run may return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 10000000))]
    pub max_findings: Option<u32>,
}

/// Project health (`[health]` in `digifarm.toml`): the thresholds of the verdicts, the limits
/// of `digifarm refresh`, and the forges it knows besides github.com, gitlab.com, codeberg.org
/// and bitbucket.org.
///
/// Defaults: `active_days`/`slow_days` are the EU PubliCodeHealth levels (Active within 90
/// days, Slow within 365, then Stale); `window_days`, `min_commits`, `min_authors`,
/// `reaction_window_days` and `max_reaction_days` are openCode's maintenance badge (≥ 5
/// commits in 6 months, a release or tag in 6 months, bus factor ≥ 2 in 6 months, mean
/// reaction to issues of the last 3 months < 7 days); a release keeping a project active
/// twice as long as a commit (`release_active_days`, `release_slow_days`) follows OpenSSF
/// Scorecard's and `still_active`'s view that a release says more than a commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthConfig {
    /// Last commit within this many days: active.
    #[serde(default = "d_active_days")]
    #[schemars(range(min = 1, max = 36500))]
    pub active_days: u32,
    /// Last commit within this many days: slow; older: stale.
    #[serde(default = "d_slow_days")]
    #[schemars(range(min = 1, max = 36500))]
    pub slow_days: u32,
    /// Last release (or tag) within this many days: active, whatever the commits say.
    #[serde(default = "d_release_active_days")]
    #[schemars(range(min = 1, max = 36500))]
    pub release_active_days: u32,
    /// Last release (or tag) within this many days: at least slow.
    #[serde(default = "d_release_slow_days")]
    #[schemars(range(min = 1, max = 36500))]
    pub release_slow_days: u32,
    /// The window in which commits, authors and releases are counted, in days.
    #[serde(default = "d_window_days")]
    #[schemars(range(min = 1, max = 3650))]
    pub window_days: u32,
    /// Commits in the window for the "enough commits" check.
    #[serde(default = "d_min_commits")]
    pub min_commits: u32,
    /// Distinct authors in the window for the bus-factor check.
    #[serde(default = "d_min_authors")]
    pub min_authors: u32,
    /// Issues opened within this many days count for the reaction check.
    #[serde(default = "d_reaction_window_days")]
    #[schemars(range(min = 1, max = 3650))]
    pub reaction_window_days: u32,
    /// The median first reaction to those issues must be below this many days.
    #[serde(default = "d_max_reaction_days")]
    #[schemars(range(min = 0))]
    pub max_reaction_days: f64,
    /// Stored health data older than this many days is reported as outdated.
    #[serde(default = "d_max_age_days")]
    #[schemars(range(min = 1))]
    pub max_age_days: u32,
    /// Observations kept per project (the oldest are dropped).
    #[serde(default = "d_history")]
    #[schemars(range(min = 1, max = 1000))]
    pub history: u32,
    /// Requests in flight at the same time.
    #[serde(default = "d_concurrency")]
    #[schemars(range(min = 1, max = 64))]
    pub concurrency: u32,
    /// Time limit of one request (connect, send, receive), in seconds.
    #[serde(default = "d_timeout_seconds")]
    #[schemars(range(min = 1, max = 600))]
    pub timeout_seconds: u32,
    /// Largest response body read, in MiB (after decompression).
    #[serde(default = "d_max_body_mb")]
    #[schemars(range(min = 1, max = 1024))]
    pub max_body_mb: u32,
    /// Redirects followed per request.
    #[serde(default = "d_max_redirects")]
    #[schemars(range(max = 20))]
    pub max_redirects: u32,
    /// The longest pause for a rate limit before the project is given up for this run, in
    /// seconds.
    #[serde(default = "d_max_wait_seconds")]
    #[schemars(range(max = 86400))]
    pub max_wait_seconds: u32,
    /// Pages read per list (commits, issues) before counting stops ("at least").
    #[serde(default = "d_max_pages")]
    #[schemars(range(min = 1, max = 100))]
    pub max_pages: u32,
    /// The HTTP cache (ETags) directory, relative to the catalog root.
    #[serde(default = "d_cache_dir")]
    #[schemars(length(min = 1))]
    pub cache_dir: String,
    /// Forges besides github.com, gitlab.com, codeberg.org and bitbucket.org (self-hosted
    /// GitLab such as openCode, Forgejo, Gitea), or another API base for one of those.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forges: Vec<ForgeConfig>,
}

impl Default for HealthConfig {
    fn default() -> Self {
        HealthConfig {
            active_days: d_active_days(),
            slow_days: d_slow_days(),
            release_active_days: d_release_active_days(),
            release_slow_days: d_release_slow_days(),
            window_days: d_window_days(),
            min_commits: d_min_commits(),
            min_authors: d_min_authors(),
            reaction_window_days: d_reaction_window_days(),
            max_reaction_days: d_max_reaction_days(),
            max_age_days: d_max_age_days(),
            history: d_history(),
            concurrency: d_concurrency(),
            timeout_seconds: d_timeout_seconds(),
            max_body_mb: d_max_body_mb(),
            max_redirects: d_max_redirects(),
            max_wait_seconds: d_max_wait_seconds(),
            max_pages: d_max_pages(),
            cache_dir: d_cache_dir(),
            forges: Vec::new(),
        }
    }
}

fn d_active_days() -> u32 {
    90
}
fn d_slow_days() -> u32 {
    365
}
fn d_release_active_days() -> u32 {
    182
}
fn d_release_slow_days() -> u32 {
    730
}
fn d_window_days() -> u32 {
    182
}
fn d_min_commits() -> u32 {
    5
}
fn d_min_authors() -> u32 {
    2
}
fn d_reaction_window_days() -> u32 {
    91
}
fn d_max_reaction_days() -> f64 {
    7.0
}
fn d_max_age_days() -> u32 {
    30
}
fn d_history() -> u32 {
    30
}
fn d_concurrency() -> u32 {
    4
}
fn d_timeout_seconds() -> u32 {
    20
}
fn d_max_body_mb() -> u32 {
    10
}
fn d_max_redirects() -> u32 {
    5
}
fn d_max_wait_seconds() -> u32 {
    900
}
fn d_max_pages() -> u32 {
    10
}
fn d_cache_dir() -> String {
    ".digifarm-cache".to_owned()
}

/// A forge `digifarm refresh` reads (`[[health.forges]]`).
///
/// ```toml
/// [[health.forges]]
/// host = "gitlab.opencode.de"      # the host in projects' source URLs
/// kind = "gitlab"                  # github, gitlab, gitea (Forgejo) or bitbucket
/// api = "https://gitlab.opencode.de/api/v4"   # default: from host and kind
/// ```
///
/// The token comes from `DIGIFARM_TOKEN_<HOST>` (here `DIGIFARM_TOKEN_GITLAB_OPENCODE_DE`)
/// and is sent only to an API on the forge's own host; a built-in forge's token only to its
/// own API. The catalog chooses neither.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForgeConfig {
    /// The host name in source URLs (`gitlab.opencode.de`).
    #[schemars(regex(pattern = r"^[A-Za-z0-9.-]+(:[0-9]+)?$"))]
    pub host: String,
    /// The forge software.
    pub kind: super::ForgeKind,
    /// The API base URL (default: `https://HOST/api/v4` for GitLab, `https://HOST/api/v1`
    /// for Forgejo/Gitea, `https://api.HOST` for GitHub, `https://api.HOST/2.0` for
    /// Bitbucket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^https?://"))]
    pub api: Option<String>,
    /// Ignored (reported as `health-token-env-ignored`): a catalog does not choose which
    /// environment variable `refresh` sends. Still read, so that older catalogs load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))]
    pub token_env: Option<String>,
}

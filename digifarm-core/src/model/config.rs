use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
}

impl Default for AdmissionConfig {
    fn default() -> Self {
        AdmissionConfig {
            require_source: true,
            city_link: CityLink::default(),
            region: Vec::new(),
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
}

impl Default for StalenessConfig {
    fn default() -> Self {
        StalenessConfig {
            review_days: default_review_days(),
            status_days: default_status_days(),
        }
    }
}

fn default_review_days() -> u32 {
    365
}

fn default_status_days() -> u32 {
    180
}

/// Matching configuration.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchingConfig {
    /// Weights of the soft-score terms; they need not sum to one (they are normalised).
    #[serde(default)]
    pub weights: MatchingWeights,
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
}

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{LocalizedText, constraints};

/// What a partner offers: content, technical help, money, or a kind the city adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "digifarm support offer")]
pub struct SupportOffer {
    /// Unique slug; also the file name (`offers/<id>.yaml`).
    #[schemars(
        regex(pattern = constraints::RECORD_ID_PATTERN),
        length(min = 1, max = constraints::MAX_ID_LEN)
    )]
    pub id: String,
    /// The offering partner's id.
    pub partner: String,
    /// Kind of support, as for needs.
    #[schemars(regex(pattern = constraints::TAG_PATTERN))]
    pub kind: String,
    /// What is offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LocalizedText>,
    /// Skills offered (lower-case tags).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
    /// Topics the partner cares about (matched against project categories).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    /// Regions served: municipality keys (AGS) or place names; a shorter AGS prefix covers a
    /// larger area (`05` is North Rhine-Westphalia).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Whether the support can be given remotely, anywhere.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remote: bool,
    /// How much the partner can take on.
    #[serde(default)]
    pub capacity: Capacity,
    /// Money available, in euros per year (financial offers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_eur_per_year: Option<f64>,
    /// A licence requirement the project's licence must satisfy: an SPDX expression, or
    /// `copyleft` / `permissive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_requirement: Option<String>,
    /// First day the offer is valid.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::date::optional"
    )]
    pub valid_from: Option<NaiveDate>,
    /// Last day the offer is valid.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::date::optional"
    )]
    pub valid_until: Option<NaiveDate>,
}

/// How much a partner can take on through one offer.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    /// How many projects at once (absent: one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projects: Option<u32>,
    /// Hours per month in total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_month: Option<f64>,
}

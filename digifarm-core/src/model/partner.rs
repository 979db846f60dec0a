use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Contact, LocalizedText, constraints};

/// An organisation or person that supports projects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "digifarm partner")]
pub struct Partner {
    /// Unique slug; also the file name (`partners/<id>.yaml`).
    #[schemars(
        regex(pattern = constraints::RECORD_ID_PATTERN),
        length(min = 1, max = constraints::MAX_ID_LEN)
    )]
    pub id: String,
    /// Display name.
    #[schemars(length(min = 1, max = constraints::MAX_NAME_LEN))]
    pub name: String,
    /// What kind of partner.
    pub kind: PartnerKind,
    /// Short description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LocalizedText>,
    /// Sectors it works in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sectors: Vec<String>,
    /// Home region: a municipality key (AGS, e.g. `05515000`) or a place name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = constraints::HTTP_URL_PATTERN))]
    pub website: Option<String>,
    /// People to contact: personal data, private unless marked public.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
}

/// What kind of partner.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum PartnerKind {
    /// A company.
    Company,
    /// A registered association or club.
    Association,
    /// A city office or other public body.
    PublicBody,
    /// A university or research institute.
    Academic,
    /// A foundation.
    Foundation,
    /// A private person.
    Individual,
}

impl PartnerKind {
    /// The kebab-case name used in catalogs.
    pub fn as_str(self) -> &'static str {
        match self {
            PartnerKind::Company => "company",
            PartnerKind::Association => "association",
            PartnerKind::PublicBody => "public-body",
            PartnerKind::Academic => "academic",
            PartnerKind::Foundation => "foundation",
            PartnerKind::Individual => "individual",
        }
    }
}

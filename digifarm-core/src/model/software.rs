//! What a publiccode.yml says about a project's software as a product, kept in the project so
//! that an exported publiccode.yml says it again unchanged.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// The software as a product: type, platforms, release, maintenance, organisations, audience,
/// features and documentation (the `software` group of a project; all optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Software {
    /// publiccode.yml `softwareType`, as written: `standalone/web`, `standalone/mobile`,
    /// `standalone/desktop`, `standalone/backend`, `standalone/iot`, `standalone/other`,
    /// `addon`, `library`, `configurationFiles`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// publiccode.yml `developmentStatus`, as written (`beta` has no exact project status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub development_status: Option<String>,
    /// Where users run it: `web`, `windows`, `mac`, `linux`, `ios`, `android` or another name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub platforms: Vec<String>,
    /// The latest released version, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// When that version was released.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::date::optional"
    )]
    pub release_date: Option<NaiveDate>,
    /// Public administrations known to use it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub used_by: Vec<String>,
    /// The organisation that owns the software.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<Organisation>,
    /// Organisations that funded it (as the publiccode.yml lists them; a funder may have no
    /// name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funded_by: Vec<Organisation>,
    /// How it is maintained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance: Option<Maintenance>,
    /// Who it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
    /// What it lets its users do, per language (`{de: […], en: […]}`).
    #[serde(
        default,
        deserialize_with = "unique_keys",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub features: BTreeMap<String, Vec<String>>,
    /// User documentation URL, per language.
    #[serde(
        default,
        deserialize_with = "unique_keys",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub documentation: BTreeMap<String, String>,
    /// API documentation URL, per language.
    #[serde(
        default,
        deserialize_with = "unique_keys",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub api_documentation: BTreeMap<String, String>,
    /// Standards, regulations and systems it supports (`alias:gdpr`, a URL or a URN).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supports: Vec<String>,
    /// The public roadmap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roadmap: Option<String>,
    /// The logo: a path in the repository or a URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    /// The suite it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_suite: Option<String>,
    /// Repositories it is a variant or fork of.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub is_based_on: Vec<String>,
    /// Who owns the copyright on most of the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copyright_owner: Option<String>,
    /// Whether it is built to be translated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localisation_ready: Option<bool>,
    /// Languages its user interface is available in (BCP 47).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub available_languages: Vec<String>,
}

/// An organisation: a URI of any scheme (a URL, or a URN such as `urn:x-italian-pa:pcm`)
/// and an optional name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// URI.
    pub uri: String,
}

/// How the software is maintained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Maintenance {
    /// `internal`, `contract`, `community` or `none`.
    pub kind: MaintenanceKind,
    /// Who is contracted to maintain it (for `contract`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contractors: Vec<Contractor>,
}

/// publiccode.yml's maintenance types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MaintenanceKind {
    /// Maintained by the repository owner (needs contacts).
    Internal,
    /// Maintained under a contract (needs contractors).
    Contract,
    /// Maintained by people who give their time (needs contacts).
    Community,
    /// Not maintained.
    None,
}

impl MaintenanceKind {
    /// The publiccode.yml value.
    pub fn as_str(self) -> &'static str {
        match self {
            MaintenanceKind::Internal => "internal",
            MaintenanceKind::Contract => "contract",
            MaintenanceKind::Community => "community",
            MaintenanceKind::None => "none",
        }
    }

    /// From the publiccode.yml value.
    pub fn parse(s: &str) -> Option<MaintenanceKind> {
        [
            MaintenanceKind::Internal,
            MaintenanceKind::Contract,
            MaintenanceKind::Community,
            MaintenanceKind::None,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A contractor maintaining the software.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contractor {
    /// Name.
    pub name: String,
    /// When the contract ends.
    #[serde(deserialize_with = "super::date::required")]
    pub until: NaiveDate,
    /// The contractor's e-mail address (an organisation's address, not personal data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

/// Who the software is for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    /// Fields of application (publiccode.yml's scope list).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scope: Vec<String>,
    /// Countries it is made for (ISO 3166-1 alpha-2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    /// Countries it does not support.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsupported_countries: Vec<String>,
}

/// A map from language code to value that refuses a key given twice
/// ([`super::text::unique_entries`]).
fn unique_keys<'de, D, V>(deserializer: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct UniqueKeys<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> Visitor<'de> for UniqueKeys<V> {
        type Value = BTreeMap<String, V>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a map from language code to value")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            super::text::unique_entries(map, "language")
        }
    }
    deserializer.deserialize_map(UniqueKeys(std::marker::PhantomData))
}

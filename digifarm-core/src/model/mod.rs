//! The catalog model: projects with their needs, partners, support offers and the city's
//! configuration.
//!
//! Every record type derives `serde` and `schemars` traits; the JSON Schemas in
//! `digifarm-core/schemas/` are generated from these types. Keys are snake_case, enum values
//! kebab-case, and unknown fields are rejected. Contact data is personal data: every
//! [`Contact`] is private unless it says `public: true`.

mod config;
pub mod constraints;
pub mod date;
mod health;
mod offer;
mod partner;
mod project;
mod proposal;
mod software;
mod support;
mod text;

pub use config::{
    AdmissionConfig, CityConfig, CityInfo, CityLink, DEFAULT_MIN_SCORE, DEFAULT_PLUGIN_WEIGHT,
    ForgeConfig, HealthConfig, LicenseClarification, LicenseConfig, LicensePending,
    LicensePolicyKind, MatchingConfig, MatchingWeights, MemberCity, PluginConfig, PluginGrants,
    PluginLimits, PortalConfig, StalenessConfig,
};
pub use health::{
    DatedName, ForgeKind, HealthRecord, HomepageSignal, Observation, RepoSignals, RepoState,
};
pub use offer::{Capacity, SupportOffer};
pub use partner::{Partner, PartnerKind};
pub use project::{
    Approval, Attestation, Completeness, Complexity, Contact, Decision, Deployment, DeploymentMode,
    Lifecycle, Links, Need, Origin, Priority, Project, ProjectStatus,
};
pub use proposal::{Attestations, Proposal, ProposalProject, Proposer};
pub use software::{Audience, Contractor, Maintenance, MaintenanceKind, Organisation, Software};
pub use support::{SupportChange, SupportRef, SupportStatus};
pub use text::LocalizedText;

/// The three kinds of support every catalog knows; a city may add more in its config.
pub const BUILTIN_NEED_KINDS: [&str; 3] = ["content", "technical", "financial"];

/// Which kind of record a file or value holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordKind {
    /// A [`Project`].
    Project,
    /// A [`Partner`].
    Partner,
    /// A [`SupportOffer`].
    Offer,
}

impl RecordKind {
    /// All record kinds, in catalog order.
    pub const ALL: [RecordKind; 3] = [RecordKind::Project, RecordKind::Partner, RecordKind::Offer];

    /// The singular name (`project`, `partner`, `offer`).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Project => "project",
            RecordKind::Partner => "partner",
            RecordKind::Offer => "offer",
        }
    }

    /// The catalog sub-directory holding records of this kind.
    pub fn dir_name(self) -> &'static str {
        match self {
            RecordKind::Project => "projects",
            RecordKind::Partner => "partners",
            RecordKind::Offer => "offers",
        }
    }

    /// The kind whose directory is called `name`, if any.
    pub fn from_dir_name(name: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.dir_name() == name)
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RecordKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "project" | "projects" => Ok(RecordKind::Project),
            "partner" | "partners" => Ok(RecordKind::Partner),
            "offer" | "offers" => Ok(RecordKind::Offer),
            other => Err(format!(
                "unknown record kind `{other}` (expected project, partner or offer)"
            )),
        }
    }
}

pub use constraints::{MAX_ID_LEN, is_record_id, is_slug};

#[cfg(test)]
mod id_tests {
    use super::*;

    /// The predicates agree with the id pattern of the generated schemas.
    #[test]
    fn ids_follow_the_schema_pattern() {
        let schema = crate::schema::json_schema(crate::schema::SchemaKind::Project);
        let pattern = schema["properties"]["id"]["pattern"]
            .as_str()
            .unwrap_or_default();
        assert_eq!(pattern, constraints::RECORD_ID_PATTERN);
        for (id, record, slug) in [
            ("stadtbaum", true, true),
            ("a1-b2", true, true),
            ("ms/klimaheroes", true, false),
            ("", false, false),
            ("-a", false, false),
            ("a--b", false, false),
            ("A", false, false),
            ("ｐｒｏｊｅｃｔ", false, false),
            ("../x", false, false),
            ("/tmp/x", false, false),
            ("a/b/c", false, false),
            ("..", false, false),
            ("a\u{0}", false, false),
        ] {
            assert_eq!(is_record_id(id), record, "{id}");
            assert_eq!(is_slug(id), slug, "{id}");
        }
        assert!(is_slug(&"a".repeat(MAX_ID_LEN)));
        assert!(!is_slug(&"a".repeat(MAX_ID_LEN + 1)));
        assert!(!is_record_id(&format!("ms/{}", "a".repeat(MAX_ID_LEN - 2))));
    }
}

//! The proposal form's record: what a city's web form collects (`digifarm propose --from
//! FILE`, `proposal.schema.json`). Turning it into a project is the programme's work
//! (`workflow::propose`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    Complexity, Deployment, Links, LocalizedText, Need, Origin, ProjectStatus, constraints,
};

/// A filled-in proposal form (`digifarm propose --from FILE`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "digifarm proposal")]
pub struct Proposal {
    /// The project as the proposer describes it.
    pub project: ProposalProject,
    /// Who proposes it (personal data: stored as a private contact unless `public`).
    pub proposer: Proposer,
    /// The admission criteria only a person can vouch for.
    pub attestations: Attestations,
}

/// The project part of the form: the catalog's project fields without the programme's own
/// (lifecycle, history, admission date, review date).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalProject {
    /// Wished-for slug; becomes the file name `projects/<id>.yaml`.
    #[schemars(
        regex(pattern = constraints::SLUG_PATTERN),
        length(min = 1, max = constraints::MAX_ID_LEN)
    )]
    pub id: String,
    /// Display name.
    #[schemars(length(min = 1, max = constraints::MAX_NAME_LEN))]
    pub name: String,
    /// One or two sentences: what the project does for the city.
    pub summary: LocalizedText,
    /// Longer description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LocalizedText>,
    /// How far the software is.
    pub status: ProjectStatus,
    /// Topics from the city's category taxonomy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// Kind of software.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software_type: Option<String>,
    /// How demanding it is to run or extend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complexity: Option<Complexity>,
    /// Technologies used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub technologies: Vec<String>,
    /// Where the project comes from (the city of origin counts as a link to the city).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// Homepage, source repository and further information.
    #[serde(default)]
    pub links: Links,
    /// SPDX licence expression of the source code.
    #[schemars(length(min = 1, max = constraints::MAX_LICENSE_LEN))]
    pub license: String,
    /// How the software is deployed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<Deployment>,
    /// What the project needs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<Need>,
}

/// Who proposes the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Proposer {
    /// Name; recorded with each attestation.
    #[schemars(length(min = 1))]
    pub name: String,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Role in the project (maintainer, initiator, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Whether the proposer agrees to be listed publicly.
    #[serde(default)]
    pub public: bool,
}

/// The admission criteria a person vouches for. All four must be `true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attestations {
    /// The project is digital.
    pub digital: bool,
    /// The software runs (a version can be used or tried).
    pub runs: bool,
    /// Data protection (GDPR) is ensured.
    pub gdpr: bool,
    /// The project complies with the law.
    pub lawful: bool,
}

impl Attestations {
    /// The criteria's names (the fields), in checklist order.
    pub const CRITERIA: [&'static str; 4] = ["digital", "runs", "gdpr", "lawful"];

    /// `(criterion name, attested?)` in checklist order.
    pub fn entries(&self) -> [(&'static str, bool); 4] {
        let [digital, runs, gdpr, lawful] = Self::CRITERIA;
        [
            (digital, self.digital),
            (runs, self.runs),
            (gdpr, self.gdpr),
            (lawful, self.lawful),
        ]
    }
}

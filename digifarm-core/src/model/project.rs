use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{LocalizedText, SupportRef, constraints};

/// A civic-tech project listed in the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "digifarm project")]
pub struct Project {
    /// Unique slug; also the file name (`projects/<id>.yaml`).
    #[schemars(
        regex(pattern = constraints::RECORD_ID_PATTERN),
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
    /// Free-text remark on the status (e.g. "not yet available for Münster").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_note: Option<LocalizedText>,
    /// Since when the project has had its current status; used to find long-paused projects.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::date::optional"
    )]
    pub status_since: Option<NaiveDate>,
    /// Where the project stands in the programme (proposal, review, admission, …).
    pub lifecycle: Lifecycle,
    /// Dated decisions of the programme about this project, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Decision>,
    /// Topics from the city's category taxonomy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// Kind of software (app, static website, dynamic website, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software_type: Option<String>,
    /// How demanding it is to run or extend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complexity: Option<Complexity>,
    /// Technologies used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub technologies: Vec<String>,
    /// Where the project comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// Date of admission to the programme.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::date::optional"
    )]
    pub admitted_on: Option<NaiveDate>,
    /// Homepage, source repository and further information.
    #[serde(default)]
    pub links: Links,
    /// SPDX licence expression of the source code (`NOASSERTION` when unknown).
    #[schemars(length(min = 1, max = constraints::MAX_LICENSE_LEN))]
    pub license: String,
    /// Why the licence reads as it does (e.g. how an ambiguous statement was resolved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_note: Option<String>,
    /// How the software is deployed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<Deployment>,
    /// What the project needs; a need with no supporter is "help wanted".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<Need>,
    /// People to contact: personal data, private unless marked public.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// When the listing was last checked to be accurate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::date::optional"
    )]
    pub last_reviewed: Option<NaiveDate>,
    /// Preview image shown on the portal: a PNG, JPEG or WebP file in the catalog, relative
    /// to its root (e.g. `images/rats-sitzplan.png`). Its type is checked by content; a remote
    /// URL is refused (the portal never fetches or hot-links an image).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = constraints::MAX_IMAGE_LEN))]
    pub image: Option<String>,
    /// What the image shows, for people who cannot see it (its `alt` text); default:
    /// "Vorschaubild von <name>".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_alt: Option<LocalizedText>,
    /// Admission criteria a person vouched for (GDPR ensured, complies with the law, …),
    /// with who and when; recorded from the proposal form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attestations: Vec<Attestation>,
    /// The software as a product (type, platforms, release, maintenance, organisations,
    /// audience, features, documentation), as publiccode.yml describes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<Box<super::Software>>,
    /// The maintainers' declaration that the software is complete: stable, needing no
    /// further activity. Health verdicts then do not count a quiet repository against it
    /// (an archived or deleted one still counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complete: Option<Completeness>,
    /// Reviewers' approvals in the current review round (`review --approve`); cleared when
    /// changes are requested. Admission needs `[admission] approvals` different reviewers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<Approval>,
}

/// A declaration that a project is complete (stable, needs no activity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Completeness {
    /// Since when.
    #[serde(deserialize_with = "super::date::required")]
    pub since: NaiveDate,
    /// Who declared it (the maintainers, as a role or group; not a private contact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Why no further activity is needed ("feature-complete; the data format is frozen").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An admission criterion that a person vouched for, because code cannot check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    /// The criterion: `digital`, `runs`, `gdpr` or `lawful`.
    #[schemars(regex(pattern = constraints::TAG_PATTERN))]
    pub criterion: String,
    /// Who vouched for it (the proposer's or a reviewer's name).
    #[schemars(length(min = 1))]
    pub by: String,
    /// When.
    #[serde(deserialize_with = "super::date::required")]
    pub date: NaiveDate,
}

/// How far the software is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ProjectStatus {
    /// Only an idea or concept.
    Idea,
    /// Being built; not yet usable.
    InDevelopment,
    /// Running and usable.
    Live,
    /// Work has stopped for now.
    Paused,
    /// Not working (e.g. a broken data connection).
    Broken,
    /// No longer maintained.
    Archived,
}

impl ProjectStatus {
    /// The kebab-case name used in catalogs.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Idea => "idea",
            ProjectStatus::InDevelopment => "in-development",
            ProjectStatus::Live => "live",
            ProjectStatus::Paused => "paused",
            ProjectStatus::Broken => "broken",
            ProjectStatus::Archived => "archived",
        }
    }
}

/// Where a project stands in the programme.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Lifecycle {
    /// Proposed through the form; not yet reviewed.
    Proposed,
    /// Under review by the steering group.
    InReview,
    /// Admitted to the catalog.
    Admitted,
    /// Not admitted.
    Rejected,
    /// Admitted and kept alive with partners' support.
    Sustained,
    /// Taken out of the programme after having been admitted.
    Retired,
    /// Kept for the record only.
    Archived,
}

impl Lifecycle {
    /// The kebab-case name used in catalogs.
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Proposed => "proposed",
            Lifecycle::InReview => "in-review",
            Lifecycle::Admitted => "admitted",
            Lifecycle::Rejected => "rejected",
            Lifecycle::Sustained => "sustained",
            Lifecycle::Retired => "retired",
            Lifecycle::Archived => "archived",
        }
    }

    /// Whether the project is part of the programme (admitted or sustained).
    pub fn is_active(self) -> bool {
        matches!(self, Lifecycle::Admitted | Lifecycle::Sustained)
    }
}

/// One dated decision about a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// When it was decided.
    #[serde(deserialize_with = "super::date::required")]
    pub date: NaiveDate,
    /// The lifecycle state before, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Lifecycle>,
    /// The lifecycle state after.
    pub to: Lifecycle,
    /// Who decided (a body or a role; not a private contact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Admission criteria that were open (unattested or not met) when the project was
    /// admitted anyway (`review --admit --override`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overridden: Vec<String>,
}

/// A reviewer's approval of a project under review, for the four-eyes rule
/// (`[admission] approvals` in `digifarm.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Who approved (a reviewer's name or role).
    pub by: String,
    /// When.
    #[serde(deserialize_with = "super::date::required")]
    pub date: NaiveDate,
    /// Why, if said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// How demanding a project is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Complexity {
    /// niedrig
    Low,
    /// mittel
    Medium,
    /// hoch
    High,
    /// sehr hoch
    VeryHigh,
}

impl Complexity {
    /// The kebab-case name used in catalogs.
    pub fn as_str(self) -> &'static str {
        match self {
            Complexity::Low => "low",
            Complexity::Medium => "medium",
            Complexity::High => "high",
            Complexity::VeryHigh => "very-high",
        }
    }
}

/// Where a project comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// City of origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Community or event it came from (a hackathon, Code for Germany, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    /// When it started: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = constraints::STARTED_PATTERN))]
    pub started: Option<String>,
}

/// Links of a project.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Links {
    /// Homepage or app-store page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = constraints::HTTP_URL_PATTERN))]
    pub homepage: Option<String>,
    /// Source code repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = constraints::SOURCE_URL_PATTERN))]
    pub source: Option<String>,
    /// The city's page about the project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = constraints::HTTP_URL_PATTERN))]
    pub info: Option<String>,
}

/// How a project is deployed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    /// One installation per city, or one central installation for all.
    pub mode: DeploymentMode,
    /// Cities (names or AGS keys) where it is deployed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cities: Vec<String>,
}

/// Deployment mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeploymentMode {
    /// Each city runs its own installation.
    PerCity,
    /// One installation serves every city.
    Central,
}

/// Something a project needs: content, technical work, money, or a kind the city adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Need {
    /// `content`, `technical`, `financial`, or a kind listed in the city config.
    #[schemars(regex(pattern = constraints::TAG_PATTERN))]
    pub kind: String,
    /// What exactly is needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LocalizedText>,
    /// Skills that would help (lower-case tags).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
    /// Effort needed, in hours per month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_month: Option<f64>,
    /// Money needed, in euros per year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eur_per_year: Option<f64>,
    /// How urgent it is.
    #[serde(default, skip_serializing_if = "Priority::is_default")]
    pub priority: Priority,
    /// Since when the need has been open.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::date::optional"
    )]
    pub since: Option<NaiveDate>,
    /// Who supports this need (or was suggested, or has ended); help is wanted while no
    /// entry is `agreed` or `active` ([`Need::wants_help`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supported_by: Vec<SupportRef>,
}

impl Need {
    /// A need of `kind` with nothing else said: no description, skills, amounts or date,
    /// default priority, nobody supporting it.
    pub fn of_kind(kind: &str) -> Need {
        Need {
            kind: kind.to_owned(),
            description: None,
            skills: Vec::new(),
            hours_per_month: None,
            eur_per_year: None,
            priority: Priority::default(),
            since: None,
            supported_by: Vec::new(),
        }
    }

    /// Münster's rule: a need nobody supports wants help. Only committed support counts
    /// (`agreed` or `active`, or an entry without status): a `suggested` entry is not yet a
    /// partner's promise and an `ended` one is over, so a need with only those still wants
    /// help.
    pub fn wants_help(&self) -> bool {
        !self.supported_by.iter().any(SupportRef::is_committed)
    }

    /// The support the public sees: committed entries (`agreed`, `active`), in order. Their
    /// `history` is not public; [`Need::public`] drops it.
    pub fn public_support(&self) -> impl Iterator<Item = &SupportRef> {
        self.supported_by.iter().filter(|s| s.is_committed())
    }

    /// Whether an entry still binds an offer (`suggested`, `agreed` or `active`): matching
    /// leaves such a need alone.
    pub fn has_live_support(&self) -> bool {
        self.supported_by.iter().any(SupportRef::is_live)
    }

    /// The need as the public sees it: only committed support, without history.
    pub fn public(&self) -> Need {
        Need {
            supported_by: self.public_support().map(SupportRef::public).collect(),
            ..self.clone()
        }
    }
}

/// How urgent a need is.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Priority {
    /// Nice to have.
    Low,
    /// The default.
    #[default]
    Medium,
    /// Important for the project's next step.
    High,
    /// The project stops without it.
    Critical,
}

impl Priority {
    fn is_default(&self) -> bool {
        *self == Priority::Medium
    }

    /// The kebab-case name used in catalogs.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Critical => "critical",
        }
    }
}

/// A person to contact. Personal data: private unless `public` is true.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Role (maintainer, initiator, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Whether the person agreed to be listed publicly.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public: bool,
}

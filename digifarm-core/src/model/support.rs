//! Support as a record: who supports a need, through which offer, since when, with what
//! commitment, and where the support stands in its lifecycle
//! (suggested → agreed → active → ended).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A partner's support of a need (an entry of `supported_by`).
///
/// An entry without `status` is `active`: catalogs written before support had a lifecycle
/// keep their meaning.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupportRef {
    /// The supporting partner's id.
    pub partner: String,
    /// The offer through which it supports, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    /// Where the support stands: `suggested` (by matching, nobody has agreed yet), `agreed`
    /// (the partner has committed), `active` (being given), `ended`. Absent means `active`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<SupportStatus>,
    /// First day of the support (set when the partner agrees).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::date::optional"
    )]
    pub since: Option<NaiveDate>,
    /// Last day of the support: agreed in advance, or the day it ended.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::date::optional"
    )]
    pub until: Option<NaiveDate>,
    /// Hours per month the partner committed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_month: Option<f64>,
    /// Euros per year the partner committed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eur_per_year: Option<f64>,
    /// Dated changes of the status, oldest first. Not published.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<SupportChange>,
}

impl SupportRef {
    /// An entry for `partner` with nothing else said (status absent, i.e. `active`).
    pub fn of_partner(partner: &str) -> SupportRef {
        SupportRef {
            partner: partner.to_owned(),
            ..SupportRef::default()
        }
    }

    /// The status, `active` when the entry names none.
    pub fn status(&self) -> SupportStatus {
        self.status.unwrap_or(SupportStatus::Active)
    }

    /// Whether the partner has committed and the support is not over: `agreed` or `active`.
    /// Only such support takes a need out of "help wanted" and is published.
    pub fn is_committed(&self) -> bool {
        self.status().is_committed()
    }

    /// Whether the entry still binds the offer: `suggested`, `agreed` or `active` (not
    /// `ended`). Such entries use the offer's capacity and keep matching from suggesting
    /// another partner for the need.
    pub fn is_live(&self) -> bool {
        self.status() != SupportStatus::Ended
    }

    /// The entry as the public sees it: without its history.
    pub fn public(&self) -> SupportRef {
        SupportRef {
            history: Vec::new(),
            ..self.clone()
        }
    }
}

/// Where a support entry stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum SupportStatus {
    /// Proposed (usually by `digifarm match --assign --write`); the partner has not agreed.
    Suggested,
    /// The partner has agreed to support the need.
    Agreed,
    /// The support is being given.
    Active,
    /// The support is over (declined, withdrawn or finished).
    Ended,
}

impl SupportStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [SupportStatus; 4] = [
        SupportStatus::Suggested,
        SupportStatus::Agreed,
        SupportStatus::Active,
        SupportStatus::Ended,
    ];

    /// The kebab-case name used in catalogs.
    pub fn as_str(self) -> &'static str {
        match self {
            SupportStatus::Suggested => "suggested",
            SupportStatus::Agreed => "agreed",
            SupportStatus::Active => "active",
            SupportStatus::Ended => "ended",
        }
    }

    /// `agreed` or `active`: the partner has committed and the support is not over.
    pub fn is_committed(self) -> bool {
        matches!(self, SupportStatus::Agreed | SupportStatus::Active)
    }
}

impl std::fmt::Display for SupportStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// One dated change of a support entry's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupportChange {
    /// When.
    #[serde(deserialize_with = "super::date::required")]
    pub date: NaiveDate,
    /// The status before (absent for the entry's creation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<SupportStatus>,
    /// The status after.
    pub to: SupportStatus,
    /// Who recorded the change (a person, body or role, or `digifarm match`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

//! Hard constraints: what excludes a (need, offer) pair, and why.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{CityInfo, Lifecycle, ProjectStatus};

/// Why a (need, offer) pair cannot be matched: the hard constraint that excludes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "constraint", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Exclusion {
    /// The need already has live support (a `supported_by` entry that is suggested, agreed
    /// or active), so it is not matched again.
    AlreadySupported {
        /// The partner(s) of the live entries.
        partners: Vec<String>,
    },
    /// The project is archived, rejected or retired: it gets nothing.
    ProjectInactive {
        /// Status or lifecycle that excludes it.
        reason: String,
    },
    /// The offer's partner is not in the catalog.
    UnknownPartner {
        /// The partner id the offer names.
        partner: String,
    },
    /// Need and offer are of different kinds.
    Kind {
        /// The need's kind.
        need: String,
        /// The offer's kind.
        offer: String,
    },
    /// The offer starts after the reference date.
    NotYetValid {
        /// First valid day.
        valid_from: NaiveDate,
    },
    /// The offer ended before the reference date.
    Expired {
        /// Last valid day.
        valid_until: NaiveDate,
    },
    /// The offer does not serve the project's city and is not remote.
    Region {
        /// The regions the offer serves (or its partner's region).
        regions: Vec<String>,
        /// The project's city (name and AGS): the catalog's city, or in a merged catalog the
        /// member city the project belongs to.
        city: String,
    },
    /// The offer has no free slot left.
    Capacity {
        /// Project slots of the offer.
        slots: u32,
        /// Slots already taken by needs that name the offer in `supported_by`.
        used: u32,
    },
    /// The need asks for more hours than one slot of the offer gives.
    Hours {
        /// Hours per month the need asks for.
        needed: f64,
        /// Hours per month per free slot of the offer.
        per_slot: f64,
        /// The offer's hours per month in total.
        total: f64,
        /// Project slots of the offer.
        slots: u32,
        /// Slots taken by existing support.
        used: u32,
    },
    /// The project's licence does not satisfy the partner's licence requirement.
    License {
        /// The project's licence expression.
        project: String,
        /// The offer's requirement.
        requirement: String,
    },
}

impl Exclusion {
    /// The name of the excluding constraint (stable, kebab-case).
    pub fn constraint(&self) -> &'static str {
        match self {
            Exclusion::AlreadySupported { .. } => "already-supported",
            Exclusion::ProjectInactive { .. } => "project-status",
            Exclusion::UnknownPartner { .. } => "partner",
            Exclusion::Kind { .. } => "kind",
            Exclusion::NotYetValid { .. } | Exclusion::Expired { .. } => "validity",
            Exclusion::Region { .. } => "region",
            Exclusion::Capacity { .. } | Exclusion::Hours { .. } => "capacity",
            Exclusion::License { .. } => "license",
        }
    }
}

impl std::fmt::Display for Exclusion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exclusion::AlreadySupported { partners } => {
                write!(
                    f,
                    "the need is already supported by {}",
                    partners.join(", ")
                )
            }
            Exclusion::ProjectInactive { reason } => {
                write!(f, "the project is {reason} and gets no support")
            }
            Exclusion::UnknownPartner { partner } => {
                write!(f, "the offer's partner `{partner}` is not in the catalog")
            }
            Exclusion::Kind { need, offer } => {
                write!(f, "the need is {need}, the offer is {offer}")
            }
            Exclusion::NotYetValid { valid_from } => {
                write!(f, "the offer is valid only from {valid_from}")
            }
            Exclusion::Expired { valid_until } => {
                write!(f, "the offer expired on {valid_until}")
            }
            Exclusion::Region { regions, city } => {
                if regions.is_empty() {
                    write!(
                        f,
                        "the offer names no region, is not remote, and its partner has no region"
                    )
                } else {
                    write!(
                        f,
                        "the offer serves {} and is not remote; it does not cover {city}",
                        regions.join(", ")
                    )
                }
            }
            Exclusion::Capacity { slots, used } => write!(
                f,
                "the offer has no free slot ({used} of {slots} taken by existing support)"
            ),
            Exclusion::Hours {
                needed,
                per_slot,
                total,
                slots,
                used,
            } => {
                write!(
                    f,
                    "the need asks for {needed} h/month; the offer gives {total} h/month for {slots} project{}",
                    if *slots == 1 { "" } else { "s" }
                )?;
                if *used > 0 {
                    write!(f, ", {used} taken by existing support")?;
                }
                write!(f, ", so {per_slot:.1} h/month for each free slot")
            }
            Exclusion::License {
                project,
                requirement,
            } => write!(
                f,
                "the project's licence `{project}` does not satisfy the partner's requirement `{requirement}`"
            ),
        }
    }
}

/// Whether a project licence satisfies an offer's licence requirement, by the licence
/// engine's rules (GNU "or later" semantics, copyleft categories from digifarm's reviewed
/// table). An invalid project licence or requirement satisfies nothing; validation reports
/// those. The matcher calls this once per distinct (licence, requirement) pair.
pub fn license_satisfies(project_license: &str, requirement: &str) -> bool {
    crate::license::satisfies(project_license, requirement).unwrap_or(false)
}

/// Why a project gets nothing, if it is archived, rejected or retired.
pub(crate) fn project_inactive(status: ProjectStatus, lifecycle: Lifecycle) -> Option<String> {
    match (status, lifecycle) {
        (ProjectStatus::Archived, _) => Some("archived".to_owned()),
        (_, Lifecycle::Rejected | Lifecycle::Retired | Lifecycle::Archived) => {
            Some(lifecycle.as_str().to_owned())
        }
        _ => None,
    }
}

/// How one region relates to the city: whether it covers the city and how close it is.
///
/// An AGS key (all digits) covers the city when it is a prefix of the city's AGS (`05` covers
/// all of North Rhine-Westphalia); closeness is the length of the common prefix over 8, so a
/// municipality key equal to the city's is 1.0, the state 0.25. A place name covers the city
/// when it equals the city's name, ignoring case (closeness 1.0), and is 0.0 otherwise.
pub fn region_closeness(region: &str, city: &CityInfo) -> (bool, f64) {
    let r = region.trim();
    if !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()) {
        match city.ags.as_deref() {
            Some(ags) => {
                let common = r
                    .bytes()
                    .zip(ags.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                let covers = common == r.len() && r.len() <= ags.len();
                (covers, common.min(8) as f64 / 8.0)
            }
            None => (false, 0.0),
        }
    } else {
        let covers =
            !city.name.trim().is_empty() && r.to_lowercase() == city.name.trim().to_lowercase();
        (covers, if covers { 1.0 } else { 0.0 })
    }
}

/// Whether a set of regions covers the city, and the best closeness among them. A city with
/// neither name nor AGS cannot be located: every region counts as covering it, closeness 0.
pub(crate) fn regions_closeness<'s>(
    regions: impl IntoIterator<Item = &'s str>,
    city: &CityInfo,
) -> (bool, f64) {
    let unknown_city = city.ags.is_none() && city.name.trim().is_empty();
    let mut covers = unknown_city;
    let mut best = 0.0f64;
    for r in regions {
        let (c, close) = region_closeness(r, city);
        covers |= c;
        best = best.max(close);
    }
    (covers, best)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn muenster() -> CityInfo {
        CityInfo {
            name: "Münster".into(),
            ags: Some("05515000".into()),
            ..CityInfo::default()
        }
    }

    #[test]
    fn ags_prefixes_cover_larger_areas() {
        let c = muenster();
        assert_eq!(region_closeness("05515000", &c), (true, 1.0));
        assert_eq!(region_closeness("055", &c), (true, 3.0 / 8.0));
        assert_eq!(region_closeness("05", &c), (true, 0.25));
        assert_eq!(region_closeness("05913000", &c), (false, 0.25));
        assert_eq!(region_closeness("11000000", &c), (false, 0.0));
        assert_eq!(region_closeness("MÜNSTER", &c), (true, 1.0));
        assert_eq!(region_closeness("Köln", &c), (false, 0.0));
    }

    #[test]
    fn licence_requirement_uses_the_licence_engine() {
        assert!(license_satisfies("GPL-3.0-or-later", " gpl-3.0-or-later"));
        // GNU "or later": version 3 meets a requirement of 2 or later, not the reverse.
        assert!(license_satisfies("GPL-3.0-only", "GPL-2.0-or-later"));
        assert!(!license_satisfies("GPL-2.0-only", "GPL-3.0-or-later"));
        assert!(license_satisfies("AGPL-3.0-or-later", "copyleft"));
        assert!(!license_satisfies("MIT", "copyleft"));
        assert!(license_satisfies("MIT", "permissive"));
        assert!(!license_satisfies("not a licence", "MIT"));
        assert!(!license_satisfies("MIT", "not a requirement ("));
    }

    #[test]
    fn inactive_projects() {
        assert!(project_inactive(ProjectStatus::Archived, Lifecycle::Admitted).is_some());
        assert!(project_inactive(ProjectStatus::Live, Lifecycle::Rejected).is_some());
        assert!(project_inactive(ProjectStatus::Live, Lifecycle::Proposed).is_none());
    }
}

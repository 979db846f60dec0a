//! The admission checklist shown by `digifarm review --pending`.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::license::{Policy, check};
use crate::model::{CityConfig, CityLink, Partner, Project};

/// One admission criterion of DIGIFARM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Criterion {
    /// The project is digital (attested).
    Digital,
    /// The software runs (attested).
    Runs,
    /// The source code is under an open-source licence (checked).
    OpenSource,
    /// The source repository is given (checked).
    Source,
    /// The project has a link to the city (checked, per config).
    CityLink,
    /// Data protection (GDPR) is ensured (attested).
    Gdpr,
    /// The project complies with the law (attested).
    Lawful,
}

impl Criterion {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::Digital => "digital",
            Criterion::Runs => "runs",
            Criterion::OpenSource => "open-source",
            Criterion::Source => "source",
            Criterion::CityLink => "city-link",
            Criterion::Gdpr => "gdpr",
            Criterion::Lawful => "lawful",
        }
    }
}

/// How a criterion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckStatus {
    /// Checked by code and met.
    Met,
    /// Checked by code and not met.
    NotMet,
    /// A person vouched for it.
    Attested,
    /// Nobody vouched for it yet: the steering group must check.
    NotAttested,
}

impl CheckStatus {
    /// Whether the criterion is met or attested.
    pub fn is_ok(self) -> bool {
        matches!(self, CheckStatus::Met | CheckStatus::Attested)
    }
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The criterion.
    pub criterion: Criterion,
    /// Where it stands.
    pub status: CheckStatus,
    /// Why (who attested and when, which licence, which link).
    pub detail: String,
}

/// Whether `value` (a place name or AGS) lies in the city's region: the city's name or AGS,
/// or an entry of `admission.region` (an AGS entry is a prefix).
fn in_region(value: &str, config: &CityConfig) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return false;
    }
    let city = &config.city;
    (!city.name.is_empty() && v.to_lowercase() == city.name.to_lowercase())
        || city.ags.as_deref() == Some(v)
        || config.admission.region.iter().any(|r| {
            if !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()) {
                v.bytes().all(|b| b.is_ascii_digit()) && v.starts_with(r.as_str())
            } else {
                r.to_lowercase() == v.to_lowercase()
            }
        })
}

/// The project's link to the city as `admission.city_link` defines it, explained; `None`
/// when there is none. With `city_link = "none"` every project is linked.
pub fn city_link(project: &Project, config: &CityConfig, partners: &[Partner]) -> Option<String> {
    if config.admission.city_link == CityLink::None {
        return Some("not required by the city config".to_owned());
    }
    if let Some(city) = project.origin.as_ref().and_then(|o| o.city.as_deref())
        && in_region(city, config)
    {
        return Some(format!("origin city {city}"));
    }
    if let Some(d) = &project.deployment
        && let Some(c) = d.cities.iter().find(|c| in_region(c, config))
    {
        return Some(format!("deployed in {c}"));
    }
    if config.admission.city_link == CityLink::OriginOrPartner {
        for need in &project.needs {
            // Only a partner's commitment links the project; a suggestion does not.
            for s in need.public_support() {
                if let Some(p) = partners.iter().find(|p| p.id == s.partner)
                    && p.region.as_deref().is_some_and(|r| in_region(r, config))
                {
                    return Some(format!("supported by {} from the city's region", p.name));
                }
            }
        }
    }
    None
}

/// The admission checklist of `project` in `catalog`: the three criteria code can check
/// (open-source licence under the city's policy, source repository, link to the city) and
/// the four a person attests, with who attested and when.
pub fn checklist(project: &Project, catalog: &Catalog) -> Vec<Check> {
    let config = &catalog.config;
    let attested = |name: &str, criterion: Criterion| match project
        .attestations
        .iter()
        .find(|a| a.criterion == name)
    {
        Some(a) => Check {
            criterion,
            status: CheckStatus::Attested,
            detail: format!("attested by {} on {}", a.by, a.date),
        },
        None => Check {
            criterion,
            status: CheckStatus::NotAttested,
            detail: "nobody has attested it: check it in the review".to_owned(),
        },
    };
    let verdict = check(&project.license, &Policy::from_config(&config.license));
    let open = Check {
        criterion: Criterion::OpenSource,
        status: if verdict.has_errors() {
            CheckStatus::NotMet
        } else {
            CheckStatus::Met
        },
        detail: match verdict
            .findings
            .iter()
            .find(|f| f.severity == crate::Severity::Error)
        {
            Some(f) => format!("`{}`: {}", project.license, f.message),
            None => format!(
                "`{}` is allowed by the {} policy",
                project.license,
                config.license.policy.as_str()
            ),
        },
    };
    let source = match &project.links.source {
        Some(url) => Check {
            criterion: Criterion::Source,
            status: CheckStatus::Met,
            detail: url.clone(),
        },
        None => Check {
            criterion: Criterion::Source,
            status: CheckStatus::NotMet,
            detail: "no `links.source`".to_owned(),
        },
    };
    let link = match city_link(project, config, &catalog.partners) {
        Some(why) => Check {
            criterion: Criterion::CityLink,
            status: CheckStatus::Met,
            detail: why,
        },
        None => Check {
            criterion: Criterion::CityLink,
            status: CheckStatus::NotMet,
            detail: "no origin, deployment or supporting partner in the city's region".to_owned(),
        },
    };
    vec![
        attested("digital", Criterion::Digital),
        attested("runs", Criterion::Runs),
        open,
        source,
        link,
        attested("gdpr", Criterion::Gdpr),
        attested("lawful", Criterion::Lawful),
    ]
}

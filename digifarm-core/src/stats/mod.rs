//! Figures for the programme's evaluation (`digifarm stats`): the pipeline, coverage of
//! needs per kind and over time, support given per partner, partners and offers, admission
//! rate and durations taken from the dated history, and the stale count. Pure: computed from
//! a loaded catalog and a date.
//!
//! The figures carry the catalog's language ([`Stats::language`]) and a label in it for
//! every name; [`render`] writes them for people (text, CSV for Excel, an SVG chart, a
//! one-page HTML report) with every word from the [`messages`] table.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::catalog::Catalog;
use crate::export::text as words;
use crate::i18n::Lang;
use crate::model::{Lifecycle, Project, ProjectStatus, SupportRef, SupportStatus};

pub mod messages;
pub mod render;

pub use render::{chart_svg, csv, human, report_html};

/// A name and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    /// What is counted (a lifecycle state, a status, a category, a kind), as in catalogs.
    pub name: String,
    /// The name for people, in the figures' language.
    pub label: String,
    /// How many.
    pub count: usize,
}

/// Needs of one kind: how many are open ("help wanted") and how many supported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// The kind of need.
    pub kind: String,
    /// The kind for people.
    pub label: String,
    /// All needs of this kind.
    pub total: usize,
    /// Needs without agreed or active support ("help wanted"), suggested ones included.
    pub open: usize,
    /// Open needs with a suggested supporter who has not agreed yet.
    pub suggested: usize,
    /// Needs with agreed or active support.
    pub supported: usize,
    /// `supported / total` (0 when there are none).
    pub coverage: f64,
}

/// What one partner gives: its agreed and active support.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerSupport {
    /// The partner's id.
    pub partner: String,
    /// Its name.
    pub name: String,
    /// Its kind, for people (empty when the partner is not in the catalog).
    pub kind: String,
    /// Projects it supports.
    pub projects: usize,
    /// Needs it supports.
    pub needs: usize,
    /// Hours per month: the committed hours, else the need's.
    pub hours_per_month: f64,
    /// Euros per year: the committed amount, else the need's.
    pub eur_per_year: f64,
}

/// Coverage of needs at the end of one quarter (or today, for the current one).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterCoverage {
    /// The year.
    pub year: i32,
    /// The quarter, 1 to 4.
    pub quarter: u32,
    /// `Q3 2021`.
    pub label: String,
    /// The day the figures are taken on: the quarter's last day, or today.
    pub on: NaiveDate,
    /// Needs of projects in the programme on that day.
    pub needs: usize,
    /// Of those, needs with support (agreed, active, or ended later) on that day.
    pub supported: usize,
    /// `supported / needs`; `None` without needs.
    pub coverage: Option<f64>,
}

/// Admission figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Admission {
    /// Projects ever admitted (admitted, sustained, retired, or an admission on record).
    pub admitted: usize,
    /// Projects rejected.
    pub rejected: usize,
    /// Projects waiting for a decision (proposed or in review).
    pub pending: usize,
    /// `admitted / (admitted + rejected)`; `None` before the first decision.
    pub rate: Option<f64>,
}

/// A median number of days and how many projects it is taken over.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Median {
    /// The median in days (the mean of the two middle values for an even count); `None`
    /// when no project has both dates.
    pub days: Option<f64>,
    /// How many projects have both dates.
    pub projects: usize,
}

/// All figures of `digifarm stats`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// The city.
    pub city: String,
    /// The language of labels and reports (`de`, `en`): the catalog's default language.
    pub language: String,
    /// The reference date (for staleness).
    pub today: NaiveDate,
    /// Only projects that entered the programme on or after this date are counted.
    pub since: Option<NaiveDate>,
    /// Projects counted.
    pub projects: usize,
    /// Projects per lifecycle state (every state, in pipeline order).
    pub by_lifecycle: Vec<Count>,
    /// Projects per status (every status).
    pub by_status: Vec<Count>,
    /// Projects per category (sorted by name; a project may have several).
    pub by_category: Vec<Count>,
    /// Needs per kind with open vs supported (built-in kinds first, then the city's).
    pub needs: Vec<Coverage>,
    /// Partners per kind (sorted by kind).
    pub partners_by_kind: Vec<Count>,
    /// Offers per kind (sorted by kind).
    pub offers_by_kind: Vec<Count>,
    /// Support given per partner (agreed and active), most projects first.
    pub support_by_partner: Vec<PartnerSupport>,
    /// Coverage per quarter, from the quarter of the first admission to today's (at most
    /// the last 40 quarters).
    pub coverage_by_quarter: Vec<QuarterCoverage>,
    /// Admission figures.
    pub admission: Admission,
    /// Median days from proposal to admission.
    pub proposal_to_admission: Median,
    /// Median days from admission to the first support (0 when support was already there).
    pub admission_to_first_support: Median,
    /// Projects with a `stale-listing` or `stale-status` finding.
    pub stale: usize,
}

const LIFECYCLES: [Lifecycle; 7] = [
    Lifecycle::Proposed,
    Lifecycle::InReview,
    Lifecycle::Admitted,
    Lifecycle::Rejected,
    Lifecycle::Sustained,
    Lifecycle::Retired,
    Lifecycle::Archived,
];

const STATUSES: [ProjectStatus; 6] = [
    ProjectStatus::Idea,
    ProjectStatus::InDevelopment,
    ProjectStatus::Live,
    ProjectStatus::Paused,
    ProjectStatus::Broken,
    ProjectStatus::Archived,
];

/// When the project was proposed: the first decision to `proposed`.
pub fn proposed_on(p: &Project) -> Option<NaiveDate> {
    p.history
        .iter()
        .find(|d| d.to == Lifecycle::Proposed)
        .map(|d| d.date)
}

/// When the project was admitted: `admitted_on`, else the first decision to `admitted`.
pub fn admitted_on(p: &Project) -> Option<NaiveDate> {
    p.admitted_on.or_else(|| {
        p.history
            .iter()
            .find(|d| d.to == Lifecycle::Admitted)
            .map(|d| d.date)
    })
}

/// When the project entered the programme: proposal, else admission, else its first decision.
pub fn entered_on(p: &Project) -> Option<NaiveDate> {
    proposed_on(p)
        .or_else(|| admitted_on(p))
        .or_else(|| p.history.first().map(|d| d.date))
}

fn was_admitted(p: &Project) -> bool {
    matches!(
        p.lifecycle,
        Lifecycle::Admitted | Lifecycle::Sustained | Lifecycle::Retired
    ) || admitted_on(p).is_some()
}

fn was_rejected(p: &Project) -> bool {
    p.lifecycle == Lifecycle::Rejected
        || (!was_admitted(p) && p.history.iter().any(|d| d.to == Lifecycle::Rejected))
}

fn median(mut values: Vec<i64>) -> Median {
    values.sort_unstable();
    let n = values.len();
    let days = match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2] as f64),
        _ => Some((values[n / 2 - 1] + values[n / 2]) as f64 / 2.0),
    };
    Median { days, projects: n }
}

fn counts<'a>(names: impl Iterator<Item = &'a str>, label: impl Fn(&str) -> String) -> Vec<Count> {
    let mut map: BTreeMap<&str, usize> = BTreeMap::new();
    for n in names {
        *map.entry(n).or_default() += 1;
    }
    map.into_iter()
        .map(|(name, count)| Count {
            name: name.to_owned(),
            label: label(name),
            count,
        })
        .collect()
}

/// When support started, as far as the record says: `since`, else the day the history
/// records it agreed or active. `None` for a suggestion.
pub fn support_started(s: &SupportRef) -> Option<NaiveDate> {
    if s.status() == SupportStatus::Suggested {
        return None;
    }
    s.since.or_else(|| {
        s.history
            .iter()
            .find(|c| c.to.is_committed())
            .map(|c| c.date)
    })
}

/// When support ended, as far as the record says: `until`, else for ended support the day
/// the history records its end.
fn support_ended(s: &SupportRef) -> Option<NaiveDate> {
    s.until.or_else(|| {
        (s.status() == SupportStatus::Ended)
            .then(|| {
                s.history
                    .iter()
                    .rev()
                    .find(|c| c.to == SupportStatus::Ended)
                    .map(|c| c.date)
            })
            .flatten()
    })
}

/// Whether `s` supported its need on `day`. Support without a start date on record counts
/// from the project's admission (`admitted`); ended support without an end date on record is
/// not counted, as its time is unknown.
fn supported_on(s: &SupportRef, day: NaiveDate, admitted: NaiveDate) -> bool {
    // A suggestion, or one that ended without ever being agreed (declined), never was
    // support. Ended support written by hand without a history is taken at its word.
    let ever_committed = s.is_committed()
        || s.history.iter().any(|c| c.to.is_committed())
        || (s.status() == SupportStatus::Ended && s.history.is_empty());
    if !ever_committed {
        return false;
    }
    let end = support_ended(s);
    if s.status() == SupportStatus::Ended && end.is_none() {
        return false;
    }
    let start = support_started(s).unwrap_or(admitted);
    start <= day && end.is_none_or(|e| e >= day)
}

/// Whether the project was in the programme on `day`: admitted by then, and not rejected,
/// retired or archived before it.
fn in_programme_on(p: &Project, day: NaiveDate) -> Option<NaiveDate> {
    let admitted = admitted_on(p).filter(|a| *a <= day)?;
    let left = p.history.iter().any(|d| {
        d.date <= day
            && d.date >= admitted
            && matches!(
                d.to,
                Lifecycle::Rejected | Lifecycle::Retired | Lifecycle::Archived
            )
    });
    (!left).then_some(admitted)
}

fn quarter_of(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month0() / 3 + 1)
}

fn quarter_end(year: i32, quarter: u32) -> Option<NaiveDate> {
    let (y, m) = if quarter == 4 {
        (year + 1, 1)
    } else {
        (year, quarter * 3 + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// At most this many quarters are reported (the latest ones).
const MAX_QUARTERS: usize = 40;

fn coverage_by_quarter(
    projects: &[&Project],
    today: NaiveDate,
    lang: Lang,
) -> Vec<QuarterCoverage> {
    let Some(first) = projects.iter().filter_map(|p| admitted_on(p)).min() else {
        return Vec::new();
    };
    if first > today {
        return Vec::new();
    }
    let m = messages::messages(lang);
    let (mut year, mut quarter) = quarter_of(first);
    let last = quarter_of(today);
    let mut out = Vec::new();
    while (year, quarter) <= last {
        let Some(end) = quarter_end(year, quarter) else {
            break;
        };
        let on = end.min(today);
        let (mut needs, mut supported) = (0, 0);
        for p in projects {
            let Some(admitted) = in_programme_on(p, on) else {
                continue;
            };
            for n in p.needs.iter().filter(|n| n.since.is_none_or(|s| s <= on)) {
                needs += 1;
                if n.supported_by.iter().any(|s| supported_on(s, on, admitted)) {
                    supported += 1;
                }
            }
        }
        out.push(QuarterCoverage {
            year,
            quarter,
            label: (m.quarter)(quarter, year),
            on,
            needs,
            supported,
            coverage: (needs > 0).then(|| supported as f64 / needs as f64),
        });
        (year, quarter) = if quarter == 4 {
            (year + 1, 1)
        } else {
            (year, quarter + 1)
        };
    }
    if out.len() > MAX_QUARTERS {
        out.drain(..out.len() - MAX_QUARTERS);
    }
    out
}

fn support_by_partner(catalog: &Catalog, projects: &[&Project], lang: &str) -> Vec<PartnerSupport> {
    #[derive(Default)]
    struct Acc<'a> {
        projects: BTreeSet<&'a str>,
        needs: usize,
        hours: f64,
        eur: f64,
    }
    let mut by: BTreeMap<&str, Acc<'_>> = BTreeMap::new();
    for p in projects {
        for n in &p.needs {
            for s in n.public_support() {
                let acc = by.entry(s.partner.as_str()).or_default();
                acc.projects.insert(&p.id);
                acc.needs += 1;
                // Amounts are finite (validated); their sum stays so, at most f64::MAX.
                acc.hours = (acc.hours + s.hours_per_month.or(n.hours_per_month).unwrap_or(0.0))
                    .min(f64::MAX);
                acc.eur =
                    (acc.eur + s.eur_per_year.or(n.eur_per_year).unwrap_or(0.0)).min(f64::MAX);
            }
        }
    }
    let mut out: Vec<PartnerSupport> = by
        .into_iter()
        .map(|(id, acc)| {
            let partner = catalog.partners.iter().find(|p| p.id == id);
            PartnerSupport {
                partner: id.to_owned(),
                name: partner.map_or_else(|| id.to_owned(), |p| p.name.clone()),
                kind: partner.map_or_else(String::new, |p| {
                    words::partner_kind(lang, p.kind).to_owned()
                }),
                projects: acc.projects.len(),
                needs: acc.needs,
                hours_per_month: acc.hours,
                eur_per_year: acc.eur,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.projects
            .cmp(&a.projects)
            .then(b.needs.cmp(&a.needs))
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    out
}

/// Computes the figures of `catalog` on `today` in the catalog's default language; see
/// [`compute_in`].
pub fn compute(catalog: &Catalog, today: NaiveDate, since: Option<NaiveDate>) -> Stats {
    compute_in(
        catalog,
        today,
        since,
        Lang::from_tag(catalog.config.default_language()),
    )
}

/// Computes the figures of `catalog` on `today`, with labels in `lang`, counting only
/// projects that entered the programme on or after `since` when given (projects with no date
/// on record are then left out). Partners and offers are always counted in full: they are
/// the current supply.
pub fn compute_in(
    catalog: &Catalog,
    today: NaiveDate,
    since: Option<NaiveDate>,
    lang: Lang,
) -> Stats {
    let tag = lang.tag();
    let included: Vec<bool> = catalog
        .projects
        .iter()
        .map(|p| since.is_none_or(|s| entered_on(p).is_some_and(|e| e >= s)))
        .collect();
    let projects: Vec<&Project> = catalog
        .projects
        .iter()
        .zip(&included)
        .filter(|(_, keep)| **keep)
        .map(|(p, _)| p)
        .collect();

    let by_lifecycle = LIFECYCLES
        .iter()
        .map(|l| Count {
            name: l.as_str().to_owned(),
            label: words::lifecycle(tag, *l).to_owned(),
            count: projects.iter().filter(|p| p.lifecycle == *l).count(),
        })
        .collect();
    let by_status = STATUSES
        .iter()
        .map(|s| Count {
            name: s.as_str().to_owned(),
            label: words::status(tag, *s).to_owned(),
            count: projects.iter().filter(|p| p.status == *s).count(),
        })
        .collect();
    let by_category = counts(
        projects
            .iter()
            .flat_map(|p| p.categories.iter().map(String::as_str)),
        str::to_owned,
    );

    let mut kinds: Vec<String> = crate::model::BUILTIN_NEED_KINDS
        .iter()
        .map(|k| (*k).to_owned())
        .collect();
    kinds.extend(catalog.config.need_kinds.iter().cloned());
    for p in &projects {
        for n in &p.needs {
            if !kinds.contains(&n.kind) {
                kinds.push(n.kind.clone());
            }
        }
    }
    let needs = kinds
        .into_iter()
        .map(|kind| {
            let (mut total, mut open, mut suggested) = (0, 0, 0);
            for n in projects
                .iter()
                .flat_map(|p| &p.needs)
                .filter(|n| n.kind == kind)
            {
                total += 1;
                if n.wants_help() {
                    open += 1;
                    if n.supported_by
                        .iter()
                        .any(|s| s.status() == SupportStatus::Suggested)
                    {
                        suggested += 1;
                    }
                }
            }
            let supported = total - open;
            Coverage {
                label: words::kind_name(tag, &kind),
                kind,
                total,
                open,
                suggested,
                supported,
                coverage: if total == 0 {
                    0.0
                } else {
                    supported as f64 / total as f64
                },
            }
        })
        .collect();

    let admitted = projects.iter().filter(|p| was_admitted(p)).count();
    let rejected = projects.iter().filter(|p| was_rejected(p)).count();
    let admission = Admission {
        admitted,
        rejected,
        pending: projects
            .iter()
            .filter(|p| matches!(p.lifecycle, Lifecycle::Proposed | Lifecycle::InReview))
            .count(),
        rate: (admitted + rejected > 0).then(|| admitted as f64 / (admitted + rejected) as f64),
    };

    let proposal_to_admission = median(
        projects
            .iter()
            .filter_map(|p| Some((admitted_on(p)? - proposed_on(p)?).num_days()))
            .collect(),
    );
    let admission_to_first_support = median(
        projects
            .iter()
            .filter_map(|p| {
                let admitted = admitted_on(p)?;
                let first = p
                    .needs
                    .iter()
                    .flat_map(|n| &n.supported_by)
                    .filter_map(support_started)
                    .min()?;
                Some((first - admitted).num_days().max(0))
            })
            .collect(),
    );

    let mut stale_ids: Vec<String> = crate::validate::stale(catalog, today)
        .into_iter()
        .filter(|f| {
            f.diagnostic.code == crate::Code::StaleListing.as_str()
                || f.diagnostic.code == crate::Code::StaleStatus.as_str()
        })
        .filter_map(|f| f.project)
        .collect();
    stale_ids.sort();
    stale_ids.dedup();
    let stale = stale_ids
        .iter()
        .filter(|id| projects.iter().any(|p| &p.id == *id))
        .count();

    Stats {
        city: catalog.config.city.name.clone(),
        language: tag.to_owned(),
        today,
        since,
        projects: projects.len(),
        by_lifecycle,
        by_status,
        by_category,
        needs,
        partners_by_kind: {
            let mut c = counts(catalog.partners.iter().map(|p| p.kind.as_str()), |k| {
                k.to_owned()
            });
            for (count, partner_kind) in c.iter_mut().filter_map(|c| {
                let kind = catalog
                    .partners
                    .iter()
                    .find(|p| p.kind.as_str() == c.name)
                    .map(|p| p.kind)?;
                Some((c, kind))
            }) {
                count.label = words::partner_kind(tag, partner_kind).to_owned();
            }
            c
        },
        offers_by_kind: counts(catalog.offers.iter().map(|o| o.kind.as_str()), |k| {
            words::kind_name(tag, k)
        }),
        support_by_partner: support_by_partner(catalog, &projects, tag),
        coverage_by_quarter: coverage_by_quarter(&projects, today, lang),
        admission,
        proposal_to_admission,
        admission_to_first_support,
        stale,
    }
}

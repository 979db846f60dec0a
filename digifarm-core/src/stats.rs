//! Figures for the programme's evaluation (`digifarm stats`): the pipeline, coverage of
//! needs per kind, partners and offers, admission rate and durations taken from the dated
//! history, and the stale count. Pure: computed from a loaded catalog and a date.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::catalog::Catalog;
use crate::model::{Lifecycle, Project, ProjectStatus};

/// A name and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    /// What is counted (a lifecycle state, a status, a category, a kind).
    pub name: String,
    /// How many.
    pub count: usize,
}

/// Needs of one kind: how many are open ("help wanted") and how many supported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// The kind of need.
    pub kind: String,
    /// All needs of this kind.
    pub total: usize,
    /// Needs nobody supports.
    pub open: usize,
    /// Needs with at least one supporter.
    pub supported: usize,
    /// `supported / total` (0 when there are none).
    pub coverage: f64,
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

fn counts<'a>(names: impl Iterator<Item = &'a str>) -> Vec<Count> {
    let mut map: BTreeMap<&str, usize> = BTreeMap::new();
    for n in names {
        *map.entry(n).or_default() += 1;
    }
    map.into_iter()
        .map(|(name, count)| Count {
            name: name.to_owned(),
            count,
        })
        .collect()
}

/// Computes the figures of `catalog` on `today`, counting only projects that entered the
/// programme on or after `since` when given (projects with no date on record are then left
/// out). Partners and offers are always counted in full: they are the current supply.
pub fn compute(catalog: &Catalog, today: NaiveDate, since: Option<NaiveDate>) -> Stats {
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
            count: projects.iter().filter(|p| p.lifecycle == *l).count(),
        })
        .collect();
    let by_status = STATUSES
        .iter()
        .map(|s| Count {
            name: s.as_str().to_owned(),
            count: projects.iter().filter(|p| p.status == *s).count(),
        })
        .collect();
    let by_category = counts(
        projects
            .iter()
            .flat_map(|p| p.categories.iter().map(String::as_str)),
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
            let (mut total, mut open) = (0, 0);
            for n in projects
                .iter()
                .flat_map(|p| &p.needs)
                .filter(|n| n.kind == kind)
            {
                total += 1;
                if n.wants_help() {
                    open += 1;
                }
            }
            let supported = total - open;
            Coverage {
                kind,
                total,
                open,
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
                    .filter_map(|s| s.since)
                    .min()?;
                Some((first - admitted).num_days().max(0))
            })
            .collect(),
    );

    let mut stale_ids: Vec<String> = crate::validate::stale(catalog, today)
        .into_iter()
        .filter(|f| f.diagnostic.code != crate::Code::NeverReviewed.as_str())
        .map(|f| f.project)
        .collect();
    stale_ids.sort();
    stale_ids.dedup();
    let stale = stale_ids
        .iter()
        .filter(|id| projects.iter().any(|p| &p.id == *id))
        .count();

    Stats {
        city: catalog.config.city.name.clone(),
        today,
        since,
        projects: projects.len(),
        by_lifecycle,
        by_status,
        by_category,
        needs,
        partners_by_kind: counts(catalog.partners.iter().map(|p| p.kind.as_str())),
        offers_by_kind: counts(catalog.offers.iter().map(|o| o.kind.as_str())),
        admission,
        proposal_to_admission,
        admission_to_first_support,
        stale,
    }
}

/// A self-contained SVG chart (no scripts, fonts or other external resources) of the
/// coverage per kind of need (supported vs open) and of the pipeline (projects per lifecycle
/// state), for a city's report.
pub fn chart_svg(stats: &Stats) -> String {
    use std::fmt::Write;
    const W: f64 = 720.0;
    const LABEL: f64 = 130.0;
    const BAR_W: f64 = 460.0;
    const ROW: f64 = 26.0;
    let needs: Vec<&Coverage> = stats.needs.iter().filter(|c| c.total > 0).collect();
    let top1 = 70.0;
    let top2 = top1 + needs.len().max(1) as f64 * ROW + 70.0;
    let height = top2 + stats.by_lifecycle.len() as f64 * ROW + 30.0;
    let mut s = String::new();
    let title = if stats.city.is_empty() {
        "digifarm: programme statistics".to_owned()
    } else {
        format!("digifarm: {}", stats.city)
    };
    let _ = write!(
        s,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{height}\" viewBox=\"0 0 {W} {height}\" font-family=\"sans-serif\" font-size=\"13\">\n<title>{}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n<text x=\"10\" y=\"24\" font-size=\"17\" font-weight=\"bold\">{}</text>\n",
        crate::export::text::esc(&title),
        crate::export::text::esc(&title)
    );
    let _ = writeln!(
        s,
        "<text x=\"10\" y=\"{}\" font-weight=\"bold\">Needs per kind: supported (green) and open (orange)</text>",
        top1 - 14.0
    );
    let max_needs = needs.iter().map(|c| c.total).max().unwrap_or(0).max(1) as f64;
    if needs.is_empty() {
        let _ = writeln!(
            s,
            "<text x=\"{LABEL}\" y=\"{}\">no needs</text>",
            top1 + 16.0
        );
    }
    for (i, c) in needs.iter().enumerate() {
        let y = top1 + i as f64 * ROW;
        let ws = BAR_W * c.supported as f64 / max_needs;
        let wo = BAR_W * c.open as f64 / max_needs;
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n<rect x=\"{LABEL}\" y=\"{y}\" width=\"{ws:.1}\" height=\"18\" fill=\"#2e7d32\"/>\n<rect x=\"{:.1}\" y=\"{y}\" width=\"{wo:.1}\" height=\"18\" fill=\"#ef6c00\"/>\n<text x=\"{:.1}\" y=\"{}\">{} of {} supported ({:.0} %)</text>",
            LABEL - 8.0,
            y + 14.0,
            crate::export::text::esc(&c.kind),
            LABEL + ws,
            LABEL + ws + wo + 6.0,
            y + 14.0,
            c.supported,
            c.total,
            c.coverage * 100.0
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"10\" y=\"{}\" font-weight=\"bold\">Pipeline: projects per lifecycle state</text>",
        top2 - 14.0
    );
    let max_l = stats
        .by_lifecycle
        .iter()
        .map(|c| c.count)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    for (i, c) in stats.by_lifecycle.iter().enumerate() {
        let y = top2 + i as f64 * ROW;
        let w = BAR_W * c.count as f64 / max_l;
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n<rect x=\"{LABEL}\" y=\"{y}\" width=\"{w:.1}\" height=\"18\" fill=\"#1565c0\"/>\n<text x=\"{:.1}\" y=\"{}\">{}</text>",
            LABEL - 8.0,
            y + 14.0,
            crate::export::text::esc(&c.name),
            LABEL + w + 6.0,
            y + 14.0,
            c.count
        );
    }
    s.push_str("</svg>\n");
    s
}

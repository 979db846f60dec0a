//! The soft score of an admissible (need, offer) pair and its explanation, and the helpers
//! its terms are computed with (tag overlap, an offer's fit for a home, the value scales).

use std::borrow::Cow;

use serde::Serialize;

use crate::model::{MatchingWeights, Priority, ProjectStatus};

/// One term of a score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Term {
    /// `skills`, `topics`, `region`, `urgency` or `budget`, or the name of an extra term
    /// added with [`Matcher::add_term`](super::Matcher::add_term) (e.g. `plugin:local-first`).
    pub name: Cow<'static, str>,
    /// The configured weight.
    pub weight: f64,
    /// The term's value in [0, 1].
    pub value: f64,
    /// Its share of the score: `weight * value / (sum of the weights of applicable terms)`;
    /// extra terms always apply, so their weights are in that sum.
    pub contribution: f64,
    /// How the value came about, for people.
    pub detail: String,
}

/// Why a pair scores what it scores: the terms, their values and weights.
///
/// Terms that do not apply to a need are left out and their weight does not count: `skills`
/// when the need lists no skills, `topics` when the project has no categories, `budget` when
/// the need asks for no money. `region` and `urgency` always apply, and so do extra terms
/// (a pair an extra term did not score counts with value 0).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The score in [0, 1]: the sum of the contributions.
    pub score: f64,
    /// The applicable terms.
    pub terms: Vec<Term>,
}

/// The per-need part of the score, computed once per need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NeedWeights {
    /// Skills weight if the need lists skills, else 0.
    pub skills: f64,
    /// Topics weight if the project has categories, else 0.
    pub topics: f64,
    /// Budget weight if the need asks for money, else 0.
    pub budget: f64,
    /// Sum of the applicable weights (> 0: region and urgency always apply).
    pub denom: f64,
}

impl NeedWeights {
    pub fn new(w: &MatchingWeights, has_skills: bool, has_topics: bool, has_money: bool) -> Self {
        let skills = if has_skills { w.skills } else { 0.0 };
        let topics = if has_topics { w.topics } else { 0.0 };
        let budget = if has_money { w.budget } else { 0.0 };
        let denom = skills + topics + budget + w.region + w.urgency;
        NeedWeights {
            skills,
            topics,
            budget,
            denom,
        }
    }
}

/// The one formula every path (explanation, brute force, index, assignment) uses, so that
/// they agree to the last bit.
#[inline]
pub(crate) fn combine(
    w: &MatchingWeights,
    nw: &NeedWeights,
    skills: f64,
    topics: f64,
    region: f64,
    urgency: f64,
    budget: f64,
) -> f64 {
    if nw.denom <= 0.0 {
        return 0.0;
    }
    numerator(w, nw, skills, topics, region, urgency, budget) / nw.denom
}

/// The weighted sum of the built-in terms, before dividing by the applicable weights; extra
/// terms add to it (see [`Matcher::add_term`](super::Matcher::add_term)).
#[inline]
pub(crate) fn numerator(
    w: &MatchingWeights,
    nw: &NeedWeights,
    skills: f64,
    topics: f64,
    region: f64,
    urgency: f64,
    budget: f64,
) -> f64 {
    nw.skills * skills
        + nw.topics * topics
        + w.region * region
        + w.urgency * urgency
        + nw.budget * budget
}

/// Fraction of `total` items matched (`hits / total`, 0 when `total` is 0).
#[inline]
pub(crate) fn fraction(hits: u32, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        f64::from(hits) / total as f64
    }
}

/// How much of a yearly need one slot of the offer covers.
#[inline]
pub(crate) fn budget_cover(per_slot: Option<f64>, needed: Option<f64>) -> f64 {
    match (per_slot, needed) {
        (Some(b), Some(e)) if e > 0.0 && b > 0.0 => (b / e).min(1.0),
        _ => 0.0,
    }
}

/// Urgency of a need: 50 % priority, 30 % age (a year open counts fully), 20 % project
/// status, where the status part is the higher of the status's value and the
/// health level's urgency (slow 0.8, stale 1.0): a project whose repository turned
/// slow or stale needs a partner now.
pub(crate) fn urgency_with_health(
    priority: Priority,
    age_days: i64,
    status: ProjectStatus,
    health: Option<crate::health::Level>,
) -> f64 {
    let status_part = match health.and_then(crate::health::Level::urgency) {
        Some(h) if status != ProjectStatus::Archived => status_value(status).max(h),
        _ => status_value(status),
    };
    0.5 * priority_value(priority) + 0.3 * age_value(age_days) + 0.2 * status_part
}

/// Whether the health level raises the urgency of a project with `status`.
pub(crate) fn health_raises(status: ProjectStatus, health: Option<crate::health::Level>) -> bool {
    status != ProjectStatus::Archived
        && health
            .and_then(crate::health::Level::urgency)
            .is_some_and(|h| h > status_value(status))
}

pub(crate) fn priority_value(p: Priority) -> f64 {
    match p {
        Priority::Low => 0.25,
        Priority::Medium => 0.5,
        Priority::High => 0.75,
        Priority::Critical => 1.0,
    }
}

pub(crate) fn age_value(days: i64) -> f64 {
    (days.max(0) as f64 / 365.0).min(1.0)
}

/// A broken project needs help most; a paused one least (it may not resume).
pub(crate) fn status_value(s: ProjectStatus) -> f64 {
    match s {
        ProjectStatus::Broken => 1.0,
        ProjectStatus::InDevelopment => 0.7,
        ProjectStatus::Idea | ProjectStatus::Live => 0.5,
        ProjectStatus::Paused => 0.3,
        ProjectStatus::Archived => 0.0,
    }
}

/// Sorted-list intersection size.
pub(crate) fn overlap(a: &[u32], b: &[u32]) -> u32 {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Coverage and closeness of an offer for a home: home 0 inline in the offer, the others in
/// `fits` (`n_other` per offer).
#[inline]
pub(crate) fn fit_of(
    fits: &[(bool, f64)],
    n_other: usize,
    home: u32,
    o: &super::OfferInfo,
) -> (bool, f64) {
    if home == 0 {
        (o.fit, o.region)
    } else {
        fits.get(o.idx as usize * n_other + home as usize - 1)
            .copied()
            .unwrap_or((false, 0.0))
    }
}

//! The prepared ranking features of a matcher, for comparisons with other tools
//! (`bench/compare_ranking.py` ranks with them in scipy.sparse).

use serde::Serialize;

use super::Matcher;

/// What the built-in score of a pair is computed from, per need and per offer, as the
/// matcher prepared it, for a catalog of one city: the region closeness is to the first home
/// city only (a merged catalog's other members are left out). With these, a pair's score is
/// `(w_skills·hits(skills)/|skills| + w_topics·hits(topics)/|topics| + region_weight·region
/// + urgency_weight·urgency + w_budget·min(budget_per_slot/eur, 1)) / denom` (a fraction
/// with an empty list is 0; the budget part is 0 unless both amounts are positive), summed
/// in that order; the hard constraints are [`Matcher::check`]'s.
#[doc(hidden)]
#[derive(Debug, Clone, Serialize)]
pub struct RankingFeatures {
    /// The weight of `region` (it always applies).
    pub region_weight: f64,
    /// The weight of `urgency` (it always applies).
    pub urgency_weight: f64,
    /// The minimum score of a proposed pair.
    pub min_score: f64,
    /// Every need, flat, in the matcher's order.
    pub needs: Vec<NeedFeatures>,
    /// Every offer, by index in the input.
    pub offers: Vec<OfferFeatures>,
}

/// One need's features; term ids are shared with the offers' (interned, lower-case).
#[doc(hidden)]
#[derive(Debug, Clone, Serialize)]
pub struct NeedFeatures {
    /// Project index and need index.
    pub project: usize,
    pub need: usize,
    /// Open (not excluded by a need-level constraint).
    pub open: bool,
    pub kind: u32,
    pub skills: Vec<u32>,
    /// The project's categories.
    pub topics: Vec<u32>,
    pub urgency: f64,
    pub eur: Option<f64>,
    /// Applicable weights (0 when the term does not apply) and their sum with region and
    /// urgency.
    pub w_skills: f64,
    pub w_topics: f64,
    pub w_budget: f64,
    pub denom: f64,
    /// Position in need order (project id, need index).
    pub rank: u32,
}

/// One offer's features.
#[doc(hidden)]
#[derive(Debug, Clone, Serialize)]
pub struct OfferFeatures {
    pub kind: u32,
    pub skills: Vec<u32>,
    pub topics: Vec<u32>,
    /// Closeness to the first home city.
    pub region: f64,
    pub budget_per_slot: Option<f64>,
    /// Position in offer id order (ties of a ranking go to the lower one).
    pub rank: u32,
}

impl Matcher<'_> {
    /// The prepared features; see [`RankingFeatures`].
    #[doc(hidden)]
    pub fn ranking_features(&self) -> RankingFeatures {
        RankingFeatures {
            region_weight: self.weights.region,
            urgency_weight: self.weights.urgency,
            min_score: self.min_score,
            needs: self
                .needs
                .iter()
                .map(|n| NeedFeatures {
                    project: n.id.project,
                    need: n.id.need,
                    open: n.level.is_ok(),
                    kind: n.kind,
                    skills: n.skills.clone(),
                    topics: n.cats.clone(),
                    urgency: n.urgency,
                    eur: n.eur,
                    w_skills: n.nw.skills,
                    w_topics: n.nw.topics,
                    w_budget: n.nw.budget,
                    denom: n.nw.denom,
                    rank: n.rank,
                })
                .collect(),
            offers: self
                .offers
                .iter()
                .map(|o| OfferFeatures {
                    kind: o.kind,
                    skills: o.skills.clone(),
                    topics: o.topics.clone(),
                    region: self.fit(0, o).1,
                    budget_per_slot: o.budget_per_slot,
                    rank: o.rank,
                })
                .collect(),
        }
    }
}

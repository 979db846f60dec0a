//! Matching partners' support offers to projects' needs. No I/O.
//!
//! A [`Matcher`] is prepared once from borrowed catalog data ([`MatchInput`]) and then answers:
//!
//! - **hard constraints** for a (need, offer) pair ([`Matcher::check`]): same kind, offer valid
//!   on the reference date, region (the offer's regions, or its partner's region when it names
//!   none, cover the project's home city, or the offer is remote), remaining capacity (project slots and hours
//!   per slot), the partner's licence requirement ([`license_satisfies`]), the project not
//!   archived/rejected/retired, the need not already supported. A failing pair names the
//!   constraint that excludes it ([`Exclusion`]): "why not".
//! - an **explained soft score** in [0, 1] ([`Matcher::explain`]): skills coverage, topic
//!   overlap (offer topics vs project categories), region closeness to the project's home city
//!   (common AGS prefix),
//!   urgency (priority, age, project status) and budget coverage, weighted by the city config.
//! - **ranking**, top-k offers for a need ([`Matcher::rank_offers`]) and top-k needs for an
//!   offer ([`Matcher::rank_needs`]) through an inverted index; results are identical to the
//!   brute-force references ([`Matcher::rank_offers_brute_force`]).
//! - a **global assignment** ([`Matcher::assign`]) that respects capacities and maximises the
//!   total score exactly (see [`assign`] and [`Assignment`]).
//! - **help wanted** ([`help_wanted`]): every need nobody supports, per kind.
//! - **extra score terms** ([`Matcher::add_term`]): values computed elsewhere (a scorer
//!   plugin) for the admissible pairs ([`Matcher::admissible_pairs`]), weighted into the score
//!   of every path above.
//!
//! Home cities: a project's home is the catalog's city, except in a merged catalog
//! (`city.members`, written by `digifarm merge`): there it is the member city whose `code`
//! prefixes the project's id (`ms/…`), else the member named by its `origin.city` (ignoring
//! case), else the catalog's city. Region coverage and closeness are computed once per (offer,
//! home); a single-city catalog has exactly one home.
//!
//! Capacity model: an offer has `capacity.projects` slots (one when absent); each matched need
//! takes one slot and an equal share of the offer's hours and budget, so matched needs never
//! exceed the offer's totals. Needs that already name the offer in `supported_by` take their
//! slots (and hours, budget) first.
//!
//! ```
//! use digifarm_core::{matching::{MatchInput, Matcher}, synth};
//! let cat = synth::catalog(1, 50, 10, 40);
//! let m = Matcher::new(MatchInput {
//!     projects: &cat.projects,
//!     partners: &cat.partners,
//!     offers: &cat.offers,
//!     config: &cat.config,
//!     today: synth::REFERENCE_DATE,
//! })?;
//! let assignment = m.assign();
//! assert!(assignment.total_score >= 0.0);
//! # Ok::<(), digifarm_core::matching::MatchError>(())
//! ```

pub mod assign;
mod constraints;
mod extra;
mod features;
mod help;
mod index;
mod score;

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;
use serde::Serialize;

pub use constraints::{Exclusion, license_satisfies, region_closeness};
pub use extra::TermValue;
pub use features::{NeedFeatures, OfferFeatures, RankingFeatures};
pub use help::help_wanted;
pub use index::Scratch;
pub use score::{Explanation, Term};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    CityConfig, CityInfo, MatchingWeights, MemberCity, Partner, Project, SupportOffer,
};
use score::NeedWeights;

/// What the matcher works on: borrowed catalog data and the reference date.
#[derive(Debug, Clone, Copy)]
pub struct MatchInput<'a> {
    /// All projects.
    pub projects: &'a [Project],
    /// All partners.
    pub partners: &'a [Partner],
    /// All support offers.
    pub offers: &'a [SupportOffer],
    /// The city config (city name/AGS, member cities of a merged catalog, matching weights).
    pub config: &'a CityConfig,
    /// The day offers must be valid on and needs' ages are counted to.
    pub today: NaiveDate,
}

/// A need, addressed by the index of its project in [`MatchInput::projects`] and its index in
/// that project's `needs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct NeedId {
    /// Index of the project.
    pub project: usize,
    /// Index of the need in the project's `needs`.
    pub need: usize,
}

/// One ranked or assigned (need, offer) pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ranked {
    /// The need.
    pub need: NeedId,
    /// Index of the offer in [`MatchInput::offers`].
    pub offer: usize,
    /// The pair's score in [0, 1].
    pub score: f64,
}

/// Why matching could not start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{kind}")]
pub struct MatchError {
    /// What is wrong.
    pub kind: MatchErrorKind,
}

/// What is wrong with the matching input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MatchErrorKind {
    /// A weight is NaN or infinite.
    #[error("matching weight `{name}` is not a finite number ({value})")]
    WeightNotFinite {
        /// The weight's name.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// A weight is negative.
    #[error("matching weight `{name}` is negative ({value})")]
    WeightNegative {
        /// The weight's name.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// `region` and `urgency` are both zero: the score would be undefined for needs where no
    /// other term applies.
    #[error("matching weights `region` and `urgency` are both zero")]
    WeightsZero,
    /// The weight of an extra score term ([`Matcher::add_term`]) is NaN, infinite or
    /// negative.
    #[error("weight of score term `{term}` is not a finite number ≥ 0 ({value})")]
    TermWeight {
        /// The term's name.
        term: String,
        /// The weight.
        value: f64,
    },
    /// `[matching] min_score` is not a number in [0, 1].
    #[error("matching `min_score` must be a number from 0 to 1 ({value})")]
    MinScore {
        /// Its value.
        value: f64,
    },
    /// An extra score term's values are unusable: a value outside [0, 1], a pair that is not
    /// admissible or scored twice, or a name used twice.
    #[error("score term `{term}`: {problem}")]
    TermInvalid {
        /// The term's name.
        term: String,
        /// What is wrong.
        problem: String,
    },
}

impl MatchError {
    /// The finding for `digifarm.toml` (`file`) that the CLI reports: `invalid-number` for NaN
    /// or infinity, `out-of-range` for negative or all-zero weights.
    pub fn to_diagnostic(&self, file: &str) -> Diagnostic {
        let (code, pointer) = match &self.kind {
            MatchErrorKind::WeightNotFinite { name, .. } => {
                (Code::InvalidNumber, format!("/matching/weights/{name}"))
            }
            MatchErrorKind::WeightNegative { name, .. } => {
                (Code::OutOfRange, format!("/matching/weights/{name}"))
            }
            MatchErrorKind::WeightsZero => (Code::OutOfRange, "/matching/weights".to_owned()),
            MatchErrorKind::TermWeight { value, .. } => {
                let code = if value.is_finite() {
                    Code::OutOfRange
                } else {
                    Code::InvalidNumber
                };
                return Diagnostic::new(code, file, "", self.to_string())
                    .with_help("weights of score terms must be finite numbers ≥ 0");
            }
            MatchErrorKind::TermInvalid { .. } => {
                return Diagnostic::new(Code::InvalidValue, file, "", self.to_string());
            }
            MatchErrorKind::MinScore { value } => {
                let code = if value.is_finite() {
                    Code::OutOfRange
                } else {
                    Code::InvalidNumber
                };
                return Diagnostic::new(code, file, "/matching/min_score", self.to_string())
                    .with_help("a score is a number from 0 to 1; the default minimum is 0.3");
            }
        };
        Diagnostic::new(code, file, pointer, self.to_string())
            .with_help("matching weights must be finite numbers ≥ 0, and region + urgency > 0")
    }
}

/// Checks the matching weights: finite, non-negative, `region + urgency > 0`.
pub fn validate_weights(w: &MatchingWeights) -> Result<(), MatchError> {
    let all = [
        ("skills", w.skills),
        ("topics", w.topics),
        ("region", w.region),
        ("urgency", w.urgency),
        ("budget", w.budget),
    ];
    for (name, value) in all {
        if !value.is_finite() {
            return Err(MatchError {
                kind: MatchErrorKind::WeightNotFinite { name, value },
            });
        }
        if value < 0.0 {
            return Err(MatchError {
                kind: MatchErrorKind::WeightNegative { name, value },
            });
        }
    }
    if w.region + w.urgency <= 0.0 {
        return Err(MatchError {
            kind: MatchErrorKind::WeightsZero,
        });
    }
    Ok(())
}

const NO_REQ: u32 = u32::MAX;
const NO_PARTNER: u32 = u32::MAX;

/// A fast, non-keyed hasher (the Fx hash of rustc) for the matcher's internal maps: their
/// keys are short tags, ids and small integers from the catalog, and SipHash dominated
/// [`Matcher::new`]. Iteration order is never relied on.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The matcher's internal hash map.
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A need's candidate (column, score) pairs and the best score left out, if any.
type CandidateList = (Vec<(u32, f64)>, Option<f64>);

#[derive(Debug, Clone)]
pub(crate) struct OfferInfo {
    pub kind: u32,
    /// Offer-level exclusions that do not depend on the home city: partner, validity,
    /// capacity. Region is per home (`fit`, [`Matcher::fit`]).
    pub level: Result<(), Exclusion>,
    pub slots: u32,
    pub used: u32,
    pub hours_per_slot: Option<f64>,
    pub budget_per_slot: Option<f64>,
    /// Region closeness to home 0.
    pub region: f64,
    /// Whether the offer may serve home 0 (its regions cover it, or it is remote).
    pub fit: bool,
    /// Whether the offer may serve some home.
    pub any_fit: bool,
    /// Index of the offer in the input.
    pub idx: u32,
    /// Index of its partner in the input (`NO_PARTNER` when unknown).
    pub partner: u32,
    pub req: u32,
    pub skills: Vec<u32>,
    pub topics: Vec<u32>,
    pub masks: Option<(u64, u64)>,
    pub rank: u32,
}

impl OfferInfo {
    /// Whether no offer-level constraint excludes the offer for every need.
    #[inline]
    pub fn admissible(&self) -> bool {
        self.level.is_ok() && self.any_fit
    }

    pub fn free_slots(&self) -> u32 {
        if self.admissible() {
            self.slots.saturating_sub(self.used)
        } else {
            0
        }
    }
}

/// A city projects are located in: the catalog's city or a member city of a merged catalog.
#[derive(Debug, Clone)]
pub(crate) struct Home {
    /// Name and AGS, for region coverage and closeness.
    pub info: CityInfo,
    /// Name and AGS for people: `Münster (05515000)`.
    pub label: String,
}

/// A city for people: `name (ags)`, the name or AGS alone, or `the city`.
fn city_label(name: &str, ags: Option<&String>) -> String {
    match (ags, name.trim()) {
        (Some(ags), "") => ags.clone(),
        (Some(ags), name) => format!("{name} ({ags})"),
        (None, "") => "the city".to_owned(),
        (None, name) => name.to_owned(),
    }
}

/// A project's home among the candidates (0: the catalog's city, `i + 1`: member `i`): the
/// member whose code prefixes the id, else the member named by `origin.city`, else 0.
fn home_candidate(p: &Project, members: &[MemberCity]) -> usize {
    if members.is_empty() {
        return 0;
    }
    if let Some((prefix, _)) = p.id.split_once('/')
        && let Some(i) = members
            .iter()
            .position(|m| m.code.as_deref() == Some(prefix))
    {
        return i + 1;
    }
    if let Some(city) = p.origin.as_ref().and_then(|o| o.city.as_deref()) {
        let city = city.trim().to_lowercase();
        if let Some(i) = members
            .iter()
            .position(|m| m.name.trim().to_lowercase() == city)
        {
            return i + 1;
        }
    }
    0
}

#[derive(Debug, Clone)]
pub(crate) struct NeedInfo {
    pub id: NeedId,
    /// The project's home city (index into the matcher's homes).
    pub home: u32,
    pub kind: u32,
    pub level: Result<(), Exclusion>,
    pub skills: Vec<u32>,
    pub cats: Vec<u32>,
    pub masks: Option<(u64, u64)>,
    pub urgency: f64,
    /// The project's health level, when it raised the urgency's status part.
    pub health: Option<crate::health::Level>,
    pub age_days: i64,
    pub hours: Option<f64>,
    pub eur: Option<f64>,
    pub license: u32,
    pub nw: NeedWeights,
    pub rank: u32,
}

#[derive(Debug, Default)]
struct Interner(HashMap<String, u32>);

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        // Tags are usually lower-case already: look them up without allocating.
        if let Some(&id) = self.0.get(s) {
            return id;
        }
        let key = s.trim().to_lowercase();
        let next = self.0.len() as u32;
        *self.0.entry(key).or_insert(next)
    }

    fn ids<'s>(&mut self, items: impl IntoIterator<Item = &'s String>) -> Vec<u32> {
        let mut v: Vec<u32> = items.into_iter().map(|s| self.id(s)).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// Options of [`Matcher::assign_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssignOptions {
    /// How many top-ranked offers per need enter the first round (default 10). Exactness does
    /// not depend on it (pruned pairs are checked against the dual certificate and needs that
    /// fail it get more candidates), only speed does.
    pub candidates_per_need: usize,
}

impl Default for AssignOptions {
    /// 10 first-round candidates per need. Without extra terms 4–6 are a little faster at
    /// 50k × 5k (pricing's later scans read kept scores, so a few more rounds cost little),
    /// but with a scorer plugin 6 takes one more round of scoring and is about a fifth slower.
    fn default() -> Self {
        AssignOptions {
            candidates_per_need: 10,
        }
    }
}

/// A global assignment of offers to open needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    /// The chosen pairs, in need order (project id, need index).
    pub pairs: Vec<Ranked>,
    /// The sum of their scores: the maximum possible under the constraints.
    pub total_score: f64,
    /// Open needs that got no offer, in need order.
    pub unmatched: Vec<NeedId>,
    /// Solver rounds: the most any kind took (kinds run their rounds independently; 1 when
    /// the first candidate lists were enough for the certificate).
    pub rounds: u32,
    /// Candidate pairs in each kind's last round, summed.
    pub candidate_pairs: usize,
}

/// A prepared matcher over one catalog. Build it once, query it many times; it is `Sync`.
#[derive(Debug)]
pub struct Matcher<'a> {
    input: MatchInput<'a>,
    weights: MatchingWeights,
    offers: Vec<OfferInfo>,
    needs: Vec<NeedInfo>,
    need_start: Vec<usize>,
    lic_ok: Vec<bool>,
    n_req: usize,
    /// The catalog's city for people (a merged catalog: every name).
    city: String,
    /// The projects' home cities; exactly one for a single-city catalog.
    homes: Vec<Home>,
    /// The home of each project.
    project_home: Vec<u32>,
    /// Coverage and closeness of every offer for homes 1.. (`homes.len() - 1` per offer).
    fits: Vec<(bool, f64)>,
    offer_index: index::OfferIndex,
    need_index: index::NeedIndex,
    /// Extra score terms, if any were added.
    extra: Option<extra::Extra>,
    /// Pairs scoring below this are left out of rankings and the assignment.
    min_score: f64,
}

impl<'a> Matcher<'a> {
    /// Prepares matching: validates the weights, precomputes per-offer and per-need data and
    /// builds the inverted indexes.
    pub fn new(input: MatchInput<'a>) -> Result<Self, MatchError> {
        Matcher::with_health(input, &[])
    }

    /// The matcher over a loaded catalog on `today`, as every front end builds it: the stored
    /// health data raises the urgency of slow and stale projects ([`Matcher::with_health`]).
    /// A config that allows no matcher (weights, minimum score) gives its diagnostic, placed
    /// in the catalog's config file.
    ///
    /// # Errors
    /// The config's matching settings are invalid.
    pub fn for_catalog(
        catalog: &'a crate::catalog::Catalog,
        today: NaiveDate,
    ) -> Result<Self, Box<crate::Diagnostic>> {
        let input = MatchInput {
            projects: &catalog.projects,
            partners: &catalog.partners,
            offers: &catalog.offers,
            config: &catalog.config,
            today,
        };
        let health = crate::health::levels(catalog, today);
        Matcher::with_health(input, &health)
            .map_err(|e| Box::new(e.to_diagnostic(&catalog.config_file_path())))
    }

    /// As [`Matcher::new`], with the projects' health levels (parallel to
    /// `input.projects`; missing entries count as unknown): a project whose repository
    /// turned slow or stale needs a partner now, so the status part of its needs' urgency is
    /// raised to [`Level::urgency`](crate::health::Level::urgency) (slow 0.8, stale 1.0)
    /// when that is higher than its status's own value; `--explain` names the level.
    pub fn with_health(
        input: MatchInput<'a>,
        health: &[Option<crate::health::Level>],
    ) -> Result<Self, MatchError> {
        let weights = input.config.matching.weights;
        validate_weights(&weights)?;
        let min_score = input.config.matching.min_score;
        if !(min_score.is_finite() && (0.0..=1.0).contains(&min_score)) {
            return Err(MatchError {
                kind: MatchErrorKind::MinScore { value: min_score },
            });
        }
        let city_info = &input.config.city;
        let city = city_label(&city_info.name, city_info.ags.as_ref());

        // Home cities: only the candidates some project lives in (at least one).
        let members = &city_info.members;
        let candidate: Vec<usize> = input
            .projects
            .iter()
            .map(|p| home_candidate(p, members))
            .collect();
        let mut used_home = vec![false; members.len() + 1];
        for &c in &candidate {
            used_home[c] = true;
        }
        if !used_home.contains(&true) {
            used_home[0] = true;
        }
        let mut home_of_candidate = vec![0u32; members.len() + 1];
        let mut homes: Vec<Home> = Vec::new();
        for (c, _) in used_home.iter().enumerate().filter(|(_, u)| **u) {
            home_of_candidate[c] = homes.len() as u32;
            homes.push(match c.checked_sub(1).and_then(|m| members.get(m)) {
                Some(m) => Home {
                    info: m.to_city_info(),
                    label: city_label(&m.name, m.ags.as_ref()),
                },
                None => Home {
                    info: CityInfo {
                        name: city_info.name.clone(),
                        ags: city_info.ags.clone(),
                        ..CityInfo::default()
                    },
                    label: city.clone(),
                },
            });
        }
        let n_other = homes.len() - 1;
        let mut fits: Vec<(bool, f64)> = Vec::with_capacity(input.offers.len() * n_other);

        let mut kinds = Interner::default();
        let mut terms = Interner::default();
        let mut licenses = Interner::default();
        let mut reqs = Interner::default();

        // Existing support that names an offer takes its slot, hours and budget while it is
        // live (suggested, agreed or active; not ended): the committed amounts, else the
        // need's. Usage is summed per named offer id (few), then handed to the first offer
        // with that id, instead of hashing every offer id.
        let mut usage: HashMap<&str, (u32, f64, f64)> = HashMap::default();
        for p in input.projects {
            for n in &p.needs {
                for s in n.supported_by.iter().filter(|s| s.is_live()) {
                    if let Some(o) = s.offer.as_deref() {
                        let u = usage.entry(o).or_insert((0, 0.0, 0.0));
                        u.0 += 1;
                        u.1 += s.hours_per_month.or(n.hours_per_month).unwrap_or(0.0);
                        u.2 += s.eur_per_year.or(n.eur_per_year).unwrap_or(0.0);
                    }
                }
            }
        }
        let mut used = vec![(0u32, 0.0f64, 0.0f64); input.offers.len()];
        if !usage.is_empty() {
            for (i, o) in input.offers.iter().enumerate() {
                if let Some(u) = usage.remove(o.id.as_str()) {
                    used[i] = u;
                }
            }
        }
        let partner_index: HashMap<&str, u32> = input
            .partners
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i as u32))
            .collect();

        let mut offer_order: Vec<usize> = (0..input.offers.len()).collect();
        // A total order (id, then index): an unstable sort gives the same result.
        offer_order
            .sort_unstable_by(|&a, &b| input.offers[a].id.cmp(&input.offers[b].id).then(a.cmp(&b)));
        let mut offer_rank = vec![0u32; input.offers.len()];
        for (r, &i) in offer_order.iter().enumerate() {
            offer_rank[i] = r as u32;
        }

        let mut offers: Vec<OfferInfo> = Vec::with_capacity(input.offers.len());
        for (i, o) in input.offers.iter().enumerate() {
            offers.push({
                let (used_slots, used_hours, used_budget) = used[i];
                let slots = o.capacity.projects.unwrap_or(1);
                let free = slots.saturating_sub(used_slots);
                let per_slot = |total: Option<f64>, taken: f64| {
                    total.map(|t| {
                        if free == 0 {
                            0.0
                        } else {
                            ((t - taken) / f64::from(free)).max(0.0)
                        }
                    })
                };
                let partner = partner_index.get(o.partner.as_str()).copied();
                let region_list: Vec<&str> = if o.regions.is_empty() {
                    partner
                        .and_then(|p| input.partners.get(p as usize))
                        .and_then(|p| p.region.as_deref())
                        .into_iter()
                        .collect()
                } else {
                    o.regions.iter().map(String::as_str).collect()
                };
                let mut any_fit = false;
                let mut home0 = (false, 0.0);
                for (h, home) in homes.iter().enumerate() {
                    let (covers, closeness) =
                        constraints::regions_closeness(region_list.iter().copied(), &home.info);
                    let fit = covers || o.remote;
                    any_fit |= fit;
                    if h == 0 {
                        home0 = (fit, closeness);
                    } else {
                        fits.push((fit, closeness));
                    }
                }
                let level = if partner.is_none() {
                    Err(Exclusion::UnknownPartner {
                        partner: o.partner.clone(),
                    })
                } else if let Some(f) = o.valid_from.filter(|f| *f > input.today) {
                    Err(Exclusion::NotYetValid { valid_from: f })
                } else if let Some(u) = o.valid_until.filter(|u| *u < input.today) {
                    Err(Exclusion::Expired { valid_until: u })
                } else if free == 0 {
                    Err(Exclusion::Capacity {
                        slots,
                        used: used_slots,
                    })
                } else {
                    Ok(())
                };
                OfferInfo {
                    kind: kinds.id(&o.kind),
                    level,
                    slots,
                    used: used_slots,
                    hours_per_slot: per_slot(o.capacity.hours_per_month, used_hours),
                    budget_per_slot: per_slot(o.budget_eur_per_year, used_budget),
                    region: home0.1,
                    fit: home0.0,
                    any_fit,
                    idx: i as u32,
                    partner: partner.unwrap_or(NO_PARTNER),
                    req: o
                        .license_requirement
                        .as_deref()
                        .map_or(NO_REQ, |r| reqs.id(r)),
                    masks: None,
                    skills: terms.ids(&o.skills),
                    topics: terms.ids(&o.topics),
                    rank: offer_rank[i],
                }
            });
        }

        let mut need_start = Vec::with_capacity(input.projects.len() + 1);
        let mut project_home = Vec::with_capacity(input.projects.len());
        let mut needs = Vec::new();
        for (pi, p) in input.projects.iter().enumerate() {
            need_start.push(needs.len());
            let inactive = constraints::project_inactive(p.status, p.lifecycle);
            let home = candidate
                .get(pi)
                .and_then(|&c| home_of_candidate.get(c))
                .copied()
                .unwrap_or(0);
            project_home.push(home);
            let cats = terms.ids(&p.categories);
            let license = licenses.id(&p.license);
            for (ni, n) in p.needs.iter().enumerate() {
                let level = if n.has_live_support() {
                    Err(Exclusion::AlreadySupported {
                        partners: n
                            .supported_by
                            .iter()
                            .filter(|s| s.is_live())
                            .map(|s| s.partner.clone())
                            .collect(),
                    })
                } else if let Some(reason) = &inactive {
                    Err(Exclusion::ProjectInactive {
                        reason: reason.clone(),
                    })
                } else {
                    Ok(())
                };
                let skills = terms.ids(&n.skills);
                let age_days = n.since.map_or(0, |s| (input.today - s).num_days());
                let eur = n.eur_per_year.filter(|e| *e > 0.0);
                needs.push(NeedInfo {
                    id: NeedId {
                        project: pi,
                        need: ni,
                    },
                    home,
                    kind: kinds.id(&n.kind),
                    level,
                    nw: NeedWeights::new(
                        &weights,
                        !skills.is_empty(),
                        !cats.is_empty(),
                        eur.is_some(),
                    ),
                    masks: None,
                    skills,
                    cats: cats.clone(),
                    urgency: score::urgency_with_health(
                        n.priority,
                        age_days,
                        p.status,
                        health.get(pi).copied().flatten(),
                    ),
                    health: health.get(pi).copied().flatten(),
                    age_days,
                    hours: n.hours_per_month,
                    eur,
                    license,
                    rank: 0,
                });
            }
        }
        need_start.push(needs.len());
        let mut need_order: Vec<usize> = (0..needs.len()).collect();
        need_order.sort_by(|&a, &b| {
            let (na, nb) = (&needs[a].id, &needs[b].id);
            input.projects[na.project]
                .id
                .cmp(&input.projects[nb.project].id)
                .then(na.cmp(nb))
        });
        for (r, &i) in need_order.iter().enumerate() {
            needs[i].rank = r as u32;
        }

        // The licence rule is evaluated once per distinct (licence, requirement) pair.
        let mut lic_names: Vec<(&String, &u32)> = licenses.0.iter().collect();
        lic_names.sort_by_key(|(_, id)| **id);
        let mut req_names: Vec<(&String, &u32)> = reqs.0.iter().collect();
        req_names.sort_by_key(|(_, id)| **id);
        let n_req = req_names.len();
        let mut lic_ok = vec![false; lic_names.len() * n_req];
        for (l, _) in &lic_names {
            for (r, _) in &req_names {
                let (li, ri) = (licenses.0[*l] as usize, reqs.0[*r] as usize);
                lic_ok[li * n_req + ri] = license_satisfies(l, r);
            }
        }

        // Small vocabularies (the usual case): skill and topic sets as 64-bit masks, so that
        // scoring a pair during the assignment's pricing scan is a popcount.
        if terms.0.len() <= 64 {
            let mask = |ids: &[u32]| ids.iter().fold(0u64, |m, &t| m | (1u64 << t));
            for o in &mut offers {
                o.masks = Some((mask(&o.skills), mask(&o.topics)));
            }
            for n in &mut needs {
                n.masks = Some((mask(&n.skills), mask(&n.cats)));
            }
        }
        let offer_index = index::OfferIndex::build(&offers, homes.len(), &fits);
        let need_index = index::NeedIndex::build(&needs);
        Ok(Matcher {
            input,
            weights,
            offers,
            needs,
            need_start,
            lic_ok,
            n_req,
            city,
            homes,
            project_home,
            fits,
            offer_index,
            need_index,
            extra: None,
            min_score,
        })
    }

    /// The input the matcher was built from.
    pub fn input(&self) -> &MatchInput<'a> {
        &self.input
    }

    /// The minimum score of a proposed pair (`[matching] min_score`): weaker pairs are left
    /// out of rankings and the assignment; [`Matcher::explain`] and [`Matcher::score`] still
    /// give their scores.
    pub fn min_score(&self) -> f64 {
        self.min_score
    }

    /// Whether a score is below the minimum score.
    pub fn below_minimum(&self, score: f64) -> bool {
        score < self.min_score
    }

    fn flat(&self, need: NeedId) -> Option<usize> {
        let start = *self.need_start.get(need.project)?;
        let end = *self.need_start.get(need.project + 1)?;
        let i = start + need.need;
        (i < end).then_some(i)
    }

    /// Every need of every project, in need order (project id, need index).
    pub fn all_needs(&self) -> Vec<NeedId> {
        let mut v: Vec<&NeedInfo> = self.needs.iter().collect();
        v.sort_by_key(|n| n.rank);
        v.into_iter().map(|n| n.id).collect()
    }

    /// The needs that can be matched: nobody supports them and their project is active; in
    /// need order.
    pub fn open_needs(&self) -> Vec<NeedId> {
        let mut v: Vec<&NeedInfo> = self.needs.iter().filter(|n| n.level.is_ok()).collect();
        v.sort_by_key(|n| n.rank);
        v.into_iter().map(|n| n.id).collect()
    }

    /// Index of the project with this id.
    pub fn project_index(&self, id: &str) -> Option<usize> {
        self.input.projects.iter().position(|p| p.id == id)
    }

    /// Index of the offer with this id.
    pub fn offer_index(&self, id: &str) -> Option<usize> {
        self.input.offers.iter().position(|o| o.id == id)
    }

    /// Whether `o` may serve `home` (its regions cover the home city, or it is remote) and
    /// its region closeness to it.
    #[inline]
    pub(crate) fn fit(&self, home: u32, o: &OfferInfo) -> (bool, f64) {
        score::fit_of(&self.fits, self.homes.len() - 1, home, o)
    }

    /// The number of home cities (1 for a single-city catalog).
    pub(crate) fn n_homes(&self) -> usize {
        self.homes.len()
    }

    /// The home city of a project, for people (`Münster (05515000)`): the catalog's city, or
    /// in a merged catalog the member city the project belongs to. `None` when the project
    /// does not exist.
    pub fn home_city(&self, project: usize) -> Option<&str> {
        let home = *self.project_home.get(project)?;
        self.homes.get(home as usize).map(|h| h.label.as_str())
    }

    /// The regions an offer serves: its own, else its partner's.
    fn offer_regions(&self, offer: usize, o: &OfferInfo) -> Vec<String> {
        let Some(raw) = self.input.offers.get(offer) else {
            return Vec::new();
        };
        if raw.regions.is_empty() {
            self.input
                .partners
                .get(o.partner as usize)
                .and_then(|p| p.region.clone())
                .into_iter()
                .collect()
        } else {
            raw.regions.clone()
        }
    }

    /// What excludes an offer for every need of `home`, if anything: partner and validity,
    /// then region, then capacity (the order [`Matcher::check`] reports them in).
    fn offer_level(&self, home: u32, o: &OfferInfo, offer: usize) -> Option<Exclusion> {
        match &o.level {
            Err(e) if !matches!(e, Exclusion::Capacity { .. }) => Some(e.clone()),
            _ if !self.fit(home, o).0 => Some(Exclusion::Region {
                regions: self.offer_regions(offer, o),
                city: self
                    .homes
                    .get(home as usize)
                    .map_or_else(|| self.city.clone(), |h| h.label.clone()),
            }),
            Err(e) => Some(e.clone()),
            Ok(()) => None,
        }
    }

    /// The pair constraints beyond the offer's own level and region: licence and hours.
    /// Callers that range over offers of any home use [`Matcher::pair_admissible`].
    #[inline]
    fn pair_ok(&self, n: &NeedInfo, o: &OfferInfo) -> bool {
        let lic = o.req == NO_REQ
            || self
                .lic_ok
                .get(n.license as usize * self.n_req + o.req as usize)
                .copied()
                .unwrap_or(false);
        let hours = match (n.hours, o.hours_per_slot) {
            (Some(h), Some(p)) => h <= p,
            _ => true,
        };
        lic && hours
    }

    /// [`Matcher::pair_ok`] and the region: the offer may serve the need's home city.
    #[inline]
    fn pair_admissible(&self, n: &NeedInfo, o: &OfferInfo) -> bool {
        self.fit(n.home, o).0 && self.pair_ok(n, o)
    }

    fn pair_exclusion(&self, n: &NeedInfo, o: &OfferInfo, offer: usize) -> Option<Exclusion> {
        if let Err(e) = &n.level {
            return Some(e.clone());
        }
        if n.kind != o.kind {
            return Some(Exclusion::Kind {
                need: self.need_ref(n.id)?.kind.clone(),
                offer: self.input.offers.get(offer)?.kind.clone(),
            });
        }
        if let Some(e) = self.offer_level(n.home, o, offer) {
            return Some(e);
        }
        if let (Some(h), Some(p)) = (n.hours, o.hours_per_slot)
            && h > p
        {
            return Some(Exclusion::Hours {
                needed: h,
                per_slot: p,
                total: self
                    .input
                    .offers
                    .get(offer)
                    .and_then(|raw| raw.capacity.hours_per_month)
                    .unwrap_or(0.0),
                slots: o.slots,
                used: o.used,
            });
        }
        if !self.pair_ok(n, o) {
            return Some(Exclusion::License {
                project: self.input.projects.get(n.id.project)?.license.clone(),
                requirement: self
                    .input
                    .offers
                    .get(offer)?
                    .license_requirement
                    .clone()
                    .unwrap_or_default(),
            });
        }
        None
    }

    fn need_ref(&self, need: NeedId) -> Option<&crate::model::Need> {
        self.input.projects.get(need.project)?.needs.get(need.need)
    }

    /// Checks the hard constraints: `Ok` when the pair can be matched, otherwise the first
    /// constraint that excludes it. `None` when the need or offer does not exist.
    pub fn check(&self, need: NeedId, offer: usize) -> Option<Result<(), Exclusion>> {
        let n = self.needs.get(self.flat(need)?)?;
        let o = self.offers.get(offer)?;
        Some(match self.pair_exclusion(n, o, offer) {
            Some(e) => Err(e),
            None => Ok(()),
        })
    }

    #[inline]
    pub(crate) fn score_hits(&self, n: &NeedInfo, o: &OfferInfo, sh: u32, th: u32) -> f64 {
        score::combine(
            &self.weights,
            &n.nw,
            score::fraction(sh, n.skills.len()),
            score::fraction(th, n.cats.len()),
            self.fit(n.home, o).1,
            n.urgency,
            score::budget_cover(o.budget_per_slot, n.eur),
        )
    }

    /// Skill and topic hits of a pair.
    #[inline]
    fn hits(n: &NeedInfo, o: &OfferInfo) -> (u32, u32) {
        // With a small vocabulary both sides carry bit masks: the overlaps are popcounts.
        match (n.masks, o.masks) {
            (Some((ns, nc)), Some((os, ot))) => ((ns & os).count_ones(), (nc & ot).count_ones()),
            _ => (
                score::overlap(&n.skills, &o.skills),
                score::overlap(&n.cats, &o.topics),
            ),
        }
    }

    /// The built-in score of a pair (without extra terms).
    fn score_pair(&self, n: &NeedInfo, o: &OfferInfo) -> f64 {
        let (sh, th) = Self::hits(n, o);
        self.score_hits(n, o, sh, th)
    }

    /// The weighted sum of a pair's built-in terms, before division.
    fn numerator_pair(&self, n: &NeedInfo, o: &OfferInfo) -> f64 {
        let (sh, th) = Self::hits(n, o);
        score::numerator(
            &self.weights,
            &n.nw,
            score::fraction(sh, n.skills.len()),
            score::fraction(th, n.cats.len()),
            self.fit(n.home, o).1,
            n.urgency,
            score::budget_cover(o.budget_per_slot, n.eur),
        )
    }

    /// The score of an admissible pair with every term explained, or the constraint that
    /// excludes the pair ("why not"). `None` when the need or offer does not exist.
    pub fn explain(&self, need: NeedId, offer: usize) -> Option<Result<Explanation, Exclusion>> {
        let ni = self.flat(need)?;
        let n = self.needs.get(ni)?;
        let o = self.offers.get(offer)?;
        if let Some(e) = self.pair_exclusion(n, o, offer) {
            return Some(Err(e));
        }
        let raw_need = self.need_ref(need)?;
        let project = self.input.projects.get(need.project)?;
        let raw_offer = self.input.offers.get(offer)?;
        let w = &self.weights;
        let denom = n.nw.denom + self.extra_weight();
        let mut terms = Vec::new();
        let mut push = |name: Cow<'static, str>, weight: f64, value: f64, detail: String| {
            terms.push(Term {
                name,
                weight,
                value,
                contribution: if denom > 0.0 {
                    weight * value / denom
                } else {
                    0.0
                },
                detail,
            });
        };
        let lower = |v: &[String]| -> Vec<String> {
            let mut l: Vec<String> = v.iter().map(|s| s.trim().to_lowercase()).collect();
            l.sort();
            l.dedup();
            l
        };
        if !n.skills.is_empty() {
            let want = lower(&raw_need.skills);
            let have = lower(&raw_offer.skills);
            let (hit, miss): (Vec<&String>, Vec<&String>) =
                want.iter().partition(|s| have.contains(s));
            let value = score::fraction(score::overlap(&n.skills, &o.skills), n.skills.len());
            let mut detail = format!("covers {} of {} skills", hit.len(), want.len());
            if !hit.is_empty() {
                detail.push_str(&format!(": {}", join(&hit)));
            }
            if !miss.is_empty() {
                detail.push_str(&format!(" (missing: {})", join(&miss)));
            }
            push("skills".into(), w.skills, value, detail);
        }
        if !n.cats.is_empty() {
            let cats = lower(&project.categories);
            let topics = lower(&raw_offer.topics);
            let shared: Vec<&String> = cats.iter().filter(|c| topics.contains(c)).collect();
            let value = score::fraction(score::overlap(&n.cats, &o.topics), n.cats.len());
            let detail = if shared.is_empty() {
                format!(
                    "shares none of the project's categories ({})",
                    cats.join(", ")
                )
            } else {
                format!(
                    "shares {} of {} project categories: {}",
                    shared.len(),
                    cats.len(),
                    join(&shared)
                )
            };
            push("topics".into(), w.topics, value, detail);
        }
        let closeness = self.fit(n.home, o).1;
        let home = self
            .homes
            .get(n.home as usize)
            .map_or(self.city.as_str(), |h| h.label.as_str());
        let region_detail = {
            let regions = if raw_offer.regions.is_empty() {
                "its partner's region".to_owned()
            } else {
                raw_offer.regions.join(", ")
            };
            let remote = if raw_offer.remote { "remote; " } else { "" };
            format!("{remote}serves {regions}; closeness to {home} {closeness:.2}")
        };
        push("region".into(), w.region, closeness, region_detail);
        push(
            "urgency".into(),
            w.urgency,
            n.urgency,
            format!(
                "priority {}, open {} days, project {}{}",
                raw_need.priority.as_str(),
                n.age_days.max(0),
                project.status.as_str(),
                match n.health {
                    Some(level) if score::health_raises(project.status, Some(level)) => {
                        format!(
                            ", repository {level} (status urgency {:.1})",
                            level.urgency().unwrap_or(0.0)
                        )
                    }
                    _ => String::new(),
                }
            ),
        );
        if let Some(e) = n.eur {
            let value = score::budget_cover(o.budget_per_slot, n.eur);
            let detail = match o.budget_per_slot {
                Some(b) => format!("one slot of the offer gives {b:.0} € of {e:.0} €/year"),
                None => format!("the offer states no budget; the need asks {e:.0} €/year"),
            };
            push("budget".into(), w.budget, value, detail);
        }
        for (name, weight, value, detail) in self.extra_parts(ni, offer) {
            push(name.to_owned().into(), weight, value, detail.to_owned());
        }
        Some(Ok(Explanation {
            score: self.score_full(ni, n, o, offer),
            terms,
        }))
    }

    /// Why an offer cannot serve any need at all (partner, validity, region, capacity), if so.
    /// Region: the offer covers no project's home city and is not remote.
    pub fn offer_exclusion(&self, offer: usize) -> Option<Exclusion> {
        let o = self.offers.get(offer)?;
        match &o.level {
            Err(e) if !matches!(e, Exclusion::Capacity { .. }) => Some(e.clone()),
            _ if !o.any_fit => Some(Exclusion::Region {
                regions: self.offer_regions(offer, o),
                city: match self.homes.as_slice() {
                    [home] => home.label.clone(),
                    _ => self.city.clone(),
                },
            }),
            Err(e) => Some(e.clone()),
            Ok(()) => None,
        }
    }

    /// The score of an admissible pair; `None` when the pair is excluded or does not exist.
    pub fn score(&self, need: NeedId, offer: usize) -> Option<f64> {
        let ni = self.flat(need)?;
        let n = self.needs.get(ni)?;
        let o = self.offers.get(offer)?;
        if self.pair_exclusion(n, o, offer).is_some() {
            return None;
        }
        Some(self.score_full(ni, n, o, offer))
    }

    /// The best `k` offers that pass every hard constraint for `need` but score below the
    /// minimum score, best first: what `--explain` shows as too weak to propose. A scan of
    /// every offer, for explanations rather than bulk use.
    pub fn below_minimum_offers(&self, need: NeedId, k: usize) -> Vec<Ranked> {
        let Some((ni, n)) = self
            .flat(need)
            .and_then(|i| self.needs.get(i).map(|n| (i, n)))
        else {
            return Vec::new();
        };
        let mut all: Vec<(f64, u32, usize)> = self
            .offers
            .iter()
            .enumerate()
            .filter(|(i, o)| self.pair_exclusion(n, o, *i).is_none())
            .map(|(i, o)| (self.score_full(ni, n, o, i), o.rank, i))
            .filter(|(score, _, _)| self.below_minimum(*score))
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all.truncate(k);
        all.into_iter()
            .map(|(score, _, offer)| Ranked { need, offer, score })
            .collect()
    }

    /// Builds both ranking indexes again from the prepared offers and needs (what
    /// [`Matcher::new`] does last), for the `index_build` benchmark; returns how many
    /// (home city, offer) entries the offer index holds.
    #[doc(hidden)]
    pub fn rebuild_indexes(&mut self) -> usize {
        self.offer_index = index::OfferIndex::build(&self.offers, self.homes.len(), &self.fits);
        self.need_index = index::NeedIndex::build(&self.needs);
        self.offer_index.len()
    }

    /// A scratch buffer for [`Matcher::rank_offers_with`] and [`Matcher::rank_needs_with`];
    /// reuse one per thread to avoid allocating per query.
    pub fn scratch(&self) -> Scratch {
        Scratch::new(self.offers.len().max(self.needs.len()))
    }

    /// The top `k` offers for `need`, best first (score descending, then offer id), through
    /// the index. Empty when the need is unknown, supported already or its project inactive.
    pub fn rank_offers(&self, need: NeedId, k: usize) -> Vec<Ranked> {
        self.rank_offers_with(need, k, &mut self.scratch())
    }

    /// [`Matcher::rank_offers`] with a caller-provided scratch buffer.
    pub fn rank_offers_with(&self, need: NeedId, k: usize, scratch: &mut Scratch) -> Vec<Ranked> {
        match self.flat(need) {
            Some(i) => self.rank_offers_flat(i, k, scratch),
            None => Vec::new(),
        }
    }

    /// The top `k` open needs for `offer`, best first (score descending, then project id and
    /// need index), through the index. Empty when the offer is unknown or not admissible.
    pub fn rank_needs(&self, offer: usize, k: usize) -> Vec<Ranked> {
        self.rank_needs_with(offer, k, &mut self.scratch())
    }

    /// Brute-force reference for [`Matcher::rank_offers`]: checks and scores every offer.
    pub fn rank_offers_brute_force(&self, need: NeedId, k: usize) -> Vec<Ranked> {
        let Some((ni, n)) = self
            .flat(need)
            .and_then(|i| self.needs.get(i).map(|n| (i, n)))
        else {
            return Vec::new();
        };
        let mut all: Vec<(f64, u32, usize)> = self
            .offers
            .iter()
            .enumerate()
            .filter(|(i, o)| self.pair_exclusion(n, o, *i).is_none())
            .map(|(i, o)| (self.score_full(ni, n, o, i), o.rank, i))
            .filter(|(score, _, _)| !self.below_minimum(*score))
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all.truncate(k);
        all.into_iter()
            .map(|(score, _, offer)| Ranked { need, offer, score })
            .collect()
    }

    /// Brute-force reference for [`Matcher::rank_needs`]: checks and scores every need.
    pub fn rank_needs_brute_force(&self, offer: usize, k: usize) -> Vec<Ranked> {
        let Some(o) = self.offers.get(offer) else {
            return Vec::new();
        };
        let mut all: Vec<(f64, u32, NeedId)> = self
            .needs
            .iter()
            .enumerate()
            .filter(|(_, n)| self.pair_exclusion(n, o, offer).is_none())
            .map(|(ni, n)| (self.score_full(ni, n, o, offer), n.rank, n.id))
            .filter(|(score, _, _)| !self.below_minimum(*score))
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all.truncate(k);
        all.into_iter()
            .map(|(score, _, need)| Ranked { need, offer, score })
            .collect()
    }

    /// The optimal assignment with default options.
    pub fn assign(&self) -> Assignment {
        self.assign_with(AssignOptions::default())
    }

    /// The assignment of offers to open needs that maximises the total score, respecting every
    /// hard constraint and each offer's free slots; exact and deterministic (needs in id
    /// order, ties between offers broken by offer id).
    ///
    /// Candidates come from the index (each need's top-ranked offers). The solver's dual
    /// prices then certify that no left-out pair could improve the total: a pair (need, offer)
    /// could only help if its score plus the offer's (non-positive) price exceeds what the need
    /// already gains. A quick bound (the need's best left-out score, the highest price of its
    /// kind), or for a need scanned before the best value it left out then plus the most any
    /// price of its kind rose since, clears most needs; the others are scanned over every
    /// admissible offer of their kind and get their most violating pairs added, and the kinds
    /// concerned are re-optimised from their last optimum (only the needs that got pairs
    /// move), until no violating pair is left. Kinds never share an offer, so each kind is
    /// solved separately, in parallel.
    pub fn assign_with(&self, options: AssignOptions) -> Assignment {
        self.assign_solve(options, false, false, SCANNED_PAIRS)
            .assignment
    }

    /// [`Matcher::assign_with`], also returning the problem its last round solved: every
    /// open need's candidate pairs (rows in need id order, columns in offer id order) and the
    /// offers' free slots. Its optimum equals the assignment's total (the dual certificate
    /// covers every pair left out), so another solver given this problem must reach the same
    /// total: `bench/compare_assign.py` hands it to OR-tools' min-cost flow.
    #[doc(hidden)]
    pub fn assign_instance(&self, options: AssignOptions) -> (Assignment, assign::Problem) {
        let solved = self.assign_solve(options, true, false, SCANNED_PAIRS);
        (solved.assignment, solved.problem.unwrap_or_default())
    }

    /// The assignment; with `keep_problem` also the problem its last round solved; with
    /// `certify` also the pairs no extra term scored that could change it
    /// ([`Matcher::assign_with_unscored`]). Pricing keeps at most `kept_pairs` scored pairs
    /// for its later scans ([`SCANNED_PAIRS`], but for tests).
    fn assign_solve(
        &self,
        options: AssignOptions,
        keep_problem: bool,
        certify: bool,
        kept_pairs: usize,
    ) -> Solved {
        use rayon::prelude::*;

        let mut rows: Vec<usize> = (0..self.needs.len())
            .filter(|&i| self.needs[i].level.is_ok())
            .collect();
        rows.sort_by_key(|&i| self.needs[i].rank);
        let mut cols: Vec<usize> = (0..self.offers.len()).collect();
        cols.sort_by_key(|&i| self.offers[i].rank);
        let capacities: Vec<u32> = cols.iter().map(|&i| self.offers[i].free_slots()).collect();
        // Offer index → column.
        let mut col_of = vec![0u32; self.offers.len()];
        for (c, &i) in cols.iter().enumerate() {
            col_of[i] = c as u32;
        }
        // Admissible offers (offer-level constraints) per (home, kind), for pricing.
        let n_homes = self.n_homes() as u32;
        let mut by_kind: HashMap<(u32, u32), Vec<usize>> = HashMap::default();
        for &i in &cols {
            let o = &self.offers[i];
            if o.free_slots() > 0 {
                for h in (0..n_homes).filter(|&h| self.fit(h, o).0) {
                    by_kind.entry((h, o.kind)).or_default().push(i);
                }
            }
        }

        let limit = options.candidates_per_need.max(1);
        let mut lists: Vec<CandidateList> = (0..rows.len())
            .into_par_iter()
            .map_init(
                || self.scratch(),
                |scratch, r| {
                    let ranked = self.rank_offers_flat(rows[r], limit.saturating_add(1), scratch);
                    let next = ranked.get(limit).map(|x| x.score);
                    let cand = ranked
                        .iter()
                        .take(limit)
                        .map(|x| (col_of[x.offer], x.score))
                        .collect();
                    (cand, next)
                },
            )
            .collect();

        // Kinds never share an offer, so each kind is its own problem with its own rounds
        // (solve, price, add the pairs found, re-optimise from the last optimum with
        // `assign::Solver::add_pairs`), run in parallel: a kind whose rounds end early leaves
        // its core to the others' pricing instead of waiting for the slowest kind's solves.
        // A kind's rounds read only its own rows, columns and prices, so the result is the
        // same as running the rounds of all kinds in lockstep.
        let mut parts: Vec<Part> = Vec::new();
        let mut part_of_kind: HashMap<u32, usize> = HashMap::default();
        let mut part_for = |kind: u32, parts: &mut Vec<Part>| -> usize {
            *part_of_kind.entry(kind).or_insert_with(|| {
                parts.push(Part::default());
                parts.len() - 1
            })
        };
        let mut local_col = vec![0u32; cols.len()];
        for (c, &i) in cols.iter().enumerate() {
            let p = part_for(self.offers[i].kind, &mut parts);
            local_col[c] = parts[p].cols.len() as u32;
            parts[p].cols.push(c as u32);
        }
        for (r, &n) in rows.iter().enumerate() {
            let p = part_for(self.needs[n].kind, &mut parts);
            parts[p].rows.push(r);
            parts[p].lists.push(std::mem::take(&mut lists[r]));
        }
        let kept_budget = AtomicUsize::new(kept_pairs);
        let shared = Shared {
            rows: &rows,
            cols: &cols,
            capacities: &capacities,
            col_of: &col_of,
            local_col: &local_col,
            by_kind: &by_kind,
            limit,
            kept_budget: &kept_budget,
        };
        parts
            .par_iter_mut()
            .for_each(|part| self.part_rounds(part, &shared));

        let rounds = parts.iter().map(|p| p.rounds).max().unwrap_or(1);
        let pricing = PricingCounts {
            kept_reads: parts.iter().map(|p| p.counts.kept_reads).sum(),
            refused: parts.iter().map(|p| p.counts.refused).sum(),
        };
        for part in &mut parts {
            for (&r, list) in part.rows.iter().zip(part.lists.drain(..)) {
                lists[r] = list;
            }
        }
        let solution = assemble(&parts, rows.len(), cols.len());
        let problem = keep_problem.then(|| assign::Problem {
            capacities: capacities.clone(),
            rows: lists.iter().map(|(c, _)| c.clone()).collect(),
        });
        let unscored = if certify {
            self.unscored_that_matter(&rows, &col_of, &by_kind, &solution)
        } else {
            Vec::new()
        };
        Solved {
            assignment: self.finish(&rows, &cols, &lists, &solution, rounds),
            problem,
            unscored,
            pricing,
        }
    }

    /// One kind's rounds: solve its problem, price its needs' left-out pairs against the
    /// optimum's duals, add the violating ones and re-optimise, until none is left (the dual
    /// certificate then covers every pair left out, so the optimum is the kind's optimum).
    fn part_rounds(&self, part: &mut Part, shared: &Shared<'_>) {
        use rayon::prelude::*;

        let Shared {
            rows,
            cols,
            capacities,
            col_of,
            local_col,
            by_kind,
            limit,
            kept_budget,
        } = *shared;
        let n_homes = self.n_homes() as u32;
        let n_rows = part.rows.len();
        // Per need priced exactly: its left-out pairs of highest value then (at most `limit`),
        // checked again at the current prices instead of scanning, and the highest value of
        // the others then, with the kind's summed price rise then; the kind's summed rise.
        let mut left_value: Vec<Option<(i64, i64)>> = vec![None; n_rows];
        let mut reserve: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n_rows];
        // Per need scanned: its admissible pairs (the kind's column, scaled score), for later
        // scans.
        let mut scan: Vec<Option<ScannedPairs>> = vec![None; n_rows];
        let mut cum_rise = 0i64;
        let mut prev_price: Option<Vec<i64>> = None;
        let mut solver = assign::Solver::new(&assign::Problem {
            capacities: part.cols.iter().map(|&c| capacities[c as usize]).collect(),
            rows: part
                .lists
                .iter()
                .map(|(list, _)| {
                    list.iter()
                        .map(|&(c, s)| (local_col[c as usize], s))
                        .collect()
                })
                .collect(),
        });
        loop {
            part.rounds += 1;
            let solution = solver.solution();
            // How far any column's price rose in this round (prices rise when a slot is
            // given up), summed over the rounds.
            if let Some(prev) = &prev_price {
                let rise = solution
                    .col_price
                    .iter()
                    .zip(prev)
                    .map(|(now, then)| now - then)
                    .max()
                    .unwrap_or(0)
                    .max(0);
                cum_rise = cum_rise.saturating_add(rise);
            }
            // The price of a global column (the candidate lists name global columns).
            let col_price = &solution.col_price;
            let price = |c: u32| col_price[local_col[c as usize] as usize];
            // Highest column price per home over the kind's offers that may serve it (0 when
            // one of them has a free slot).
            let mut max_price: HashMap<u32, i64> = HashMap::default();
            for (&c, &p) in part.cols.iter().zip(col_price) {
                if capacities[c as usize] > 0 {
                    let o = &self.offers[cols[c as usize]];
                    for h in (0..n_homes).filter(|&h| self.fit(h, o).0) {
                        max_price
                            .entry(h)
                            .and_modify(|m| *m = (*m).max(p))
                            .or_insert(p);
                    }
                }
            }
            // Pricing: a left-out pair (need i, offer j) could improve the total only if
            // score·SCALE + price_j > gain_i (its reduced cost is negative). The quick bound
            // uses the best left-out score and the highest price of the kind; needs that fail
            // it are scanned exactly and get their most violating pairs added.
            // Each need priced exactly: its most violating pairs (possibly none) and the best
            // score it still leaves out, which becomes its quick bound for the next round.
            // A need priced exactly before keeps its left-out pairs of highest value then (its
            // reserve) and the highest value (score + price) of the others; no price rose by
            // more than the kind's rise since, so that value plus the rise bounds them now,
            // and only the reserve, checked at today's prices, can hold violating pairs.
            let row_dual = &solution.row_dual;
            let lists = &part.lists;
            let priced: Vec<PricedNeed> = (0..n_rows)
                .into_par_iter()
                .map_init(PriceScratch::default, |scratch, r| {
                    let next = lists[r].1?;
                    let ni = rows[part.rows[r]];
                    let need = &self.needs[ni];
                    let gain = -row_dual[r];
                    let bound = max_price.get(&need.home).copied().unwrap_or(0);
                    if next.is_finite() && assign::scaled(next) + bound <= gain {
                        return None;
                    }
                    if let Some((value, rise_then)) = left_value[r]
                        && value.saturating_add(cum_rise - rise_then) <= gain
                    {
                        // Only the reserved pairs can violate now.
                        let mut violating: Vec<(i64, u32, f64)> = reserve[r]
                            .iter()
                            .map(|&(c, score)| (assign::scaled(score) + price(c), c, score))
                            .filter(|x| x.0 > gain)
                            .collect();
                        if violating.is_empty() {
                            return None;
                        }
                        violating.sort_by(highest_value_first);
                        violating.truncate(limit);
                        let mut added: Vec<u32> = violating.iter().map(|v| v.1).collect();
                        added.sort_unstable();
                        let keep = reserve[r]
                            .iter()
                            .filter(|x| added.binary_search(&x.0).is_err())
                            .copied()
                            .collect();
                        return Some(PricedNeed {
                            row: r,
                            add: violating.into_iter().map(|(_, c, s)| (c, s)).collect(),
                            best_left: Some(next),
                            left_value: left_value[r],
                            reserve: keep,
                            scanned: None,
                            read_kept: false,
                            refused: false,
                        });
                    }
                    let PriceScratch {
                        have,
                        violating,
                        top,
                        others,
                    } = scratch;
                    // The scan works in the kind's own column numbers (one lookup fewer per
                    // pair; they keep the global columns' order).
                    have.clear();
                    have.extend(lists[r].0.iter().map(|x| local_col[x.0 as usize]));
                    have.sort_unstable();
                    violating.clear();
                    top.clear();
                    // One pass over the need's admissible pairs: the violating ones, and the
                    // best score of the others left out (membership in the problem is checked
                    // only where it matters). Pairs are `(value, column, scaled score)`; the
                    // scores of the few kept are computed again at the end.
                    // `top`: the left-out pairs of highest value (a min-heap of at most
                    // `limit + 1`: the smallest of a full heap bounds the others).
                    let mut best_other: Option<(i64, u32)> = None;
                    let mut beyond: Option<i64> = None;
                    let mut visit = |c: u32, scaled: i64| {
                        let value = scaled + col_price[c as usize];
                        if value > gain {
                            if have.binary_search(&c).is_err() {
                                violating.push((value, c, scaled));
                            }
                            return;
                        }
                        let better = best_other.is_none_or(|b| scaled > b.0);
                        if (better
                            || top.len() <= limit
                            || top.peek().is_some_and(|m| value > m.0.0))
                            && have.binary_search(&c).is_err()
                        {
                            if better {
                                best_other = Some((scaled, c));
                            }
                            top.push(Reverse((value, c, scaled)));
                            if top.len() > limit.saturating_add(1)
                                && let Some(Reverse((v, _, _))) = top.pop()
                            {
                                beyond = Some(beyond.map_or(v, |b| b.max(v)));
                            }
                        }
                    };
                    // A need's admissible pairs and their scores do not change between rounds
                    // (only the prices do): the first scan keeps them, compactly, and later
                    // scans read them instead of scoring every pair again. What is kept is
                    // bounded (`SCANNED_PAIRS` pairs in all); past that a need is scored again
                    // whenever it is scanned, which changes only the time taken.
                    let mut scanned = None;
                    let read_kept = scan[r].is_some();
                    let mut refused = false;
                    if let Some(pairs) = &scan[r] {
                        for &(c, scaled) in pairs.iter() {
                            visit(c, i64::from(scaled));
                        }
                    } else {
                        let offers = by_kind
                            .get(&(need.home, need.kind))
                            .map_or(&[][..], Vec::as_slice);
                        let took = kept_budget
                            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                                left.checked_sub(offers.len())
                            })
                            .is_ok();
                        refused = !took;
                        let mut keep = took;
                        let mut pairs: Vec<(u32, u32)> =
                            Vec::with_capacity(if keep { offers.len() } else { 0 });
                        for &oi in offers {
                            let o = &self.offers[oi];
                            // By (home, kind): the offer serves the home.
                            if !self.pair_ok(need, o) {
                                continue;
                            }
                            let score = self.score_full(ni, need, o, oi);
                            let scaled = assign::scaled(score);
                            if scaled <= 0 || self.below_minimum(score) {
                                continue;
                            }
                            let c = local_col[col_of[oi] as usize];
                            visit(c, scaled);
                            if keep {
                                // Scores are at most 1 (`SCALE` units): a guard, not a case.
                                match u32::try_from(scaled) {
                                    Ok(scaled) => pairs.push((c, scaled)),
                                    Err(_) => keep = false,
                                }
                            }
                        }
                        // What was set aside and not kept is given back.
                        if took {
                            let used = if keep { pairs.len() } else { 0 };
                            kept_budget
                                .fetch_add(offers.len().saturating_sub(used), Ordering::Relaxed);
                        }
                        if keep {
                            scanned = Some(pairs.into_boxed_slice());
                        }
                    }
                    let by_value = highest_value_first::<i64>;
                    // A kind's column: its global column and its score.
                    let global = |c: u32| part.cols[c as usize];
                    let score_of = |c: u32| {
                        let oi = cols[global(c) as usize];
                        self.score_full(ni, need, &self.offers[oi], oi)
                    };
                    // Only the first `limit` (added) and the next `limit` (reserved) need
                    // their order: a selection, not a sort of every violating pair.
                    let first = top_in_order(violating, limit, by_value);
                    // Violating pairs beyond the limit stay left out, for now, and are the
                    // first reserved; the others of highest value follow. What is not
                    // reserved is bounded by `left_value`.
                    let best_left = violating[first..]
                        .iter()
                        .map(|x| (x.2, x.1))
                        .chain(best_other)
                        .max_by_key(|x| x.0)
                        .map(|(_, c)| score_of(c));
                    let (added, rest) = violating.split_at_mut(first);
                    let kept = top_in_order(rest, limit, by_value);
                    others.clear();
                    others.extend(top.drain().map(|Reverse(x)| x));
                    others.sort_unstable_by(by_value);
                    let (more, tail) = others.split_at(others.len().min(limit - kept));
                    let left_max = rest[kept..]
                        .iter()
                        .chain(tail)
                        .map(|x| x.0)
                        .chain(beyond)
                        .max();
                    Some(PricedNeed {
                        row: r,
                        add: added.iter().map(|x| (global(x.1), score_of(x.1))).collect(),
                        best_left,
                        left_value: Some((left_max.unwrap_or(i64::MIN / 4), cum_rise)),
                        reserve: rest[..kept]
                            .iter()
                            .chain(more)
                            .map(|x| (global(x.1), score_of(x.1)))
                            .collect(),
                        scanned,
                        read_kept,
                        refused,
                    })
                })
                .flatten()
                .collect();
            // Pairs found by pricing, in the kind's own row and column numbers.
            let mut pending: Vec<assign::RowPairs> = Vec::new();
            for PricedNeed {
                row: r,
                add,
                best_left,
                left_value: value,
                reserve: kept,
                scanned,
                read_kept,
                refused,
            } in priced
            {
                part.counts.kept_reads += usize::from(read_kept);
                part.counts.refused += usize::from(refused);
                if scanned.is_some() {
                    scan[r] = scanned;
                }
                part.lists[r].1 = best_left;
                left_value[r] = value;
                reserve[r] = kept;
                if !add.is_empty() {
                    pending.push((
                        r,
                        add.iter()
                            .map(|&(c, s)| (local_col[c as usize], s))
                            .collect(),
                    ));
                    part.lists[r].0.extend(add);
                }
            }
            if pending.is_empty() {
                part.solution = Some(solution);
                // The kind's kept pairs are dropped: their share of the bound goes back to the
                // kinds still in their rounds.
                let kept: usize = scan.iter().flatten().map(|p| p.len()).sum();
                kept_budget.fetch_add(kept, Ordering::Relaxed);
                return;
            }
            prev_price = Some(solution.col_price);
            // The next round re-optimises from this optimum.
            solver.add_pairs(&pending);
        }
    }

    fn finish(
        &self,
        rows: &[usize],
        cols: &[usize],
        lists: &[CandidateList],
        solution: &assign::Solution,
        rounds: u32,
    ) -> Assignment {
        let mut pairs = Vec::new();
        let mut unmatched = Vec::new();
        let mut total_score = 0.0;
        for (r, a) in solution.assignment.iter().enumerate() {
            let need = self.needs[rows[r]].id;
            match a {
                Some(c) => {
                    let score = lists[r]
                        .0
                        .iter()
                        .find(|(cc, _)| cc == c)
                        .map_or(0.0, |(_, s)| *s);
                    total_score += score;
                    pairs.push(Ranked {
                        need,
                        offer: cols[*c as usize],
                        score,
                    });
                }
                None => unmatched.push(need),
            }
        }
        Assignment {
            pairs,
            total_score,
            unmatched,
            rounds,
            candidate_pairs: lists.iter().map(|(c, _)| c.len()).sum(),
        }
    }
}

/// What [`Matcher::assign_solve`] found.
struct Solved {
    assignment: Assignment,
    problem: Option<assign::Problem>,
    /// Unscored pairs that could change the assignment (with `certify`).
    unscored: Vec<(NeedId, usize)>,
    /// What pricing's scans did (read by tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pricing: PricingCounts,
}

/// How often pricing read a need's kept pairs instead of scoring them, and how often a need's
/// pairs were not kept because the bound on kept pairs was reached.
#[derive(Debug, Clone, Copy, Default)]
struct PricingCounts {
    kept_reads: usize,
    refused: usize,
}

/// A need's admissible pairs as pricing first scored them: (the kind's column, scaled score).
type ScannedPairs = Box<[(u32, u32)]>;

/// At most this many scored pairs are kept for pricing's later scans, per assignment over
/// all its kinds (8 bytes each: 256 MiB). 50,000 needs and 5,000 offers have about 23 million
/// admissible pairs; in a larger catalog the needs scanned first keep theirs, the others are
/// scored again whenever they are scanned.
const SCANNED_PAIRS: usize = 1 << 25;

/// Pricing's buffers, one set per rayon job (a few per thread, not one per need): the need's
/// candidate columns, its violating left-out pairs, the heap of its other left-out pairs of
/// highest value, and that heap in order (pairs as `(value, the kind's column, scaled
/// score)`).
#[derive(Default)]
struct PriceScratch {
    have: Vec<u32>,
    violating: Vec<(i64, u32, i64)>,
    top: BinaryHeap<Reverse<(i64, u32, i64)>>,
    others: Vec<(i64, u32, i64)>,
}

/// What pricing found for one need.
struct PricedNeed {
    row: usize,
    /// Its most violating left-out pairs, to add.
    add: Vec<(u32, f64)>,
    /// A score it still leaves out with the highest scaled value (only that value is read).
    best_left: Option<f64>,
    /// The highest value (scaled score + price) it still leaves out beyond `reserve`, with
    /// its kind's summed price rise at the time.
    left_value: Option<(i64, i64)>,
    /// Its left-out pairs of highest value (column, score), not covered by `left_value`.
    reserve: Vec<(u32, f64)>,
    /// Its admissible pairs (the kind's column, scaled score), when this round scored and
    /// kept them.
    scanned: Option<ScannedPairs>,
    /// Whether this round read its kept pairs.
    read_kept: bool,
    /// Whether this round scored its pairs but could not keep them (the bound was reached).
    refused: bool,
}

/// Puts the first `k` items of `items` by `order` in front, in that order (the others follow
/// in no particular order), and returns how many are in front: `k`, or all when fewer.
fn top_in_order<T>(
    items: &mut [T],
    k: usize,
    order: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> usize {
    if items.len() > k {
        items.select_nth_unstable_by(k, &order);
    }
    let k = k.min(items.len());
    items[..k].sort_unstable_by(order);
    k
}

/// Pricing's order of left-out pairs `(value, column, score)`: highest value first, ties by
/// column.
fn highest_value_first<S>(a: &(i64, u32, S), b: &(i64, u32, S)) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then(a.1.cmp(&b.1))
}

/// One kind's share of the assignment problem.
#[derive(Debug, Default)]
struct Part {
    /// Global row indices, in order.
    rows: Vec<usize>,
    /// Global column indices, in order.
    cols: Vec<u32>,
    /// Each row's candidate list (global columns), by the kind's own row numbers.
    lists: Vec<CandidateList>,
    /// The kind's optimum, once its rounds are over (in the kind's own row and column
    /// numbers).
    solution: Option<assign::Solution>,
    /// The rounds the kind took (solves).
    rounds: u32,
    /// What its pricing scans did.
    counts: PricingCounts,
}

/// What every kind's rounds read.
#[derive(Clone, Copy)]
struct Shared<'s> {
    /// Global row → need.
    rows: &'s [usize],
    /// Global column → offer.
    cols: &'s [usize],
    /// Free slots by global column.
    capacities: &'s [u32],
    /// Offer → global column.
    col_of: &'s [u32],
    /// Global column → its kind's column.
    local_col: &'s [u32],
    /// Admissible offers (offer-level constraints) per (home, kind).
    by_kind: &'s HashMap<(u32, u32), Vec<usize>>,
    /// Candidates per need in the first round, and at most as many pairs added per need and
    /// round.
    limit: usize,
    /// How many more scored pairs pricing may keep (see [`SCANNED_PAIRS`]).
    kept_budget: &'s AtomicUsize,
}

/// The global solution from the kinds' solutions.
fn assemble(parts: &[Part], n_rows: usize, n_cols: usize) -> assign::Solution {
    let mut out = assign::Solution {
        assignment: vec![None; n_rows],
        total_score: 0.0,
        row_dual: vec![0; n_rows],
        col_price: vec![0; n_cols],
    };
    for part in parts {
        let Some(sol) = &part.solution else {
            continue;
        };
        out.total_score += sol.total_score;
        for (lc, &c) in part.cols.iter().enumerate() {
            out.col_price[c as usize] = sol.col_price.get(lc).copied().unwrap_or(0);
        }
        for (lr, &r) in part.rows.iter().enumerate() {
            out.assignment[r] = sol
                .assignment
                .get(lr)
                .copied()
                .flatten()
                .and_then(|lc| part.cols.get(lc as usize).copied());
            out.row_dual[r] = sol.row_dual.get(lr).copied().unwrap_or(0);
        }
    }
    out
}

fn join(items: &[&String]) -> String {
    items
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;

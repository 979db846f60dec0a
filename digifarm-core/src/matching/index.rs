//! Inverted indexes for top-k ranking in both directions.
//!
//! Posting lists map (kind, skill) and (kind, topic) to the admissible offers (or open needs)
//! that carry them. A query first scores every item that shares a skill or topic with it
//! ("touched" items), exactly. Every other item scores only on its static terms (region,
//! urgency, budget), so those are kept in per-kind groups whose order makes their scores
//! non-increasing; each group is read from the front only while it can still beat the current
//! k-th result. Offers are grouped by region closeness (few distinct values), needs by which
//! terms apply to them.
//!
//! Region coverage and closeness depend on the need's home city (one for a single-city
//! catalog, one per member city in a merged catalog): offers are indexed per (home, kind),
//! holding only the offers that may serve the home, each group with the closeness to that
//! home; need groups are per home as well, and an offer's bound for a group uses its closeness
//! to the group's home.
//!
//! Offers for a need, small vocabularies (at most 64 skills and topics, the usual case): each
//! region group also keeps its offers' skill/topic bit masks and ranks as flat arrays, and a
//! query scores the group with two popcounts per offer against a tabulated upper bound,
//! touching an offer's data only when it can still enter the top k. Groups whose best possible
//! score cannot enter are skipped as before. Larger vocabularies use the posting lists.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::score::fit_of;
use super::score::{self, NeedWeights};
use super::{HashMap, Matcher, NeedId, NeedInfo, OfferInfo, Ranked};

/// The offers kept for `need`, best first.
pub(crate) fn ranked_offers(need: NeedId, top: TopK) -> Vec<Ranked> {
    top.sorted()
        .into_iter()
        .map(|c| Ranked {
            need,
            offer: c.item as usize,
            score: c.score,
        })
        .collect()
}

impl Matcher<'_> {
    /// The needs (flat indexes) kept for `offer`, best first.
    pub(crate) fn ranked_needs(&self, offer: usize, top: TopK) -> Vec<Ranked> {
        top.sorted()
            .into_iter()
            .map(|c| Ranked {
                need: self.needs[c.item as usize].id,
                offer,
                score: c.score,
            })
            .collect()
    }
}

/// Per-thread scratch space for ranking queries (overlap counters per item).
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    skill: Vec<u16>,
    topic: Vec<u16>,
    touched: Vec<u32>,
}

impl Scratch {
    /// Scratch space for catalogs of up to `n` offers or needs (it grows when needed).
    pub fn new(n: usize) -> Self {
        Scratch {
            skill: vec![0; n],
            topic: vec![0; n],
            touched: Vec::new(),
        }
    }

    fn reset(&mut self, n: usize) {
        for &t in &self.touched {
            self.skill[t as usize] = 0;
            self.topic[t as usize] = 0;
        }
        self.touched.clear();
        if self.skill.len() < n {
            self.skill.resize(n, 0);
            self.topic.resize(n, 0);
        }
    }

    fn hit(&mut self, item: u32, topic: bool) {
        let i = item as usize;
        if self.skill[i] == 0 && self.topic[i] == 0 {
            self.touched.push(item);
        }
        let c = if topic {
            &mut self.topic[i]
        } else {
            &mut self.skill[i]
        };
        *c = c.saturating_add(1);
    }

    fn is_touched(&self, item: u32) -> bool {
        let i = item as usize;
        self.skill[i] != 0 || self.topic[i] != 0
    }
}

fn key(kind: u32, term: u32) -> u64 {
    (u64::from(kind) << 32) | u64::from(term)
}

#[derive(Debug, Default)]
struct OfferGroup {
    region: f64,
    /// Offer indices by rank (id order): for needs without money, scores within the group
    /// are all equal.
    by_rank: Vec<u32>,
    /// Offer indices by budget per slot (descending), then rank: for needs with money.
    by_budget: Vec<u32>,
    /// Posting lists of this group: skill → offers.
    skills: HashMap<u32, Vec<u32>>,
    /// Posting lists of this group: topic → offers.
    topics: HashMap<u32, Vec<u32>>,
    /// With a small vocabulary (every offer has bit masks): the offers' skill and topic masks
    /// in `by_rank` order, one flat array, so that a query scores the whole group with two
    /// popcounts per offer instead of walking posting lists. Empty otherwise.
    masks: Vec<(u64, u64)>,
    /// The offers' ranks in `by_rank` order (with `masks`).
    ranks: Vec<u32>,
}

/// Per home city, the offers that may serve it per kind, in groups of equal region closeness
/// to it (closest first), each group with its own posting lists: a query skips every group
/// whose best possible score cannot enter the top k.
#[derive(Debug, Default)]
pub(crate) struct OfferIndex {
    homes: Vec<HashMap<u32, Vec<OfferGroup>>>,
}

impl OfferIndex {
    /// `fits` as in the matcher: coverage and closeness for homes 1.. of `n_homes`.
    pub fn build(offers: &[OfferInfo], n_homes: usize, fits: &[(bool, f64)]) -> Self {
        let mut idx = OfferIndex {
            homes: (0..n_homes).map(|_| HashMap::default()).collect(),
        };
        let mut order: Vec<u32> = (0..offers.len() as u32)
            .filter(|&i| offers[i as usize].admissible())
            .collect();
        order.sort_by_key(|&i| offers[i as usize].rank);
        let n_other = n_homes.saturating_sub(1);
        for (h, home_groups) in idx.homes.iter_mut().enumerate() {
            for &i in &order {
                let o = &offers[i as usize];
                let (fit, region) = fit_of(fits, n_other, h as u32, o);
                if !fit {
                    continue;
                }
                let groups = home_groups.entry(o.kind).or_default();
                let g = match groups.iter_mut().position(|g| g.region == region) {
                    Some(p) => &mut groups[p],
                    None => {
                        groups.push(OfferGroup {
                            region,
                            ..OfferGroup::default()
                        });
                        let last = groups.len() - 1;
                        &mut groups[last]
                    }
                };
                g.by_rank.push(i);
                for &s in &o.skills {
                    g.skills.entry(s).or_default().push(i);
                }
                for &t in &o.topics {
                    g.topics.entry(t).or_default().push(i);
                }
            }
        }
        for groups in idx.homes.iter_mut().flat_map(|h| h.values_mut()) {
            groups.sort_by(|a, b| b.region.total_cmp(&a.region));
            for g in groups.iter_mut() {
                let mut by_budget = g.by_rank.clone();
                by_budget.sort_by(|&a, &b| {
                    let (oa, ob) = (&offers[a as usize], &offers[b as usize]);
                    let ba = oa.budget_per_slot.unwrap_or(0.0);
                    let bb = ob.budget_per_slot.unwrap_or(0.0);
                    bb.total_cmp(&ba).then(oa.rank.cmp(&ob.rank))
                });
                g.by_budget = by_budget;
                let masks: Option<Vec<(u64, u64)>> = g
                    .by_rank
                    .iter()
                    .map(|&i| offers[i as usize].masks)
                    .collect();
                g.masks = masks.unwrap_or_default();
                g.ranks = g.by_rank.iter().map(|&i| offers[i as usize].rank).collect();
            }
        }
        idx
    }
}

#[derive(Debug)]
struct NeedGroup {
    /// The needs' home city.
    home: u32,
    nw: NeedWeights,
    money: bool,
    /// Need indices by urgency (descending), then rank.
    by_urgency: Vec<u32>,
}

#[derive(Debug, Default)]
pub(crate) struct NeedIndex {
    skills: HashMap<u64, Vec<u32>>,
    topics: HashMap<u64, Vec<u32>>,
    groups: HashMap<u32, Vec<NeedGroup>>,
}

impl NeedIndex {
    pub fn build(needs: &[NeedInfo]) -> Self {
        let mut idx = NeedIndex::default();
        let mut order: Vec<u32> = (0..needs.len() as u32)
            .filter(|&i| needs[i as usize].level.is_ok())
            .collect();
        order.sort_by_key(|&i| needs[i as usize].rank);
        for &i in &order {
            let n = &needs[i as usize];
            for &s in &n.skills {
                idx.skills.entry(key(n.kind, s)).or_default().push(i);
            }
            for &t in &n.cats {
                idx.topics.entry(key(n.kind, t)).or_default().push(i);
            }
            let groups = idx.groups.entry(n.kind).or_default();
            let money = n.eur.is_some();
            match groups
                .iter_mut()
                .find(|g| g.nw == n.nw && g.money == money && g.home == n.home)
            {
                Some(g) => g.by_urgency.push(i),
                None => groups.push(NeedGroup {
                    home: n.home,
                    nw: n.nw,
                    money,
                    by_urgency: vec![i],
                }),
            }
        }
        for groups in idx.groups.values_mut() {
            for g in groups.iter_mut() {
                g.by_urgency.sort_by(|&a, &b| {
                    let (na, nb) = (&needs[a as usize], &needs[b as usize]);
                    nb.urgency
                        .total_cmp(&na.urgency)
                        .then(na.rank.cmp(&nb.rank))
                });
            }
        }
        idx
    }
}

/// A candidate in a top-k heap; the heap's top is the worst candidate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cand {
    pub score: f64,
    pub rank: u32,
    pub item: u32,
}

impl PartialEq for Cand {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Cand {}
impl PartialOrd for Cand {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Cand {
    /// Greater means worse: lower score, or equal score and higher rank.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then(self.rank.cmp(&other.rank))
    }
}

pub(crate) struct TopK {
    k: usize,
    /// Candidates scoring below this (`[matching] min_score`) are too weak to keep.
    floor: f64,
    heap: BinaryHeap<Cand>,
}

impl TopK {
    pub fn new(k: usize, floor: f64) -> Self {
        TopK {
            k,
            floor,
            // `k` may be "all" (usize::MAX): reserve for a typical top k only.
            heap: BinaryHeap::with_capacity(k.min(1024) + 1),
        }
    }

    pub fn push(&mut self, c: Cand) {
        if c.score < self.floor {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(c);
        } else if let Some(top) = self.heap.peek()
            && c < *top
        {
            self.heap.pop();
            self.heap.push(c);
        }
    }

    /// The score an item must beat (or tie with a smaller rank) to enter; `None` while the
    /// heap is not full.
    fn bar(&self) -> Option<f64> {
        if self.heap.len() < self.k {
            None
        } else {
            self.heap.peek().map(|c| c.score)
        }
    }

    /// The k-th (worst) result once the heap is full: a candidate must compare less than it
    /// to enter.
    fn worst(&self) -> Option<Cand> {
        if self.heap.len() < self.k {
            None
        } else {
            self.heap.peek().copied()
        }
    }

    pub fn sorted(self) -> Vec<Cand> {
        let mut v = self.heap.into_vec();
        v.sort();
        v
    }
}

impl Matcher<'_> {
    pub(crate) fn rank_offers_flat(
        &self,
        need: usize,
        k: usize,
        scratch: &mut Scratch,
    ) -> Vec<Ranked> {
        let Some(n) = self.needs.get(need) else {
            return Vec::new();
        };
        if k == 0 || n.level.is_err() {
            return Vec::new();
        }
        if let Some(x) = &self.extra {
            // The pruning bounds below know only the built-in terms.
            return self.rank_offers_extra(x, need, k);
        }
        scratch.reset(self.offers.len());
        let mut top = TopK::new(k, self.min_score);
        let groups = match self
            .offer_index
            .homes
            .get(n.home as usize)
            .and_then(|h| h.get(&n.kind))
        {
            Some(g) => g.as_slice(),
            None => &[],
        };
        for g in groups {
            // The best any offer of this group can score for this need.
            let best = score::combine(
                &self.weights,
                &n.nw,
                1.0,
                1.0,
                g.region,
                n.urgency,
                if n.eur.is_some() { 1.0 } else { 0.0 },
            );
            if top.bar().is_some_and(|bar| best < bar) {
                continue;
            }
            if let Some((ns, nc)) = n.masks
                && g.masks.len() == g.by_rank.len()
            {
                self.scan_group(n, g, ns, nc, &mut top);
                continue;
            }
            let first_touched = scratch.touched.len();
            for &s in &n.skills {
                if let Some(list) = g.skills.get(&s) {
                    for &o in list {
                        scratch.hit(o, false);
                    }
                }
            }
            for &t in &n.cats {
                if let Some(list) = g.topics.get(&t) {
                    for &o in list {
                        scratch.hit(o, true);
                    }
                }
            }
            for &oi in &scratch.touched[first_touched..] {
                let o = &self.offers[oi as usize];
                if !self.pair_ok(n, o) {
                    continue;
                }
                let score = self.score_hits(
                    n,
                    o,
                    u32::from(scratch.skill[oi as usize]),
                    u32::from(scratch.topic[oi as usize]),
                );
                top.push(Cand {
                    score,
                    rank: o.rank,
                    item: oi,
                });
            }
            if n.eur.is_none() {
                // Every untouched offer in the group scores the same: take the first k
                // admissible ones in id order.
                let score =
                    score::combine(&self.weights, &n.nw, 0.0, 0.0, g.region, n.urgency, 0.0);
                if top.bar().is_some_and(|bar| score < bar) {
                    continue;
                }
                let mut taken = 0;
                for &oi in &g.by_rank {
                    if taken >= k {
                        break;
                    }
                    let o = &self.offers[oi as usize];
                    if scratch.is_touched(oi) || !self.pair_ok(n, o) {
                        continue;
                    }
                    taken += 1;
                    top.push(Cand {
                        score,
                        rank: o.rank,
                        item: oi,
                    });
                }
            } else {
                for &oi in &g.by_budget {
                    let o = &self.offers[oi as usize];
                    let score = self.score_hits(n, o, 0, 0);
                    if top.bar().is_some_and(|bar| score < bar) {
                        break;
                    }
                    if scratch.is_touched(oi) || !self.pair_ok(n, o) {
                        continue;
                    }
                    top.push(Cand {
                        score,
                        rank: o.rank,
                        item: oi,
                    });
                }
            }
        }
        let id = n.id;
        ranked_offers(id, top)
    }

    /// Scores every offer of a group through the bit masks (exact: the overlap counts are
    /// the popcounts). An upper bound that needs no access to the offer (full budget cover)
    /// skips offers that cannot enter the top k; for needs without money it is the exact
    /// score. The top k is a set under a total order, so the result does not depend on the
    /// order offers are visited in.
    fn scan_group(&self, n: &NeedInfo, g: &OfferGroup, ns: u64, nc: u64, top: &mut TopK) {
        let (n_skills, n_cats) = (n.skills.len(), n.cats.len());
        let money = if n.eur.is_some() { 1.0 } else { 0.0 };
        // The bound depends only on the two hit counts: tabulate it.
        let mut table = vec![0.0f64; (n_skills + 1) * (n_cats + 1)];
        for sh in 0..=n_skills {
            for th in 0..=n_cats {
                table[sh * (n_cats + 1) + th] = score::combine(
                    &self.weights,
                    &n.nw,
                    score::fraction(sh as u32, n_skills),
                    score::fraction(th as u32, n_cats),
                    g.region,
                    n.urgency,
                    money,
                );
            }
        }
        let mut worst = top.worst();
        for ((&oi, &(os, ot)), &rank) in g.by_rank.iter().zip(&g.masks).zip(&g.ranks) {
            let sh = (ns & os).count_ones();
            let th = (nc & ot).count_ones();
            let bound = table
                .get(sh as usize * (n_cats + 1) + th as usize)
                .copied()
                .unwrap_or(f64::INFINITY);
            // Skip unless (bound, rank) beats the current k-th result; the exact score is
            // at most the bound, so the offer could not enter either.
            let cand = Cand {
                score: bound,
                rank,
                item: oi,
            };
            if worst.is_some_and(|w| cand >= w) {
                continue;
            }
            let o = &self.offers[oi as usize];
            if !self.pair_ok(n, o) {
                continue;
            }
            top.push(Cand {
                score: self.score_hits(n, o, sh, th),
                rank: o.rank,
                item: oi,
            });
            worst = top.worst();
        }
    }

    /// [`Matcher::rank_needs`] with a caller-provided scratch buffer.
    pub fn rank_needs_with(&self, offer: usize, k: usize, scratch: &mut Scratch) -> Vec<Ranked> {
        let Some(o) = self.offers.get(offer) else {
            return Vec::new();
        };
        if k == 0 || !o.admissible() {
            return Vec::new();
        }
        if let Some(x) = &self.extra {
            // The urgency lists below are ordered by the built-in terms only.
            return self.rank_needs_extra(x, offer, k);
        }
        let idx = &self.need_index;
        scratch.reset(self.needs.len());
        for &s in &o.skills {
            if let Some(list) = idx.skills.get(&key(o.kind, s)) {
                for &n in list {
                    scratch.hit(n, false);
                }
            }
        }
        for &t in &o.topics {
            if let Some(list) = idx.topics.get(&key(o.kind, t)) {
                for &n in list {
                    scratch.hit(n, true);
                }
            }
        }
        let mut top = TopK::new(k, self.min_score);
        for &ni in &scratch.touched {
            let n = &self.needs[ni as usize];
            if !self.pair_admissible(n, o) {
                continue;
            }
            let score = self.score_hits(
                n,
                o,
                u32::from(scratch.skill[ni as usize]),
                u32::from(scratch.topic[ni as usize]),
            );
            top.push(Cand {
                score,
                rank: n.rank,
                item: ni,
            });
        }
        if let Some(groups) = idx.groups.get(&o.kind) {
            for g in groups {
                let (fit, region) = self.fit(g.home, o);
                if !fit {
                    continue;
                }
                let mut taken = 0;
                for &ni in &g.by_urgency {
                    let n = &self.needs[ni as usize];
                    // Exact for groups without money; an upper bound (full budget cover)
                    // for the others. Either way non-increasing along the list.
                    let bound = score::combine(
                        &self.weights,
                        &g.nw,
                        0.0,
                        0.0,
                        region,
                        n.urgency,
                        if g.money { 1.0 } else { 0.0 },
                    );
                    if top.bar().is_some_and(|bar| bound < bar) {
                        break;
                    }
                    if !g.money && taken >= k {
                        break;
                    }
                    if scratch.is_touched(ni) || !self.pair_ok(n, o) {
                        continue;
                    }
                    taken += 1;
                    top.push(Cand {
                        score: self.score_hits(n, o, 0, 0),
                        rank: n.rank,
                        item: ni,
                    });
                }
            }
        }
        self.ranked_needs(offer, top)
    }
}

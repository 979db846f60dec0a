//! Inverted indexes for top-k ranking in both directions.
//!
//! Posting lists map a skill or topic to the admissible offers (per home, kind and region
//! group) or open needs (per kind) that carry them; they are flat sorted arrays, built with
//! one sort. A query first scores every item that shares a skill or topic with it
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
//! score cannot enter are skipped as before. Larger vocabularies use the posting lists, which
//! are built for offers only then.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::score::{self, NeedWeights};
use super::{Matcher, NeedId, NeedInfo, OfferInfo, Ranked};

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

/// Posting lists in flat arrays: the items of `keys[i]` are `items[starts[i]..starts[i + 1]]`,
/// in the order they were added. Built in one pass from (key, item) pairs: one stable sort by
/// key, no per-list allocation; looked up by binary search.
#[derive(Debug)]
struct Postings<K> {
    keys: Vec<K>,
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl<K> Default for Postings<K> {
    fn default() -> Self {
        Postings {
            keys: Vec::new(),
            starts: Vec::new(),
            items: Vec::new(),
        }
    }
}

impl<K: Ord + Copy> Postings<K> {
    /// `pairs` in the order the lists should keep (by rank); the sort is stable.
    fn from_pairs(mut pairs: Vec<(K, u32)>) -> Self {
        pairs.sort_by_key(|p| p.0);
        let mut p = Postings {
            keys: Vec::new(),
            starts: Vec::new(),
            items: Vec::with_capacity(pairs.len()),
        };
        for (k, item) in pairs {
            if p.keys.last() != Some(&k) {
                p.keys.push(k);
                p.starts.push(p.items.len() as u32);
            }
            p.items.push(item);
        }
        p.starts.push(p.items.len() as u32);
        p
    }

    fn get(&self, k: K) -> &[u32] {
        match self.keys.binary_search(&k) {
            Ok(i) => {
                let (a, b) = (self.starts[i] as usize, self.starts[i + 1] as usize);
                &self.items[a..b]
            }
            Err(_) => &[],
        }
    }
}

#[derive(Debug, Default)]
struct OfferGroup {
    region: f64,
    /// Offer indices by rank (id order): for needs without money, scores within the group
    /// are all equal.
    by_rank: Vec<u32>,
    /// Offer indices by budget per slot (descending), then rank: for needs with money.
    by_budget: Vec<u32>,
    /// Posting lists of this group: skill → offers, topic → offers. Only built for large
    /// vocabularies (some offer without `masks`); queries use the masks otherwise.
    skills: Postings<u32>,
    topics: Postings<u32>,
    /// With a small vocabulary (every offer has bit masks): the offers' skill and topic masks
    /// in `by_rank` order, one flat array, so that a query scores the whole group with two
    /// popcounts per offer instead of walking posting lists. Empty otherwise.
    masks: Vec<(u64, u64)>,
    /// The offers' ranks in `by_rank` order.
    ranks: Vec<u32>,
    /// While the index is built: the offers' budgets per slot in `by_rank` order.
    budgets: Vec<f64>,
}

/// Per home city, the offers that may serve it per kind, in groups of equal region closeness
/// to it (closest first), each group with its offers' bit masks (vocabularies of up to 64
/// terms) or its own posting lists: a query skips every group whose best possible score
/// cannot enter the top k.
#[derive(Debug, Default)]
pub(crate) struct OfferIndex {
    /// `homes[home][kind]`: the groups (kinds are dense interned ids).
    homes: Vec<Vec<Vec<OfferGroup>>>,
}

/// The indices of the items `keep` accepts, ordered by `rank`. Ranks are a permutation of
/// `0..items.len()` (the matcher numbers offers and needs by id), so this is one pass; a sort
/// if they are not. `keep` sees every item, in order, at least once.
fn by_rank<T>(items: &[T], rank: impl Fn(&T) -> u32, mut keep: impl FnMut(&T) -> bool) -> Vec<u32> {
    let mut slots = vec![u32::MAX; items.len()];
    let mut permutation = true;
    for (i, it) in items.iter().enumerate() {
        if !keep(it) {
            continue;
        }
        match slots.get_mut(rank(it) as usize) {
            Some(s) if *s == u32::MAX => *s = i as u32,
            _ => permutation = false,
        }
    }
    if permutation {
        slots.retain(|&i| i != u32::MAX);
        slots
    } else {
        let mut order: Vec<u32> = (0..items.len() as u32)
            .filter(|&i| keep(&items[i as usize]))
            .collect();
        order.sort_by_key(|&i| (rank(&items[i as usize]), i));
        order
    }
}

impl OfferIndex {
    /// `fits` as in the matcher: coverage and closeness for homes 1.. of `n_homes`.
    pub fn build(offers: &[OfferInfo], n_homes: usize, fits: &[(bool, f64)]) -> Self {
        // One pass over the offers (large records) copies what the index reads into compact
        // slots, placed by rank. In the same pass: kinds are dense interned ids; posting
        // lists only when some offer has no bit masks (more than 64 terms).
        let (mut n_kinds, mut postings) = (0, false);
        let mut slots = vec![Slot::EMPTY; offers.len()];
        let mut misplaced = Vec::new();
        for (at, o) in offers.iter().enumerate() {
            n_kinds = n_kinds.max(o.kind as usize + 1);
            postings |= o.masks.is_none();
            if !o.admissible() {
                continue;
            }
            let slot = Slot {
                at: at as u32,
                idx: o.idx,
                rank: o.rank,
                kind: o.kind,
                fit: o.fit,
                region: o.region,
                budget: o.budget_per_slot.unwrap_or(0.0),
                masks: o.masks.unwrap_or_default(),
            };
            match slots.get_mut(o.rank as usize) {
                Some(s) if s.at == u32::MAX => *s = slot,
                _ => misplaced.push(slot),
            }
        }
        slots.retain(|s| s.at != u32::MAX);
        if !misplaced.is_empty() {
            // Ranks are a permutation of the offers (the matcher numbers them by id); should
            // they not be, sort.
            slots.extend(misplaced);
            slots.sort_by_key(|s| (s.rank, s.at));
        }
        let n_other = n_homes.saturating_sub(1);
        let mut homes = Vec::with_capacity(n_homes);
        for h in 0..n_homes {
            let mut kinds: Vec<Vec<OfferGroup>> = (0..n_kinds).map(|_| Vec::new()).collect();
            // With posting lists: per kind and group (in order of creation), the (skill,
            // offer) and (topic, offer) pairs, by rank.
            let mut pairs: Vec<Vec<TermPairs>> = (0..n_kinds).map(|_| Vec::new()).collect();
            for o in &slots {
                let (fit, region) = if h == 0 {
                    (o.fit, o.region)
                } else {
                    fits.get(o.idx as usize * n_other + h - 1)
                        .copied()
                        .unwrap_or((false, 0.0))
                };
                let Some(groups) = kinds.get_mut(o.kind as usize).filter(|_| fit) else {
                    continue;
                };
                let p = match groups.iter().position(|g| g.region == region) {
                    Some(p) => p,
                    None => {
                        groups.push(OfferGroup {
                            region,
                            ..OfferGroup::default()
                        });
                        groups.len() - 1
                    }
                };
                let g = &mut groups[p];
                g.by_rank.push(o.at);
                g.ranks.push(o.rank);
                g.budgets.push(o.budget);
                if postings {
                    let Some(full) = offers.get(o.at as usize) else {
                        continue;
                    };
                    let kp = &mut pairs[o.kind as usize];
                    kp.resize_with(kp.len().max(p + 1), TermPairs::default);
                    kp[p].skills.extend(full.skills.iter().map(|&s| (s, o.at)));
                    kp[p].topics.extend(full.topics.iter().map(|&t| (t, o.at)));
                } else {
                    g.masks.push(o.masks);
                }
            }
            for (groups, mut kp) in kinds.iter_mut().zip(pairs) {
                kp.resize_with(groups.len(), TermPairs::default);
                for (g, tp) in groups.iter_mut().zip(kp) {
                    g.skills = Postings::from_pairs(tp.skills);
                    g.topics = Postings::from_pairs(tp.topics);
                    g.by_budget = by_budget(&g.by_rank, std::mem::take(&mut g.budgets));
                }
                groups.sort_by(|a, b| b.region.total_cmp(&a.region));
            }
            homes.push(kinds);
        }
        OfferIndex { homes }
    }

    /// How many (home, offer) entries the index holds.
    pub fn len(&self) -> usize {
        self.homes
            .iter()
            .flatten()
            .flatten()
            .map(|g| g.by_rank.len())
            .sum()
    }
}

/// What the offer index reads of an admissible offer, copied once from its large record.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// The offer's position in the matcher's offers (`u32::MAX`: an empty slot).
    at: u32,
    /// Its index in the input (per-home fits are stored by it).
    idx: u32,
    rank: u32,
    kind: u32,
    /// Fit and closeness for home 0.
    fit: bool,
    region: f64,
    budget: f64,
    masks: (u64, u64),
}

impl Slot {
    const EMPTY: Slot = Slot {
        at: u32::MAX,
        idx: 0,
        rank: 0,
        kind: 0,
        fit: false,
        region: 0.0,
        budget: 0.0,
        masks: (0, 0),
    };
}

/// A group's (term, offer) pairs while the index is built.
#[derive(Default)]
struct TermPairs {
    skills: Vec<(u32, u32)>,
    topics: Vec<(u32, u32)>,
}

/// `group` (offer indices by rank) by budget per slot (`budgets`, in the same order),
/// descending, then rank; the same order when no offer has a budget.
fn by_budget(group: &[u32], budgets: Vec<f64>) -> Vec<u32> {
    if budgets.iter().all(|&b| b == 0.0) {
        return group.to_vec();
    }
    // Ranks increase along `group`: the position breaks ties as the rank would.
    let mut keyed: Vec<(f64, u32)> = budgets.into_iter().zip(0u32..).collect();
    keyed.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    keyed
        .into_iter()
        .map(|(_, pos)| group[pos as usize])
        .collect()
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
    /// (kind, skill) → needs and (kind, topic) → needs, by rank.
    skills: Postings<u64>,
    topics: Postings<u64>,
    /// Per kind (dense interned ids).
    groups: Vec<Vec<NeedGroup>>,
}

impl NeedIndex {
    pub fn build(needs: &[NeedInfo]) -> Self {
        let order = by_rank(needs, |n| n.rank, |n| n.level.is_ok());
        let n_kinds = needs.iter().map(|n| n.kind as usize + 1).max().unwrap_or(0);
        let mut groups: Vec<Vec<NeedGroup>> = (0..n_kinds).map(|_| Vec::new()).collect();
        let mut skills = Vec::new();
        let mut topics = Vec::new();
        for &i in &order {
            let n = &needs[i as usize];
            skills.extend(n.skills.iter().map(|&s| (key(n.kind, s), i)));
            topics.extend(n.cats.iter().map(|&t| (key(n.kind, t), i)));
            let Some(groups) = groups.get_mut(n.kind as usize) else {
                continue;
            };
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
        for g in groups.iter_mut().flatten() {
            // Ranks increase along the list: the position breaks ties as the rank would.
            let mut keyed: Vec<(f64, u32, u32)> = g
                .by_urgency
                .iter()
                .enumerate()
                .map(|(pos, &i)| (needs[i as usize].urgency, pos as u32, i))
                .collect();
            keyed.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            g.by_urgency = keyed.into_iter().map(|k| k.2).collect();
        }
        NeedIndex {
            skills: Postings::from_pairs(skills),
            topics: Postings::from_pairs(topics),
            groups,
        }
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
            .and_then(|h| h.get(n.kind as usize))
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
            // Needs and offers share one vocabulary: they have bit masks, or the group has
            // posting lists.
            debug_assert!(n.masks.is_some() || g.masks.len() != g.by_rank.len());
            if let Some((ns, nc)) = n.masks
                && g.masks.len() == g.by_rank.len()
            {
                self.scan_group(n, g, ns, nc, &mut top);
                continue;
            }
            let first_touched = scratch.touched.len();
            for &s in &n.skills {
                for &o in g.skills.get(s) {
                    scratch.hit(o, false);
                }
            }
            for &t in &n.cats {
                for &o in g.topics.get(t) {
                    scratch.hit(o, true);
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
            for &n in idx.skills.get(key(o.kind, s)) {
                scratch.hit(n, false);
            }
        }
        for &t in &o.topics {
            for &n in idx.topics.get(key(o.kind, t)) {
                scratch.hit(n, true);
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
        if let Some(groups) = idx.groups.get(o.kind as usize) {
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

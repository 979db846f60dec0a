//! Extra score terms computed outside the matcher (by scorer plugins, for instance).
//!
//! An extra term gives some admissible pairs a value in [0, 1] with an explanation and has a
//! weight. The score of a pair becomes
//! `(built-in numerator + Σ weight_i · value_i) / (built-in weights + Σ weight_i)`, so it stays
//! in [0, 1]; a pair a term did not score counts with value 0. The inverted index prunes with
//! bounds of the built-in formula only, so with extra terms ranking scans the admissible pairs
//! of the need's (or offer's) kind instead: exact, and as costly as scoring them was.

use std::collections::hash_map::Entry;

use super::index::{Cand, TopK};
use super::{
    AssignOptions, Assignment, HashMap, MatchError, MatchErrorKind, Matcher, NeedId, NeedInfo,
    OfferInfo, Ranked,
};

/// The value of an extra score term for one admissible (need, offer) pair.
#[derive(Debug, Clone, PartialEq)]
pub struct TermValue {
    /// The need.
    pub need: NeedId,
    /// Index of the offer in [`MatchInput::offers`](super::MatchInput::offers).
    pub offer: usize,
    /// The value, in [0, 1].
    pub value: f64,
    /// Why, for people.
    pub detail: String,
}

#[derive(Debug)]
struct ExtraTerm {
    name: String,
    weight: f64,
    /// Per pair slot: the value and its explanation (`None`: not scored).
    values: Vec<Option<(f64, String)>>,
}

/// The extra terms of a matcher and what ranking needs to honour them.
#[derive(Debug, Default)]
pub(crate) struct Extra {
    /// Admissible pair (flat need index, offer index) → slot.
    slot: HashMap<(u32, u32), u32>,
    /// Per slot: Σ weight · value over the terms, in the order they gave the pair a value.
    num: Vec<f64>,
    /// Σ weight over the terms.
    weight: f64,
    /// Per slot: whether some term has a value for the pair (see
    /// [`Matcher::assign_with_unscored`]).
    scored: Vec<bool>,
    terms: Vec<ExtraTerm>,
    /// Offers without an offer-level exclusion, per kind, in id order.
    offers_by_kind: HashMap<u32, Vec<u32>>,
    /// Open needs, per kind, in need order.
    needs_by_kind: HashMap<u32, Vec<u32>>,
}

impl Extra {
    /// The combined score from the built-in numerator and denominator of a pair.
    #[inline]
    fn combine(&self, num: f64, denom: f64, need: usize, offer: usize) -> f64 {
        let d = denom + self.weight;
        if d <= 0.0 {
            return 0.0;
        }
        let add = self
            .slot
            .get(&(need as u32, offer as u32))
            .and_then(|&s| self.num.get(s as usize))
            .copied()
            .unwrap_or(0.0);
        (num + add) / d
    }
}

fn invalid(term: &str, problem: String) -> MatchError {
    MatchError {
        kind: MatchErrorKind::TermInvalid {
            term: term.to_owned(),
            problem,
        },
    }
}

impl Matcher<'_> {
    /// Offers without an offer-level exclusion, per kind, in id order.
    fn admissible_offers_by_kind(&self) -> HashMap<u32, Vec<u32>> {
        let mut order: Vec<usize> = (0..self.offers.len())
            .filter(|&i| self.offers[i].admissible())
            .collect();
        order.sort_by_key(|&i| self.offers[i].rank);
        let mut by_kind: HashMap<u32, Vec<u32>> = HashMap::default();
        for i in order {
            by_kind
                .entry(self.offers[i].kind)
                .or_default()
                .push(i as u32);
        }
        by_kind
    }

    /// Open needs as flat indices, in need order.
    fn open_flat(&self) -> Vec<usize> {
        let mut v: Vec<usize> = (0..self.needs.len())
            .filter(|&i| self.needs[i].level.is_ok())
            .collect();
        v.sort_by_key(|&i| self.needs[i].rank);
        v
    }

    /// Every admissible (flat need, offer) pair: open needs in need order, each with the
    /// offers passing every hard constraint in id order.
    fn admissible_flat(&self, by_kind: &HashMap<u32, Vec<u32>>) -> Vec<(usize, usize)> {
        let mut pairs = Vec::new();
        for ni in self.open_flat() {
            let n = &self.needs[ni];
            for &oi in by_kind.get(&n.kind).map_or(&[][..], Vec::as_slice) {
                if self.pair_admissible(n, &self.offers[oi as usize]) {
                    pairs.push((ni, oi as usize));
                }
            }
        }
        pairs
    }

    /// Every pair of an open need and an offer that passes all hard constraints: needs in
    /// need order (project id, need index), each with its offers in id order. These are the
    /// pairs an extra term ([`Matcher::add_term`]) can score.
    pub fn admissible_pairs(&self) -> Vec<(NeedId, usize)> {
        self.admissible_flat(&self.admissible_offers_by_kind())
            .into_iter()
            .map(|(ni, oi)| (self.needs[ni].id, oi))
            .collect()
    }

    /// The admissible pairs an extra term of total weight `weight` has to score so that the
    /// top-`k` rankings come out exactly as if it scored every admissible pair: for each open
    /// need of `needs` (flat order as [`Matcher::admissible_pairs`]) the offers that could
    /// still be among its best `k`, and, with `offer`, the needs of `needs` that could still
    /// be among that offer's best `k`. The rest need not be sent to a scorer.
    ///
    /// Why it is exact: an extra value lies in [0, 1], so a pair's combined score lies
    /// between `lower = numerator / (denominator + weight)` (value 0, which is also what an
    /// unscored pair gets) and `upper = (numerator + weight) / (denominator + weight)`. If
    /// `k` pairs of a ranking have `lower` ≥ θ, a pair with `upper` < θ is beaten by all of
    /// them whatever the values, so it is neither in the top `k` nor, unscored, pushed into
    /// it (its unscored score is at most its true one). A pair with `upper` = θ is kept (it
    /// could tie and win on the id order). The minimum score only removes pairs from a
    /// ranking, so θ is taken over all admissible pairs. A need whose ranking may come out
    /// empty (no lower bound reaches the minimum score) keeps every pair: `match` then
    /// gives each pair's score as the reason. The assignment needs more pairs, found in
    /// rounds ([`Matcher::assign_with_unscored`]); other uses of the scores (`--explain`'s
    /// pairs below the minimum, the human view of an offer within one project, which
    /// explains every need of the project) need every pair.
    ///
    /// This assumes what a scorer promises: each pair's value depends on that pair alone. A
    /// scorer that would fail on a pair left out is then not asked about it, so it no
    /// longer fails the run.
    ///
    /// Call it before adding the terms, with `weight` the sum of their weights in the order
    /// they will be added. Pairs come in [`Matcher::admissible_pairs`]'s order.
    pub fn pairs_for_top_k(
        &self,
        k: usize,
        weight: f64,
        needs: &[NeedId],
        offer: Option<usize>,
    ) -> Vec<(NeedId, usize)> {
        let by_kind = self.admissible_offers_by_kind();
        let mut wanted = vec![false; self.needs.len()];
        for i in needs.iter().filter_map(|&n| self.flat(n)) {
            wanted[i] = true;
        }
        let bounds = |ni: usize, oi: usize| -> (f64, f64) {
            let n = &self.needs[ni];
            let num = self.numerator_pair(n, &self.offers[oi]);
            let d = n.nw.denom + weight;
            if d <= 0.0 {
                (0.0, 0.0)
            } else {
                (num / d, (num + weight) / d)
            }
        };
        // The k-th largest lower bound of a ranking (−∞ when it has fewer than k pairs).
        let threshold = |lower: &mut Vec<f64>| -> f64 {
            if k == 0 || lower.len() < k {
                return f64::NEG_INFINITY;
            }
            let (_, kth, _) = lower.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
            *kth
        };
        let pairs = self.admissible_flat(&by_kind);
        let mut keep = vec![false; pairs.len()];
        // Need by need (pairs are grouped by need).
        let mut start = 0;
        while start < pairs.len() {
            let ni = pairs[start].0;
            let mut end = start;
            while end < pairs.len() && pairs[end].0 == ni {
                end += 1;
            }
            if wanted[ni] {
                let b: Vec<(f64, f64)> = pairs[start..end]
                    .iter()
                    .map(|&(ni, oi)| bounds(ni, oi))
                    .collect();
                let best_lower = b.iter().map(|x| x.0).fold(f64::NEG_INFINITY, f64::max);
                // A ranking that may come out empty is explained pair by pair, with scores.
                let theta = if self.below_minimum(best_lower) {
                    f64::NEG_INFINITY
                } else {
                    threshold(&mut b.iter().map(|x| x.0).collect())
                };
                for (i, (_, upper)) in b.iter().enumerate() {
                    if *upper >= theta {
                        keep[start + i] = true;
                    }
                }
            }
            start = end;
        }
        if let Some(oi) = offer {
            let mine: Vec<usize> = (0..pairs.len())
                .filter(|&i| pairs[i].1 == oi && wanted[pairs[i].0])
                .collect();
            let b: Vec<(f64, f64)> = mine
                .iter()
                .map(|&i| bounds(pairs[i].0, pairs[i].1))
                .collect();
            let theta = threshold(&mut b.iter().map(|x| x.0).collect());
            for (&i, (_, upper)) in mine.iter().zip(&b) {
                if *upper >= theta {
                    keep[i] = true;
                }
            }
        }
        pairs
            .into_iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|((ni, oi), _)| (self.needs[ni].id, oi))
            .collect()
    }

    /// Adds an externally computed score term (for instance a scorer plugin's scores) with
    /// `weight`; `values` give admissible pairs a value in [0, 1] and an explanation, pairs
    /// without one count with value 0 ("not scored"). The score of every pair becomes
    /// `(built-in numerator + Σ weight · value) / (built-in weights + Σ weight)` over all
    /// extra terms, so it stays in [0, 1]; ranking, assignment and explanations use it.
    ///
    /// # Errors
    /// A weight that is not a finite number ≥ 0 ([`MatchErrorKind::TermWeight`]); a value
    /// that is not in [0, 1], a pair that is not admissible or given twice, or a name already
    /// used ([`MatchErrorKind::TermInvalid`]). The matcher is unchanged then.
    pub fn add_term(
        &mut self,
        name: impl Into<String>,
        weight: f64,
        values: impl IntoIterator<Item = TermValue>,
    ) -> Result<(), MatchError> {
        let name = name.into();
        if !weight.is_finite() || weight < 0.0 {
            return Err(MatchError {
                kind: MatchErrorKind::TermWeight {
                    term: name,
                    value: weight,
                },
            });
        }
        if self
            .extra
            .as_ref()
            .is_some_and(|x| x.terms.iter().any(|t| t.name == name))
        {
            return Err(invalid(
                &name,
                "a term with this name was added already".into(),
            ));
        }
        let extra = match self.extra.take() {
            Some(x) => x,
            None => {
                let offers_by_kind = self.admissible_offers_by_kind();
                let pairs = self.admissible_flat(&offers_by_kind);
                let slot = pairs
                    .iter()
                    .enumerate()
                    .map(|(s, &(ni, oi))| ((ni as u32, oi as u32), s as u32))
                    .collect();
                let mut needs_by_kind: HashMap<u32, Vec<u32>> = HashMap::default();
                for ni in self.open_flat() {
                    needs_by_kind
                        .entry(self.needs[ni].kind)
                        .or_default()
                        .push(ni as u32);
                }
                Extra {
                    slot,
                    num: vec![0.0; pairs.len()],
                    weight: 0.0,
                    scored: vec![false; pairs.len()],
                    terms: Vec::new(),
                    offers_by_kind,
                    needs_by_kind,
                }
            }
        };
        let result = self.term_values(&extra, &name, values);
        let mut extra = extra;
        match result {
            Ok(values) => {
                for ((num, scored), v) in extra.num.iter_mut().zip(&mut extra.scored).zip(&values) {
                    if let Some((value, _)) = v {
                        *num += weight * value;
                        *scored = true;
                    }
                }
                extra.weight += weight;
                extra.terms.push(ExtraTerm {
                    name,
                    weight,
                    values,
                });
                self.extra = Some(extra);
                Ok(())
            }
            Err(e) => {
                // Keep what earlier terms set up (or nothing, for the first term).
                if !extra.terms.is_empty() {
                    self.extra = Some(extra);
                }
                Err(e)
            }
        }
    }

    /// Checks and places a term's values by pair slot.
    fn term_values(
        &self,
        extra: &Extra,
        name: &str,
        values: impl IntoIterator<Item = TermValue>,
    ) -> Result<Vec<Option<(f64, String)>>, MatchError> {
        let placed = self.checked_values(extra, name, values, None)?;
        let mut out = vec![None; extra.num.len()];
        for (slot, v) in placed {
            if let Some(o) = out.get_mut(slot as usize) {
                *o = Some(v);
            }
        }
        Ok(out)
    }

    /// A term's values by pair slot, each checked: in [0, 1], an admissible pair, given once
    /// and, with the term's `existing` values, not scored by it before.
    fn checked_values(
        &self,
        extra: &Extra,
        name: &str,
        values: impl IntoIterator<Item = TermValue>,
        existing: Option<&[Option<(f64, String)>]>,
    ) -> Result<HashMap<u32, (f64, String)>, MatchError> {
        let mut placed: HashMap<u32, (f64, String)> = HashMap::default();
        for v in values {
            let pair = || {
                let project = self
                    .input
                    .projects
                    .get(v.need.project)
                    .map_or("?", |p| p.id.as_str());
                let offer = self
                    .input
                    .offers
                    .get(v.offer)
                    .map_or("?", |o| o.id.as_str());
                format!("{project} #{} and offer {offer}", v.need.need)
            };
            if !(v.value.is_finite() && (0.0..=1.0).contains(&v.value)) {
                return Err(invalid(
                    name,
                    format!("value {} for {} is not in [0, 1]", v.value, pair()),
                ));
            }
            let slot = self
                .flat(v.need)
                .and_then(|ni| extra.slot.get(&(ni as u32, v.offer as u32)).copied())
                .ok_or_else(|| invalid(name, format!("{} is not an admissible pair", pair())))?;
            if existing.is_some_and(|e| matches!(e.get(slot as usize), Some(Some(_)))) {
                return Err(invalid(name, format!("{} is scored already", pair())));
            }
            match placed.entry(slot) {
                Entry::Occupied(_) => {
                    return Err(invalid(name, format!("{} is scored twice", pair())));
                }
                Entry::Vacant(e) => {
                    e.insert((v.value, v.detail));
                }
            }
        }
        Ok(placed)
    }

    /// Gives the extra term `name` (added with [`Matcher::add_term`]) values for pairs it has
    /// no value for yet, as [`Matcher::add_term`] checks them; for scoring in rounds, see
    /// [`Matcher::assign_with_unscored`].
    ///
    /// # Errors
    /// No term with this name, or a value that is not in [0, 1], a pair that is not admissible,
    /// given twice or already scored by this term ([`MatchErrorKind::TermInvalid`]). The
    /// matcher is unchanged then.
    pub fn extend_term(
        &mut self,
        name: &str,
        values: impl IntoIterator<Item = TermValue>,
    ) -> Result<(), MatchError> {
        let Some(extra) = &self.extra else {
            return Err(invalid(name, "no term with this name was added".into()));
        };
        let Some(t) = extra.terms.iter().position(|t| t.name == name) else {
            return Err(invalid(name, "no term with this name was added".into()));
        };
        let placed = self.checked_values(extra, name, values, Some(&extra.terms[t].values))?;
        let Some(extra) = &mut self.extra else {
            return Ok(());
        };
        let weight = extra.terms[t].weight;
        for (slot, (value, detail)) in placed {
            let s = slot as usize;
            if let (Some(num), Some(scored), Some(v)) = (
                extra.num.get_mut(s),
                extra.scored.get_mut(s),
                extra.terms[t].values.get_mut(s),
            ) {
                *num += weight * value;
                *scored = true;
                *v = Some((value, detail));
            }
        }
        Ok(())
    }

    /// The optimal assignment when the extra terms have scored only some admissible pairs so
    /// far, and the unscored pairs that could still change it.
    ///
    /// A pair no extra term has a value for is *unscored*: its extra values may be anything
    /// in [0, 1]. The assignment is computed with them counted as 0 (what the matcher always
    /// does with pairs a term did not score), so an unscored pair's score lies between that
    /// and `upper = (numerator + Σ weights) / (denominator + Σ weights)`. The list holds the
    /// unscored pairs the assignment uses and those whose `upper` beats what their need
    /// gains at the offer's price (the solver's dual certificate, as in
    /// [`Matcher::assign_with`]'s pricing). When it is empty, the certificate covers every
    /// pair whatever the unscored values are, so the assignment is optimal for the true
    /// scores, uses only scored pairs, and has the total that scoring every pair would give.
    /// Otherwise score the listed pairs ([`Matcher::extend_term`] for each term) and call
    /// again: each round scores at least one more pair, so the rounds end.
    ///
    /// The total is exactly that of scoring every pair; where several assignments reach it
    /// (exact ties), the one chosen may differ.
    ///
    /// A pair counts as scored once any term has a value for it, so give every term the same
    /// pairs (as `digifarm match` does): a term left without values for pairs others scored
    /// is not covered by the certificate. Without extra terms, or when every admissible pair
    /// is scored, the list is empty and the assignment is [`Matcher::assign_with`]'s. The
    /// list is in need order, then offer id order. This assumes what a scorer promises: each
    /// pair's value depends on that pair alone.
    pub fn assign_with_unscored(
        &self,
        options: AssignOptions,
    ) -> (Assignment, Vec<(NeedId, usize)>) {
        let solved = self.assign_solve(options, false, true, super::SCANNED_PAIRS);
        (solved.assignment, solved.unscored)
    }

    /// See [`Matcher::assign_with_unscored`]: `rows` are the flat needs of the solution's
    /// rows, `col_of` each offer's column, `by_kind` the offers with a free slot per
    /// (home, kind).
    pub(crate) fn unscored_that_matter(
        &self,
        rows: &[usize],
        col_of: &[u32],
        by_kind: &HashMap<(u32, u32), Vec<usize>>,
        solution: &super::assign::Solution,
    ) -> Vec<(NeedId, usize)> {
        use rayon::prelude::*;
        let Some(x) = &self.extra else {
            return Vec::new();
        };
        let unscored = |ni: usize, oi: usize| -> bool {
            x.slot
                .get(&(ni as u32, oi as u32))
                .and_then(|&s| x.scored.get(s as usize))
                .is_some_and(|scored| !scored)
        };
        let mut found: Vec<(usize, usize)> = (0..rows.len())
            .into_par_iter()
            .flat_map_iter(|r| {
                let ni = rows[r];
                let n = &self.needs[ni];
                let gain = solution.row_dual.get(r).map_or(0, |d| -d);
                let assigned = solution.assignment.get(r).copied().flatten();
                let d = n.nw.denom + x.weight;
                let mut out = Vec::new();
                for &oi in by_kind.get(&(n.home, n.kind)).into_iter().flatten() {
                    let o = &self.offers[oi];
                    if !self.pair_ok(n, o) || !unscored(ni, oi) {
                        continue;
                    }
                    let c = col_of[oi];
                    if assigned == Some(c) {
                        out.push((ni, oi));
                        continue;
                    }
                    if d <= 0.0 {
                        continue;
                    }
                    let upper = (self.numerator_pair(n, o) + x.weight) / d;
                    let scaled = super::assign::scaled(upper);
                    if scaled <= 0 || self.below_minimum(upper) {
                        continue;
                    }
                    let price = solution.col_price.get(c as usize).copied().unwrap_or(0);
                    if scaled.saturating_add(price) > gain {
                        out.push((ni, oi));
                    }
                }
                out.into_iter()
            })
            .collect();
        found.sort_unstable_by_key(|&(ni, oi)| (self.needs[ni].rank, self.offers[oi].rank));
        found
            .into_iter()
            .map(|(ni, oi)| (self.needs[ni].id, oi))
            .collect()
    }

    /// The extra terms added with [`Matcher::add_term`]: name and weight, in order.
    pub fn extra_terms(&self) -> Vec<(&str, f64)> {
        self.extra.as_ref().map_or_else(Vec::new, |x| {
            x.terms
                .iter()
                .map(|t| (t.name.as_str(), t.weight))
                .collect()
        })
    }

    /// The score of an admissible pair including the extra terms; `need` is the flat index
    /// of `n`, `offer` the index of `o`. Every path (explanation, ranking, brute force,
    /// assignment) goes through here, so they agree to the last bit.
    #[inline]
    pub(crate) fn score_full(&self, need: usize, n: &NeedInfo, o: &OfferInfo, offer: usize) -> f64 {
        match &self.extra {
            None => self.score_pair(n, o),
            Some(x) => x.combine(self.numerator_pair(n, o), n.nw.denom, need, offer),
        }
    }

    /// The sum of the extra terms' weights (0 without extra terms).
    pub(crate) fn extra_weight(&self) -> f64 {
        self.extra.as_ref().map_or(0.0, |x| x.weight)
    }

    /// The extra terms' explanation parts for a pair: name, weight, value, detail.
    pub(crate) fn extra_parts(&self, need: usize, offer: usize) -> Vec<(&str, f64, f64, &str)> {
        let Some(x) = &self.extra else {
            return Vec::new();
        };
        let slot = x.slot.get(&(need as u32, offer as u32)).copied();
        x.terms
            .iter()
            .map(|t| {
                match slot
                    .and_then(|s| t.values.get(s as usize))
                    .and_then(Option::as_ref)
                {
                    Some((value, detail)) => (t.name.as_str(), t.weight, *value, detail.as_str()),
                    None => (t.name.as_str(), t.weight, 0.0, "not scored"),
                }
            })
            .collect()
    }

    /// Top `k` offers for the open need with flat index `need` when extra terms exist:
    /// every admissible offer of its kind is scored.
    pub(crate) fn rank_offers_extra(&self, x: &Extra, need: usize, k: usize) -> Vec<Ranked> {
        let Some(n) = self.needs.get(need) else {
            return Vec::new();
        };
        let mut top = TopK::new(k, self.min_score);
        for &oi in x.offers_by_kind.get(&n.kind).map_or(&[][..], Vec::as_slice) {
            let o = &self.offers[oi as usize];
            if !self.pair_admissible(n, o) {
                continue;
            }
            top.push(Cand {
                score: self.score_full(need, n, o, oi as usize),
                rank: o.rank,
                item: oi,
            });
        }
        super::index::ranked_offers(n.id, top)
    }

    /// Top `k` open needs for an admissible offer when extra terms exist: every open need of
    /// its kind is scored.
    pub(crate) fn rank_needs_extra(&self, x: &Extra, offer: usize, k: usize) -> Vec<Ranked> {
        let Some(o) = self.offers.get(offer) else {
            return Vec::new();
        };
        let mut top = TopK::new(k, self.min_score);
        for &ni in x.needs_by_kind.get(&o.kind).map_or(&[][..], Vec::as_slice) {
            let n = &self.needs[ni as usize];
            if !self.pair_admissible(n, o) {
                continue;
            }
            top.push(Cand {
                score: self.score_full(ni as usize, n, o, offer),
                rank: n.rank,
                item: ni,
            });
        }
        self.ranked_needs(offer, top)
    }
}

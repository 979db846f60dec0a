#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::catalog::Catalog;
use crate::merge;
use crate::model::{
    Capacity, CityConfig, Lifecycle, MemberCity, Need, PartnerKind, Priority, ProjectStatus,
    SupportRef,
};
use crate::synth;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const TODAY: NaiveDate = synth::REFERENCE_DATE;

fn need(kind: &str, skills: &[&str]) -> Need {
    Need {
        kind: kind.into(),
        description: None,
        skills: skills.iter().map(|s| (*s).to_owned()).collect(),
        hours_per_month: None,
        eur_per_year: None,
        priority: Priority::Medium,
        since: Some(date(2026, 3, 1)),
        supported_by: Vec::new(),
    }
}

fn project(id: &str, needs: Vec<Need>) -> Project {
    let mut p = synth::projects(1, 1, &[]).remove(0);
    p.id = id.into();
    p.status = ProjectStatus::Live;
    p.lifecycle = Lifecycle::Admitted;
    p.license = "MIT".into();
    p.categories = vec!["mobility".into(), "environment".into()];
    p.needs = needs;
    p
}

fn partner(id: &str, region: &str) -> Partner {
    Partner {
        id: id.into(),
        name: id.into(),
        kind: PartnerKind::Company,
        description: None,
        sectors: Vec::new(),
        region: Some(region.into()),
        website: None,
        contacts: Vec::new(),
    }
}

fn offer(id: &str, partner: &str, kind: &str, skills: &[&str]) -> SupportOffer {
    SupportOffer {
        id: id.into(),
        partner: partner.into(),
        kind: kind.into(),
        description: None,
        skills: skills.iter().map(|s| (*s).to_owned()).collect(),
        topics: vec!["mobility".into()],
        regions: vec!["05515000".into()],
        remote: false,
        capacity: Capacity {
            projects: Some(1),
            hours_per_month: None,
        },
        budget_eur_per_year: None,
        license_requirement: None,
        valid_from: None,
        valid_until: None,
    }
}

struct Cat {
    projects: Vec<Project>,
    partners: Vec<Partner>,
    offers: Vec<SupportOffer>,
    config: CityConfig,
}

impl Cat {
    fn new(projects: Vec<Project>, offers: Vec<SupportOffer>) -> Self {
        Cat {
            projects,
            partners: vec![partner("acme", "05515000"), partner("far", "11000000")],
            offers,
            config: synth::config(),
        }
    }

    fn matcher(&self) -> Matcher<'_> {
        Matcher::new(MatchInput {
            projects: &self.projects,
            partners: &self.partners,
            offers: &self.offers,
            config: &self.config,
            today: TODAY,
        })
        .unwrap()
    }
}

const N0: NeedId = NeedId {
    project: 0,
    need: 0,
};

fn why_not(cat: &Cat, o: usize) -> &'static str {
    cat.matcher()
        .check(N0, o)
        .unwrap()
        .expect_err("excluded")
        .constraint()
}

#[test]
fn each_hard_constraint_is_named() {
    let base = || offer("o", "acme", "technical", &["rust"]);
    let mk = |o: SupportOffer| {
        Cat::new(
            vec![project("p", vec![need("technical", &["rust"])])],
            vec![o],
        )
    };

    assert!(mk(base()).matcher().check(N0, 0).unwrap().is_ok());
    assert_eq!(
        why_not(&mk(offer("o", "acme", "content", &["rust"])), 0),
        "kind"
    );

    let mut o = base();
    o.valid_from = Some(date(2027, 1, 1));
    assert_eq!(why_not(&mk(o), 0), "validity");
    let mut o = base();
    o.valid_until = Some(date(2026, 1, 1));
    assert_eq!(why_not(&mk(o), 0), "validity");

    let mut o = base();
    o.regions = vec!["11000000".into()];
    assert_eq!(why_not(&mk(o.clone()), 0), "region");
    o.remote = true;
    assert!(mk(o).matcher().check(N0, 0).unwrap().is_ok());
    // No regions: the partner's region counts.
    let mut o = base();
    o.regions.clear();
    assert!(mk(o.clone()).matcher().check(N0, 0).unwrap().is_ok());
    o.partner = "far".into();
    assert_eq!(why_not(&mk(o), 0), "region");

    let mut o = base();
    o.capacity.projects = Some(0);
    assert_eq!(why_not(&mk(o), 0), "capacity");

    let mut o = base();
    o.capacity.hours_per_month = Some(10.0);
    o.capacity.projects = Some(2);
    let mut c = mk(o);
    c.projects[0].needs[0].hours_per_month = Some(6.0);
    let m = c.matcher();
    let e = m.check(N0, 0).unwrap().unwrap_err();
    assert_eq!(e.constraint(), "capacity");
    assert!(e.to_string().contains("5.0 h/month"), "{e}");

    let mut o = base();
    o.license_requirement = Some("GPL-3.0-or-later".into());
    let c = mk(o);
    assert_eq!(why_not(&c, 0), "license");
    let mut c = c;
    c.projects[0].license = "gpl-3.0-or-later".into();
    assert!(c.matcher().check(N0, 0).unwrap().is_ok());

    let mut c = mk(base());
    c.projects[0].status = ProjectStatus::Archived;
    assert_eq!(why_not(&c, 0), "project-status");
    let mut c = mk(base());
    c.projects[0].lifecycle = Lifecycle::Rejected;
    assert_eq!(why_not(&c, 0), "project-status");

    let mut c = mk(base());
    c.projects[0].needs[0].supported_by = vec![SupportRef {
        partner: "acme".into(),
        offer: None,
        since: None,
        ..SupportRef::default()
    }];
    assert_eq!(why_not(&c, 0), "already-supported");

    let mut o = base();
    o.partner = "ghost".into();
    assert_eq!(why_not(&mk(o), 0), "partner");
}

#[test]
fn explanation_terms_add_up() {
    let mut n = need("financial", &["hosting", "cloud-credits"]);
    n.eur_per_year = Some(400.0);
    n.priority = Priority::High;
    let mut o = offer("o", "acme", "financial", &["hosting"]);
    o.budget_eur_per_year = Some(200.0);
    let c = Cat::new(vec![project("p", vec![n])], vec![o]);
    let m = c.matcher();
    let e = m.explain(N0, 0).unwrap().unwrap();
    let names: Vec<_> = e.terms.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, ["skills", "topics", "region", "urgency", "budget"]);
    let sum: f64 = e.terms.iter().map(|t| t.contribution).sum();
    assert!((sum - e.score).abs() < 1e-12);
    assert_eq!(e.terms[0].value, 0.5);
    assert_eq!(e.terms[1].value, 0.5); // mobility of mobility+environment
    assert_eq!(e.terms[2].value, 1.0);
    assert_eq!(e.terms[4].value, 0.5);
    assert!(e.terms[0].detail.contains("missing: cloud-credits"));
    assert_eq!(m.score(N0, 0), Some(e.score));
    assert!(e.score > 0.0 && e.score <= 1.0);
}

#[test]
fn need_without_skills_still_ranks() {
    let c = Cat::new(
        vec![project("p", vec![need("technical", &[])])],
        vec![
            offer("a", "acme", "technical", &["rust"]),
            offer("b", "acme", "technical", &[]),
        ],
    );
    let m = c.matcher();
    let e = m.explain(N0, 0).unwrap().unwrap();
    assert!(e.terms.iter().all(|t| t.name != "skills"));
    let r = m.rank_offers(N0, 5);
    assert_eq!(r.len(), 2);
    assert_eq!(r, m.rank_offers_brute_force(N0, 5));
    // Equal scores: id order.
    assert_eq!(r[0].offer, 0);
}

#[test]
fn bad_weights_are_errors_with_diagnostics() {
    let cat = synth::catalog(1, 5, 2, 3);
    let mut config = cat.config.clone();
    for (set, code) in [
        (f64::NAN, "invalid-number"),
        (f64::INFINITY, "invalid-number"),
        (-0.5, "out-of-range"),
    ] {
        config.matching.weights.topics = set;
        let err = Matcher::new(MatchInput {
            projects: &cat.projects,
            partners: &cat.partners,
            offers: &cat.offers,
            config: &config,
            today: TODAY,
        })
        .unwrap_err();
        let d = err.to_diagnostic("digifarm.toml");
        assert_eq!(d.code, code);
        assert_eq!(d.pointer, "/matching/weights/topics");
        assert!(d.is_error());
    }
    config.matching.weights = MatchingWeights {
        skills: 1.0,
        topics: 0.0,
        region: 0.0,
        urgency: 0.0,
        budget: 0.0,
    };
    assert_eq!(
        validate_weights(&config.matching.weights).unwrap_err().kind,
        MatchErrorKind::WeightsZero
    );
}

#[test]
fn empty_catalogs_and_no_offers() {
    let config = synth::config();
    let m = Matcher::new(MatchInput {
        projects: &[],
        partners: &[],
        offers: &[],
        config: &config,
        today: TODAY,
    })
    .unwrap();
    let a = m.assign();
    assert!(a.pairs.is_empty() && a.unmatched.is_empty());
    assert_eq!(a.total_score, 0.0);

    let c = Cat::new(
        vec![project("p", vec![need("technical", &["rust"])])],
        vec![],
    );
    let m = c.matcher();
    assert!(m.rank_offers(N0, 10).is_empty());
    let a = m.assign();
    assert_eq!(a.unmatched, vec![N0]);
    assert!(m.rank_needs(0, 3).is_empty());
    assert!(m.check(N0, 0).is_none());
    assert!(
        m.rank_offers(
            NeedId {
                project: 3,
                need: 0
            },
            3
        )
        .is_empty()
    );
}

#[test]
fn supported_needs_keep_their_offer_and_use_its_capacity() {
    let mut supported = need("technical", &["rust"]);
    supported.supported_by = vec![SupportRef {
        partner: "acme".into(),
        offer: Some("a".into()),
        since: None,
        ..SupportRef::default()
    }];
    let mut a = offer("a", "acme", "technical", &["rust"]);
    a.capacity.projects = Some(2);
    let c = Cat::new(
        vec![
            project("p1", vec![supported]),
            project("p2", vec![need("technical", &["rust"])]),
            project("p3", vec![need("technical", &["rust"])]),
        ],
        vec![a],
    );
    let m = c.matcher();
    let asg = m.assign();
    // One slot left for two open needs; the supported need is not reassigned.
    assert_eq!(asg.pairs.len(), 1);
    assert_eq!(asg.unmatched.len(), 1);
    assert!(asg.pairs.iter().all(|p| p.need.project != 0));
    assert_eq!(m.open_needs().len(), 2);
}

#[test]
fn need_referencing_a_missing_partner_is_supported_not_a_panic() {
    let mut n = need("technical", &["rust"]);
    n.supported_by = vec![SupportRef {
        partner: "ghost".into(),
        offer: Some("no-such-offer".into()),
        since: None,
        ..SupportRef::default()
    }];
    let c = Cat::new(
        vec![project("p", vec![n, need("technical", &["rust"])])],
        vec![offer("a", "acme", "technical", &["rust"])],
    );
    let m = c.matcher();
    assert_eq!(why_not(&c, 0), "already-supported");
    let a = m.assign();
    assert_eq!(a.pairs.len(), 1);
    assert_eq!(
        a.pairs[0].need,
        NeedId {
            project: 0,
            need: 1
        }
    );
}

#[test]
fn help_wanted_per_kind() {
    let mut supported = need("content", &[]);
    supported.supported_by = vec![SupportRef {
        partner: "acme".into(),
        offer: None,
        since: None,
        ..SupportRef::default()
    }];
    let mut archived = project("old", vec![need("technical", &[])]);
    archived.status = ProjectStatus::Archived;
    let projects = vec![
        project(
            "p",
            vec![need("technical", &[]), supported, need("financial", &[])],
        ),
        archived,
    ];
    let h = help_wanted(&projects);
    assert_eq!(h.keys().collect::<Vec<_>>(), ["financial", "technical"]);
    assert_eq!(h["technical"], vec![N0]);
}

fn synth_matcher_check(seed: u64, projects: usize, offers: usize, ks: &[usize]) {
    let cat = synth::catalog(seed, projects, offers / 4 + 1, offers);
    let m = Matcher::new(MatchInput {
        projects: &cat.projects,
        partners: &cat.partners,
        offers: &cat.offers,
        config: &cat.config,
        today: synth::REFERENCE_DATE,
    })
    .unwrap();
    let mut scratch = m.scratch();
    for &k in ks {
        for need in m.all_needs() {
            assert_eq!(
                m.rank_offers_with(need, k, &mut scratch),
                m.rank_offers_brute_force(need, k),
                "seed {seed} need {need:?} k {k}"
            );
        }
        for o in 0..cat.offers.len() {
            assert_eq!(
                m.rank_needs_with(o, k, &mut scratch),
                m.rank_needs_brute_force(o, k),
                "seed {seed} offer {o} k {k}"
            );
        }
    }
}

#[test]
fn index_ranking_equals_brute_force() {
    for seed in 0..4 {
        synth_matcher_check(seed, 150, 200, &[1, 3, 10, 1000]);
    }
}

#[test]
fn ranking_everything_with_k_usize_max() {
    let cat = synth::catalog(2, 40, 8, 30);
    let m = matcher_of(&cat);
    for o in 0..cat.offers.len() {
        assert_eq!(
            m.rank_needs(o, usize::MAX),
            m.rank_needs_brute_force(o, usize::MAX)
        );
    }
    for need in m.open_needs() {
        assert_eq!(
            m.rank_offers(need, usize::MAX),
            m.rank_offers_brute_force(need, usize::MAX)
        );
    }
}

#[test]
fn index_ranking_equals_brute_force_with_ties() {
    // Few distinct values: many equal scores, where id order decides.
    let mut cat = synth::catalog(9, 60, 10, 80);
    for o in &mut cat.offers {
        o.skills.truncate(1);
        o.regions = vec!["05515000".into()];
        o.budget_eur_per_year = o.budget_eur_per_year.map(|_| 500.0);
    }
    for p in &mut cat.projects {
        for n in &mut p.needs {
            n.priority = Priority::Medium;
            n.since = Some(date(2020, 1, 1));
        }
    }
    let m = Matcher::new(MatchInput {
        projects: &cat.projects,
        partners: &cat.partners,
        offers: &cat.offers,
        config: &cat.config,
        today: TODAY,
    })
    .unwrap();
    for k in [1, 2, 7] {
        for need in m.all_needs() {
            assert_eq!(m.rank_offers(need, k), m.rank_offers_brute_force(need, k));
        }
        for o in 0..cat.offers.len() {
            assert_eq!(m.rank_needs(o, k), m.rank_needs_brute_force(o, k));
        }
    }
}

/// The best total over every feasible assignment, by exhaustive search.
fn brute_force_total(m: &Matcher<'_>, n_offers: usize) -> f64 {
    let rows: Vec<Vec<(u32, f64)>> = m
        .open_needs()
        .into_iter()
        .map(|need| {
            (0..n_offers)
                .filter_map(|o| m.score(need, o).map(|s| (o as u32, s)))
                // Pairs below the minimum score are never proposed.
                .filter(|(_, s)| !m.below_minimum(*s))
                .collect()
        })
        .collect();
    let capacities = m.offers.iter().map(OfferInfo::free_slots).collect();
    assign::brute_force(&assign::Problem { capacities, rows })
}

fn check_assignment(m: &Matcher<'_>, a: &Assignment) {
    let mut used = vec![0u32; m.offers.len()];
    for p in &a.pairs {
        assert!(m.check(p.need, p.offer).unwrap().is_ok());
        assert_eq!(m.score(p.need, p.offer), Some(p.score));
        assert!(
            !m.below_minimum(p.score),
            "{p:?} is below the minimum score"
        );
        used[p.offer] += 1;
    }
    for (u, o) in used.iter().zip(&m.offers) {
        assert!(*u <= o.free_slots());
    }
    assert_eq!(a.pairs.len() + a.unmatched.len(), m.open_needs().len());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]
    #[test]
    fn assignment_is_optimal_on_small_catalogs(
        seed in 0u64..1_000_000,
        projects in 1usize..4,
        offers in 1usize..5,
        per_need in 1usize..3,
    ) {
        let mut cat = synth::catalog(seed, projects, 2, offers);
        // Small capacities make offers contested.
        for o in &mut cat.offers {
            o.capacity.projects = o.capacity.projects.map(|p| p % 3);
            o.capacity.hours_per_month = None;
        }
        let m = Matcher::new(MatchInput {
            projects: &cat.projects,
            partners: &cat.partners,
            offers: &cat.offers,
            config: &cat.config,
            today: synth::REFERENCE_DATE,
        }).unwrap();
        let a = m.assign_with(AssignOptions { candidates_per_need: per_need });
        check_assignment(&m, &a);
        let best = brute_force_total(&m, cat.offers.len());
        prop_assert!((a.total_score - best).abs() < 1e-6, "ours {} brute {}", a.total_score, best);
        prop_assert_eq!(&m.assign_with(AssignOptions { candidates_per_need: per_need }), &a);
    }
}

/// A synthetic catalog whose offers have one slot each and no hours limit: scarce capacity.
fn one_slot_per_offer(mut cat: synth::SynthCatalog) -> synth::SynthCatalog {
    for o in &mut cat.offers {
        o.capacity.projects = Some(1);
        o.capacity.hours_per_month = None;
    }
    cat
}

#[test]
fn pruned_candidates_are_certified_on_a_contested_catalog() {
    // Scarce capacity: the first candidate lists are not enough, the certificate forces more.
    let cat = one_slot_per_offer(synth::catalog(5, 300, 20, 40));
    let m = Matcher::new(cat.match_input()).unwrap();
    let narrow = m.assign_with(AssignOptions {
        candidates_per_need: 1,
    });
    let wide = m.assign_with(AssignOptions {
        candidates_per_need: 10_000,
    });
    check_assignment(&m, &narrow);
    assert_eq!(wide.rounds, 1);
    assert!((narrow.total_score - wide.total_score).abs() < 1e-6);
    assert!(narrow.rounds > 1);
}

#[test]
fn pricing_gives_the_same_assignment_whether_it_keeps_scored_pairs_or_not() {
    // Pricing keeps each scanned need's scored pairs for later rounds within a bound; a need
    // past it is scored again. One slot per offer and one first-round candidate per need make
    // several rounds here, in which needs are scanned again.
    let cat = one_slot_per_offer(synth::catalog(8, 1000, 20, 300));
    let m = Matcher::new(cat.match_input()).unwrap();
    let options = AssignOptions {
        candidates_per_need: 1,
    };
    let all = m.assign_solve(options, false, false, usize::MAX);
    let none = m.assign_solve(options, false, false, 0);
    // Enough for some needs' pairs only.
    let some = m.assign_solve(options, false, false, 20_000);
    assert!(
        all.assignment.rounds > 2,
        "{} rounds",
        all.assignment.rounds
    );
    // Each bound took the path it is meant to test.
    assert!(
        all.pricing.kept_reads > 0 && all.pricing.refused == 0,
        "{:?}",
        all.pricing
    );
    assert!(
        none.pricing.kept_reads == 0 && none.pricing.refused > 0,
        "{:?}",
        none.pricing
    );
    assert!(
        some.pricing.kept_reads > 0 && some.pricing.refused > 0,
        "{:?}",
        some.pricing
    );
    assert_eq!(none.assignment, all.assignment);
    assert_eq!(some.assignment, all.assignment);
    assert_eq!(m.assign_with(options), all.assignment);
    check_assignment(&m, &all.assignment);
    let wide = m.assign_with(AssignOptions {
        candidates_per_need: 10_000,
    });
    assert!((all.assignment.total_score - wide.total_score).abs() < 1e-6);
}

#[test]
fn index_ranking_equals_brute_force_with_a_large_vocabulary() {
    // More than 64 distinct skills and topics: no bit masks, the posting-list path ranks.
    let mut cat = synth::catalog(11, 80, 30, 150);
    for (i, o) in cat.offers.iter_mut().enumerate() {
        o.skills.push(format!("extra-{}", i % 70));
        o.skills.push(format!("extra-{}", (i * 7) % 70));
    }
    for (i, p) in cat.projects.iter_mut().enumerate() {
        for (j, n) in p.needs.iter_mut().enumerate() {
            n.skills.push(format!("extra-{}", (i + j) % 70));
        }
    }
    let m = Matcher::new(MatchInput {
        projects: &cat.projects,
        partners: &cat.partners,
        offers: &cat.offers,
        config: &cat.config,
        today: synth::REFERENCE_DATE,
    })
    .unwrap();
    assert!(m.offers.iter().all(|o| o.masks.is_none()));
    let mut scratch = m.scratch();
    for k in [1, 3, 10, 1000] {
        for need in m.all_needs() {
            assert_eq!(
                m.rank_offers_with(need, k, &mut scratch),
                m.rank_offers_brute_force(need, k)
            );
        }
    }
}

/// Deterministic pseudo-values for an extra term: every fifth pair is left unscored.
fn term_values(m: &Matcher<'_>, salt: usize) -> Vec<TermValue> {
    m.admissible_pairs()
        .into_iter()
        .filter_map(|(need, offer)| {
            let h = need.project * 31 + need.need * 7 + offer * 13 + salt;
            (!h.is_multiple_of(5)).then(|| TermValue {
                need,
                offer,
                value: (h % 11) as f64 / 10.0,
                detail: format!("h {h}"),
            })
        })
        .collect()
}

fn synth_with_terms(seed: u64, projects: usize, offers: usize) -> synth::SynthCatalog {
    synth::catalog(seed, projects, offers / 4 + 1, offers)
}

fn matcher_of(cat: &synth::SynthCatalog) -> Matcher<'_> {
    Matcher::new(cat.match_input()).unwrap()
}

#[test]
fn admissible_pairs_are_exactly_the_checked_pairs_in_order() {
    let cat = synth_with_terms(3, 60, 80);
    let m = matcher_of(&cat);
    let mut expected = Vec::new();
    for need in m.open_needs() {
        let mut offers: Vec<usize> = (0..cat.offers.len())
            .filter(|&o| m.check(need, o).unwrap().is_ok())
            .collect();
        offers.sort_by(|&a, &b| cat.offers[a].id.cmp(&cat.offers[b].id).then(a.cmp(&b)));
        expected.extend(offers.into_iter().map(|o| (need, o)));
    }
    assert!(!expected.is_empty());
    assert_eq!(m.admissible_pairs(), expected);
}

#[test]
fn extra_terms_combine_with_the_built_in_score_and_rank_exactly() {
    for seed in 0..3 {
        let cat = synth_with_terms(seed, 120, 160);
        let base = matcher_of(&cat);
        let mut m = matcher_of(&cat);
        let (w1, w2) = (0.2, 0.45);
        let v1 = term_values(&m, 0);
        let v2 = term_values(&m, 3);
        m.add_term("plugin:one", w1, v1.clone()).unwrap();
        m.add_term("plugin:two", w2, v2.clone()).unwrap();
        assert_eq!(
            m.extra_terms(),
            vec![("plugin:one", w1), ("plugin:two", w2)]
        );
        let lookup = |v: &[TermValue], need: NeedId, offer: usize| {
            v.iter()
                .find(|t| t.need == need && t.offer == offer)
                .map_or(0.0, |t| t.value)
        };
        for (need, offer) in m.admissible_pairs() {
            // The formula by hand: built-in numerator and weights, plus the extra terms.
            let e0 = base.explain(need, offer).unwrap().unwrap();
            let denom: f64 = e0.terms.iter().map(|t| t.weight).sum();
            let num = e0.score * denom;
            let want = (num + w1 * lookup(&v1, need, offer) + w2 * lookup(&v2, need, offer))
                / (denom + w1 + w2);
            let got = m.score(need, offer).unwrap();
            assert!(
                (got - want).abs() < 1e-12,
                "{need:?} {offer}: {got} vs {want}"
            );
            assert!((0.0..=1.0).contains(&got));
            let e = m.explain(need, offer).unwrap().unwrap();
            assert_eq!(e.score, got);
            let sum: f64 = e.terms.iter().map(|t| t.contribution).sum();
            assert!((sum - got).abs() < 1e-12);
            let extra: Vec<_> = e
                .terms
                .iter()
                .filter(|t| t.name.starts_with("plugin:"))
                .collect();
            assert_eq!(extra.len(), 2);
            assert_eq!(extra[0].value, lookup(&v1, need, offer));
            if !v1.iter().any(|t| t.need == need && t.offer == offer) {
                assert_eq!(extra[0].detail, "not scored");
            }
        }
        let mut scratch = m.scratch();
        for k in [1, 3, 1000] {
            for need in m.all_needs() {
                assert_eq!(
                    m.rank_offers_with(need, k, &mut scratch),
                    m.rank_offers_brute_force(need, k),
                    "seed {seed} need {need:?} k {k}"
                );
            }
            for o in 0..cat.offers.len() {
                assert_eq!(
                    m.rank_needs_with(o, k, &mut scratch),
                    m.rank_needs_brute_force(o, k),
                    "seed {seed} offer {o} k {k}"
                );
            }
        }
    }
}

#[test]
fn a_term_that_favours_one_offer_changes_the_ranking() {
    let c = Cat::new(
        vec![project("p", vec![need("technical", &["rust"])])],
        vec![
            offer("a", "acme", "technical", &["rust"]),
            offer("b", "acme", "technical", &["rust"]),
        ],
    );
    let mut m = c.matcher();
    // Equal built-in scores: id order.
    let before = m.rank_offers(N0, 2);
    assert_eq!(before.iter().map(|r| r.offer).collect::<Vec<_>>(), [0, 1]);
    assert_eq!(before[0].score, before[1].score);
    let base = before[0].score;
    // No money asked: budget does not apply, the built-in weights sum to 0.85.
    let e0 = m.explain(N0, 1).unwrap().unwrap();
    let denom0: f64 = e0.terms.iter().map(|t| t.weight).sum();
    assert!((denom0 - 0.85).abs() < 1e-12, "{denom0}");
    m.add_term(
        "plugin:favour-b",
        0.5,
        [TermValue {
            need: N0,
            offer: 1,
            value: 1.0,
            detail: "b is local".into(),
        }],
    )
    .unwrap();
    let after = m.rank_offers(N0, 2);
    assert_eq!(after.iter().map(|r| r.offer).collect::<Vec<_>>(), [1, 0]);
    assert_eq!(after, m.rank_offers_brute_force(N0, 2));
    let e = m.explain(N0, 1).unwrap().unwrap();
    let d = denom0 + 0.5;
    assert!((after[0].score - (base * denom0 + 0.5) / d).abs() < 1e-12);
    assert!((after[1].score - base * denom0 / d).abs() < 1e-12);
    let t = e.terms.last().unwrap();
    assert_eq!(
        (t.name.as_ref(), t.weight, t.value, t.detail.as_str()),
        ("plugin:favour-b", 0.5, 1.0, "b is local")
    );
    assert!((t.contribution - 0.5 / d).abs() < 1e-12);
    let e = m.explain(N0, 0).unwrap().unwrap();
    let t = e.terms.last().unwrap();
    assert_eq!((t.value, t.detail.as_str()), (0.0, "not scored"));
    assert_eq!(m.rank_needs(1, 1)[0].score, after[0].score);
    // The assignment takes b now.
    let a = m.assign();
    assert_eq!(a.pairs.len(), 1);
    assert_eq!(a.pairs[0].offer, 1);
    assert_eq!(a.total_score, after[0].score);
}

#[test]
fn invalid_extra_terms_are_rejected_and_leave_the_matcher_unchanged() {
    let c = Cat::new(
        vec![project("p", vec![need("technical", &["rust"])])],
        vec![
            offer("a", "acme", "technical", &["rust"]),
            offer("c", "acme", "content", &[]),
        ],
    );
    let mut m = c.matcher();
    let ok = |value: f64| TermValue {
        need: N0,
        offer: 0,
        value,
        detail: String::new(),
    };
    for w in [f64::NAN, f64::INFINITY, -0.1] {
        let e = m.add_term("plugin:x", w, [ok(0.5)]).unwrap_err();
        assert!(matches!(e.kind, MatchErrorKind::TermWeight { .. }), "{e}");
        let d = e.to_diagnostic("digifarm.toml");
        assert_eq!(
            d.code,
            if w.is_finite() {
                "out-of-range"
            } else {
                "invalid-number"
            }
        );
        assert!(d.message.contains("plugin:x"), "{}", d.message);
    }
    for (values, problem) in [
        (vec![ok(1.5)], "not in [0, 1]"),
        (vec![ok(f64::NAN)], "not in [0, 1]"),
        (
            vec![TermValue {
                offer: 1,
                ..ok(0.5)
            }],
            "not an admissible pair",
        ),
        (
            vec![TermValue {
                offer: 7,
                ..ok(0.5)
            }],
            "not an admissible pair",
        ),
        (vec![ok(0.5), ok(0.6)], "scored twice"),
    ] {
        let e = m.add_term("plugin:x", 0.2, values).unwrap_err();
        assert!(e.to_string().contains(problem), "{e}");
    }
    assert!(m.extra_terms().is_empty());
    let base = m.score(N0, 0).unwrap();
    m.add_term("plugin:x", 0.0, [ok(1.0)]).unwrap();
    // Weight 0: the score is unchanged.
    assert_eq!(m.score(N0, 0).unwrap(), base);
    let e = m.add_term("plugin:x", 0.2, [ok(1.0)]).unwrap_err();
    assert!(e.to_string().contains("added already"), "{e}");
    assert_eq!(m.extra_terms(), vec![("plugin:x", 0.0)]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]
    #[test]
    fn assignment_with_an_extra_term_is_optimal_on_small_catalogs(
        seed in 0u64..1_000_000,
        projects in 1usize..4,
        offers in 1usize..5,
        per_need in 1usize..3,
        weight in 0.0f64..2.0,
        salt in 0usize..50,
    ) {
        let mut cat = synth::catalog(seed, projects, 2, offers);
        for o in &mut cat.offers {
            o.capacity.projects = o.capacity.projects.map(|p| p % 3);
            o.capacity.hours_per_month = None;
        }
        let mut m = matcher_of(&cat);
        let values = term_values(&m, salt);
        m.add_term("plugin:t", weight, values).unwrap();
        let a = m.assign_with(AssignOptions { candidates_per_need: per_need });
        check_assignment(&m, &a);
        let best = brute_force_total(&m, cat.offers.len());
        prop_assert!((a.total_score - best).abs() < 1e-6, "ours {} brute {}", a.total_score, best);
    }
}

#[test]
fn pruned_candidates_are_certified_with_an_extra_term() {
    // Scarce capacity and a term that reorders offers: the pricing step must use the
    // combined score, or the narrow run would stop at a worse total.
    let mut cat = synth::catalog(5, 300, 20, 40);
    for o in &mut cat.offers {
        o.capacity.projects = Some(1);
        o.capacity.hours_per_month = None;
    }
    let mut m = matcher_of(&cat);
    let values = term_values(&m, 1);
    m.add_term("plugin:t", 1.5, values).unwrap();
    let narrow = m.assign_with(AssignOptions {
        candidates_per_need: 1,
    });
    let wide = m.assign_with(AssignOptions {
        candidates_per_need: 10_000,
    });
    check_assignment(&m, &narrow);
    check_assignment(&m, &wide);
    assert!((narrow.total_score - wide.total_score).abs() < 1e-6);
    assert!(narrow.rounds > 1);
}

// ---------------------------------------------------------------- merged catalogs: home cities

fn city_config(name: &str, ags: &str, code: &str) -> CityConfig {
    let mut c = synth::config();
    c.city.name = name.into();
    c.city.ags = Some(ags.into());
    c.city.code = Some(code.into());
    c.city.website = None;
    c
}

/// A Münster region of the synthetic catalogs as the matching region around Osnabrück.
fn osnabrueck_region(r: &str) -> String {
    match r {
        "05515000" => "03404000".to_owned(),
        "Münster" => "Osnabrück".to_owned(),
        "055" => "034".to_owned(),
        "05566000" => "03459000".to_owned(),
        other => other.to_owned(),
    }
}

/// Two synthetic cities, Münster (`ms/…`) and Osnabrück (`os/…`), merged by `merge::merge`.
fn merged_synth(seed: u64, projects: usize, partners: usize, offers: usize) -> Catalog {
    let a = synth::catalog(seed, projects, partners, offers);
    let mut b = synth::catalog(seed.wrapping_add(7919), projects, partners, offers);
    for p in &mut b.partners {
        p.region = p.region.as_deref().map(osnabrueck_region);
    }
    for o in &mut b.offers {
        o.regions = o.regions.iter().map(|r| osnabrueck_region(r)).collect();
    }
    let ms = Catalog::from_records(
        city_config("Münster", "05515000", "ms"),
        a.projects,
        a.partners,
        a.offers,
    );
    let os = Catalog::from_records(
        city_config("Osnabrück", "03404000", "os"),
        b.projects,
        b.partners,
        b.offers,
    );
    merge::merge(&[("ms".to_owned(), &ms), ("os".to_owned(), &os)])
        .unwrap()
        .catalog
}

fn matcher_of_catalog(c: &Catalog) -> Matcher<'_> {
    Matcher::new(MatchInput {
        projects: &c.projects,
        partners: &c.partners,
        offers: &c.offers,
        config: &c.config,
        today: TODAY,
    })
    .unwrap()
}

/// Index ranking equals brute force in both directions, for every need and offer.
fn ranking_equals_brute_force(m: &Matcher<'_>, n_offers: usize, ks: &[usize], what: &str) {
    let mut scratch = m.scratch();
    for &k in ks {
        for need in m.all_needs() {
            assert_eq!(
                m.rank_offers_with(need, k, &mut scratch),
                m.rank_offers_brute_force(need, k),
                "{what} need {need:?} k {k}"
            );
        }
        for o in 0..n_offers {
            assert_eq!(
                m.rank_needs_with(o, k, &mut scratch),
                m.rank_needs_brute_force(o, k),
                "{what} offer {o} k {k}"
            );
        }
    }
}

#[test]
fn merged_catalog_index_ranking_equals_brute_force() {
    for seed in 0..3 {
        let c = merged_synth(seed, 80, 20, 120);
        let m = matcher_of_catalog(&c);
        assert_eq!(m.n_homes(), 2);
        // Both homes have admissible pairs, and some offers serve one home only.
        let pairs = m.admissible_pairs();
        let homes: Vec<u32> = pairs
            .iter()
            .map(|(n, _)| m.project_home[n.project])
            .collect();
        assert!(homes.contains(&0) && homes.contains(&1), "seed {seed}");
        let one_home = m
            .offers
            .iter()
            .filter(|o| o.admissible() && m.fit(0, o).0 != m.fit(1, o).0)
            .count();
        assert!(one_home > 0, "seed {seed}");
        ranking_equals_brute_force(&m, c.offers.len(), &[1, 3, 10, 1000], "merged");
    }
}

#[test]
fn merged_catalog_index_ranking_equals_brute_force_with_a_large_vocabulary() {
    let mut c = merged_synth(11, 60, 20, 120);
    for (i, o) in c.offers.iter_mut().enumerate() {
        o.skills.push(format!("extra-{}", i % 70));
        o.skills.push(format!("extra-{}", (i * 7) % 70));
    }
    for (i, p) in c.projects.iter_mut().enumerate() {
        for (j, n) in p.needs.iter_mut().enumerate() {
            n.skills.push(format!("extra-{}", (i + j) % 70));
        }
    }
    let m = matcher_of_catalog(&c);
    assert!(m.offers.iter().all(|o| o.masks.is_none()));
    ranking_equals_brute_force(&m, c.offers.len(), &[1, 3, 10, 1000], "large vocabulary");
}

#[test]
fn merged_catalog_with_extra_terms_ranks_exactly_and_admits_the_checked_pairs() {
    let c = merged_synth(4, 60, 15, 90);
    let mut m = matcher_of_catalog(&c);
    let mut expected = Vec::new();
    for need in m.open_needs() {
        let mut offers: Vec<usize> = (0..c.offers.len())
            .filter(|&o| m.check(need, o).unwrap().is_ok())
            .collect();
        offers.sort_by(|&a, &b| c.offers[a].id.cmp(&c.offers[b].id).then(a.cmp(&b)));
        expected.extend(offers.into_iter().map(|o| (need, o)));
    }
    assert_eq!(m.admissible_pairs(), expected);
    let values = term_values(&m, 2);
    m.add_term("plugin:t", 0.7, values).unwrap();
    ranking_equals_brute_force(&m, c.offers.len(), &[1, 3, 1000], "extra term");
}

#[test]
fn merged_catalog_assignment_certificate_uses_each_home() {
    // Scarce capacity: the pricing step must bound each need by the offers of its own home.
    let mut c = merged_synth(5, 150, 10, 25);
    for o in &mut c.offers {
        o.capacity.projects = Some(1);
        o.capacity.hours_per_month = None;
    }
    let m = matcher_of_catalog(&c);
    let narrow = m.assign_with(AssignOptions {
        candidates_per_need: 1,
    });
    let wide = m.assign_with(AssignOptions {
        candidates_per_need: 10_000,
    });
    check_assignment(&m, &narrow);
    check_assignment(&m, &wide);
    assert!((narrow.total_score - wide.total_score).abs() < 1e-6);
    assert!(narrow.rounds > 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]
    #[test]
    fn assignment_is_optimal_on_small_merged_catalogs(
        seed in 0u64..1_000_000,
        projects in 1usize..3,
        offers in 1usize..4,
        per_need in 1usize..3,
        with_term in proptest::bool::ANY,
    ) {
        let mut c = merged_synth(seed, projects, 2, offers);
        for o in &mut c.offers {
            o.capacity.projects = o.capacity.projects.map(|p| p % 3);
            o.capacity.hours_per_month = None;
        }
        let mut m = matcher_of_catalog(&c);
        if with_term {
            let values = term_values(&m, seed as usize % 50);
            m.add_term("plugin:t", 0.5, values).unwrap();
        }
        let a = m.assign_with(AssignOptions { candidates_per_need: per_need });
        check_assignment(&m, &a);
        let best = brute_force_total(&m, c.offers.len());
        prop_assert!((a.total_score - best).abs() < 1e-6, "ours {} brute {}", a.total_score, best);
        ranking_equals_brute_force(&m, c.offers.len(), &[1, 2, 100], "small merged");
    }
}

/// Münster with a local and a remote offer, Osnabrück with a project and no offers, merged.
fn muenster_and_osnabrueck() -> Catalog {
    let mut remote = offer("remote", "acme", "technical", &["rust"]);
    remote.remote = true;
    remote.topics = Vec::new();
    remote.capacity.projects = Some(2);
    let ms = Catalog::from_records(
        city_config("Münster", "05515000", "ms"),
        vec![project("klima", vec![need("technical", &["rust"])])],
        vec![partner("acme", "05515000")],
        vec![offer("local", "acme", "technical", &["rust"]), remote],
    );
    let os = Catalog::from_records(
        city_config("Osnabrück", "03404000", "os"),
        vec![project("rad", vec![need("technical", &["rust"])])],
        vec![partner("hase", "03404000")],
        Vec::new(),
    );
    merge::merge(&[("ms".to_owned(), &ms), ("os".to_owned(), &os)])
        .unwrap()
        .catalog
}

#[test]
fn a_local_offer_serves_its_own_city_of_a_merged_catalog_and_a_remote_one_both() {
    let c = muenster_and_osnabrueck();
    assert_eq!(c.config.city.name, "Münster + Osnabrück");
    assert_eq!(c.config.city.ags, None);
    assert_eq!(
        c.config.city.members,
        [
            MemberCity {
                name: "Münster".into(),
                ags: Some("05515000".into()),
                code: Some("ms".into()),
            },
            MemberCity {
                name: "Osnabrück".into(),
                ags: Some("03404000".into()),
                code: Some("os".into()),
            },
        ]
    );
    let m = matcher_of_catalog(&c);
    let ms_need = NeedId {
        project: 0,
        need: 0,
    };
    let os_need = NeedId {
        project: 1,
        need: 0,
    };
    let local = m.offer_index("ms/local").unwrap();
    let remote = m.offer_index("ms/remote").unwrap();
    assert_eq!(m.home_city(0), Some("Münster (05515000)"));
    assert_eq!(m.home_city(1), Some("Osnabrück (03404000)"));
    assert_eq!(m.offer_exclusion(local), None);

    // The local offer serves Münster's project, region closeness 1.0 to Münster.
    assert_eq!(m.check(ms_need, local), Some(Ok(())));
    let e = m.explain(ms_need, local).unwrap().unwrap();
    let region = e.terms.iter().find(|t| t.name == "region").unwrap();
    assert_eq!(region.value, 1.0);
    assert_eq!(
        region.detail,
        "serves 05515000; closeness to Münster (05515000) 1.00"
    );
    // ... and not Osnabrück's: the region constraint names Osnabrück.
    assert_eq!(
        m.check(os_need, local),
        Some(Err(Exclusion::Region {
            regions: vec!["05515000".into()],
            city: "Osnabrück (03404000)".into(),
        }))
    );
    assert!(matches!(
        m.explain(os_need, local),
        Some(Err(Exclusion::Region { .. }))
    ));
    assert_eq!(m.score(os_need, local), None);

    // The remote offer serves both; for Osnabrück its Münster region is far (prefix `0`).
    assert_eq!(m.check(os_need, remote), Some(Ok(())));
    let e = m.explain(os_need, remote).unwrap().unwrap();
    let region = e.terms.iter().find(|t| t.name == "region").unwrap();
    assert_eq!(region.value, 0.125);
    assert_eq!(
        region.detail,
        "remote; serves 05515000; closeness to Osnabrück (03404000) 0.12"
    );
    let ranked: Vec<usize> = m.rank_offers(os_need, 10).iter().map(|r| r.offer).collect();
    assert_eq!(ranked, [remote]);
    let ranked: Vec<usize> = m.rank_offers(ms_need, 10).iter().map(|r| r.offer).collect();
    assert_eq!(ranked, [local, remote]);
    let ranked: Vec<NeedId> = m.rank_needs(local, 10).iter().map(|r| r.need).collect();
    assert_eq!(ranked, [ms_need]);
    let ranked: Vec<NeedId> = m.rank_needs(remote, 10).iter().map(|r| r.need).collect();
    assert_eq!(ranked.len(), 2);

    let a = m.assign();
    let pairs: Vec<(NeedId, usize)> = a.pairs.iter().map(|p| (p.need, p.offer)).collect();
    assert_eq!(pairs, [(ms_need, local), (os_need, remote)]);
    assert!(a.unmatched.is_empty());
    check_assignment(&m, &a);
    assert!((a.total_score - brute_force_total(&m, c.offers.len())).abs() < 1e-9);
}

#[test]
fn without_the_members_a_merged_catalog_matches_only_remote_offers() {
    // What the members fix: a city without AGS and with a joined name covers nothing.
    let mut c = muenster_and_osnabrueck();
    c.config.city.members.clear();
    let m = matcher_of_catalog(&c);
    assert_eq!(m.n_homes(), 1);
    let local = m.offer_index("ms/local").unwrap();
    assert_eq!(m.offer_exclusion(local).unwrap().constraint(), "region");
}

#[test]
fn home_city_by_id_prefix_then_origin_city_then_the_catalog_city() {
    let mut config = synth::config();
    config.city.name = "Münster + Osnabrück".into();
    config.city.ags = None;
    config.city.members = vec![
        MemberCity {
            name: "Münster".into(),
            ags: Some("05515000".into()),
            code: Some("ms".into()),
        },
        MemberCity {
            name: "Osnabrück".into(),
            ags: Some("03404000".into()),
            code: Some("os".into()),
        },
    ];
    let with_origin = |id: &str, city: &str| {
        let mut p = project(id, vec![need("technical", &["rust"])]);
        p.origin = Some(crate::model::Origin {
            city: Some(city.into()),
            ..crate::model::Origin::default()
        });
        p
    };
    let cat = Cat {
        config,
        ..Cat::new(
            vec![
                with_origin("os/a", "Münster"),
                with_origin("b", " OSNABRÜCK "),
                with_origin("c", "Berlin"),
                with_origin("xx/d", "Münster"),
            ],
            vec![offer("o", "acme", "technical", &["rust"])],
        )
    };
    let m = cat.matcher();
    assert_eq!(m.n_homes(), 3);
    let homes: Vec<&str> = (0..4).map(|p| m.home_city(p).unwrap()).collect();
    assert_eq!(
        homes,
        [
            "Osnabrück (03404000)",
            "Osnabrück (03404000)",
            "Münster + Osnabrück",
            "Münster (05515000)"
        ]
    );
    // The catalog's city (no AGS, joined name) is covered by no AGS region.
    let c = NeedId {
        project: 2,
        need: 0,
    };
    assert_eq!(m.check(c, 0).unwrap().unwrap_err().constraint(), "region");
    assert_eq!(
        m.check(
            NeedId {
                project: 3,
                need: 0
            },
            0
        ),
        Some(Ok(()))
    );
}

#[test]
fn a_single_city_catalog_has_one_home() {
    let cat = synth::catalog(1, 30, 6, 20);
    let m = matcher_of(&cat);
    assert_eq!(m.n_homes(), 1);
    assert!(m.fits.is_empty());
    assert_eq!(m.home_city(0), Some("Münster (05515000)"));
}

/// Values for every admissible pair from `f`, for the bounded-scoring tests.
fn values_from(pairs: &[(NeedId, usize)], f: impl Fn(NeedId, usize) -> f64) -> Vec<TermValue> {
    pairs
        .iter()
        .map(|&(need, offer)| TermValue {
            need,
            offer,
            value: f(need, offer),
            detail: String::new(),
        })
        .collect()
}

/// The rankings a `match` prints: every open need's top `k`, and the top `k` needs of each
/// offer (need, offer, score bits).
fn printed(m: &Matcher<'_>, k: usize, offer: Option<usize>) -> Vec<(NeedId, usize, u64)> {
    let mut out: Vec<(NeedId, usize, u64)> = Vec::new();
    for need in m.open_needs() {
        out.extend(
            m.rank_offers(need, k)
                .iter()
                .map(|r| (r.need, r.offer, r.score.to_bits())),
        );
    }
    if let Some(o) = offer {
        out.extend(
            m.rank_needs(o, k)
                .iter()
                .map(|r| (r.need, r.offer, r.score.to_bits())),
        );
    }
    out
}

#[test]
fn scoring_only_the_pairs_that_can_reach_a_top_k_ranks_exactly_as_scoring_all() {
    let mut sent_total = 0;
    let mut all_total = 0;
    let mut empty = 0;
    for seed in 0..4 {
        let cat = synth_with_terms(seed, 150, 120);
        for k in [1, 2, 5] {
            for (w1, w2) in [(0.2, 0.0), (0.5, 0.3), (3.0, 0.0)] {
                // Values that push weak pairs up and strong ones down, so the order changes.
                let f1 =
                    |n: NeedId, o: usize| ((n.project * 7 + n.need * 3 + o * 5) % 11) as f64 / 10.0;
                let f2 = |n: NeedId, o: usize| {
                    if (n.project + o).is_multiple_of(3) {
                        1.0
                    } else {
                        0.0
                    }
                };
                let probe = matcher_of(&cat);
                let pairs = probe.admissible_pairs();
                let offer = pairs.get(pairs.len() / 2).map(|p| p.1);
                let sent = probe.pairs_for_top_k(k, w1 + w2, &probe.open_needs(), offer);
                assert!(sent.iter().all(|p| pairs.contains(p)));

                let mut all = matcher_of(&cat);
                all.add_term("plugin:one", w1, values_from(&pairs, f1))
                    .unwrap();
                all.add_term("plugin:two", w2, values_from(&pairs, f2))
                    .unwrap();
                let mut bounded = matcher_of(&cat);
                bounded
                    .add_term("plugin:one", w1, values_from(&sent, f1))
                    .unwrap();
                bounded
                    .add_term("plugin:two", w2, values_from(&sent, f2))
                    .unwrap();
                let want = printed(&all, k, offer);
                assert!(!want.is_empty());
                assert_eq!(
                    printed(&bounded, k, offer),
                    want,
                    "seed {seed} k {k} w {w1} {w2}"
                );
                // Every printed pair was scored: its explanation shows the plugin's value.
                let sent_set: std::collections::HashSet<_> = sent.iter().copied().collect();
                for &(need, offer, _) in &want {
                    assert!(sent_set.contains(&(need, offer)));
                }
                // A need left without offers has each pair's score as its reason: all scored.
                for need in all.open_needs() {
                    if all.rank_offers(need, 1).is_empty() {
                        empty += 1;
                        for p in pairs.iter().filter(|p| p.0 == need) {
                            assert!(sent_set.contains(p), "{p:?}");
                        }
                    }
                }
                if w1 + w2 <= 0.2 {
                    sent_total += sent.len();
                    all_total += pairs.len();
                }
            }
        }
    }
    // The point: with a plugin at the default weight, fewer pairs go to the scorer (on these
    // short rankings about a half; see `pairs_for_top_k` in the README for 50k × 5k).
    assert!(
        sent_total * 10 < all_total * 7,
        "{sent_total} of {all_total}"
    );
    assert!(
        empty > 0,
        "no need without offers: the reasons path went untested"
    );
}

#[test]
fn pairs_for_top_k_keeps_every_pair_of_a_short_ranking_and_of_an_all_deciding_term() {
    let cat = synth_with_terms(1, 40, 30);
    let m = matcher_of(&cat);
    let pairs = m.admissible_pairs();
    // k larger than any ranking: nothing can be left out.
    assert_eq!(
        m.pairs_for_top_k(usize::MAX, 0.2, &m.open_needs(), None),
        pairs
    );
    // A term that outweighs the built-in score by far can reorder anything.
    let heavy = m.pairs_for_top_k(1, 1e6, &m.open_needs(), None);
    assert_eq!(heavy, pairs);
    // Needs out of scope send nothing.
    assert!(m.pairs_for_top_k(3, 0.2, &[], None).is_empty());
}

/// A value in [0, 1] that looks random per pair, so that optima are unique.
fn scattered(salt: usize) -> impl Fn(NeedId, usize) -> f64 {
    move |n: NeedId, o: usize| {
        let x = (n.project * 7919 + n.need * 104_729 + o * 1_299_709 + salt * 15_485_863) as f64;
        (x * 0.618_033_988_749_895).fract()
    }
}

/// A stand-in scorer term: name, weight and value per pair.
type StandIn<'f> = (&'static str, f64, &'f dyn Fn(NeedId, usize) -> f64);

/// Scores pairs in rounds as `match --assign` does: first the pairs the rankings need, then
/// what [`Matcher::assign_with_unscored`] lists, until it lists nothing. Returns the
/// assignment, the pairs sent and the rounds.
fn assign_in_rounds(
    m: &mut Matcher<'_>,
    terms: &[StandIn<'_>],
    first: &[(NeedId, usize)],
) -> (
    Assignment,
    std::collections::HashSet<(NeedId, usize)>,
    usize,
) {
    for (name, w, f) in terms {
        m.add_term(*name, *w, values_from(first, f)).unwrap();
    }
    let mut sent: std::collections::HashSet<(NeedId, usize)> = first.iter().copied().collect();
    let mut rounds = 1;
    loop {
        let (a, more) = m.assign_with_unscored(AssignOptions::default());
        if more.is_empty() {
            return (a, sent, rounds);
        }
        for p in &more {
            assert!(sent.insert(*p), "{p:?} listed again after it was scored");
        }
        for (name, _, f) in terms {
            m.extend_term(name, values_from(&more, f)).unwrap();
        }
        rounds += 1;
    }
}

#[test]
fn assigning_with_pairs_scored_in_rounds_gives_what_scoring_all_gives() {
    let (mut sent_total, mut all_total) = (0, 0);
    // Runs that started from the rankings' pairs and needed more rounds, and the optimal
    // pairs that were not among those first pairs.
    let (mut several_rounds, mut beyond_first) = (0, 0);
    for seed in 0..4 {
        for min_score in [0.3, 0.0, 0.5] {
            let mut cat = synth_with_terms(seed, 150, 120);
            cat.config.matching.min_score = min_score;
            for (w1, w2) in [(0.2, 0.0), (0.5, 0.3), (3.0, 0.0)] {
                let (f1, f2) = (scattered(1), scattered(2));
                let terms: [StandIn<'_>; 2] = [("plugin:one", w1, &f1), ("plugin:two", w2, &f2)];
                let probe = matcher_of(&cat);
                let pairs = probe.admissible_pairs();
                let mut all = matcher_of(&cat);
                for (name, w, f) in &terms {
                    all.add_term(*name, *w, values_from(&pairs, f)).unwrap();
                }
                let want = all.assign();
                let label = format!("seed {seed} min {min_score} w {w1} {w2}");
                assert!(want.pairs.len() >= 5, "{label}: too few pairs to compare");

                for first in [
                    probe.pairs_for_top_k(1, w1 + w2, &probe.open_needs(), None),
                    probe.pairs_for_top_k(3, w1 + w2, &probe.open_needs(), None),
                    Vec::new(),
                ] {
                    let mut m = matcher_of(&cat);
                    let (got, sent, rounds) = assign_in_rounds(&mut m, &terms, &first);
                    let label = format!("{label} first {}", first.len());
                    assert_eq!(
                        got.total_score.to_bits(),
                        want.total_score.to_bits(),
                        "{label}"
                    );
                    // The optima here are unique (values that look random), so the pairs
                    // agree too.
                    assert_eq!(got.pairs, want.pairs, "{label}");
                    assert_eq!(got.unmatched, want.unmatched, "{label}");
                    // Every assigned pair was sent to the scorers.
                    for r in &got.pairs {
                        assert!(sent.contains(&(r.need, r.offer)), "{label}: {r:?}");
                    }
                    if !first.is_empty() {
                        several_rounds += usize::from(rounds > 1);
                        beyond_first += want
                            .pairs
                            .iter()
                            .filter(|r| !first.contains(&(r.need, r.offer)))
                            .count();
                        if w1 + w2 <= 0.2 && min_score == 0.3 {
                            sent_total += sent.len();
                            all_total += pairs.len();
                        }
                    }
                }
            }
        }
    }
    // The rounds were needed: the rankings' pairs did not hold the whole optimum ...
    assert!(
        several_rounds > 0 && beyond_first > 0,
        "{several_rounds} {beyond_first}"
    );
    // ... and with a plugin at the default weight, fewer pairs go to the scorer.
    assert!(
        sent_total * 10 < all_total * 8,
        "{sent_total} of {all_total}"
    );
}

#[test]
fn extend_term_checks_its_values_and_leaves_the_matcher_unchanged_on_error() {
    let cat = synth_with_terms(2, 40, 30);
    let mut m = matcher_of(&cat);
    let pairs = m.admissible_pairs();
    assert!(pairs.len() >= 3);
    let value = |p: (NeedId, usize), v: f64| TermValue {
        need: p.0,
        offer: p.1,
        value: v,
        detail: String::new(),
    };
    let err = m
        .extend_term("plugin:x", [value(pairs[0], 0.5)])
        .unwrap_err();
    assert!(err.to_string().contains("no term"), "{err}");
    m.add_term("plugin:x", 0.4, [value(pairs[0], 0.5)]).unwrap();
    let before = m.score(pairs[1].0, pairs[1].1);
    for bad in [
        vec![value(pairs[0], 0.1)],
        vec![value(pairs[1], 0.2), value(pairs[0], 0.1)],
        vec![value(pairs[1], 1.5)],
        vec![value(pairs[1], 0.2), value(pairs[1], 0.3)],
    ] {
        assert!(m.extend_term("plugin:x", bad).is_err());
        assert_eq!(m.score(pairs[1].0, pairs[1].1), before);
    }
    let scored = m.score(pairs[0].0, pairs[0].1);
    m.extend_term("plugin:x", [value(pairs[1], 1.0)]).unwrap();
    assert!(m.score(pairs[1].0, pairs[1].1) > before);
    assert_eq!(m.score(pairs[0].0, pairs[0].1), scored);
    // An unknown pair is refused as add_term refuses it.
    let outside = TermValue {
        need: NeedId {
            project: 10_000,
            need: 0,
        },
        offer: 0,
        value: 0.5,
        detail: String::new(),
    };
    assert!(m.extend_term("plugin:x", [outside]).is_err());
}

//! The Münster example catalog validates clean through the real validator, with exactly the
//! warnings its data honestly carries, and its open needs have offers that could meet them.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use digifarm_core::catalog::{LoadOptions, load};
use digifarm_core::validate::validate_path;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/muenster")
}

#[test]
fn muenster_catalog_is_valid() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let (catalog, report) = validate_path(&root(), &LoadOptions::default(), today).unwrap();
    assert!(report.valid, "{:#?}", report.diagnostics);
    assert_eq!(
        (
            report.counts.projects,
            report.counts.partners,
            report.counts.offers
        ),
        (7, 14, 11)
    );
    assert_eq!(catalog.config.city.ags.as_deref(), Some("05515000"));
    // The launch data was last checked on 2022-08-31, and Klimaheroes has no licence yet and
    // links its organisation page instead of a repository.
    // The launch data has no features or localisation facts, so no project exports as a
    // valid publiccode.yml yet: validate says so for the five described for it (`software`).
    let publiccode: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "publiccode-export-invalid")
        .map(|d| d.help.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(publiccode.len(), 5);
    assert!(
        publiccode
            .iter()
            .all(|h| h.contains("software.features.de"))
    );
    let mut codes: Vec<(&str, &str)> = report
        .diagnostics
        .iter()
        .filter(|d| d.code != "publiccode-export-invalid")
        .map(|d| (d.code.as_ref(), d.severity.as_str()))
        .collect();
    codes.dedup();
    assert_eq!(
        codes,
        [
            ("stale-listing", "warning"),
            ("source-not-repository", "warning"),
            ("license-pending", "warning"),
            ("stale-listing", "warning")
        ]
    );
    assert_eq!(report.diagnostics.len(), 9 + 5);
    // Help wanted exactly as the launch profiles say (README of the shared data).
    let wanted: Vec<(&str, &str)> = catalog
        .projects
        .iter()
        .flat_map(|p| {
            p.needs
                .iter()
                .filter(|n| n.wants_help())
                .map(|n| (p.id.as_str(), n.kind.as_str()))
        })
        .collect();
    assert_eq!(
        wanted,
        [
            ("data-inspire-me", "content"),
            ("data-inspire-me", "technical"),
            ("fair-city-guide-muenster", "financial"),
            ("giess-den-kiez", "technical"),
            ("klimaheroes", "content"),
            ("klimaheroes", "technical"),
            ("klimaheroes", "financial"),
            ("meine-stadt-transparent", "financial"),
        ]
    );
}

/// The optimal assignment's pairs as (project, need kind, offer).
fn assigned(c: &digifarm_core::catalog::Catalog) -> (Vec<(String, String, String)>, usize) {
    use digifarm_core::matching::{MatchInput, Matcher};
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let matcher = Matcher::new(MatchInput {
        projects: &c.projects,
        partners: &c.partners,
        offers: &c.offers,
        config: &c.config,
        today,
    })
    .unwrap();
    let assignment = matcher.assign();
    let pairs = assignment
        .pairs
        .iter()
        .map(|r| {
            let p = &c.projects[r.need.project];
            (
                p.id.clone(),
                p.needs[r.need.need].kind.clone(),
                c.offers[r.offer].id.clone(),
            )
        })
        .collect();
    (pairs, assignment.unmatched.len())
}

#[test]
fn every_open_need_gets_an_offer_in_the_optimal_assignment_without_a_minimum_score() {
    let mut c = load(&root(), &LoadOptions::default()).unwrap().catalog;
    c.config.matching.min_score = 0.0;
    let (pairs, unmatched) = assigned(&c);
    assert_eq!(unmatched, 0);
    let expected = [
        ("data-inspire-me", "content", "stadtarchiv-muenster-inhalte"),
        ("data-inspire-me", "technical", "citeq-hosting"),
        (
            "fair-city-guide-muenster",
            "financial",
            "stadtbaumfreunde-kleinfoerderung",
        ),
        ("giess-den-kiez", "technical", "citeq-hosting"),
        ("klimaheroes", "content", "gruenflaechenamt-fachinhalte"),
        ("klimaheroes", "technical", "codeformuenster-entwicklung"),
        ("klimaheroes", "financial", "github-free-hosting"),
        (
            "meine-stadt-transparent",
            "financial",
            "github-free-hosting",
        ),
    ];
    let pairs: Vec<(&str, &str, &str)> = pairs
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    assert_eq!(pairs, expected);
}

#[test]
fn the_default_minimum_score_keeps_the_weak_pairs_out() {
    let c = load(&root(), &LoadOptions::default()).unwrap().catalog;
    assert_eq!(c.config.matching.min_score, 0.3);
    let (pairs, unmatched) = assigned(&c);
    // GitHub's free hosting scores 0.07 for the two server-cost needs: no skills, no topic,
    // no budget. Those needs stay open rather than get a weak suggestion.
    assert_eq!(unmatched, 2);
    assert_eq!(pairs.len(), 6);
    assert!(!pairs.iter().any(|(_, _, o)| o == "github-free-hosting"));
}

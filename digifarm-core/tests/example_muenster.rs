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
    // The launch data was last checked on 2022-08-31, and Klimaheroes has no licence yet.
    let mut codes: Vec<(&str, &str)> = report
        .diagnostics
        .iter()
        .map(|d| (d.code.as_ref(), d.severity.as_str()))
        .collect();
    codes.dedup();
    assert_eq!(
        codes,
        [
            ("stale-listing", "warning"),
            ("license-pending", "warning"),
            ("stale-listing", "warning")
        ]
    );
    assert_eq!(report.diagnostics.len(), 8);
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

#[test]
fn every_open_need_gets_an_offer_in_the_optimal_assignment() {
    use digifarm_core::matching::{MatchInput, Matcher};
    let loaded = load(&root(), &LoadOptions::default()).unwrap();
    let c = &loaded.catalog;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let input = MatchInput {
        projects: &c.projects,
        partners: &c.partners,
        offers: &c.offers,
        config: &c.config,
        today,
    };
    let matcher = Matcher::new(input).unwrap();
    let assignment = matcher.assign();
    assert!(
        assignment.unmatched.is_empty(),
        "{:?}",
        assignment.unmatched
    );
    let pairs: Vec<(&str, &str, &str)> = assignment
        .pairs
        .iter()
        .map(|r| {
            let p = &c.projects[r.need.project];
            (
                p.id.as_str(),
                p.needs[r.need.need].kind.as_str(),
                c.offers[r.offer].id.as_str(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("data-inspire-me", "content", "stadtarchiv-muenster-inhalte"),
            ("data-inspire-me", "technical", "citeq-hosting"),
            (
                "fair-city-guide-muenster",
                "financial",
                "stadtbaumfreunde-kleinfoerderung"
            ),
            ("giess-den-kiez", "technical", "citeq-hosting"),
            ("klimaheroes", "content", "gruenflaechenamt-fachinhalte"),
            ("klimaheroes", "technical", "codeformuenster-entwicklung"),
            ("klimaheroes", "financial", "github-free-hosting"),
            (
                "meine-stadt-transparent",
                "financial",
                "github-free-hosting"
            ),
        ]
    );
}

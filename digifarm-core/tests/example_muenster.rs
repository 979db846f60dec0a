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
fn open_needs_have_candidate_offers() {
    // A same-kind offer with capacity left exists for the open needs the README singles out.
    let loaded = load(&root(), &LoadOptions::default()).unwrap();
    let (projects, offers) = (&loaded.catalog.projects, &loaded.catalog.offers);
    let candidates = |project: &str, kind: &str| -> Vec<&str> {
        let p = projects.iter().find(|p| p.id == project).unwrap();
        let need = p.needs.iter().find(|n| n.kind == kind).unwrap();
        assert!(need.wants_help(), "{project}/{kind} wants help");
        offers
            .iter()
            .filter(|o| o.kind == kind)
            .filter(|o| {
                o.skills.iter().any(|s| need.skills.contains(s))
                    && (o.topics.is_empty() || o.topics.iter().any(|t| p.categories.contains(t)))
            })
            .filter(|o| match (o.budget_eur_per_year, need.eur_per_year) {
                (Some(budget), Some(wanted)) => budget >= wanted,
                _ => true,
            })
            .map(|o| o.id.as_str())
            .collect()
    };
    assert_eq!(candidates("giess-den-kiez", "technical"), ["citeq-hosting"]);
    assert_eq!(
        candidates("klimaheroes", "content"),
        ["gruenflaechenamt-fachinhalte"]
    );
    assert_eq!(
        candidates("klimaheroes", "technical"),
        ["codeformuenster-entwicklung"]
    );
    assert_eq!(
        candidates("fair-city-guide-muenster", "financial"),
        ["stadtbaumfreunde-kleinfoerderung"]
    );
    assert_eq!(
        candidates("data-inspire-me", "content"),
        ["stadtarchiv-muenster-inhalte"]
    );
}

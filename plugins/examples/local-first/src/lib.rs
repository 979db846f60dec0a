//! Boosts offers from partners in the project's own city, as a digifarm scorer plugin.
//!
//! The project's city is `origin.city`, else the catalog's city. A region names that city
//! when it is the city's name (case-insensitive, `muenster` = `münster`) or, for the catalog's
//! own city, its official municipality key (AGS, e.g. `05515000`), which is how catalogs
//! usually record regions. Score:
//! - 1.0 when the partner's region is that city;
//! - 0.5 when the offer lists that city among its regions (the partner works there);
//! - 0.0 otherwise (remote offers included: they are not local).

use digifarm_plugin_sdk::{Candidate, City, Score, ScoreTerm, Scorer, export};

struct LocalFirst;

fn norm(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .replace("ue", "ü")
        .replace("oe", "ö")
        .replace("ae", "ä")
}

/// Whether `region` names `home` (a place name), given the catalog's city.
fn names(region: &str, home: &str, city: &City) -> bool {
    let region = region.trim();
    if norm(region) == norm(home) {
        return true;
    }
    // The catalog's city is also known by its AGS.
    norm(home) == norm(&city.name) && city.ags.as_deref().is_some_and(|ags| region == ags)
}

impl Scorer for LocalFirst {
    fn score(city: &City, candidates: &[Candidate<'_>]) -> Result<Vec<Score>, String> {
        Ok(candidates
            .iter()
            .map(|c| {
                let home = c
                    .project
                    .origin
                    .as_ref()
                    .and_then(|o| o.city)
                    .unwrap_or(&city.name);
                let (value, explanation) = if c.partner.region.is_some_and(|r| names(r, home, city))
                {
                    (1.0, format!("{} is based in {home}", c.partner.name))
                } else if c.offer.regions.iter().any(|r| names(r, home, city)) {
                    (0.5, format!("{} works in {home}", c.partner.name))
                } else {
                    (0.0, format!("{} is not local to {home}", c.partner.name))
                };
                Score {
                    value,
                    terms: vec![ScoreTerm {
                        name: "local".to_owned(),
                        value,
                        explanation,
                    }],
                }
            })
            .collect())
    }
}

export!(scorer: LocalFirst);

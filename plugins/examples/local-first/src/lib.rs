//! Boosts offers from partners in the project's own city, as a digifarm scorer plugin.
//!
//! The project's city is `origin.city`, else the catalog's city. Score:
//! - 1.0 when the partner's region is that city;
//! - 0.5 when the offer lists that city among its regions (the partner works there);
//! - 0.0 otherwise (remote offers included: they are not local).

use digifarm_plugin_sdk::{Candidate, City, Score, ScoreTerm, Scorer, export};

struct LocalFirst;

fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
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
                let (value, explanation) =
                    if c.partner.region.is_some_and(|r| same(r, home)) {
                        (1.0, format!("{} is based in {home}", c.partner.name))
                    } else if c.offer.regions.iter().any(|r| same(r, home)) {
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

//! A deliberately hostile scorer: every candidate gets the score its config describes.
//!
//! | config key | effect (default) |
//! |---|---|
//! | `score` | the value, parsed as f64: `-0.0`, `1e308`, `NaN`, `inf` (`0.5`) |
//! | `term` | the name of its one term (`hostile`) |
//! | `term_value` | the term's value, parsed as f64 (the score) |
//! | `explanation` | the term's explanation (`hostile`) |
//! | `terms` | how many terms (1) |
//! | `error` | returned as the plugin's error instead of scores |

use digifarm_plugin_sdk::{Candidate, City, Score, ScoreTerm, Scorer, export, host};

struct HostileScorer;

/// A config value with its placeholders for characters a catalog may not hold (`{ESC}`,
/// `{BEL}`, `{CSI}`, `{CR}`) replaced by them: `digifarm.toml` refuses raw control
/// characters, and this plugin exists to send them to the host anyway.
fn config(key: &str) -> Option<String> {
    host::config(key).map(|v| {
        v.replace("{ESC}", "\u{1b}")
            .replace("{BEL}", "\u{7}")
            .replace("{CSI}", "\u{9b}")
            .replace("{CR}", "\r")
    })
}

fn number(key: &str, default: f64) -> f64 {
    config(key).and_then(|v| v.parse().ok()).unwrap_or(default)
}

impl Scorer for HostileScorer {
    fn score(_city: &City, candidates: &[Candidate<'_>]) -> Result<Vec<Score>, String> {
        if let Some(message) = config("error") {
            return Err(message);
        }
        let value = number("score", 0.5);
        let term_value = number("term_value", value);
        let terms = config("terms")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1usize);
        let name = config("term").unwrap_or_else(|| "hostile".to_owned());
        let explanation = config("explanation").unwrap_or_else(|| "hostile".to_owned());
        Ok(candidates
            .iter()
            .map(|_| Score {
                value,
                terms: (0..terms)
                    .map(|_| ScoreTerm {
                        name: name.clone(),
                        value: term_value,
                        explanation: explanation.clone(),
                    })
                    .collect(),
            })
            .collect())
    }
}

export!(scorer: HostileScorer);

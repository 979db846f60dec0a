//! The proposal form's checks for the browser: `digifarm propose`'s own rules (the proposal
//! schema, the licence engine with the city's policy, the admission criteria code can check)
//! compiled to WebAssembly, so `propose.html` tells a citizen what the CLI will say, as they
//! type, without a server.
//!
//! The module is built for `wasm32-unknown-unknown` by `scripts/build-wasm.sh`, which also
//! checks that the committed `digifarm-core/src/export/html/propose.wasm` (the file the HTML
//! export writes into every site) is exactly what this source builds. It imports nothing and
//! exports a byte-buffer interface ([`abi`]); the page's script speaks JSON through it:
//!
//! 1. `init` with `{"config": <digifarm.toml as JSON>, "ids": [<ids already in use>]}`;
//! 2. `check` with `{"answers": <the form as a proposal-shaped JSON value>, "today":
//!    "YYYY-MM-DD"}`, answered with [`digifarm_core::workflow::FormCheck`] as JSON: the
//!    proposal YAML to download and every finding with its code, message and pointer.
//!
//! ```
//! let mut form = digifarm_wasm::Form::new(r#"{"config": {"city": {"name": "Münster"}}, "ids": []}"#)?;
//! let answer = form.check(r#"{"answers": {"project": {"license": "GPL v3"}}, "today": "2026-11-26"}"#);
//! assert!(answer.contains("\"accepted\":false"));
//! # Ok::<(), String>(())
//! ```

use chrono::NaiveDate;
use digifarm_core::catalog::Catalog;
use digifarm_core::model::CityConfig;
use serde::Deserialize;

pub mod abi;

/// What the page passes once: the city's settings and the ids already taken.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Init {
    config: serde_json::Value,
    #[serde(default)]
    ids: Vec<String>,
}

/// One check: the answers so far and the date of the proposal.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    answers: serde_json::Value,
    today: NaiveDate,
}

/// The form's checker for one city.
#[derive(Debug)]
pub struct Form {
    catalog: Catalog,
    ids: Vec<String>,
}

impl Form {
    /// A checker from the page's settings (`{"config": …, "ids": […]}`).
    ///
    /// # Errors
    /// A message when the settings are not valid JSON or not a city config.
    pub fn new(init: &str) -> Result<Form, String> {
        let init: Init =
            serde_json::from_str(init).map_err(|e| format!("invalid settings: {e}"))?;
        let config: CityConfig =
            serde_json::from_value(init.config).map_err(|e| format!("invalid city config: {e}"))?;
        Ok(Form {
            catalog: Catalog::from_records(config, Vec::new(), Vec::new(), Vec::new()),
            ids: init.ids,
        })
    }

    /// Checks one request (`{"answers": …, "today": "YYYY-MM-DD"}`); the answer is a
    /// [`FormCheck`](digifarm_core::workflow::FormCheck) as JSON, or `{"error": "…"}` when
    /// the request itself is malformed.
    pub fn check(&mut self, request: &str) -> String {
        let request: Request = match serde_json::from_str(request) {
            Ok(r) => r,
            Err(e) => return error_json(&format!("invalid request: {e}")),
        };
        let result = digifarm_core::workflow::check_form(
            &request.answers,
            &self.catalog,
            &self.ids,
            request.today,
            "proposal.yaml",
        );
        serde_json::to_string(&result)
            .unwrap_or_else(|e| error_json(&format!("cannot serialise the result: {e}")))
    }
}

fn error_json(message: &str) -> String {
    serde_json::json!({ "error": message }).to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn form() -> Form {
        Form::new(
            r#"{"config": {"city": {"name": "Münster", "ags": "05515000"}}, "ids": ["klimaheroes"]}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_complete_proposal_is_accepted_and_reads_back() {
        let answers = serde_json::json!({
            "project": {
                "id": "lastenrad", "name": "Lastenrad", "summary": "Räder leihen",
                "status": "live", "license": "AGPL-3.0-or-later",
                "origin": {"city": "Münster"},
                "links": {"source": "https://git.example.org/lastenrad"}
            },
            "proposer": {"name": "Erika Mustermann"},
            "attestations": {"digital": true, "runs": true, "gdpr": true, "lawful": true}
        });
        let request = serde_json::json!({"answers": answers, "today": "2026-11-26"}).to_string();
        let v: serde_json::Value = serde_json::from_str(&form().check(&request)).unwrap();
        assert_eq!(v["accepted"], true, "{v}");
        let yaml = v["yaml"].as_str().unwrap();
        let back = digifarm_core::workflow::parse_proposal(yaml, false, "p.yaml").unwrap();
        assert_eq!(back.project.id, "lastenrad");
    }

    #[test]
    fn findings_are_the_cli_s() {
        let answers = serde_json::json!({
            "project": {
                "id": "klimaheroes", "name": "K", "summary": "S", "status": "live",
                "license": "SSPL-1.0", "origin": {"city": "Münster"},
                "links": {"source": "https://git.example.org/k"}
            },
            "proposer": {"name": "E"},
            "attestations": {"digital": true, "runs": true, "gdpr": false, "lawful": true}
        });
        let request = serde_json::json!({"answers": answers, "today": "2026-11-26"}).to_string();
        let v: serde_json::Value = serde_json::from_str(&form().check(&request)).unwrap();
        let codes: Vec<&str> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&"license-not-allowed"), "{codes:?}");
        assert!(codes.contains(&"attestation-missing"), "{codes:?}");
        assert!(codes.contains(&"duplicate-id"), "{codes:?}");
        assert_eq!(v["accepted"], false);
    }

    #[test]
    fn the_licence_is_checked_before_the_rest_is_filled_in() {
        let request = r#"{"answers": {"project": {"license": "SSPL-1.0"}}, "today": "2026-11-26"}"#;
        let v: serde_json::Value = serde_json::from_str(&form().check(request)).unwrap();
        let licence = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["field"] == "/project/license")
            .unwrap();
        assert_eq!(licence["code"], "license-not-allowed");
        // Missing fields point at the field itself, for the form.
        assert!(
            v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["field"] == "/project/name"
                    && d["pointer"] == "/project"
                    && d["code"] == "missing-field")
        );
    }

    #[test]
    fn a_malformed_request_is_an_error_not_a_crash() {
        let v: serde_json::Value = serde_json::from_str(&form().check("{")).unwrap();
        assert!(v["error"].as_str().unwrap().starts_with("invalid request"));
        assert!(Form::new("[]").is_err());
    }
}

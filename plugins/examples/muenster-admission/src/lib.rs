//! DIGIFARM Münster's admission criteria that code can check, as a digifarm validator plugin.
//!
//! 1. `city-link`: the project is linked to the city: it originates there (`origin.city`), is
//!    deployed there (`deployment.cities`), or one of its needs is supported by a city partner
//!    (the partner ids the city grants as config key `city_partners`, comma-separated).
//! 2. `source-repository`: the project links its source repository with an `https://` URL.
//! 3. `license-not-open`: the licence is open source under the city's policy (checked by the
//!    host's licence engine).
//!
//! Findings are errors for admitted and sustained projects and warnings for the others (a
//! proposal can still be fixed before the jury decides).

use digifarm_plugin_sdk::{City, Diagnostic, Project, Severity, Validator, export, host};

struct MuensterAdmission;

/// A place name as compared: trimmed, lower-case, "muenster" spelt "münster".
fn norm(place: &str) -> String {
    place.trim().to_lowercase().replace("muenster", "münster")
}

impl Validator for MuensterAdmission {
    fn validate(city: &City, projects: &[Project<'_>]) -> Result<Vec<Diagnostic>, String> {
        let partners_cfg = host::config("city_partners").unwrap_or_default();
        let city_partners: Vec<&str> = partners_cfg
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let here = norm(&city.name);
        // A place that is only white space matches no city (nor a city that is).
        let is_here = |place: &str| !here.is_empty() && norm(place) == here;
        let mut out = Vec::new();
        for p in projects {
            let severity = if matches!(p.lifecycle, "admitted" | "sustained") {
                Severity::Error
            } else {
                Severity::Warning
            };
            let mut push = |code: &str, pointer: &str, message: String, help: &str| {
                let mut d = Diagnostic::error(p.id, code, pointer, message).with_help(help);
                d.severity = severity;
                out.push(d);
            };

            // Each of the three links is checked for every project, as in the other languages'
            // examples (the benchmark compares them on the same work).
            let from_city = p.origin.as_ref().and_then(|o| o.city).is_some_and(is_here);
            let deployed = p
                .deployment
                .as_ref()
                .is_some_and(|d| d.cities.iter().any(|c| is_here(c)));
            let supported = p.needs.iter().any(|n| {
                n.supported_by
                    .iter()
                    .any(|s| city_partners.contains(&s.partner))
            });
            if !(from_city || deployed || supported) {
                push(
                    "city-link",
                    "",
                    format!(
                        "`{}` has no link to {}: it does not originate or run there, and no city partner supports it",
                        p.id, city.name
                    ),
                    "set origin.city, list the city under deployment.cities, or record the city partner under a need's supported_by",
                );
            }

            match p.links.source {
                None => push(
                    "source-repository",
                    "/links",
                    format!("`{}` does not link its source repository", p.id),
                    "add links.source with the repository URL",
                ),
                Some(url) if !url.starts_with("https://") => push(
                    "source-repository",
                    "/links/source",
                    format!("the source link `{url}` is not an https:// URL"),
                    "link the public repository over https",
                ),
                Some(_) => {}
            }

            let verdict = host::check_license(p.license);
            if !verdict.allowed {
                let why = if verdict.problems.is_empty() {
                    "not allowed by the city's policy".to_owned()
                } else {
                    verdict.problems.join("; ")
                };
                push(
                    "license-not-open",
                    "/license",
                    format!("the licence `{}` is not open source: {why}", p.license),
                    "DIGIFARM admits open-source projects only; use an OSI-approved licence",
                );
            }
        }
        Ok(out)
    }
}

export!(validator: MuensterAdmission);

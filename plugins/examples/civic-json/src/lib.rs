//! Reads civic.json files, as a digifarm importer plugin.
//!
//! Input: one civic.json object, or a JSON array of them. Both common variants are read:
//! - BetaNYC (`status`, `name`, `description`, `bornAt`, `geography`, `type`, `needs:
//!   [{"need": …}]`, `categories: [{"category": …}]`, `moreInfo`, `repository`);
//! - DCgov (`status`, `name`, `description`, `license`, `type`, `geography`, `tags`,
//!   `homepage`, `repository`, `partners`).
//!
//! Contact fields (`contact`, emails) are personal data and are not imported. Ids are made
//! from the name (or the repository's last path segment). A missing licence becomes
//! `NOASSERTION` plus a `license-missing` finding rather than a guess; the host's record
//! checks then leave the project out (reporting it) unless the city lists it under
//! `[[license.pending]]`.

use digifarm_plugin_sdk::record::{Links, Need, Origin, Project, Text};
use digifarm_plugin_sdk::{Diagnostic, ImportOutput, Importer, export};
use serde_json::Value;

struct CivicJson;

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        let c = match c {
            'ä' => "ae".to_owned(),
            'ö' => "oe".to_owned(),
            'ü' => "ue".to_owned(),
            'ß' => "ss".to_owned(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            _ => "-".to_owned(),
        };
        out.push_str(&c);
    }
    let parts: Vec<&str> = out.split('-').filter(|p| !p.is_empty()).collect();
    let mut id = parts.join("-");
    id.truncate(80);
    id.trim_end_matches('-').to_owned()
}

fn string(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn status(raw: Option<&str>) -> (&'static str, bool) {
    match raw.map(|s| s.trim().to_lowercase()).as_deref() {
        Some("idea" | "concept" | "proposed") => ("idea", true),
        Some("alpha" | "beta" | "in development" | "development" | "prototype" | "pilot") => {
            ("in-development", true)
        }
        Some("production" | "live" | "released" | "active" | "stable") => ("live", true),
        Some("paused" | "inactive" | "on hold") => ("paused", true),
        Some("archived" | "retired" | "deprecated" | "decommissioned") => ("archived", true),
        _ => ("in-development", false),
    }
}

fn need_kind(need: &str) -> &'static str {
    let n = need.to_lowercase();
    if ["fund", "money", "sponsor", "donat", "financ"]
        .iter()
        .any(|k| n.contains(k))
    {
        "financial"
    } else if [
        "writ",
        "content",
        "translat",
        "data entry",
        "research",
        "outreach",
    ]
    .iter()
    .any(|k| n.contains(k))
    {
        "content"
    } else {
        "technical"
    }
}

fn project(v: &Value, index: usize, out: &mut ImportOutput) -> Option<Project> {
    let repository = string(v, "repository")
        .or_else(|| string(v, "repositoryUrl"))
        .or_else(|| string(v, "code"));
    let name = string(v, "name")
        .or_else(|| string(v, "title"))
        .or_else(|| {
            repository
                .as_deref()
                .and_then(|r| r.trim_end_matches('/').rsplit('/').next())
                .map(str::to_owned)
        });
    let Some(name) = name else {
        out.diagnostics.push(
            Diagnostic::error(
                "",
                "name-missing",
                &format!("/{index}"),
                format!("civic.json entry {index} has neither a name nor a repository; skipped"),
            )
            .with_help("add \"name\" to the civic.json"),
        );
        return None;
    };
    let id = slug(&name);
    let raw_status = string(v, "status");
    let (status, known) = status(raw_status.as_deref());
    if !known {
        out.diagnostics.push(Diagnostic::warning(
            &id,
            "status-unknown",
            "/status",
            format!(
                "civic.json status `{}` is not one digifarm knows; imported as in-development",
                raw_status.unwrap_or_default()
            ),
        ));
    }
    let license = match string(v, "license") {
        Some(l) => l,
        None => {
            out.diagnostics.push(Diagnostic::warning(
                &id,
                "license-missing",
                "/license",
                "civic.json has no licence; returned as NOASSERTION".to_owned(),
            ));
            "NOASSERTION".to_owned()
        }
    };
    let description = string(v, "description").unwrap_or_else(|| name.clone());
    let mut categories: Vec<String> = Vec::new();
    if let Some(cats) = v.get("categories").and_then(Value::as_array) {
        for c in cats {
            if let Some(s) = c.get("category").and_then(Value::as_str).or(c.as_str()) {
                categories.push(s.to_owned());
            }
        }
    }
    let mut technologies = Vec::new();
    if let Some(tags) = v.get("tags").and_then(Value::as_array) {
        for t in tags {
            if let Some(s) = t.as_str().or_else(|| t.get("tag").and_then(Value::as_str)) {
                technologies.push(s.to_owned());
            }
        }
    }
    let mut needs = Vec::new();
    if let Some(list) = v.get("needs").and_then(Value::as_array) {
        for n in list {
            if let Some(s) = n.get("need").and_then(Value::as_str).or(n.as_str()) {
                needs.push(Need {
                    kind: need_kind(s).to_owned(),
                    description: vec![Text {
                        lang: String::new(),
                        value: s.to_owned(),
                    }],
                    skills: vec![s.to_lowercase()],
                    hours_per_month: None,
                    eur_per_year: None,
                    priority: "medium".to_owned(),
                    since: None,
                    supported_by: Vec::new(),
                });
            }
        }
    }
    let geography = string(v, "geography");
    Some(Project {
        id,
        name,
        summary: vec![Text {
            lang: String::new(),
            value: description,
        }],
        description: Vec::new(),
        status: status.to_owned(),
        status_since: None,
        lifecycle: "proposed".to_owned(),
        categories,
        software_type: string(v, "type"),
        complexity: None,
        technologies,
        origin: Some(Origin {
            city: geography,
            community: None,
            started: string(v, "bornAt"),
        }),
        admitted_on: None,
        links: Links {
            homepage: string(v, "homepage").or_else(|| string(v, "moreInfo")),
            source: repository,
            info: None,
        },
        license,
        deployment: None,
        needs,
        last_reviewed: None,
    })
}

impl Importer for CivicJson {
    fn import(media_type: String, bytes: Vec<u8>) -> Result<ImportOutput, String> {
        if !(media_type.starts_with("application/json") || media_type.ends_with("+json")) {
            return Err(format!(
                "civic-json reads application/json, not `{media_type}`"
            ));
        }
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"))?;
        let entries: Vec<Value> = match value {
            Value::Array(items) => items,
            v @ Value::Object(_) => vec![v],
            _ => return Err("a civic.json is a JSON object (or an array of them)".to_owned()),
        };
        let mut out = ImportOutput {
            projects: Vec::new(),
            partners: Vec::new(),
            offers: Vec::new(),
            diagnostics: Vec::new(),
        };
        for (i, entry) in entries.iter().enumerate() {
            if !entry.is_object() {
                out.diagnostics.push(Diagnostic::error(
                    "",
                    "not-an-object",
                    &format!("/{i}"),
                    format!("entry {i} is not a JSON object; skipped"),
                ));
                continue;
            }
            if let Some(p) = project(entry, i, &mut out) {
                out.projects.push(p);
            }
        }
        Ok(out)
    }
}

export!(importer: CivicJson);

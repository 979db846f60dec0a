//! A deliberately hostile importer: it returns whatever its input (a JSON object) describes.
//!
//! ```json
//! {
//!   "projects": [{"id": "../../x", "name": "…", "summary": "…", "status": "live",
//!                 "lifecycle": "proposed", "license": "MIT", "partner": "citeq",
//!                 "hours": "NaN"}],
//!   "partners": [{"id": "…", "name": "…", "kind": "company"}],
//!   "offers": [{"id": "…", "partner": "…", "kind": "technical"}],
//!   "diagnostics": [{"subject": "…", "code": "…", "severity": "error", "pointer": "…",
//!                    "message": "…", "help": "…"}],
//!   "findings": 5000,          // that many extra warnings (`flood`)
//!   "long_pointer": 8388608,   // one diagnostic whose pointer is `/` and that many `a`
//!   "error": "…",              // return this as the plugin's error
//!   "panic": "…",              // panic with this message
//!   "stderr": "…"              // write this to stderr first
//! }
//! ```
//!
//! Missing project fields get harmless defaults, so each test states only what it attacks.

use digifarm_plugin_sdk::record::{
    Capacity, Links, Need, Offer, Partner, Project, SupportRef, Text,
};
use digifarm_plugin_sdk::{Diagnostic, ImportOutput, Importer, Severity, export};
use serde_json::Value;

struct HostileImporter;

fn s(v: &Value, key: &str, default: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or(default)
        .to_owned()
}

fn text(value: String) -> Vec<Text> {
    vec![Text {
        lang: String::new(),
        value,
    }]
}

fn project(v: &Value) -> Project {
    // `"hours": "NaN"`: a need whose hours are that number (JSON has no NaN or infinity).
    if let Some(hours) = v.get("hours").and_then(Value::as_str) {
        let mut p = project(&without(v, "hours"));
        p.needs.push(Need {
            kind: "technical".to_owned(),
            description: Vec::new(),
            skills: Vec::new(),
            hours_per_month: hours.parse().ok(),
            eur_per_year: None,
            priority: "medium".to_owned(),
            since: None,
            supported_by: Vec::new(),
        });
        return p;
    }
    let needs = match v.get("partner").and_then(Value::as_str) {
        Some(partner) => vec![Need {
            kind: "technical".to_owned(),
            description: Vec::new(),
            skills: Vec::new(),
            hours_per_month: None,
            eur_per_year: None,
            priority: "medium".to_owned(),
            since: None,
            supported_by: vec![SupportRef {
                partner: partner.to_owned(),
                offer: None,
                since: None,
            }],
        }],
        None => Vec::new(),
    };
    Project {
        id: s(v, "id", "hostile"),
        name: s(v, "name", "Hostile"),
        summary: text(s(v, "summary", "Ein Projekt")),
        description: Vec::new(),
        status: s(v, "status", "live"),
        status_since: None,
        lifecycle: s(v, "lifecycle", "proposed"),
        categories: Vec::new(),
        software_type: None,
        complexity: None,
        technologies: Vec::new(),
        origin: None,
        admitted_on: None,
        links: Links {
            homepage: None,
            source: None,
            info: None,
        },
        license: s(v, "license", "MIT"),
        deployment: None,
        needs,
        last_reviewed: None,
    }
}

fn without(v: &Value, key: &str) -> Value {
    let mut v = v.clone();
    if let Some(map) = v.as_object_mut() {
        map.remove(key);
    }
    v
}

fn partner(v: &Value) -> Partner {
    Partner {
        id: s(v, "id", "hostile-partner"),
        name: s(v, "name", "Hostile Partner"),
        kind: s(v, "kind", "company"),
        sectors: Vec::new(),
        region: None,
        website: None,
    }
}

fn offer(v: &Value) -> Offer {
    Offer {
        id: s(v, "id", "hostile-offer"),
        partner: s(v, "partner", "hostile-partner"),
        kind: s(v, "kind", "technical"),
        description: Vec::new(),
        skills: Vec::new(),
        topics: Vec::new(),
        regions: Vec::new(),
        remote: false,
        capacity: Capacity {
            projects: None,
            hours_per_month: None,
        },
        budget_eur_per_year: None,
        license_requirement: None,
        valid_from: None,
        valid_until: None,
    }
}

fn diagnostic(v: &Value) -> Diagnostic {
    Diagnostic {
        subject: s(v, "subject", ""),
        code: s(v, "code", "hostile"),
        severity: match v.get("severity").and_then(Value::as_str) {
            Some("error") => Severity::Error,
            Some("info") => Severity::Info,
            _ => Severity::Warning,
        },
        pointer: s(v, "pointer", ""),
        message: s(v, "message", "a finding"),
        help: v.get("help").and_then(Value::as_str).map(str::to_owned),
    }
}

fn list<T>(v: &Value, key: &str, item: impl Fn(&Value) -> T) -> Vec<T> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|items| items.iter().map(item).collect())
        .unwrap_or_default()
}

impl Importer for HostileImporter {
    fn import(_media_type: String, bytes: Vec<u8>) -> Result<ImportOutput, String> {
        let v: Value = serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"))?;
        if let Some(text) = v.get("stderr").and_then(Value::as_str) {
            eprintln!("{text}");
        }
        if let Some(message) = v.get("panic").and_then(Value::as_str) {
            panic!("{message}");
        }
        if let Some(message) = v.get("error").and_then(Value::as_str) {
            return Err(message.to_owned());
        }
        let mut diagnostics = list(&v, "diagnostics", diagnostic);
        let findings = v.get("findings").and_then(Value::as_u64).unwrap_or(0);
        for i in 0..findings {
            diagnostics.push(Diagnostic::warning("", "flood", "", format!("finding {i}")));
        }
        if let Some(n) = v.get("long_pointer").and_then(Value::as_u64) {
            let pointer = format!("/{}", "a".repeat(usize::try_from(n).unwrap_or(0)));
            diagnostics.push(Diagnostic::warning("", "long", &pointer, "a long pointer"));
        }
        Ok(ImportOutput {
            projects: list(&v, "projects", project),
            partners: list(&v, "partners", partner),
            offers: list(&v, "offers", offer),
            diagnostics,
        })
    }
}

export!(importer: HostileImporter);

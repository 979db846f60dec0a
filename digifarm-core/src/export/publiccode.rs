//! publiccode.yml (the standard of Developers Italia and OpenCoDE), one file per project at
//! `<id>/publiccode.yml`, `publiccodeYmlVersion: "0.4"`.
//!
//! Shared with our model, and read back unchanged by `digifarm import publiccode`: `name`,
//! `url` (source repository), `landingURL` (homepage), `description.<lang>.shortDescription`
//! (summary) and `longDescription` (description), `legal.license`, `developmentStatus` (for
//! the statuses with an equivalent: idea, in-development, live, archived), categories that
//! are in publiccode's vocabulary, and `fundedBy` (the partners supporting financial needs).
//! The mandatory keys with no counterpart (`platforms`, `softwareType`, `features`,
//! `maintenance`, `localisation`) are derived from what the project says.

use super::text::loc;
use super::{Error, File, Options, partner_index};
use crate::catalog::Catalog;
use crate::model::{LocalizedText, Project, ProjectStatus};

/// The publiccode.yml version written.
pub const VERSION: &str = "0.4";

/// publiccode's category vocabulary (0.4).
pub const CATEGORIES: &[&str] = &[
    "accounting",
    "agile-project-management",
    "applicant-tracking",
    "application-development",
    "appointment-scheduling",
    "backup",
    "billing-and-invoicing",
    "blog",
    "budgeting",
    "business-intelligence",
    "business-process-management",
    "cad",
    "call-center-management",
    "cloud-management",
    "collaboration",
    "communications",
    "compliance-management",
    "contact-management",
    "content-management",
    "crm",
    "customer-service-and-support",
    "data-analytics",
    "data-collection",
    "data-visualization",
    "digital-asset-management",
    "digital-citizenship",
    "document-management",
    "donor-management",
    "e-commerce",
    "e-signature",
    "educational-content",
    "email-management",
    "email-marketing",
    "employee-management",
    "enterprise-project-management",
    "enterprise-social-networking",
    "erp",
    "event-management",
    "facility-management",
    "feedback-and-reviews-management",
    "financial-reporting",
    "fleet-management",
    "fundraising",
    "gamification",
    "geographic-information-systems",
    "grant-management",
    "graphic-design",
    "help-desk",
    "hr",
    "ide",
    "identity-management",
    "instant-messaging",
    "inventory-management",
    "it-asset-management",
    "it-development",
    "it-management",
    "it-security",
    "it-service-management",
    "knowledge-management",
    "learning-management-system",
    "marketing",
    "mind-mapping",
    "mobile-marketing",
    "mobile-payment",
    "network-management",
    "office",
    "online-booking",
    "online-community",
    "payment-gateway",
    "payroll",
    "predictive-analysis",
    "procurement",
    "productivity-suite",
    "project-collaboration",
    "project-management",
    "property-management",
    "real-estate-management",
    "remote-support",
    "resource-management",
    "sales-management",
    "seo",
    "service-desk",
    "social-media-management",
    "survey",
    "talent-management",
    "task-management",
    "taxes-management",
    "test-management",
    "time-management",
    "time-tracking",
    "translation",
    "video-conferencing",
    "video-editing",
    "visitor-management",
    "voip",
    "warehouse-management",
    "web-collaboration",
    "web-conferencing",
    "website-builder",
    "workflow-management",
];

/// Our status as publiccode's `developmentStatus`.
pub fn development_status(status: ProjectStatus) -> &'static str {
    match status {
        ProjectStatus::Idea => "concept",
        ProjectStatus::InDevelopment => "development",
        ProjectStatus::Live => "stable",
        // No equivalent: a paused or broken project is still there, but not to rely on.
        ProjectStatus::Paused | ProjectStatus::Broken => "beta",
        ProjectStatus::Archived => "obsolete",
    }
}

/// publiccode's `developmentStatus` as our status, if it is one of its values.
pub fn status_from(development_status: &str) -> Option<ProjectStatus> {
    match development_status {
        "concept" => Some(ProjectStatus::Idea),
        "development" | "beta" => Some(ProjectStatus::InDevelopment),
        "stable" => Some(ProjectStatus::Live),
        "obsolete" => Some(ProjectStatus::Archived),
        _ => None,
    }
}

/// A YAML node for the writer below.
enum Y {
    Str(String),
    Bool(bool),
    List(Vec<Y>),
    Map(Vec<(String, Y)>),
}

fn s(v: impl Into<String>) -> Y {
    Y::Str(v.into())
}

fn map(entries: Vec<(&str, Y)>) -> Y {
    Y::Map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

/// A scalar as a YAML double-quoted string: JSON string syntax is a subset of it, so every
/// string reads back exactly, and no YAML 1.1 parser can take it for a boolean or a number.
fn quote(v: &str) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "\"\"".to_owned())
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_owned()
    } else {
        quote(k)
    }
}

fn emit(out: &mut String, node: &Y, indent: usize) {
    let pad = " ".repeat(indent);
    match node {
        Y::Map(entries) => {
            for (k, v) in entries {
                match v {
                    Y::Map(e) if !e.is_empty() => {
                        out.push_str(&format!("{pad}{}:\n", key(k)));
                        emit(out, v, indent + 2);
                    }
                    Y::List(items) if !items.is_empty() => {
                        out.push_str(&format!("{pad}{}:\n", key(k)));
                        emit(out, v, indent + 2);
                    }
                    _ => {
                        out.push_str(&format!("{pad}{}: ", key(k)));
                        scalar(out, v);
                    }
                }
            }
        }
        Y::List(items) => {
            for item in items {
                match item {
                    Y::Map(e) if !e.is_empty() => {
                        // First entry on the dash line, the rest indented under it.
                        let mut inner = String::new();
                        emit(&mut inner, item, indent + 2);
                        let trimmed = inner.trim_start_matches(' ');
                        out.push_str(&format!("{pad}- {trimmed}"));
                    }
                    _ => {
                        out.push_str(&format!("{pad}- "));
                        scalar(out, item);
                    }
                }
            }
        }
        other => scalar(out, other),
    }
}

fn scalar(out: &mut String, node: &Y) {
    match node {
        Y::Str(v) => out.push_str(&quote(v)),
        Y::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Y::List(_) => out.push_str("[]"),
        Y::Map(_) => out.push_str("{}"),
    }
    out.push('\n');
}

fn languages(p: &Project, default_lang: &str) -> Vec<String> {
    let mut langs: Vec<String> = Vec::new();
    for t in std::iter::once(&p.summary).chain(p.description.as_ref()) {
        match t {
            LocalizedText::Plain(_) => {
                if !langs.iter().any(|l| l == default_lang) {
                    langs.push(default_lang.to_owned());
                }
            }
            LocalizedText::Localized(m) => {
                for l in m.keys() {
                    if !langs.contains(l) {
                        langs.push(l.clone());
                    }
                }
            }
        }
    }
    langs.sort_by_key(|l| (l != default_lang, l.clone()));
    langs
}

fn text_in(t: &LocalizedText, lang: &str, default_lang: &str) -> Option<String> {
    match t {
        LocalizedText::Plain(v) => (lang == default_lang).then(|| v.clone()),
        LocalizedText::Localized(m) => m.get(lang).cloned(),
    }
}

fn software_type(p: &Project) -> (&'static str, Vec<&'static str>) {
    let t = p.software_type.as_deref().unwrap_or("").to_lowercase();
    if t.contains("app") || t.contains("mobil") {
        ("standalone/mobile", vec!["android", "ios"])
    } else if t.contains("bibliothek") || t.contains("library") {
        ("library", vec!["web"])
    } else if t.contains("desktop") {
        ("standalone/desktop", vec!["linux", "mac", "windows"])
    } else {
        ("standalone/web", vec!["web"])
    }
}

fn project_yaml(p: &Project, catalog: &Catalog, include_private: bool) -> String {
    let dl = catalog.config.default_language();
    let partners = partner_index(catalog);
    let mut top: Vec<(&str, Y)> = vec![
        ("publiccodeYmlVersion", s(VERSION)),
        ("name", s(&p.name)),
        // `render` refuses projects without a source, so this is never empty.
        ("url", s(p.links.source.clone().unwrap_or_default())),
    ];
    if let Some(h) = &p.links.homepage {
        top.push(("landingURL", s(h)));
    }
    let (kind, platforms) = software_type(p);
    top.push(("platforms", Y::List(platforms.into_iter().map(s).collect())));
    let categories: Vec<Y> = p
        .categories
        .iter()
        .filter(|c| CATEGORIES.contains(&c.as_str()))
        .map(s)
        .collect();
    if !categories.is_empty() {
        top.push(("categories", Y::List(categories)));
    }
    top.push(("developmentStatus", s(development_status(p.status))));
    top.push(("softwareType", s(kind)));
    let mut funded = Vec::new();
    for n in p.needs.iter().filter(|n| n.kind == "financial") {
        for r in &n.supported_by {
            let (name, uri) = match partners.get(r.partner.as_str()) {
                Some(partner) => (partner.name.clone(), partner.website.clone()),
                None => (r.partner.clone(), None),
            };
            let mut entry = vec![("name", s(name))];
            if let Some(u) = uri {
                entry.push(("uri", s(u)));
            }
            funded.push(map(entry));
        }
    }
    if !funded.is_empty() {
        top.push(("fundedBy", Y::List(funded)));
    }
    let langs = languages(p, dl);
    let mut description = Vec::new();
    for lang in &langs {
        // shortDescription is mandatory: a language without its own summary gets the
        // summary in the default language.
        let short = text_in(&p.summary, lang, dl)
            .unwrap_or_else(|| loc(Some(&p.summary), lang, dl).to_owned());
        let long = p
            .description
            .as_ref()
            .and_then(|d| text_in(d, lang, dl))
            .unwrap_or_default();
        let mut entry = vec![("shortDescription", s(short.clone()))];
        if !long.is_empty() {
            entry.push(("longDescription", s(long)));
        }
        entry.push(("features", Y::List(vec![s(short)])));
        description.push((lang.clone(), map(entry)));
    }
    top.push(("description", Y::Map(description)));
    top.push(("legal", map(vec![("license", s(&p.license))])));
    let mut maintenance = vec![("type", s("community"))];
    if include_private && !p.contacts.is_empty() {
        let contacts = p
            .contacts
            .iter()
            .map(|c| {
                let mut e = vec![("name", s(&c.name))];
                if let Some(v) = &c.email {
                    e.push(("email", s(v)));
                }
                if let Some(v) = &c.phone {
                    e.push(("phone", s(v)));
                }
                if let Some(v) = &c.role {
                    e.push(("affiliation", s(v)));
                }
                map(e)
            })
            .collect();
        maintenance.push(("contacts", Y::List(contacts)));
    }
    top.push(("maintenance", map(maintenance)));
    top.push((
        "localisation",
        map(vec![
            ("localisationReady", Y::Bool(langs.len() > 1)),
            ("availableLanguages", Y::List(langs.iter().map(s).collect())),
        ]),
    ));
    let mut out = String::from("# Written by digifarm export; see https://yml.publiccode.tools\n");
    emit(&mut out, &map(top), 0);
    out
}

/// Renders `<id>/publiccode.yml` for every project.
///
/// # Errors
/// [`Error::SourceMissing`] when a project links no source repository: `url` is mandatory in
/// publiccode.yml, and an empty one would make every file invalid for the registries that
/// read them.
pub fn render(catalog: &Catalog, options: &Options) -> Result<Vec<File>, Error> {
    let missing: Vec<String> = catalog
        .projects
        .iter()
        .filter(|p| {
            p.links
                .source
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
        })
        .map(|p| p.id.clone())
        .collect();
    if !missing.is_empty() {
        return Err(Error::SourceMissing(missing));
    }
    Ok(catalog
        .projects
        .iter()
        .map(|p| {
            File::new(
                format!("{}/publiccode.yml", p.id),
                project_yaml(p, catalog, options.include_private),
            )
        })
        .collect())
}

//! Import of a `publiccode.yml` (the standard of Developers Italia and OpenCoDE, versions
//! 0.x) as one project.
//!
//! | publiccode.yml | becomes |
//! |---|---|
//! | `name` | `name`, and the `id` (a slug of the name) |
//! | `url` | `links.source` |
//! | `landingURL` | `links.homepage` |
//! | `description.<lang>.shortDescription` / `longDescription` | `summary` / `description` per language |
//! | `legal.license` | `license`, checked by the licence engine |
//! | `developmentStatus` | `status` (concept → idea, development and beta → in-development, stable → live, obsolete → archived) |
//! | `categories`, `softwareType` | `categories`, `software_type` |
//! | `usedBy` | `deployment` (per city, with those cities) |
//! | `maintenance.contacts` | `contacts` (private) |
//! | `maintenance.contractors` | partners supporting a `technical` need |
//! | `fundedBy` | partners supporting a `financial` need |
//!
//! Everything else is reported (`import-unmapped`), never dropped silently. The file is
//! checked as the standard requires: mandatory keys, types, unknown keys, YAML 1.1 booleans
//! (`yes`/`no` are strings in YAML 1.2, which publiccode.yml uses) — each with line and
//! column.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::Import;
use super::positioned::{Ctx, child, type_name};
use super::slugify;
use crate::diagnostic::{Code, Severity};
use crate::export::publiccode::status_from;
use crate::model::{
    Contact, Deployment, DeploymentMode, Lifecycle, Links, LocalizedText, Need, PartnerKind,
    Project, ProjectStatus, SupportRef,
};
use crate::source::{self, PosMap};

/// Options for [`import`].
#[derive(Debug, Clone)]
pub struct Options {
    /// The catalog's default language: a description only in this language becomes plain
    /// text.
    pub default_lang: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            default_lang: "de".to_owned(),
        }
    }
}

/// Top-level keys of publiccode.yml 0.x.
const TOP_KEYS: &[&str] = &[
    "publiccodeYmlVersion",
    "name",
    "applicationSuite",
    "url",
    "landingURL",
    "isBasedOn",
    "softwareVersion",
    "releaseDate",
    "logo",
    "monochromeLogo",
    "inputTypes",
    "outputTypes",
    "platforms",
    "categories",
    "usedBy",
    "roadmap",
    "developmentStatus",
    "softwareType",
    "intendedAudience",
    "description",
    "legal",
    "maintenance",
    "localisation",
    "dependsOn",
    "fundedBy",
    "organisation",
];
const MANDATORY: &[&str] = &[
    "publiccodeYmlVersion",
    "name",
    "url",
    "platforms",
    "developmentStatus",
    "softwareType",
    "description",
    "legal",
    "maintenance",
    "localisation",
];
const DESCRIPTION_KEYS: &[&str] = &[
    "localisedName",
    "genericName",
    "shortDescription",
    "longDescription",
    "documentation",
    "apiDocumentation",
    "features",
    "screenshots",
    "videos",
    "awards",
];
const LEGAL_KEYS: &[&str] = &["license", "mainCopyrightOwner", "repoOwner", "authorsFile"];
const MAINTENANCE_KEYS: &[&str] = &["type", "contractors", "contacts"];
const LOCALISATION_KEYS: &[&str] = &["localisationReady", "availableLanguages"];
const STATUSES: &[&str] = &["concept", "development", "beta", "stable", "obsolete"];
const SOFTWARE_TYPES: &[&str] = &[
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
];
const MAINTENANCE_TYPES: &[&str] = &["internal", "contract", "community", "none"];

fn localized(texts: BTreeMap<String, String>, default_lang: &str) -> Option<LocalizedText> {
    if texts.is_empty() {
        return None;
    }
    if texts.len() == 1
        && let Some(t) = texts.get(default_lang)
    {
        return Some(LocalizedText::Plain(t.clone()));
    }
    Some(LocalizedText::Localized(texts))
}

/// Imports one publiccode.yml. `file` is the name used in diagnostics. Never panics; a file
/// that lacks what a project needs (a name, a description) yields diagnostics and no project.
pub fn import(bytes: &[u8], file: &str, options: &Options) -> Import {
    let mut ctx = Ctx {
        file,
        positions: PosMap::new(),
        out: Import::default(),
    };
    let parsed = source::decode(bytes).and_then(|text| Ok((text, source::yaml::parse(text)?)));
    let (text, value) = match parsed {
        Ok(p) => p,
        Err(e) => {
            ctx.out.diagnostics.push(e.to_diagnostic(file));
            return ctx.out;
        }
    };
    ctx.positions = source::yaml::positions(text);
    let Value::Object(top) = &value else {
        ctx.push(
            Code::WrongType,
            "",
            format!("a publiccode.yml is a mapping, found {}", type_name(&value)),
            None,
        );
        return ctx.out;
    };
    if let Some(project) = read(&mut ctx, top, options) {
        ctx.out.projects.push(project);
    }
    crate::diagnostic::sort(&mut ctx.out.diagnostics);
    ctx.out
}

fn read(ctx: &mut Ctx<'_>, top: &Map<String, Value>, options: &Options) -> Option<Project> {
    let dl = options.default_lang.as_str();
    // Country-specific sections (`it`, …) are two-letter keys the standard allows.
    let country = |k: &str| k.len() == 2 && k.bytes().all(|b| b.is_ascii_lowercase());
    let known: Vec<&str> = TOP_KEYS.to_vec();
    let mut unknown = Map::new();
    for (k, v) in top {
        if country(k) {
            ctx.unmapped(
                &child("", k),
                &format!("the country section `{k}`"),
                Severity::Warning,
            );
        } else if !known.contains(&k.as_str()) {
            unknown.insert(k.clone(), v.clone());
        }
    }
    ctx.unknown_keys(&unknown, "", TOP_KEYS);
    let mut fatal = false;
    for key in MANDATORY {
        if !top.contains_key(*key) {
            ctx.push(
                Code::MissingField,
                "",
                format!("the mandatory key `{key}` is missing"),
                None,
            );
            fatal |= matches!(*key, "name" | "description");
        }
    }
    match top.get("publiccodeYmlVersion") {
        Some(Value::String(v)) if v.starts_with("0.") => {}
        Some(Value::String(v)) => {
            ctx.push(
                Code::InvalidValue,
                "/publiccodeYmlVersion",
                format!("publiccodeYmlVersion `{v}` is not a 0.x version this importer reads"),
                None,
            );
        }
        Some(other) => ctx.wrong_type("/publiccodeYmlVersion", "a string", other),
        None => {}
    }
    let name = ctx.string(top, "", "name").map(str::trim).unwrap_or("");
    if name.is_empty() {
        fatal = true;
    }
    let mut links = Links::default();
    if let Some(url) = ctx.string(top, "", "url") {
        if url.starts_with("https://")
            || url.starts_with("http://")
            || url.starts_with("git://")
            || url.starts_with("ssh://")
        {
            links.source = Some(url.to_owned());
        } else {
            ctx.push(
                Code::InvalidFormat,
                "/url",
                format!("`{url}` is not a repository URL (https://, git:// or ssh://)"),
                None,
            );
        }
    }
    if let Some(url) = ctx.string(top, "", "landingURL") {
        if url.starts_with("https://") || url.starts_with("http://") {
            links.homepage = Some(url.to_owned());
        } else {
            ctx.push(
                Code::InvalidFormat,
                "/landingURL",
                format!("`{url}` is not a web URL"),
                None,
            );
        }
    }
    let platforms = ctx.strings(top, "", "platforms");
    if !platforms.is_empty() {
        ctx.unmapped("/platforms", "`platforms`", Severity::Info);
    }
    let categories = ctx.strings(top, "", "categories");
    let mut status = ProjectStatus::InDevelopment;
    if let Some(s) = ctx.string(top, "", "developmentStatus")
        && ctx.one_of("/developmentStatus", s, STATUSES)
        && let Some(st) = status_from(s)
    {
        status = st;
        if s == "beta" {
            ctx.push(
                Code::ImportUnmapped,
                "/developmentStatus",
                "`beta` has no exact counterpart; the status was set to `in-development`"
                    .to_owned(),
                None,
            );
        }
    }
    let software_type = ctx.string(top, "", "softwareType").map(str::to_owned);
    if let Some(t) = &software_type {
        ctx.one_of("/softwareType", t, SOFTWARE_TYPES);
    }
    let used_by = ctx.strings(top, "", "usedBy");
    for key in [
        "applicationSuite",
        "isBasedOn",
        "softwareVersion",
        "releaseDate",
        "logo",
        "monochromeLogo",
        "inputTypes",
        "outputTypes",
        "roadmap",
        "intendedAudience",
        "dependsOn",
        "organisation",
    ] {
        if top.contains_key(key) {
            ctx.unmapped(&child("", key), &format!("`{key}`"), Severity::Warning);
        }
    }

    // Descriptions per language.
    let mut summary = BTreeMap::new();
    let mut description = BTreeMap::new();
    if let Some(desc) = ctx.object(top, "", "description") {
        if desc.is_empty() {
            ctx.push(
                Code::MissingField,
                "/description",
                "`description` has no language".to_owned(),
                None,
            );
        }
        for (lang, entry) in desc {
            let p = child("/description", lang);
            let Value::Object(entry) = entry else {
                ctx.wrong_type(&p, "a mapping", entry);
                continue;
            };
            ctx.unknown_keys(entry, &p, DESCRIPTION_KEYS);
            match ctx.string(entry, &p, "shortDescription") {
                Some(s) => {
                    summary.insert(lang.clone(), s.trim().to_owned());
                }
                None if !entry.contains_key("shortDescription") => ctx.push(
                    Code::MissingField,
                    &p,
                    "the mandatory key `shortDescription` is missing".to_owned(),
                    None,
                ),
                None => {}
            }
            if let Some(s) = ctx.string(entry, &p, "longDescription") {
                description.insert(lang.clone(), s.trim_end().to_owned());
            }
            for key in DESCRIPTION_KEYS {
                if !matches!(*key, "shortDescription" | "longDescription")
                    && entry.contains_key(*key)
                {
                    ctx.unmapped(&child(&p, key), &format!("`{key}`"), Severity::Info);
                }
            }
        }
    }
    let summary = localized(summary, dl);
    if summary.is_none() && !fatal {
        ctx.push(
            Code::MissingField,
            "/description",
            "no `shortDescription` in any language: the project needs a summary".to_owned(),
            None,
        );
        fatal = true;
    }

    // Licence.
    let mut license = String::new();
    if let Some(legal) = ctx.object(top, "", "legal") {
        ctx.unknown_keys(legal, "/legal", LEGAL_KEYS);
        match ctx.string(legal, "/legal", "license") {
            Some(l) => {
                license = l.trim().to_owned();
                let verdict = crate::license::check(&license, &crate::license::Policy::default());
                for f in verdict.findings {
                    ctx.push(f.code, "/legal/license", f.message, f.help);
                }
            }
            None if !legal.contains_key("license") => ctx.push(
                Code::MissingField,
                "/legal",
                "the mandatory key `license` is missing".to_owned(),
                None,
            ),
            None => {}
        }
        for key in ["mainCopyrightOwner", "repoOwner", "authorsFile"] {
            if legal.contains_key(key) {
                ctx.unmapped(
                    &child("/legal", key),
                    &format!("`legal.{key}`"),
                    Severity::Warning,
                );
            }
        }
    }
    if license.is_empty() {
        license = "NOASSERTION".to_owned();
    }

    // Maintenance: contacts (private), contractors (technical supporters).
    let mut contacts = Vec::new();
    let mut needs = Vec::new();
    if let Some(m) = ctx.object(top, "", "maintenance") {
        ctx.unknown_keys(m, "/maintenance", MAINTENANCE_KEYS);
        if let Some(t) = ctx.string(m, "/maintenance", "type") {
            ctx.one_of("/maintenance/type", t, MAINTENANCE_TYPES);
            ctx.unmapped("/maintenance/type", "`maintenance.type`", Severity::Info);
        } else if !m.contains_key("type") {
            ctx.push(
                Code::MissingField,
                "/maintenance",
                "the mandatory key `type` is missing".to_owned(),
                None,
            );
        }
        if let Some(Value::Array(list)) = m.get("contacts") {
            for (i, c) in list.iter().enumerate() {
                let p = format!("/maintenance/contacts/{i}");
                let Value::Object(c) = c else {
                    ctx.wrong_type(&p, "a mapping", c);
                    continue;
                };
                ctx.unknown_keys(c, &p, &["name", "email", "phone", "affiliation"]);
                let Some(name) = ctx.string(c, &p, "name") else {
                    ctx.push(
                        Code::MissingField,
                        &p,
                        "a contact needs a `name`".to_owned(),
                        None,
                    );
                    continue;
                };
                contacts.push(Contact {
                    name: name.to_owned(),
                    role: ctx.string(c, &p, "affiliation").map(str::to_owned),
                    email: ctx.string(c, &p, "email").map(str::to_owned),
                    phone: ctx.string(c, &p, "phone").map(str::to_owned),
                    public: false,
                });
            }
        } else if let Some(other) = m.get("contacts") {
            ctx.wrong_type("/maintenance/contacts", "a list", other);
        }
        if let Some(Value::Array(list)) = m.get("contractors") {
            let mut refs = Vec::new();
            for (i, c) in list.iter().enumerate() {
                let p = format!("/maintenance/contractors/{i}");
                let Value::Object(c) = c else {
                    ctx.wrong_type(&p, "a mapping", c);
                    continue;
                };
                ctx.unknown_keys(c, &p, &["name", "until", "email", "website"]);
                let Some(name) = ctx.string(c, &p, "name").map(str::to_owned) else {
                    ctx.push(
                        Code::MissingField,
                        &p,
                        "a contractor needs a `name`".to_owned(),
                        None,
                    );
                    continue;
                };
                let website = ctx.string(c, &p, "website").map(str::to_owned);
                let id = ctx.partner(&name, website.as_deref(), PartnerKind::Company, &p);
                refs.push(SupportRef {
                    partner: id,
                    offer: None,
                    since: None,
                });
                for key in ["until", "email"] {
                    if c.contains_key(key) {
                        ctx.unmapped(
                            &child(&p, key),
                            &format!("the contractor's `{key}`"),
                            Severity::Warning,
                        );
                    }
                }
            }
            if !refs.is_empty() {
                needs.push(Need {
                    supported_by: refs,
                    ..Need::of_kind("technical")
                });
            }
        } else if let Some(other) = m.get("contractors") {
            ctx.wrong_type("/maintenance/contractors", "a list", other);
        }
    }
    if let Some(l) = ctx.object(top, "", "localisation") {
        ctx.unknown_keys(l, "/localisation", LOCALISATION_KEYS);
        ctx.boolean(l, "/localisation", "localisationReady");
        let _ = ctx.strings(l, "/localisation", "availableLanguages");
        for key in LOCALISATION_KEYS {
            if !l.contains_key(*key) {
                ctx.push(
                    Code::MissingField,
                    "/localisation",
                    format!("the mandatory key `{key}` is missing"),
                    None,
                );
            }
        }
    }

    // fundedBy: partners supporting a financial need.
    match top.get("fundedBy") {
        Some(Value::Array(list)) => {
            let mut refs = Vec::new();
            for (i, f) in list.iter().enumerate() {
                let p = format!("/fundedBy/{i}");
                let Value::Object(f) = f else {
                    ctx.wrong_type(&p, "a mapping", f);
                    continue;
                };
                ctx.unknown_keys(f, &p, &["name", "uri"]);
                let Some(name) = ctx.string(f, &p, "name").map(str::to_owned) else {
                    ctx.push(
                        Code::MissingField,
                        &p,
                        "a funder needs a `name`".to_owned(),
                        None,
                    );
                    continue;
                };
                let uri = ctx.string(f, &p, "uri").map(str::to_owned);
                let id = ctx.partner(&name, uri.as_deref(), PartnerKind::PublicBody, &p);
                refs.push(SupportRef {
                    partner: id,
                    offer: None,
                    since: None,
                });
            }
            if !refs.is_empty() {
                needs.push(Need {
                    supported_by: refs,
                    ..Need::of_kind("financial")
                });
            }
        }
        Some(other) => ctx.wrong_type("/fundedBy", "a list", other),
        None => {}
    }
    if fatal {
        return None;
    }
    let summary = summary?;
    Some(Project {
        id: slugify(name),
        name: name.to_owned(),
        summary,
        description: localized(description, dl),
        status,
        status_note: None,
        status_since: None,
        lifecycle: Lifecycle::Proposed,
        history: Vec::new(),
        categories,
        software_type,
        complexity: None,
        technologies: Vec::new(),
        origin: None,
        admitted_on: None,
        links,
        license,
        license_note: None,
        deployment: (!used_by.is_empty()).then_some(Deployment {
            mode: DeploymentMode::PerCity,
            cities: used_by,
        }),
        needs,
        contacts,
        last_reviewed: None,
        image: None,
        attestations: Vec::new(),
    })
}

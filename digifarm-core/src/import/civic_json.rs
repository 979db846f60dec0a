//! Import of `civic.json` files (BetaNYC's and DC government's flavours, and Code for
//! America's older one): one project object, or an array of them.
//!
//! | civic.json | becomes |
//! |---|---|
//! | `name` (or `title`) | `name`, and the `id` (a slug of the name) |
//! | `description` | `summary` (the first sentence when it is long) and `description` |
//! | `status` | `status` (ideation → idea, alpha/beta → in-development, production → live, archival → archived) |
//! | `type` | `software_type` |
//! | `homepage`, `repository` | `links.homepage`, `links.source` |
//! | `license` | `license`, checked by the licence engine |
//! | `needs[]` (strings or `{need: …}`) | needs that want help; the kind is read from the words (designer, content → content; developer, hosting → technical; funding → financial) |
//! | `partners[]` (strings or `{name, url}`) | partners |
//! | `tags[]`, `categories[]` | `categories` |
//! | `geography` | `origin.city` |
//! | `contact` | `contacts` (private) |
//!
//! civic.json has no strict schema, so keys this importer does not know are reported as
//! `import-unmapped` warnings rather than errors.

use serde_json::{Map, Value};

use super::Import;
use super::positioned::{Ctx, child, type_name};
use super::slugify;
use crate::diagnostic::{Code, Severity};
use crate::license::normalize as normalize_license;
use crate::model::{
    Contact, Lifecycle, Links, LocalizedText, Need, Origin, PartnerKind, Project, ProjectStatus,
};
use crate::source::{self, PosMap};

const KNOWN: &[&str] = &[
    "name",
    "title",
    "description",
    "status",
    "type",
    "homepage",
    "url",
    "repository",
    "repo",
    "license",
    "needs",
    "partners",
    "tags",
    "categories",
    "geography",
    "contact",
    "contacts",
];

fn status(text: &str) -> Option<ProjectStatus> {
    let t = text.trim().to_lowercase();
    let s = match t.as_str() {
        "ideation" | "idea" | "concept" | "proposed" => ProjectStatus::Idea,
        "alpha" | "beta" | "development" | "in development" | "prototype" | "pilot" => {
            ProjectStatus::InDevelopment
        }
        "production" | "live" | "release" | "released" | "stable" | "active" => ProjectStatus::Live,
        "archival" | "archived" | "inactive" | "deprecated" | "retired" => ProjectStatus::Archived,
        "paused" | "on hold" => ProjectStatus::Paused,
        _ => return None,
    };
    Some(s)
}

/// The need kind a civic.json need names.
fn need_kind(text: &str) -> Option<&'static str> {
    let t = text.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&[
        "fund", "money", "sponsor", "donat", "grant", "budget", "financ", "geld",
    ]) {
        Some("financial")
    } else if has(&[
        "develop",
        "program",
        "engineer",
        "code",
        "coder",
        "devops",
        "hosting",
        "server",
        "technical",
        "backend",
        "frontend",
        "entwickl",
    ]) {
        Some("technical")
    } else if has(&[
        "design", "content", "writ", "translat", "research", "data", "outreach", "user", "test",
        "inhalt", "text",
    ]) {
        Some("content")
    } else {
        None
    }
}

/// Imports a civic.json file. `file` is the name used in diagnostics. Never panics.
pub fn import(bytes: &[u8], file: &str) -> Import {
    let mut ctx = Ctx {
        file,
        positions: PosMap::new(),
        out: Import::default(),
    };
    let parsed = source::decode(bytes).and_then(|text| Ok((text, source::json::parse(text)?)));
    let (text, value) = match parsed {
        Ok(p) => p,
        Err(e) => {
            ctx.out.diagnostics.push(e.to_diagnostic(file));
            return ctx.out;
        }
    };
    ctx.positions = source::json::positions(text);
    match &value {
        Value::Object(m) => {
            if let Some(p) = project(&mut ctx, m, "") {
                ctx.out.projects.push(p);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let pointer = format!("/{i}");
                match item {
                    Value::Object(m) => {
                        if let Some(p) = project(&mut ctx, m, &pointer) {
                            if ctx.out.projects.iter().any(|q| q.id == p.id) {
                                ctx.push(
                                    Code::DuplicateId,
                                    &pointer,
                                    format!(
                                        "a second project would get the id `{}`; it was skipped",
                                        p.id
                                    ),
                                    None,
                                );
                            } else {
                                ctx.out.projects.push(p);
                            }
                        }
                    }
                    other => ctx.wrong_type(&pointer, "a project object", other),
                }
            }
        }
        other => ctx.push(
            Code::WrongType,
            "",
            format!(
                "a civic.json is an object or an array of objects, found {}",
                type_name(other)
            ),
            None,
        ),
    }
    crate::diagnostic::sort(&mut ctx.out.diagnostics);
    ctx.out
}

/// Strings from a list of strings or of objects with one of `keys`.
fn names(
    ctx: &mut Ctx<'_>,
    m: &Map<String, Value>,
    pointer: &str,
    key: &str,
    keys: &[&str],
) -> Vec<(String, String, Option<String>)> {
    let p = child(pointer, key);
    let mut out = Vec::new();
    match m.get(key) {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let ip = child(&p, &i.to_string());
                match item {
                    Value::String(s) if !s.trim().is_empty() => {
                        out.push((s.trim().to_owned(), ip, None))
                    }
                    Value::Object(o) => {
                        let name = keys.iter().find_map(|k| o.get(*k).and_then(Value::as_str));
                        let url = o
                            .get("url")
                            .or_else(|| o.get("uri"))
                            .and_then(Value::as_str)
                            .map(str::to_owned);
                        match name {
                            Some(n) if !n.trim().is_empty() => {
                                out.push((n.trim().to_owned(), ip, url))
                            }
                            _ => ctx.push(
                                Code::MissingField,
                                &ip,
                                format!(
                                    "an entry of `{key}` has none of {}",
                                    keys.iter()
                                        .map(|k| format!("`{k}`"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                                None,
                            ),
                        }
                    }
                    other => ctx.wrong_type(&ip, "a string or an object", other),
                }
            }
        }
        Some(Value::String(s)) => {
            for part in s.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                out.push((part.to_owned(), p.clone(), None));
            }
        }
        Some(other) => ctx.wrong_type(&p, "a list", other),
    }
    out
}

fn project(ctx: &mut Ctx<'_>, m: &Map<String, Value>, pointer: &str) -> Option<Project> {
    for key in m.keys() {
        if !KNOWN.contains(&key.as_str()) {
            ctx.unmapped(&child(pointer, key), &format!("`{key}`"), Severity::Warning);
        }
    }
    let name = ctx
        .string(m, pointer, "name")
        .or_else(|| m.get("title").and_then(Value::as_str))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let Some(name) = name else {
        ctx.push(
            Code::MissingField,
            pointer,
            "the project has no `name`; it was skipped".to_owned(),
            None,
        );
        return None;
    };
    let description = ctx
        .string(m, pointer, "description")
        .map(str::trim)
        .unwrap_or("")
        .to_owned();
    if description.is_empty() {
        ctx.push(
            Code::MissingField,
            pointer,
            format!(
                "`{name}` has no `description`, which digifarm needs as the summary; it was skipped"
            ),
            None,
        );
        return None;
    }
    // A long description gets its first sentence as the summary.
    let (summary, long) = if description.chars().count() > 280 {
        let cut = description
            .find(". ")
            .map_or(description.as_str(), |i| &description[..=i]);
        (cut.to_owned(), Some(description.clone()))
    } else {
        (description.clone(), None)
    };
    let mut st = ProjectStatus::InDevelopment;
    if let Some(s) = ctx.string(m, pointer, "status") {
        match status(s) {
            Some(x) => st = x,
            None => ctx.push(
                Code::StatusUnknown,
                &child(pointer, "status"),
                format!("the status `{s}` is not one digifarm knows; `in-development` was set"),
                Some(
                    "set `status` by hand: idea, in-development, live, paused, broken or archived"
                        .to_owned(),
                ),
            ),
        }
    }
    let mut links = Links::default();
    let web = |u: &str| u.starts_with("http://") || u.starts_with("https://");
    for (key, target) in [("homepage", 0), ("url", 0), ("repository", 1), ("repo", 1)] {
        if let Some(u) = ctx.string(m, pointer, key) {
            let slot = if target == 0 {
                &mut links.homepage
            } else {
                &mut links.source
            };
            if web(u) || (target == 1 && (u.starts_with("git://") || u.starts_with("ssh://"))) {
                if slot.is_none() {
                    *slot = Some(u.to_owned());
                }
            } else {
                ctx.push(
                    Code::InvalidFormat,
                    &child(pointer, key),
                    format!("`{u}` is not a URL"),
                    None,
                );
            }
        }
    }
    // civic.json licences are free text ("MIT License", "GPL v3"): read them as SPDX the way
    // the DIGIFARM importer does, and say how.
    let mut license = "NOASSERTION".to_owned();
    if let Some(l) = ctx.string(m, pointer, "license") {
        let lp = child(pointer, "license");
        let normalized = normalize_license(l);
        match normalized.candidates.as_slice() {
            [only] if !normalized.ambiguous => {
                license = only.expression.clone();
                if only.expression != l.trim() {
                    ctx.push(
                        Code::LicenseNormalized,
                        &lp,
                        format!("licence `{l}` read as SPDX `{}`", only.expression),
                        None,
                    );
                }
            }
            [first, ..] => {
                license = first.expression.clone();
                let options: Vec<String> = normalized
                    .candidates
                    .iter()
                    .map(|c| format!("`{}`", c.expression))
                    .collect();
                ctx.push(
                    Code::LicenseAmbiguous,
                    &lp,
                    format!(
                        "licence `{l}` can be read as {}; `{}` was chosen",
                        options.join(" or "),
                        first.expression
                    ),
                    Some("ask the maintainers which one applies and correct `license`".to_owned()),
                );
            }
            [] => {
                ctx.push(
                    Code::LicenseUnknown,
                    &lp,
                    format!("licence `{l}` is not an SPDX licence digifarm recognises"),
                    Some(
                        "find the licence in the repository and set `license` to its SPDX id"
                            .to_owned(),
                    ),
                );
            }
        }
    } else {
        ctx.push(
            Code::LicenseMissing,
            pointer,
            format!("`{name}` states no `license`"),
            Some("find the licence in the repository and set `license` to its SPDX id".to_owned()),
        );
    }
    let mut needs = Vec::new();
    for (text, p, _) in names(ctx, m, pointer, "needs", &["need", "name", "description"]) {
        let kind = need_kind(&text).unwrap_or_else(|| {
            ctx.push(
                Code::ImportUnmapped,
                &p,
                format!("cannot tell whether the need `{text}` is content, technical or financial; `technical` was assumed"),
                None,
            );
            "technical"
        });
        needs.push(Need {
            description: Some(LocalizedText::Plain(text)),
            ..Need::of_kind(kind)
        });
    }
    for (partner, p, url) in names(ctx, m, pointer, "partners", &["name", "partner"]) {
        let id = ctx.partner(&partner, url.as_deref(), PartnerKind::Company, &p);
        ctx.push(
            Code::ImportUnmapped,
            &p,
            format!(
                "partner `{id}` was imported, but civic.json does not say which need it supports"
            ),
            Some("add it to `supported_by` of the need it helps with".to_owned()),
        );
        if let Some(last) = ctx.out.diagnostics.last_mut() {
            last.severity = Severity::Info;
        }
    }
    let mut categories: Vec<String> = Vec::new();
    for key in ["categories", "tags"] {
        for (c, _, _) in names(ctx, m, pointer, key, &["category", "tag", "name"]) {
            if !categories.contains(&c) {
                categories.push(c);
            }
        }
    }
    let mut contacts = Vec::new();
    for key in ["contact", "contacts"] {
        let p = child(pointer, key);
        let list: Vec<(String, &Map<String, Value>)> = match m.get(key) {
            Some(Value::Object(o)) => vec![(p.clone(), o)],
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.as_object().map(|o| (child(&p, &i.to_string()), o)))
                .collect(),
            Some(Value::Null) | None => Vec::new(),
            Some(other) => {
                ctx.wrong_type(&p, "an object", other);
                Vec::new()
            }
        };
        for (cp, c) in list {
            let name = c
                .get("name")
                .and_then(Value::as_str)
                .map(str::trim)
                .unwrap_or("");
            let email = c.get("email").and_then(Value::as_str).map(str::to_owned);
            if name.is_empty() && email.is_none() {
                ctx.push(
                    Code::MissingField,
                    &cp,
                    "a contact has neither `name` nor `email`".to_owned(),
                    None,
                );
                continue;
            }
            contacts.push(Contact {
                name: if name.is_empty() {
                    email.clone().unwrap_or_default()
                } else {
                    name.to_owned()
                },
                role: None,
                email,
                phone: c.get("phone").and_then(Value::as_str).map(str::to_owned),
                public: false,
            });
        }
    }
    let origin = ctx.string(m, pointer, "geography").map(|g| Origin {
        city: Some(g.trim().to_owned()),
        community: None,
        started: None,
    });
    Some(Project {
        id: slugify(&name),
        name,
        summary: LocalizedText::Plain(summary),
        description: long.map(LocalizedText::Plain),
        status: st,
        status_note: None,
        status_since: None,
        lifecycle: Lifecycle::Proposed,
        history: Vec::new(),
        categories,
        software_type: ctx.string(m, pointer, "type").map(str::to_owned),
        complexity: None,
        technologies: Vec::new(),
        origin,
        admitted_on: None,
        links,
        license,
        license_note: None,
        deployment: None,
        needs,
        contacts,
        last_reviewed: None,
        image: None,
        image_alt: None,
        attestations: Vec::new(),
        software: None,
        complete: None,
        approvals: Vec::new(),
    })
}

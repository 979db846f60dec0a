//! Import of a `publiccode.yml` as one project, on [`crate::publiccode`]: the file is checked
//! with the standard's full rule set first, and a file with errors yields no record (every
//! error listed); warnings import.
//!
//! | publiccode.yml | becomes |
//! |---|---|
//! | `name` | `name`, and the `id` (a slug of the name) |
//! | `url`, `landingURL` | `links.source`, `links.homepage` |
//! | `description.<lang>.shortDescription` / `longDescription` | `summary` / `description` per language, as written |
//! | `description.<lang>.features`, `documentation`, `apiDocumentation` | `software.features`, `software.documentation`, `software.api_documentation` per language |
//! | `legal.license`, `legal.mainCopyrightOwner` | `license`, `software.copyright_owner` |
//! | `developmentStatus` | `status` (concept → idea, development and beta → in-development, stable → live, obsolete → archived) and `software.development_status` as written |
//! | `softwareType` | `software.kind` and `software_type` |
//! | `categories` | `categories` |
//! | `platforms`, `softwareVersion`, `releaseDate`, `usedBy`, `roadmap`, `logo`, `applicationSuite`, `isBasedOn`, `supports`, `intendedAudience`, `organisation`, `localisation` | the same in `software` |
//! | `maintenance.type`, `maintenance.contractors` | `software.maintenance`; named contractors also become partners supporting a `technical` need |
//! | `maintenance.contacts` | `contacts` (private) |
//! | `fundedBy` | `software.funded_by` (every funder, with its URI of any scheme); named funders also become partners supporting a `financial` need |
//!
//! Everything else (`localisedName`, `genericName`, `screenshots`, `videos`, `awards`,
//! `monochromeLogo`, `inputTypes`, `outputTypes`, `legal.repoOwner`, `legal.authorsFile`,
//! `dependsOn`, the `IT` section, a description language the catalog cannot hold) is
//! reported as `import-unmapped`, never dropped silently.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use super::Import;
use super::positioned::{Ctx, child};
use super::slugify;
use crate::diagnostic::{Code, Severity};
use crate::export::publiccode::status_from;
use crate::model::{
    Audience, Contact, Contractor, Lifecycle, Links, LocalizedText, Maintenance, MaintenanceKind,
    Need, Organisation, PartnerKind, Project, ProjectStatus, Software, SupportRef,
};
use crate::publiccode::{self, Document};
use crate::source::{self, PosMap};

/// Options for [`import`].
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The catalog's default language: a text only in this language becomes plain text.
    /// `None` takes the file's first description language (for a new catalog).
    pub default_lang: Option<String>,
    /// The directory of the publiccode.yml (its repository checkout), for the checks of
    /// the files it refers to.
    pub base_dir: Option<PathBuf>,
    /// The IndicePA register's codes, lowercase (see [`publiccode::Options::ipa_codes`]).
    pub ipa_codes: Option<HashSet<String>>,
}

/// The default language a catalog's `digifarm.toml` names (its first `city.languages`).
pub fn catalog_language(config_toml: &str) -> Option<String> {
    let value: toml::Table = config_toml.parse().ok()?;
    value
        .get("city")?
        .get("languages")?
        .as_array()?
        .first()?
        .as_str()
        .map(str::to_owned)
}

/// Whether the catalog model can hold a text in `lang` (`de`, `en`, `de-CH`).
fn catalog_language_tag(lang: &str) -> bool {
    let b = lang.as_bytes();
    (b.len() == 2 && b.iter().all(u8::is_ascii_lowercase))
        || (b.len() == 5
            && b[..2].iter().all(u8::is_ascii_lowercase)
            && b[2] == b'-'
            && b[3..].iter().all(u8::is_ascii_uppercase))
}

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

/// Imports one publiccode.yml. `file` is the name used in diagnostics. Never panics.
pub fn import(bytes: &[u8], file: &str, options: &Options) -> Import {
    let checked = publiccode::check(
        bytes,
        file,
        &publiccode::Options {
            base_dir: options.base_dir.as_deref(),
            ipa_codes: options.ipa_codes.as_ref(),
            network: None,
        },
    );
    let mut ctx = Ctx {
        file,
        positions: PosMap::new(),
        out: Import {
            diagnostics: checked.diagnostics,
            ..Import::default()
        },
    };
    if ctx.out.has_errors() {
        return ctx.out;
    }
    if let Ok(text) = source::decode(bytes) {
        ctx.positions = source::yaml::positions(text);
    }
    let doc = checked.document;
    ctx.out.languages = doc.description.iter().map(|(l, _)| l.clone()).collect();
    let default_lang = options
        .default_lang
        .clone()
        .or_else(|| ctx.out.languages.first().cloned())
        .unwrap_or_else(|| "de".to_owned());
    let project = project(&mut ctx, &doc, &default_lang);
    ctx.out.projects.push(project);
    crate::diagnostic::sort(&mut ctx.out.diagnostics);
    ctx.out
}

fn project(ctx: &mut Ctx<'_>, doc: &Document, default_lang: &str) -> Project {
    let mut summary = BTreeMap::new();
    let mut description = BTreeMap::new();
    let mut software = Software::default();
    for (lang, d) in &doc.description {
        let at = child("/description", lang);
        if !catalog_language_tag(lang) {
            ctx.unmapped(
                &at,
                &format!("the description in `{lang}` (the catalog holds texts in languages like de, en or de-CH)"),
                Severity::Warning,
            );
            continue;
        }
        summary.insert(lang.clone(), d.short_description.clone());
        description.insert(lang.clone(), d.long_description.clone());
        if !d.features.is_empty() {
            software.features.insert(lang.clone(), d.features.clone());
        }
        if let Some(u) = &d.documentation {
            software.documentation.insert(lang.clone(), u.clone());
        }
        if let Some(u) = &d.api_documentation {
            software.api_documentation.insert(lang.clone(), u.clone());
        }
        for (key, present) in [
            ("localisedName", d.localised_name.is_some()),
            ("genericName", d.generic_name.is_some()),
            ("screenshots", !d.screenshots.is_empty()),
            ("videos", !d.videos.is_empty()),
            ("awards", !d.awards.is_empty()),
        ] {
            if present {
                ctx.unmapped(&child(&at, key), &format!("`{key}`"), Severity::Warning);
            }
        }
    }
    let status = status_from(&doc.development_status).unwrap_or(ProjectStatus::InDevelopment);
    software.development_status = Some(doc.development_status.clone());
    software.kind = Some(doc.software_type.clone());
    software.platforms = doc.platforms.clone();
    software.version = doc.software_version.clone();
    software.release_date = doc
        .release_date
        .as_deref()
        .and_then(crate::model::date::parse_strict);
    software.used_by = doc.used_by.clone();
    software.roadmap = doc.roadmap.clone();
    software.logo = doc.logo.clone();
    software.application_suite = doc.application_suite.clone();
    software.is_based_on = doc.is_based_on.clone();
    software.supports = doc.supports.clone();
    software.copyright_owner = doc.main_copyright_owner.clone();
    software.localisation_ready = doc.localisation_ready;
    software.available_languages = doc.available_languages.clone();
    software.organisation = doc.organisation.as_ref().map(|o| Organisation {
        name: o.name.clone(),
        uri: o.uri.clone(),
    });
    software.audience = doc.intended_audience.as_ref().map(|a| Audience {
        scope: a.scope.clone(),
        countries: a.countries.clone(),
        unsupported_countries: a.unsupported_countries.clone(),
    });
    for (key, present) in [
        ("monochromeLogo", doc.monochrome_logo.is_some()),
        ("inputTypes", !doc.input_types.is_empty()),
        ("outputTypes", !doc.output_types.is_empty()),
        ("dependsOn", doc.has_depends_on),
    ] {
        if present {
            ctx.unmapped(&child("", key), &format!("`{key}`"), Severity::Warning);
        }
    }
    if doc.has_country_section {
        let key = if ctx.positions.contains_key("/IT") {
            "IT"
        } else {
            "it"
        };
        ctx.unmapped(
            &child("", key),
            &format!("the country section `{key}`"),
            Severity::Warning,
        );
    }
    for (key, present) in [
        ("repoOwner", doc.repo_owner.is_some()),
        ("authorsFile", doc.authors_file.is_some()),
    ] {
        if present {
            ctx.unmapped(
                &child("/legal", key),
                &format!("`legal.{key}`"),
                Severity::Warning,
            );
        }
    }

    let mut needs = Vec::new();
    let mut technical = Vec::new();
    let mut contractors = Vec::new();
    for (i, c) in doc.contractors.iter().enumerate() {
        let p = format!("/maintenance/contractors/{i}");
        let Some(until) = crate::model::date::parse_strict(&c.until) else {
            continue;
        };
        contractors.push(Contractor {
            name: c.name.clone(),
            until,
            email: c.email.clone(),
            website: c.website.clone(),
        });
        let id = ctx.partner(&c.name, c.website.as_deref(), PartnerKind::Company, &p);
        technical.push(SupportRef {
            partner: id,
            offer: None,
            since: None,
            ..SupportRef::default()
        });
    }
    if !technical.is_empty() {
        needs.push(Need {
            supported_by: technical,
            ..Need::of_kind("technical")
        });
    }
    if let Some(kind) = MaintenanceKind::parse(&doc.maintenance_type) {
        software.maintenance = Some(Maintenance { kind, contractors });
    }
    let mut financial = Vec::new();
    for (i, f) in doc.funded_by.iter().enumerate() {
        software.funded_by.push(Organisation {
            name: f.name.clone(),
            uri: f.uri.clone(),
        });
        let Some(name) = f.name.as_deref().filter(|n| !n.trim().is_empty()) else {
            continue;
        };
        let id = ctx.partner(
            name,
            Some(&f.uri),
            PartnerKind::PublicBody,
            &format!("/fundedBy/{i}"),
        );
        financial.push(SupportRef {
            partner: id,
            offer: None,
            since: None,
            ..SupportRef::default()
        });
    }
    if !financial.is_empty() {
        needs.push(Need {
            supported_by: financial,
            ..Need::of_kind("financial")
        });
    }
    let contacts = doc
        .contacts
        .iter()
        .map(|c| Contact {
            name: c.name.clone(),
            role: c.affiliation.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            public: false,
        })
        .collect();
    let summary = localized(summary, default_lang).unwrap_or_else(|| {
        ctx.push(
            Code::ImportUnmapped,
            "/description",
            "no description is in a language the catalog holds; the summary was set to the name"
                .to_owned(),
            Some("add a summary in the catalog's language to the project file".to_owned()),
        );
        LocalizedText::Plain(doc.name.clone())
    });
    Project {
        id: slugify(&doc.name),
        name: doc.name.clone(),
        summary,
        description: localized(description, default_lang),
        status,
        status_note: None,
        status_since: None,
        lifecycle: Lifecycle::Proposed,
        history: Vec::new(),
        categories: doc.categories.clone(),
        software_type: Some(doc.software_type.clone()),
        complexity: None,
        technologies: Vec::new(),
        origin: None,
        admitted_on: None,
        links: Links {
            homepage: doc.landing_url.clone(),
            source: Some(doc.url.clone()),
            info: None,
        },
        license: doc.license.clone(),
        license_note: None,
        deployment: None,
        needs,
        contacts,
        last_reviewed: None,
        image: None,
        image_alt: None,
        attestations: Vec::new(),
        software: Some(Box::new(software)),
        complete: None,
        approvals: Vec::new(),
    }
}

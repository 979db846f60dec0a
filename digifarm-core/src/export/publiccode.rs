//! publiccode.yml, one file per project at `<id>/publiccode.yml`, in the version a consumer
//! reads (`"0"` by default; openCode documents 0.4), built on [`crate::publiccode`].
//!
//! Nothing is invented: what came from a publiccode.yml (the project's `software` group)
//! goes back unchanged, fields the project does not have are left out where the standard
//! allows it, and every file is checked with the standard's rules before it is written. A
//! project that cannot yield a valid file (no source repository, a description shorter than
//! 150 characters, no features, no software type, …) is refused with the exact fix, named
//! after the project's own fields.
//!
//! Maintenance contacts are the project's public contacts (all contacts with
//! `--include-private`), else the programme's public contact (`[portal] contact`); with
//! neither, the file says `maintenance.type: none` and the export warns.

use super::{File, Options, partner_index};
use crate::catalog::Catalog;
use crate::diagnostic::Diagnostic;
use crate::model::{LocalizedText, MaintenanceKind, Project, ProjectStatus};
use crate::publiccode::{self, Document, Version, vocab};

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

/// A project that cannot be exported as a valid publiccode.yml, with what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The project's id.
    pub project: String,
    /// One fix per problem, naming the project's field.
    pub fixes: Vec<String>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.project, self.fixes.join("; "))
    }
}

/// What an export of a catalog as publiccode.yml gives: the valid files, the projects that
/// were refused, and warnings (e.g. a project written with `maintenance.type: none`).
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// `<id>/publiccode.yml` of every project that yields a valid file.
    pub files: Vec<File>,
    /// Projects that do not, with the fixes.
    pub refused: Vec<Refusal>,
    /// Per project: what the reader should know about a file that was written.
    pub warnings: Vec<(String, String)>,
}

/// The project's field a publiccode.yml key comes from, for a fix hint.
fn field_of(key: &str, lang: &str) -> String {
    let lang_of = |k: &str| {
        k.split('.')
            .nth(1)
            .map_or_else(|| lang.to_owned(), str::to_owned)
    };
    let head = key.split(['.', '[']).next().unwrap_or(key);
    match head {
        "name" => "`name`".to_owned(),
        "url" => "`links.source` (the source repository)".to_owned(),
        "landingURL" => "`links.homepage`".to_owned(),
        "developmentStatus" => "`status`".to_owned(),
        "softwareType" => format!(
            "`software.kind` (one of {})",
            vocab::SOFTWARE_TYPES.join(", ")
        ),
        "platforms" => "`software.platforms` (e.g. [web])".to_owned(),
        "legal" => "`license`".to_owned(),
        "maintenance" => {
            "`software.maintenance` and the project's public `contacts` (or `[portal] contact`)"
                .to_owned()
        }
        "localisation" if key.ends_with("localisationReady") => {
            "`software.localisation_ready` (true or false)".to_owned()
        }
        "localisation" => "`software.available_languages` (e.g. [de])".to_owned(),
        "description" if key.contains("longDescription") => format!(
            "`description` in `{}` (150 to 10,000 characters)",
            lang_of(key)
        ),
        "description" if key.contains("shortDescription") => {
            format!("`summary` in `{}` (at most 150 characters)", lang_of(key))
        }
        "description" if key.contains("features") => {
            format!("`software.features.{}`", lang_of(key))
        }
        "description" if key.contains("documentation") || key.contains("Documentation") => {
            "`software.documentation`".to_owned()
        }
        "description" => "`summary` and `description`".to_owned(),
        "organisation" | "fundedBy" => format!("`software.{}`", snake(head)),
        other => format!("`software.{}`", snake(other)),
    }
}

fn snake(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The key path a checker message names (`description.de.features`).
fn key_of(d: &Diagnostic) -> &str {
    d.message
        .split('`')
        .nth(1)
        .filter(|k| !k.contains(' '))
        .unwrap_or("")
}

fn languages(p: &Project, default_lang: &str) -> Vec<String> {
    let mut langs: Vec<String> = Vec::new();
    match &p.summary {
        LocalizedText::Plain(_) => langs.push(default_lang.to_owned()),
        LocalizedText::Localized(m) => langs.extend(m.keys().cloned()),
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

/// The publiccode.yml content of `p`, from what the catalog holds; the warning says when
/// maintenance had to be written as `none`.
pub fn document(
    p: &Project,
    catalog: &Catalog,
    include_private: bool,
) -> (Document, Option<String>) {
    let dl = catalog.config.default_language();
    let sw = p.software.as_deref().cloned().unwrap_or_default();
    let mut doc = Document {
        version: Version::Current.as_str().to_owned(),
        name: p.name.clone(),
        application_suite: sw.application_suite.clone(),
        url: p.links.source.clone().unwrap_or_default(),
        landing_url: p.links.homepage.clone(),
        is_based_on: sw.is_based_on.clone(),
        software_version: sw.version.clone(),
        release_date: sw.release_date.map(|d| d.format("%Y-%m-%d").to_string()),
        logo: sw.logo.clone(),
        platforms: sw.platforms.clone(),
        categories: p
            .categories
            .iter()
            .filter(|c| vocab::category(c).is_some())
            .cloned()
            .collect(),
        used_by: sw.used_by.clone(),
        roadmap: sw.roadmap.clone(),
        supports: sw.supports.clone(),
        license: p.license.clone(),
        main_copyright_owner: sw.copyright_owner.clone(),
        localisation_ready: sw.localisation_ready,
        available_languages: sw.available_languages.clone(),
        ..Document::default()
    };
    doc.development_status = match &sw.development_status {
        Some(ds) if status_from(ds) == Some(p.status) => ds.clone(),
        _ => development_status(p.status).to_owned(),
    };
    doc.software_type = sw
        .kind
        .clone()
        .or_else(|| {
            p.software_type
                .clone()
                .filter(|t| vocab::SOFTWARE_TYPES.contains(&t.as_str()))
        })
        .unwrap_or_default();
    doc.organisation = sw.organisation.as_ref().map(|o| publiccode::Organisation {
        name: o.name.clone(),
        uri: o.uri.clone(),
    });
    doc.intended_audience = sw.audience.as_ref().map(|a| publiccode::Audience {
        scope: a.scope.clone(),
        countries: a.countries.clone(),
        unsupported_countries: a.unsupported_countries.clone(),
    });
    doc.funded_by = if sw.funded_by.is_empty() {
        // A catalog's own funders: partners supporting financial needs, with a URI.
        let partners = partner_index(catalog);
        let mut out: Vec<publiccode::Organisation> = Vec::new();
        for r in p
            .needs
            .iter()
            .filter(|n| n.kind == "financial")
            .flat_map(|n| n.public_support())
        {
            if let Some(partner) = partners.get(r.partner.as_str())
                && let Some(uri) = &partner.website
                && !out.iter().any(|o| &o.uri == uri)
            {
                out.push(publiccode::Organisation {
                    name: Some(partner.name.clone()),
                    uri: uri.clone(),
                });
            }
        }
        out
    } else {
        sw.funded_by
            .iter()
            .map(|o| publiccode::Organisation {
                name: o.name.clone(),
                uri: o.uri.clone(),
            })
            .collect()
    };
    for lang in languages(p, dl) {
        let d = publiccode::Description {
            short_description: text_in(&p.summary, &lang, dl).unwrap_or_default(),
            long_description: p
                .description
                .as_ref()
                .and_then(|t| text_in(t, &lang, dl))
                .unwrap_or_default(),
            features: sw.features.get(&lang).cloned().unwrap_or_default(),
            documentation: sw.documentation.get(&lang).cloned(),
            api_documentation: sw.api_documentation.get(&lang).cloned(),
            ..publiccode::Description::default()
        };
        if d.short_description.is_empty() {
            continue;
        }
        doc.description.push((lang, d));
    }
    // Maintenance: the recorded kind and contractors; contacts from the project's public
    // contacts, else the programme's role address.
    let own: Vec<publiccode::Contact> = p
        .contacts
        .iter()
        .filter(|c| include_private || c.public)
        .map(|c| publiccode::Contact {
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            affiliation: c.role.clone(),
        })
        .collect();
    let programme = || -> Vec<publiccode::Contact> {
        catalog
            .config
            .portal
            .contact
            .as_ref()
            .map(|contact| {
                let name = catalog.config.portal.title.as_ref().map_or_else(
                    || catalog.config.city.name.clone(),
                    |t| {
                        t.get(dl, dl)
                            .unwrap_or(&catalog.config.city.name)
                            .to_owned()
                    },
                );
                vec![publiccode::Contact {
                    name,
                    email: contact.contains('@').then(|| contact.clone()),
                    phone: None,
                    affiliation: Some(catalog.config.city.name.clone()),
                }]
            })
            .unwrap_or_default()
    };
    let contacts = if own.is_empty() {
        programme()
    } else {
        own.clone()
    };
    let recorded = sw.maintenance.as_ref();
    let kind = recorded.map_or(MaintenanceKind::Community, |m| m.kind);
    let mut warning = None;
    match kind {
        MaintenanceKind::Contract => {
            doc.maintenance_type = "contract".to_owned();
            doc.contractors = recorded
                .map(|m| {
                    m.contractors
                        .iter()
                        .map(|c| publiccode::Contractor {
                            name: c.name.clone(),
                            until: c.until.format("%Y-%m-%d").to_string(),
                            email: c.email.clone(),
                            website: c.website.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            doc.contacts = contacts;
        }
        MaintenanceKind::None => {
            doc.maintenance_type = "none".to_owned();
            doc.contacts = own;
        }
        MaintenanceKind::Internal | MaintenanceKind::Community if contacts.is_empty() => {
            doc.maintenance_type = "none".to_owned();
            warning = Some(format!(
                "written with maintenance.type: none: `{}` maintenance needs contacts, and the project has no public contact and digifarm.toml no [portal] contact",
                kind.as_str()
            ));
        }
        MaintenanceKind::Internal | MaintenanceKind::Community => {
            doc.maintenance_type = kind.as_str().to_owned();
            doc.contacts = contacts;
        }
    }
    (doc, warning)
}

/// Renders and checks every project's publiccode.yml in `options.publiccode_version`.
pub fn plan(catalog: &Catalog, options: &Options) -> Plan {
    let version = options.publiccode_version;
    let dl = catalog.config.default_language();
    let mut plan = Plan::default();
    for p in &catalog.projects {
        let (doc, warning) = document(p, catalog, options.include_private);
        let text = publiccode::write(&doc, version);
        let checked = publiccode::check(
            text.as_bytes(),
            "publiccode.yml",
            &publiccode::Options::default(),
        );
        let mut fixes: Vec<String> = Vec::new();
        if doc.description.is_empty() {
            fixes.push(
                "publiccode.yml needs a description in at least one language — set `summary`"
                    .to_owned(),
            );
        }
        for d in checked.diagnostics.iter().filter(|d| d.is_error()) {
            let key = key_of(d);
            let fix = format!("{} — set {}", d.message, field_of(key, dl));
            if !fixes.contains(&fix) {
                fixes.push(fix);
            }
        }
        if fixes.is_empty() {
            if let Some(w) = warning {
                plan.warnings.push((p.id.clone(), w));
            }
            plan.files
                .push(File::new(format!("{}/publiccode.yml", p.id), text));
        } else {
            plan.refused.push(Refusal {
                project: p.id.clone(),
                fixes,
            });
        }
    }
    plan
}

/// Renders `<id>/publiccode.yml` for every project.
///
/// # Errors
/// [`super::Error::PubliccodeInvalid`] naming every project that cannot yield a valid file
/// with its fixes, unless `options.skip_invalid` is set (then only the valid files are
/// returned; [`plan`] lists the others).
pub fn render(catalog: &Catalog, options: &Options) -> Result<Vec<File>, super::Error> {
    let plan = plan(catalog, options);
    if !plan.refused.is_empty() && !options.skip_invalid {
        return Err(super::Error::PubliccodeInvalid(plan.refused));
    }
    Ok(plan.files)
}

/// The problems that keep `p` from exporting as a valid publiccode.yml (in the current
/// version), for `validate`: one message per fix, empty when it exports.
pub fn export_problems(p: &Project, catalog: &Catalog) -> Vec<String> {
    let (doc, _) = document(p, catalog, false);
    let options = publiccode::Options::default();
    // The file's content as reading it gives, without writing and parsing the text (the
    // check's largest cost); the text itself when it could be too large.
    let checked = match publiccode::write::tree(&doc, Version::Current) {
        Some(root) => publiccode::check::check_tree(&root, "publiccode.yml", &options),
        None => {
            let text = publiccode::write(&doc, Version::Current);
            publiccode::check(text.as_bytes(), "publiccode.yml", &options)
        }
    };
    let dl = catalog.config.default_language();
    let mut fixes = Vec::new();
    for d in checked.diagnostics.iter().filter(|d| d.is_error()) {
        let fix = format!("{} — set {}", d.message, field_of(key_of(d), dl));
        if !fixes.contains(&fix) {
            fixes.push(fix);
        }
    }
    fixes
}

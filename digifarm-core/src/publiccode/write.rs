//! Writes a [`Document`] as the YAML of one version of the standard: keys in the standard's
//! order, every string double-quoted (so no YAML 1.1 reader takes `no` for a boolean or
//! `0.4` for a number), and only the keys and categories the target version knows.

use super::document::{Description, Document, Organisation};
use super::version::{self, Version};
use super::vocab;

/// A YAML node for the emitter.
enum Y {
    Str(String),
    Bool(bool),
    List(Vec<Y>),
    Map(Vec<(String, Y)>),
}

fn s(v: impl Into<String>) -> Y {
    Y::Str(v.into())
}

fn list<I: IntoIterator<Item = T>, T: Into<String>>(items: I) -> Y {
    Y::List(items.into_iter().map(|t| Y::Str(t.into())).collect())
}

struct MapBuilder(Vec<(String, Y)>);

impl MapBuilder {
    fn put(&mut self, key: &str, value: Y) {
        self.0.push((key.to_owned(), value));
    }
    fn opt(&mut self, key: &str, value: Option<&String>) {
        if let Some(v) = value {
            self.put(key, s(v.clone()));
        }
    }
    fn non_empty(&mut self, key: &str, values: &[String]) {
        if !values.is_empty() {
            self.put(key, list(values.iter().cloned()));
        }
    }
}

/// A string as a YAML double-quoted scalar that reads back exactly and holds only YAML 1.2
/// printable characters (JSON string syntax would write DEL, C1 controls and noncharacters
/// raw, and a publiccode.yml with them is not YAML 1.2).
fn quote(v: &str) -> String {
    crate::yaml_emit::double_quoted(v)
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
                        let mut inner = String::new();
                        emit(&mut inner, item, indent + 2);
                        out.push_str(&format!("{pad}- {}", inner.trim_start_matches(' ')));
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

fn organisation(o: &Organisation) -> Y {
    let mut m = MapBuilder(Vec::new());
    m.opt("name", o.name.as_ref());
    m.put("uri", s(o.uri.clone()));
    Y::Map(m.0)
}

fn description(d: &Description) -> Y {
    let mut m = MapBuilder(Vec::new());
    m.opt("localisedName", d.localised_name.as_ref());
    m.opt("genericName", d.generic_name.as_ref());
    m.put("shortDescription", s(d.short_description.clone()));
    m.put("longDescription", s(d.long_description.clone()));
    m.opt("documentation", d.documentation.as_ref());
    m.opt("apiDocumentation", d.api_documentation.as_ref());
    m.non_empty("features", &d.features);
    m.non_empty("screenshots", &d.screenshots);
    m.non_empty("videos", &d.videos);
    m.non_empty("awards", &d.awards);
    Y::Map(m.0)
}

/// The YAML text of `doc` for readers of `version` (its `publiccodeYmlVersion` is set to
/// `version`; what that version does not know is left out). A header comment names the
/// writer.
pub fn write(doc: &Document, version: Version) -> String {
    let knows = |k: &str| version.knows(version::key_since(k));
    let mut m = MapBuilder(Vec::new());
    m.put("publiccodeYmlVersion", s(version.as_str()));
    m.put("name", s(doc.name.clone()));
    m.opt("applicationSuite", doc.application_suite.as_ref());
    m.put("url", s(doc.url.clone()));
    m.opt("landingURL", doc.landing_url.as_ref());
    match doc.is_based_on.as_slice() {
        [] => {}
        [one] => m.put("isBasedOn", s(one.clone())),
        many => m.non_empty("isBasedOn", many),
    }
    m.opt("softwareVersion", doc.software_version.as_ref());
    m.opt("releaseDate", doc.release_date.as_ref());
    m.opt("logo", doc.logo.as_ref());
    m.opt("monochromeLogo", doc.monochrome_logo.as_ref());
    if knows("organisation")
        && let Some(o) = &doc.organisation
    {
        m.put("organisation", organisation(o));
    }
    m.non_empty("inputTypes", &doc.input_types);
    m.non_empty("outputTypes", &doc.output_types);
    m.non_empty("platforms", &doc.platforms);
    let categories: Vec<String> = doc
        .categories
        .iter()
        .filter(|c| vocab::category(c).is_some_and(|since| version.knows(since)))
        .cloned()
        .collect();
    m.non_empty("categories", &categories);
    m.non_empty("usedBy", &doc.used_by);
    if knows("fundedBy") && !doc.funded_by.is_empty() {
        m.put(
            "fundedBy",
            Y::List(doc.funded_by.iter().map(organisation).collect()),
        );
    }
    m.opt("roadmap", doc.roadmap.as_ref());
    m.put("developmentStatus", s(doc.development_status.clone()));
    m.put("softwareType", s(doc.software_type.clone()));
    if knows("supports") && !doc.supports.is_empty() {
        m.put(
            "supports",
            Y::List(
                doc.supports
                    .iter()
                    .map(|id| Y::Map(vec![("id".to_owned(), s(id.clone()))]))
                    .collect(),
            ),
        );
    }
    if let Some(a) = &doc.intended_audience {
        let mut am = MapBuilder(Vec::new());
        am.non_empty("scope", &a.scope);
        am.non_empty("countries", &a.countries);
        am.non_empty("unsupportedCountries", &a.unsupported_countries);
        if !am.0.is_empty() {
            m.put("intendedAudience", Y::Map(am.0));
        }
    }
    m.put(
        "description",
        Y::Map(
            doc.description
                .iter()
                .map(|(lang, d)| (lang.clone(), description(d)))
                .collect(),
        ),
    );
    let mut legal = MapBuilder(Vec::new());
    legal.put("license", s(doc.license.clone()));
    legal.opt("mainCopyrightOwner", doc.main_copyright_owner.as_ref());
    legal.opt("repoOwner", doc.repo_owner.as_ref());
    legal.opt("authorsFile", doc.authors_file.as_ref());
    m.put("legal", Y::Map(legal.0));
    let mut maintenance = MapBuilder(Vec::new());
    maintenance.put("type", s(doc.maintenance_type.clone()));
    if !doc.contractors.is_empty() {
        maintenance.put(
            "contractors",
            Y::List(
                doc.contractors
                    .iter()
                    .map(|c| {
                        let mut cm = MapBuilder(Vec::new());
                        cm.put("name", s(c.name.clone()));
                        cm.put("until", s(c.until.clone()));
                        cm.opt("email", c.email.as_ref());
                        cm.opt("website", c.website.as_ref());
                        Y::Map(cm.0)
                    })
                    .collect(),
            ),
        );
    }
    if !doc.contacts.is_empty() {
        maintenance.put(
            "contacts",
            Y::List(
                doc.contacts
                    .iter()
                    .map(|c| {
                        let mut cm = MapBuilder(Vec::new());
                        cm.put("name", s(c.name.clone()));
                        cm.opt("email", c.email.as_ref());
                        cm.opt("phone", c.phone.as_ref());
                        cm.opt("affiliation", c.affiliation.as_ref());
                        Y::Map(cm.0)
                    })
                    .collect(),
            ),
        );
    }
    m.put("maintenance", Y::Map(maintenance.0));
    let mut localisation = MapBuilder(Vec::new());
    if let Some(ready) = doc.localisation_ready {
        localisation.put("localisationReady", Y::Bool(ready));
    }
    localisation.non_empty("availableLanguages", &doc.available_languages);
    m.put("localisation", Y::Map(localisation.0));
    let mut out =
        String::from("# Written by digifarm; the standard: https://yml.publiccode.tools\n");
    emit(&mut out, &Y::Map(m.0), 0);
    out
}

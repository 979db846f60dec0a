//! Several cities, one catalog (`digifarm merge`): ids are namespaced by city code
//! (`ms/klimaheroes`), references follow, every project keeps its origin city, and the same
//! project listed by two cities (same source repository URL) is reported. Pure: the caller
//! loads the catalogs and writes the result.

use std::collections::HashMap;

use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{CityConfig, MemberCity, Origin, RecordKind};

/// A merge that cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// Two catalogs have the same city code.
    #[error(
        "two catalogs use the city code `{0}`; set a distinct `[city] code` in each digifarm.toml"
    )]
    DuplicateCode(String),
    /// Nothing to merge.
    #[error("no catalog to merge")]
    Empty,
}

/// The merged catalog and what merging found.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The merged catalog (in memory; write it with `catalog::write::write_collections`).
    pub catalog: Catalog,
    /// `duplicate-source` warnings, pointing at the records in their input files.
    pub diagnostics: Vec<Diagnostic>,
    /// The city code of each input, in input order.
    pub codes: Vec<String>,
}

/// The code that namespaces a city's ids: `[city] code`, else the city's name as a slug,
/// else `fallback` (e.g. the directory name) as a slug.
pub fn city_code(config: &CityConfig, fallback: &str) -> String {
    if let Some(code) = config.city.code.as_deref().filter(|c| !c.is_empty()) {
        return code.to_owned();
    }
    let from_name = crate::import::slugify(&config.city.name);
    if from_name.is_empty() {
        crate::import::slugify(fallback)
    } else {
        from_name
    }
}

fn namespaced(code: &str, id: &str) -> String {
    if id.contains('/') {
        id.to_owned()
    } else {
        format!("{code}/{id}")
    }
}

/// A source URL reduced to what identifies a repository: scheme, `www.`, case, a trailing
/// slash and `.git` do not matter.
pub fn normalize_source(url: &str) -> String {
    let mut u = url.trim().to_lowercase();
    for scheme in ["https://", "http://", "git://", "ssh://"] {
        if let Some(rest) = u.strip_prefix(scheme) {
            u = rest.to_owned();
            break;
        }
    }
    if let Some(rest) = u.strip_prefix("www.") {
        u = rest.to_owned();
    }
    while u.ends_with('/') {
        u.pop();
    }
    if let Some(rest) = u.strip_suffix(".git") {
        u = rest.to_owned();
    }
    u
}

fn union(into: &mut Vec<String>, from: &[String]) {
    for item in from {
        if !into.contains(item) {
            into.push(item.clone());
        }
    }
}

/// Merges `inputs` (city code, catalog) in order. The merged config takes the first city's
/// settings (licence policy, admission, staleness, matching) and the union of languages,
/// categories, need kinds, licence allow/deny lists and clarifications; its city name lists
/// every city, and `city.members` lists each city (name, AGS, code) so that matching can
/// locate every project in its own city (the members of an input that is itself a merged
/// catalog are taken over). Each project without an origin city gets its catalog's city
/// name; a partner without a region gets its city's AGS. Both records of a duplicate are
/// kept. Image paths (a project's `image`, the first city's logo) are prefixed with the
/// city's code: the files belong under `<code>/` (`catalog::assets::copy_into`).
///
/// # Errors
/// No input, or two inputs with the same code.
pub fn merge(inputs: &[(String, &Catalog)]) -> Result<Merged, MergeError> {
    let (_, first) = inputs.first().ok_or(MergeError::Empty)?;
    let mut config = first.config.clone();
    let names: Vec<&str> = inputs
        .iter()
        .map(|(_, c)| c.config.city.name.as_str())
        .filter(|n| !n.is_empty())
        .collect();
    config.city.name = names.join(" + ");
    config.city.ags = None;
    config.city.code = None;
    config.city.website = None;
    config.city.members = Vec::new();
    config.license.pending.clear();
    let mut merged = Catalog::default();
    let mut diagnostics = Vec::new();
    let mut codes: Vec<String> = Vec::new();
    // Normalised source URL → (code, namespaced id, file) of the first project listing it.
    let mut sources: HashMap<String, (String, String, String)> = HashMap::new();
    for (code, catalog) in inputs {
        if codes.contains(code) {
            return Err(MergeError::DuplicateCode(code.clone()));
        }
        codes.push(code.clone());
        let c = &catalog.config;
        if c.city.members.is_empty() {
            // A member needs a name: a city without one is known by its code.
            let name = if c.city.name.trim().is_empty() {
                code.clone()
            } else {
                c.city.name.clone()
            };
            config.city.members.push(MemberCity {
                name,
                ags: c.city.ags.clone(),
                code: Some(code.clone()),
            });
        } else {
            config.city.members.extend(c.city.members.iter().cloned());
        }
        // A member code names the cities' projects (`ms/…`): it must be unique among every
        // city of the merge, nested members included.
        let members = &config.city.members;
        if let Some(dup) = members.iter().enumerate().find_map(|(i, m)| {
            let code = m.code.as_deref()?;
            members
                .iter()
                .take(i)
                .any(|o| o.code.as_deref() == Some(code))
                .then(|| code.to_owned())
        }) {
            return Err(MergeError::DuplicateCode(dup));
        }
        if !std::ptr::eq(*catalog, *first) {
            union(&mut config.city.languages, &c.city.languages);
            union(&mut config.categories, &c.categories);
            union(&mut config.need_kinds, &c.need_kinds);
            union(&mut config.license.allow, &c.license.allow);
            union(&mut config.license.deny, &c.license.deny);
            for cl in &c.license.clarifications {
                if !config.license.clarifications.contains(cl) {
                    config.license.clarifications.push(cl.clone());
                }
            }
        }
        for pending in &c.license.pending {
            let mut p = pending.clone();
            p.project = namespaced(code, &p.project);
            config.license.pending.push(p);
        }
        let mut found = Vec::new();
        for (i, project) in catalog.projects.iter().enumerate() {
            let mut p = project.clone();
            p.id = namespaced(code, &p.id);
            for need in &mut p.needs {
                for s in &mut need.supported_by {
                    s.partner = namespaced(code, &s.partner);
                    if let Some(o) = &mut s.offer {
                        *o = namespaced(code, o);
                    }
                }
            }
            // The image file moves with its city: `catalog::assets::copy_into` puts the
            // member's files under `<code>/` in the merged catalog.
            if let Some(image) = &mut p.image {
                *image = format!("{code}/{image}");
            }
            let origin = p.origin.get_or_insert_with(Origin::default);
            if origin.city.is_none() && !c.city.name.is_empty() {
                origin.city = Some(c.city.name.clone());
            }
            if let Some(url) = &p.links.source {
                let key = normalize_source(url);
                let (file, record, line) = catalog.locate_record(RecordKind::Project, i);
                match sources.get(&key) {
                    Some((other_code, other_id, other_file)) if other_code != code => {
                        let mut d = Diagnostic::new(
                            Code::DuplicateSource,
                            file.clone(),
                            format!("{record}/links/source"),
                            format!(
                                "`{}` and `{other_id}` ({other_file}) list the same source repository {url}",
                                p.id
                            ),
                        )
                        .with_help("the cities may want to support this project together; both records are kept");
                        d.line = line;
                        found.push(d);
                    }
                    Some(_) => {}
                    None => {
                        sources.insert(key, (code.clone(), p.id.clone(), file));
                    }
                }
            }
            merged.projects.push(p);
        }
        // Line and column in the city's own file (of the record's `source`).
        catalog.resolve_positions(&mut found);
        diagnostics.extend(found);
        for partner in &catalog.partners {
            let mut p = partner.clone();
            p.id = namespaced(code, &p.id);
            if p.region.is_none() {
                p.region.clone_from(&c.city.ags);
            }
            merged.partners.push(p);
        }
        for offer in &catalog.offers {
            let mut o = offer.clone();
            o.id = namespaced(code, &o.id);
            o.partner = namespaced(code, &o.partner);
            merged.offers.push(o);
        }
    }
    if let (Some(logo), Some(code)) = (&mut config.portal.logo, codes.first()) {
        *logo = format!("{code}/{logo}");
    }
    merged.config = config;
    crate::diagnostic::sort(&mut diagnostics);
    Ok(Merged {
        catalog: merged,
        diagnostics,
        codes,
    })
}

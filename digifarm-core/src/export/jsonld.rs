//! schema.org JSON-LD: projects as `SoftwareSourceCode`, partners as `Organization`, support
//! offers as `Offer`, and needs that want help as `Demand` seeked by the project.

use serde_json::{Map, Value, json};

use super::text::loc;
use super::{Error, File, Options};
use crate::catalog::Catalog;
use crate::model::{PartnerKind, ProjectStatus};

fn node_id(base: &str, kind: &str, id: &str) -> String {
    format!("{base}#{kind}-{id}")
}

fn insert_opt(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value.filter(|v| !v.is_empty()) {
        map.insert(key.to_owned(), Value::String(v.to_owned()));
    }
}

/// Renders `catalog.jsonld`.
///
/// # Errors
/// When the document cannot be serialised.
pub fn render(catalog: &Catalog, options: &Options) -> Result<Vec<File>, Error> {
    let lang = options.language(catalog);
    let dl = catalog.config.default_language();
    let base = options
        .base_url
        .as_deref()
        .unwrap_or("")
        .trim_end_matches('/');
    let mut graph = Vec::new();
    for p in &catalog.projects {
        let mut m = Map::new();
        m.insert("@type".into(), json!("SoftwareSourceCode"));
        m.insert("@id".into(), json!(node_id(base, "project", &p.id)));
        m.insert("identifier".into(), json!(p.id));
        m.insert("name".into(), json!(p.name));
        m.insert("inLanguage".into(), json!(lang));
        insert_opt(&mut m, "abstract", Some(loc(Some(&p.summary), lang, dl)));
        insert_opt(
            &mut m,
            "description",
            Some(loc(p.description.as_ref(), lang, dl)),
        );
        insert_opt(&mut m, "codeRepository", p.links.source.as_deref());
        insert_opt(&mut m, "url", p.links.homepage.as_deref());
        insert_opt(&mut m, "applicationCategory", p.software_type.as_deref());
        let license = crate::license::check(
            &p.license,
            &crate::license::Policy::from_config(&catalog.config.license),
        );
        match license.normalized {
            // A single SPDX id has a canonical URL; an expression stays text.
            Some(n) if !n.contains(' ') => {
                m.insert(
                    "license".into(),
                    json!(format!("https://spdx.org/licenses/{n}.html")),
                );
            }
            _ => {
                m.insert("license".into(), json!(p.license));
            }
        }
        m.insert(
            "creativeWorkStatus".into(),
            json!(match p.status {
                ProjectStatus::Idea => "Idea",
                ProjectStatus::InDevelopment => "InDevelopment",
                ProjectStatus::Live => "Published",
                ProjectStatus::Paused => "Paused",
                ProjectStatus::Broken => "Broken",
                ProjectStatus::Archived => "Archived",
            }),
        );
        if !p.technologies.is_empty() {
            m.insert("programmingLanguage".into(), json!(p.technologies));
        }
        if !p.categories.is_empty() {
            m.insert("keywords".into(), json!(p.categories.join(", ")));
        }
        if let Some(d) = p.admitted_on {
            m.insert("datePublished".into(), json!(d.to_string()));
        }
        if let Some(d) = p.last_reviewed {
            m.insert("dateModified".into(), json!(d.to_string()));
        }
        let mut sponsors = Vec::new();
        let mut seeks = Vec::new();
        for n in &p.needs {
            for r in n.public_support() {
                let id = node_id(base, "partner", &r.partner);
                if !sponsors.iter().any(|s: &Value| s["@id"] == id) {
                    sponsors.push(json!({ "@id": id }));
                }
            }
            if n.wants_help() {
                let mut d = Map::new();
                d.insert("@type".into(), json!("Demand"));
                d.insert("category".into(), json!(n.kind));
                insert_opt(
                    &mut d,
                    "description",
                    Some(loc(n.description.as_ref(), lang, dl)),
                );
                if let Some(eur) = n.eur_per_year {
                    d.insert(
                        "priceSpecification".into(),
                        json!({"@type": "UnitPriceSpecification", "price": eur,
                               "priceCurrency": "EUR", "unitText": "year"}),
                    );
                }
                seeks.push(Value::Object(d));
            }
        }
        if !sponsors.is_empty() {
            m.insert("sponsor".into(), Value::Array(sponsors));
        }
        if !seeks.is_empty() {
            // `seeks` is defined on organisations; the project acts as one here.
            m.insert("seeks".into(), Value::Array(seeks));
        }
        graph.push(Value::Object(m));
    }
    for p in &catalog.partners {
        let mut m = Map::new();
        m.insert(
            "@type".into(),
            json!(match p.kind {
                PartnerKind::Individual => "Person",
                PartnerKind::PublicBody => "GovernmentOrganization",
                PartnerKind::Academic => "EducationalOrganization",
                PartnerKind::Company => "Corporation",
                PartnerKind::Association | PartnerKind::Foundation => "NGO",
            }),
        );
        m.insert("@id".into(), json!(node_id(base, "partner", &p.id)));
        m.insert("identifier".into(), json!(p.id));
        m.insert("name".into(), json!(p.name));
        insert_opt(
            &mut m,
            "description",
            Some(loc(p.description.as_ref(), lang, dl)),
        );
        insert_opt(&mut m, "url", p.website.as_deref());
        insert_opt(&mut m, "areaServed", p.region.as_deref());
        graph.push(Value::Object(m));
    }
    for o in &catalog.offers {
        let mut m = Map::new();
        m.insert("@type".into(), json!("Offer"));
        m.insert("@id".into(), json!(node_id(base, "offer", &o.id)));
        m.insert("identifier".into(), json!(o.id));
        m.insert("category".into(), json!(o.kind));
        m.insert(
            "offeredBy".into(),
            json!({"@id": node_id(base, "partner", &o.partner)}),
        );
        insert_opt(
            &mut m,
            "description",
            Some(loc(o.description.as_ref(), lang, dl)),
        );
        if !o.regions.is_empty() {
            m.insert("areaServed".into(), json!(o.regions));
        }
        if let Some(d) = o.valid_from {
            m.insert("validFrom".into(), json!(d.to_string()));
        }
        if let Some(d) = o.valid_until {
            m.insert("validThrough".into(), json!(d.to_string()));
        }
        if let Some(eur) = o.budget_eur_per_year {
            m.insert(
                "priceSpecification".into(),
                json!({"@type": "UnitPriceSpecification", "price": eur,
                       "priceCurrency": "EUR", "unitText": "year"}),
            );
        }
        graph.push(Value::Object(m));
    }
    let doc = json!({ "@context": "https://schema.org", "@graph": graph });
    let mut text =
        serde_json::to_string_pretty(&doc).map_err(|e| Error::Serialize(e.to_string()))?;
    text.push('\n');
    Ok(vec![File::new("catalog.jsonld", text)])
}

//! `examples/muenster` stays schema-valid and consistent until `digifarm validate` checks it:
//! every record passes its JSON Schema and deserialises into the model, file names match
//! ids, references resolve, text has the default language, amounts are positive, offer
//! dates are ordered, and licences are valid SPDX (or pending in the city config).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use digifarm_core::license::{Policy, check};
use digifarm_core::model::{CityConfig, LocalizedText, Partner, Project, SupportOffer};
use digifarm_core::schema::{SchemaKind, json_schema};
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/muenster")
}

/// YAML (block style, no anchors or tags) to JSON with the YAML 1.2 core schema.
fn yaml_to_json(text: &str) -> Value {
    enum Frame {
        Seq(Vec<Value>),
        Map(Map<String, Value>, Option<String>),
    }
    fn push(stack: &mut [Frame], root: &mut Option<Value>, v: Value) {
        match stack.last_mut() {
            Some(Frame::Seq(items)) => items.push(v),
            Some(Frame::Map(map, key)) => match key.take() {
                Some(k) => assert!(map.insert(k.clone(), v).is_none(), "duplicate key {k}"),
                None => *key = Some(v.as_str().expect("string key").to_owned()),
            },
            None => *root = Some(v),
        }
    }
    let mut stack = Vec::new();
    let mut root = None;
    for event in Parser::new_from_str(text) {
        let (event, _) = event.unwrap();
        match event {
            Event::Scalar(s, style, _, None) => {
                let v = if style != ScalarStyle::Plain {
                    Value::String(s.into_owned())
                } else {
                    match s.as_ref() {
                        "null" | "~" | "" => Value::Null,
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        other => serde_json::from_str::<serde_json::Number>(other)
                            .map(Value::Number)
                            .unwrap_or_else(|_| Value::String(other.to_owned())),
                    }
                };
                push(&mut stack, &mut root, v);
            }
            Event::SequenceStart(..) => stack.push(Frame::Seq(Vec::new())),
            Event::MappingStart(..) => stack.push(Frame::Map(Map::new(), None)),
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items)) => push(&mut stack, &mut root, Value::Array(items)),
                _ => panic!("unbalanced"),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(map, None)) => push(&mut stack, &mut root, Value::Object(map)),
                _ => panic!("unbalanced"),
            },
            Event::Alias(_) | Event::Scalar(..) => panic!("anchors and tags are not used"),
            _ => {}
        }
    }
    root.unwrap()
}

/// Every record of one kind: file stem → JSON value, checked against the schema.
fn records(dir: &str, kind: SchemaKind) -> BTreeMap<String, Value> {
    let schema = json_schema(kind);
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(root().join(dir)).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(path.extension().unwrap(), "yaml", "{}", path.display());
        let text = std::fs::read_to_string(&path).unwrap();
        let value = yaml_to_json(&text);
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
        assert_eq!(value["id"], stem.as_str(), "file name = id");
        out.insert(stem, value);
    }
    out
}

fn has_german(text: &LocalizedText) -> bool {
    text.has_default("de")
}

#[test]
fn muenster_catalog_is_valid() {
    let config_text = std::fs::read_to_string(root().join("digifarm.toml")).unwrap();
    let config: CityConfig = toml::from_str(&config_text).unwrap();
    assert_eq!(config.city.ags.as_deref(), Some("05515000"));
    assert_eq!(config.default_language(), "de");
    let config_json = serde_json::to_value(&config).unwrap();
    let validator = jsonschema::draft202012::new(&json_schema(SchemaKind::Config)).unwrap();
    assert!(validator.is_valid(&config_json));

    let projects: Vec<Project> = records("projects", SchemaKind::Project)
        .into_values()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect();
    let partners: Vec<Partner> = records("partners", SchemaKind::Partner)
        .into_values()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect();
    let offers: Vec<SupportOffer> = records("offers", SchemaKind::Offer)
        .into_values()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect();
    assert_eq!(projects.len(), 7);

    let partner = |id: &str| partners.iter().find(|p| p.id == id);
    let offer = |id: &str| offers.iter().find(|o| o.id == id);
    let policy = Policy::from_config(&config.license);
    for p in &projects {
        assert!(has_german(&p.summary), "{}", p.id);
        for text in [&p.description, &p.status_note].into_iter().flatten() {
            assert!(has_german(text), "{}", p.id);
        }
        for c in &p.categories {
            assert!(config.categories.contains(c), "{}: category {c}", p.id);
        }
        assert!(
            p.links.source.is_some(),
            "{}: admitted without source",
            p.id
        );
        assert_eq!(p.last_reviewed.unwrap().to_string(), "2022-08-31");
        let kinds: Vec<&str> = p.needs.iter().map(|n| n.kind.as_str()).collect();
        assert_eq!(kinds, ["content", "technical", "financial"], "{}", p.id);
        for need in &p.needs {
            assert!(config.knows_need_kind(&need.kind));
            assert!(
                need.description.as_ref().is_some_and(has_german),
                "{}",
                p.id
            );
            for amount in [need.eur_per_year, need.hours_per_month]
                .into_iter()
                .flatten()
            {
                assert!(amount > 0.0, "{}", p.id);
            }
            for r in &need.supported_by {
                assert!(partner(&r.partner).is_some(), "{}: {}", p.id, r.partner);
                if let Some(o) = &r.offer {
                    let o = offer(o).unwrap_or_else(|| panic!("{}: offer {o}", p.id));
                    assert_eq!(o.partner, r.partner, "{}: offer of another partner", p.id);
                    assert_eq!(o.kind, need.kind, "{}: offer kind", p.id);
                }
            }
        }
        let pending = config.license.pending.iter().any(|x| x.project == p.id);
        let verdict = check(&p.license, &policy);
        if pending {
            assert_eq!(p.license, "NOASSERTION");
        } else {
            assert!(verdict.allowed, "{}: {:?}", p.id, verdict.findings);
        }
        if p.license != "MIT" && p.license != "Apache-2.0" {
            assert!(p.license_note.is_some(), "{}: decision recorded", p.id);
        }
    }
    for o in &offers {
        assert!(partner(&o.partner).is_some(), "{}", o.id);
        assert!(config.knows_need_kind(&o.kind));
        assert!(o.description.as_ref().is_some_and(has_german), "{}", o.id);
        if let (Some(from), Some(until)) = (o.valid_from, o.valid_until) {
            assert!(from <= until, "{}", o.id);
        }
        for amount in [o.budget_eur_per_year, o.capacity.hours_per_month]
            .into_iter()
            .flatten()
        {
            assert!(amount > 0.0, "{}", o.id);
        }
        assert!(
            o.remote || !o.regions.is_empty(),
            "{}: region or remote",
            o.id
        );
    }
    // Every partner is referenced by a project or has an offer.
    for p in &partners {
        let supports = projects
            .iter()
            .flat_map(|x| &x.needs)
            .flat_map(|n| &n.supported_by)
            .any(|r| r.partner == p.id);
        assert!(
            supports || offers.iter().any(|o| o.partner == p.id),
            "{}",
            p.id
        );
    }
}

#[test]
fn open_needs_have_candidate_offers() {
    // A same-kind offer with capacity left exists for the open needs the README singles out.
    let projects: Vec<Project> = records("projects", SchemaKind::Project)
        .into_values()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect();
    let offers: Vec<SupportOffer> = records("offers", SchemaKind::Offer)
        .into_values()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect();
    let candidates = |project: &str, kind: &str| -> Vec<&str> {
        let p = projects.iter().find(|p| p.id == project).unwrap();
        let need = p.needs.iter().find(|n| n.kind == kind).unwrap();
        assert!(need.wants_help(), "{project}/{kind} wants help");
        offers
            .iter()
            .filter(|o| o.kind == kind)
            .filter(|o| {
                o.skills.iter().any(|s| need.skills.contains(s))
                    && (o.topics.is_empty() || o.topics.iter().any(|t| p.categories.contains(t)))
            })
            .filter(|o| match (o.budget_eur_per_year, need.eur_per_year) {
                (Some(budget), Some(wanted)) => budget >= wanted,
                _ => true,
            })
            .map(|o| o.id.as_str())
            .collect()
    };
    assert_eq!(candidates("giess-den-kiez", "technical"), ["citeq-hosting"]);
    assert_eq!(
        candidates("klimaheroes", "content"),
        ["gruenflaechenamt-fachinhalte"]
    );
    assert_eq!(
        candidates("klimaheroes", "technical"),
        ["codeformuenster-entwicklung"]
    );
    assert_eq!(
        candidates("fair-city-guide-muenster", "financial"),
        ["stadtbaumfreunde-kleinfoerderung"]
    );
    assert_eq!(
        candidates("data-inspire-me", "content"),
        ["stadtarchiv-muenster-inhalte"]
    );
}

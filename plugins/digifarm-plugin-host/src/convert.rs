//! Between the core model and the plugin interface's records.
//!
//! Outbound, only the city travels as a WIT record (records in batches are encoded, see
//! `encode`). Inbound records (from importers) go through the core model's serde
//! definitions, so an importer cannot produce a record the model would refuse.

use digifarm_core::model::CityConfig;
use serde_json::{Map, Value, json};

use crate::bindings::types as wit;

/// The city a plugin sees.
pub fn city(config: &CityConfig) -> wit::City {
    wit::City {
        name: config.city.name.clone(),
        ags: config.city.ags.clone(),
        languages: config.city.languages.clone(),
        website: config.city.website.clone(),
    }
}

// ---- inbound (importer output) ----------------------------------------------------------

fn text_value(texts: &[wit::Text]) -> Option<Value> {
    match texts {
        [] => None,
        [t] if t.lang.is_empty() => Some(Value::String(t.value.clone())),
        _ => {
            let mut map = Map::new();
            for t in texts {
                map.insert(t.lang.clone(), Value::String(t.value.clone()));
            }
            Some(Value::Object(map))
        }
    }
}

/// Inserts `key` when `value` is present; absent fields are left to the model's defaults.
fn put(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        map.insert(key.to_owned(), v);
    }
}

fn opt_str(s: &Option<String>) -> Option<Value> {
    s.as_ref().map(|s| Value::String(s.clone()))
}

fn list(items: &[String]) -> Option<Value> {
    (!items.is_empty()).then(|| json!(items))
}

/// A number as JSON; one that is not finite (which JSON cannot hold) becomes its text, so
/// that the schema refuses it rather than the field silently disappearing.
fn num(n: Option<f64>) -> Option<Value> {
    n.map(|n| {
        if n.is_finite() {
            json!(n)
        } else {
            Value::String(n.to_string())
        }
    })
}

/// The JSON form of an imported project (model field names), for the core model to check.
pub fn project_json(p: &wit::Project) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(p.id));
    m.insert("name".into(), json!(p.name));
    put(&mut m, "summary", text_value(&p.summary));
    put(&mut m, "description", text_value(&p.description));
    m.insert("status".into(), json!(p.status));
    put(&mut m, "status_since", opt_str(&p.status_since));
    m.insert("lifecycle".into(), json!(p.lifecycle));
    put(&mut m, "categories", list(&p.categories));
    put(&mut m, "software_type", opt_str(&p.software_type));
    put(&mut m, "complexity", opt_str(&p.complexity));
    put(&mut m, "technologies", list(&p.technologies));
    if let Some(o) = &p.origin {
        let mut om = Map::new();
        put(&mut om, "city", opt_str(&o.city));
        put(&mut om, "community", opt_str(&o.community));
        put(&mut om, "started", opt_str(&o.started));
        m.insert("origin".into(), Value::Object(om));
    }
    put(&mut m, "admitted_on", opt_str(&p.admitted_on));
    let mut links = Map::new();
    put(&mut links, "homepage", opt_str(&p.links.homepage));
    put(&mut links, "source", opt_str(&p.links.source));
    put(&mut links, "info", opt_str(&p.links.info));
    if !links.is_empty() {
        m.insert("links".into(), Value::Object(links));
    }
    m.insert("license".into(), json!(p.license));
    if let Some(d) = &p.deployment {
        m.insert(
            "deployment".into(),
            json!({"mode": d.mode, "cities": d.cities}),
        );
    }
    if !p.needs.is_empty() {
        let needs: Vec<Value> = p
            .needs
            .iter()
            .map(|n| {
                let mut nm = Map::new();
                nm.insert("kind".into(), json!(n.kind));
                put(&mut nm, "description", text_value(&n.description));
                put(&mut nm, "skills", list(&n.skills));
                put(&mut nm, "hours_per_month", num(n.hours_per_month));
                put(&mut nm, "eur_per_year", num(n.eur_per_year));
                nm.insert("priority".into(), json!(n.priority));
                put(&mut nm, "since", opt_str(&n.since));
                if !n.supported_by.is_empty() {
                    let refs: Vec<Value> = n
                        .supported_by
                        .iter()
                        .map(|s| {
                            let mut sm = Map::new();
                            sm.insert("partner".into(), json!(s.partner));
                            put(&mut sm, "offer", opt_str(&s.offer));
                            put(&mut sm, "since", opt_str(&s.since));
                            Value::Object(sm)
                        })
                        .collect();
                    nm.insert("supported_by".into(), Value::Array(refs));
                }
                Value::Object(nm)
            })
            .collect();
        m.insert("needs".into(), Value::Array(needs));
    }
    put(&mut m, "last_reviewed", opt_str(&p.last_reviewed));
    Value::Object(m)
}

/// The JSON form of an imported partner.
pub fn partner_json(p: &wit::Partner) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(p.id));
    m.insert("name".into(), json!(p.name));
    m.insert("kind".into(), json!(p.kind));
    put(&mut m, "sectors", list(&p.sectors));
    put(&mut m, "region", opt_str(&p.region));
    put(&mut m, "website", opt_str(&p.website));
    Value::Object(m)
}

/// The JSON form of an imported offer.
pub fn offer_json(o: &wit::Offer) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(o.id));
    m.insert("partner".into(), json!(o.partner));
    m.insert("kind".into(), json!(o.kind));
    put(&mut m, "description", text_value(&o.description));
    put(&mut m, "skills", list(&o.skills));
    put(&mut m, "topics", list(&o.topics));
    put(&mut m, "regions", list(&o.regions));
    if o.remote {
        m.insert("remote".into(), json!(true));
    }
    let mut cap = Map::new();
    put(&mut cap, "projects", o.capacity.projects.map(|n| json!(n)));
    put(&mut cap, "hours_per_month", num(o.capacity.hours_per_month));
    if !cap.is_empty() {
        m.insert("capacity".into(), Value::Object(cap));
    }
    put(&mut m, "budget_eur_per_year", num(o.budget_eur_per_year));
    put(
        &mut m,
        "license_requirement",
        opt_str(&o.license_requirement),
    );
    put(&mut m, "valid_from", opt_str(&o.valid_from));
    put(&mut m, "valid_until", opt_str(&o.valid_until));
    Value::Object(m)
}

// ---- sizes ------------------------------------------------------------------------------

/// Approximate bytes a value occupies on the wire: string bytes plus a fixed cost per item.
/// Cheap enough to run on every record, used for the input and output caps.
pub trait WireSize {
    /// The approximate size in bytes.
    fn wire_size(&self) -> usize;
}

impl WireSize for String {
    fn wire_size(&self) -> usize {
        self.len() + 8
    }
}

impl<T: WireSize> WireSize for Option<T> {
    fn wire_size(&self) -> usize {
        self.as_ref().map_or(1, |v| 1 + v.wire_size())
    }
}

impl<T: WireSize> WireSize for Vec<T> {
    fn wire_size(&self) -> usize {
        8 + self.iter().map(WireSize::wire_size).sum::<usize>()
    }
}

impl WireSize for wit::Text {
    fn wire_size(&self) -> usize {
        self.lang.wire_size() + self.value.wire_size()
    }
}

impl WireSize for wit::Need {
    fn wire_size(&self) -> usize {
        self.kind.wire_size()
            + self.description.wire_size()
            + self.skills.wire_size()
            + self.priority.wire_size()
            + self.since.wire_size()
            + self
                .supported_by
                .iter()
                .map(|s| s.partner.wire_size() + s.offer.wire_size() + s.since.wire_size())
                .sum::<usize>()
            + 32
    }
}

impl WireSize for wit::Project {
    fn wire_size(&self) -> usize {
        self.id.wire_size()
            + self.name.wire_size()
            + self.summary.wire_size()
            + self.description.wire_size()
            + self.status.wire_size()
            + self.lifecycle.wire_size()
            + self.categories.wire_size()
            + self.software_type.wire_size()
            + self.complexity.wire_size()
            + self.technologies.wire_size()
            + self.origin.as_ref().map_or(1, |o| {
                o.city.wire_size() + o.community.wire_size() + o.started.wire_size()
            })
            + self.admitted_on.wire_size()
            + self.links.homepage.wire_size()
            + self.links.source.wire_size()
            + self.links.info.wire_size()
            + self.license.wire_size()
            + self
                .deployment
                .as_ref()
                .map_or(1, |d| d.mode.wire_size() + d.cities.wire_size())
            + self.needs.wire_size()
            + self.last_reviewed.wire_size()
            + self.status_since.wire_size()
    }
}

impl WireSize for wit::Partner {
    fn wire_size(&self) -> usize {
        self.id.wire_size()
            + self.name.wire_size()
            + self.kind.wire_size()
            + self.sectors.wire_size()
            + self.region.wire_size()
            + self.website.wire_size()
    }
}

impl WireSize for wit::Offer {
    fn wire_size(&self) -> usize {
        self.id.wire_size()
            + self.partner.wire_size()
            + self.kind.wire_size()
            + self.description.wire_size()
            + self.skills.wire_size()
            + self.topics.wire_size()
            + self.regions.wire_size()
            + self.license_requirement.wire_size()
            + self.valid_from.wire_size()
            + self.valid_until.wire_size()
            + 40
    }
}

impl WireSize for wit::Diagnostic {
    fn wire_size(&self) -> usize {
        self.subject.wire_size()
            + self.code.wire_size()
            + self.pointer.wire_size()
            + self.message.wire_size()
            + self.help.wire_size()
            + 1
    }
}

impl WireSize for wit::Score {
    fn wire_size(&self) -> usize {
        8 + self
            .terms
            .iter()
            .map(|t| t.name.wire_size() + t.explanation.wire_size() + 8)
            .sum::<usize>()
    }
}

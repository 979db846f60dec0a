//! The host's mapping held to the shared decoder: generated catalogs, encoded from the core
//! model and decoded as a plugin decodes them, come back with every public field equal to
//! the model's (dates printed by chrono, not by the encoder's own digits) and no private one.

use chrono::NaiveDate;
use digifarm_core::model::{
    Contact, LocalizedText, Need, Partner, Project, SupportOffer, SupportRef, SupportStatus,
};
use digifarm_core::synth;
use digifarm_plugin_codec as codec;

use super::*;

fn date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn same_texts(view: &[codec::Text<'_>], model: Option<&LocalizedText>) -> bool {
    let model: Vec<(&str, &str)> = match model {
        None => Vec::new(),
        Some(LocalizedText::Plain(s)) => vec![("", s.as_str())],
        Some(LocalizedText::Localized(m)) => {
            m.iter().map(|(l, v)| (l.as_str(), v.as_str())).collect()
        }
    };
    view.iter().map(|t| (t.lang, t.value)).eq(model)
}

fn check_need(v: &codec::Need<'_>, n: &Need) {
    assert_eq!(v.kind, n.kind);
    assert!(same_texts(&v.description, n.description.as_ref()));
    assert!(v.skills.iter().eq(n.skills.iter()));
    assert_eq!(v.hours_per_month, n.hours_per_month);
    assert_eq!(v.eur_per_year, n.eur_per_year);
    assert_eq!(v.priority, n.priority.as_str());
    assert_eq!(v.since.map(str::to_owned), date(n.since));
    let public: Vec<&SupportRef> = n
        .supported_by
        .iter()
        .filter(|s| {
            matches!(
                s.status,
                None | Some(SupportStatus::Agreed | SupportStatus::Active)
            )
        })
        .collect();
    assert_eq!(v.supported_by.len(), public.len());
    for (vs, s) in v.supported_by.iter().zip(public) {
        assert_eq!(vs.partner, s.partner);
        assert_eq!(vs.offer, s.offer.as_deref());
        assert_eq!(vs.since.map(str::to_owned), date(s.since));
    }
}

fn check_project(v: &codec::Project<'_>, p: &Project) {
    assert_eq!(v.id, p.id);
    assert_eq!(v.name, p.name);
    assert!(same_texts(&v.summary, Some(&p.summary)));
    assert!(same_texts(&v.description, p.description.as_ref()));
    assert_eq!(v.status, p.status.as_str());
    assert_eq!(v.status_since.map(str::to_owned), date(p.status_since));
    assert_eq!(v.lifecycle, p.lifecycle.as_str());
    assert!(v.categories.iter().eq(p.categories.iter()));
    assert_eq!(v.software_type, p.software_type.as_deref());
    assert_eq!(v.complexity, p.complexity.map(|c| c.as_str()));
    assert!(v.technologies.iter().eq(p.technologies.iter()));
    assert_eq!(
        v.origin.map(|o| (o.city, o.community, o.started)),
        p.origin.as_ref().map(|o| (
            o.city.as_deref(),
            o.community.as_deref(),
            o.started.as_deref()
        ))
    );
    assert_eq!(v.admitted_on.map(str::to_owned), date(p.admitted_on));
    assert_eq!(v.links.homepage, p.links.homepage.as_deref());
    assert_eq!(v.links.source, p.links.source.as_deref());
    assert_eq!(v.links.info, p.links.info.as_deref());
    assert_eq!(v.license, p.license);
    let mode = |d: &digifarm_core::model::Deployment| {
        serde_json::to_value(d.mode)
            .ok()
            .and_then(|m| m.as_str().map(str::to_owned))
    };
    assert_eq!(
        v.deployment
            .as_ref()
            .map(|d| (Some(d.mode.to_owned()), d.cities.clone())),
        p.deployment
            .as_ref()
            .map(|d| (mode(d), d.cities.iter().map(String::as_str).collect()))
    );
    assert_eq!(v.needs.len(), p.needs.len());
    for (vn, n) in v.needs.iter().zip(&p.needs) {
        check_need(vn, n);
    }
    assert_eq!(v.last_reviewed.map(str::to_owned), date(p.last_reviewed));
}

fn check_partner(v: &codec::Partner<'_>, p: &Partner) {
    assert_eq!(v.id, p.id);
    assert_eq!(v.name, p.name);
    assert_eq!(v.kind, p.kind.as_str());
    assert!(v.sectors.iter().eq(p.sectors.iter()));
    assert_eq!(v.region, p.region.as_deref());
    assert_eq!(v.website, p.website.as_deref());
}

fn check_offer(v: &codec::Offer<'_>, o: &SupportOffer) {
    assert_eq!(v.id, o.id);
    assert_eq!(v.partner, o.partner);
    assert_eq!(v.kind, o.kind);
    assert!(same_texts(&v.description, o.description.as_ref()));
    assert!(v.skills.iter().eq(o.skills.iter()));
    assert!(v.topics.iter().eq(o.topics.iter()));
    assert!(v.regions.iter().eq(o.regions.iter()));
    assert_eq!(v.remote, o.remote);
    assert_eq!(v.capacity.projects, o.capacity.projects);
    assert_eq!(v.capacity.hours_per_month, o.capacity.hours_per_month);
    assert_eq!(v.budget_eur_per_year, o.budget_eur_per_year);
    assert_eq!(v.license_requirement, o.license_requirement.as_deref());
    assert_eq!(v.valid_from.map(str::to_owned), date(o.valid_from));
    assert_eq!(v.valid_until.map(str::to_owned), date(o.valid_until));
}

/// A synthetic catalog with what synth leaves out: support that is not public, contacts,
/// dates outside four-digit years.
fn catalog(seed: u64) -> synth::SynthCatalog {
    let mut cat = synth::catalog(seed, 120, 25, 60);
    let statuses = [
        None,
        Some(SupportStatus::Suggested),
        Some(SupportStatus::Agreed),
        Some(SupportStatus::Active),
        Some(SupportStatus::Ended),
    ];
    for (i, p) in cat.projects.iter_mut().enumerate() {
        p.contacts.push(Contact {
            name: format!("Erika Mustermann {i}"),
            role: None,
            email: Some(format!("erika{i}@private.example")),
            phone: None,
            public: false,
        });
        for (j, n) in p.needs.iter_mut().enumerate() {
            let mut s = SupportRef::of_partner(&format!("partner-{j}"));
            s.status = statuses[(i + j) % statuses.len()];
            s.since = NaiveDate::from_ymd_opt(if i % 7 == 0 { 12 } else { 2025 }, 3, 9);
            n.supported_by.push(s);
        }
    }
    if let Some(p) = cat.projects.first_mut() {
        p.status_since = NaiveDate::from_ymd_opt(10_000, 1, 1);
        p.last_reviewed = NaiveDate::from_ymd_opt(-5, 12, 31);
    }
    cat
}

#[test]
fn generated_catalogs_decode_to_their_public_fields() {
    for seed in 0..4 {
        let cat = catalog(seed);
        let mut e = Encoder::new(0);
        e.city(&cat.config);
        e.projects(cat.projects.iter());
        e.partners(cat.partners.iter());
        e.offers(cat.offers.iter());
        let enc = e.finish();
        let decoded = codec::decode_catalog(&enc.data, &enc.strings);
        let Ok(view) = decoded else {
            panic!("seed {seed}: {decoded:?}");
        };
        let city = &cat.config.city;
        assert_eq!(view.city.name, city.name);
        assert_eq!(view.city.ags, city.ags.as_deref());
        assert!(view.city.languages.iter().eq(city.languages.iter()));
        assert_eq!(view.city.website, city.website.as_deref());
        assert_eq!(view.projects.len(), cat.projects.len());
        for (v, p) in view.projects.iter().zip(&cat.projects) {
            check_project(v, p);
        }
        assert_eq!(view.partners.len(), cat.partners.len());
        for (v, p) in view.partners.iter().zip(&cat.partners) {
            check_partner(v, p);
        }
        assert_eq!(view.offers.len(), cat.offers.len());
        for (v, o) in view.offers.iter().zip(&cat.offers) {
            check_offer(v, o);
        }
        assert!(!enc.strings.contains("private.example"));
        assert!(!enc.strings.contains("Mustermann"));
    }
}

#[test]
fn a_reused_buffer_encodes_the_same_bytes() {
    let cat = catalog(9);
    let mut e = Encoder::new(0);
    e.projects(cat.projects.iter());
    let first = e.finish();
    let mut e = Encoder::reuse(first.clone());
    e.projects(cat.projects.iter());
    assert_eq!(e.finish(), first);
}

#[test]
fn scorer_input_decodes_with_its_candidates() {
    let cat = catalog(3);
    let refs = [[0, 0, 1, 0], [1, 0, 0, 1]];
    let mut e = Encoder::new(0);
    e.projects(cat.projects.iter().take(2));
    e.partners(cat.partners.iter().take(2));
    e.offers(cat.offers.iter().take(2));
    e.candidates(&refs);
    let enc = e.finish();
    let batch = codec::decode_scorer_batch(&enc.data, &enc.strings);
    assert_eq!(batch.map(|b| b.candidates), Ok(refs.to_vec()));
}

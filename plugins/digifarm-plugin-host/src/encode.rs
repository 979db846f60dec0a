//! The `encoded` input of a plugin call: the core model's public fields, mapped onto the
//! views of `digifarm-plugin-codec` and written by its encoder, the same crate whose decoder
//! the Rust SDK runs inside the plugin. The layout is specified there (and in the WIT's
//! `encoded` record); this module only says which model field becomes which view field.
//!
//! Encoding drops every private field: contacts of projects and partners, notes, history
//! and attestations never reach a plugin. Needs carry their public support only (committed
//! entries: a suggestion is not support, an ended entry is over), so "help wanted" reads
//! the same in a plugin as on the portal.

use chrono::{Datelike, NaiveDate};
use digifarm_core::model::{self, CityConfig, DeploymentMode, LocalizedText};
use digifarm_plugin_codec::{self as codec, Ymd};

pub use codec::{Encoded, Version};

/// A buffer being encoded, with the scratch space the mapping reuses between records.
pub struct Encoder {
    inner: codec::Encoder,
    /// The views' lists, kept empty between records so that mapping a record allocates
    /// nothing once the first few are done.
    lists: Lists,
}

impl Encoder {
    /// An empty buffer of version 1 that starts with [`codec::MAGIC`].
    pub fn new(capacity: usize) -> Encoder {
        Encoder::with_version(capacity, Version::V1)
    }

    /// An empty buffer of `version`.
    pub fn with_version(capacity: usize, version: Version) -> Encoder {
        Encoder {
            inner: codec::Encoder::with_version(capacity, version),
            lists: Lists::default(),
        }
    }

    /// An encoder of version 1 writing into `into` (cleared; its allocations are reused).
    pub fn reuse(into: Encoded) -> Encoder {
        Encoder::reuse_with(into, Version::V1)
    }

    /// An encoder of `version` writing into `into` (cleared; its allocations are reused).
    pub fn reuse_with(into: Encoded, version: Version) -> Encoder {
        Encoder {
            inner: codec::Encoder::reuse_with(into, version),
            lists: Lists::default(),
        }
    }

    /// The input.
    pub fn finish(self) -> Encoded {
        self.inner.finish()
    }

    /// A `list<project>`.
    pub fn projects<'a>(&mut self, items: impl ExactSizeIterator<Item = &'a model::Project>) {
        self.inner.project_count(items.len());
        for p in items {
            let view = project(p, &mut self.lists);
            self.inner.project(&view);
            self.lists.keep_project(view);
        }
    }

    /// A `list<partner>`.
    pub fn partners<'a>(&mut self, items: impl ExactSizeIterator<Item = &'a model::Partner>) {
        self.inner.count(items.len());
        for p in items {
            let view = partner(p, &mut self.lists);
            self.inner.partner(&view);
            self.lists.strs.push(recycle(view.sectors));
        }
    }

    /// A `list<offer>`.
    pub fn offers<'a>(&mut self, items: impl ExactSizeIterator<Item = &'a model::SupportOffer>) {
        self.inner.count(items.len());
        for o in items {
            let view = offer(o, &mut self.lists);
            self.inner.offer(&view);
            self.lists.keep_offer(view);
        }
    }

    /// A `city`.
    pub fn city(&mut self, config: &CityConfig) {
        let c = &config.city;
        self.inner.city(&codec::City {
            name: &c.name,
            ags: c.ags.as_deref(),
            languages: c.languages.iter().map(String::as_str).collect(),
            website: c.website.as_deref(),
        });
    }

    /// A `list<candidate>` of index quadruples.
    pub fn candidates(&mut self, items: &[[u32; 4]]) {
        self.inner.candidates(items);
    }
}

/// A calendar date, written as ISO 8601 text by the codec.
fn ymd(d: Option<NaiveDate>) -> Option<Ymd> {
    d.map(|d| Ymd {
        year: d.year(),
        month: d.month(),
        day: d.day(),
    })
}

/// An empty vector with `v`'s allocation, for items of another lifetime. (`filter_map` into
/// a vector of the same layout collects in place, so the allocation is kept.)
fn recycle<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

/// Empty lists for the next record's views.
#[derive(Default)]
struct Lists {
    strs: Vec<Vec<&'static str>>,
    texts: Vec<Vec<codec::Text<'static>>>,
    support: Vec<Vec<codec::SupportRef<'static, Ymd>>>,
    needs: Vec<Vec<codec::Need<'static, Ymd>>>,
}

impl Lists {
    fn strs<'a>(&mut self, items: &'a [String]) -> Vec<&'a str> {
        let mut v = recycle(self.strs.pop().unwrap_or_default());
        v.extend(items.iter().map(String::as_str));
        v
    }

    fn texts<'a>(&mut self, text: Option<&'a LocalizedText>) -> Vec<codec::Text<'a>> {
        let mut v = recycle(self.texts.pop().unwrap_or_default());
        match text {
            None => {}
            Some(LocalizedText::Plain(s)) => v.push(codec::Text { lang: "", value: s }),
            Some(LocalizedText::Localized(map)) => {
                v.extend(map.iter().map(|(lang, value)| codec::Text { lang, value }));
            }
        }
        v
    }

    fn keep_need(&mut self, n: codec::Need<'_, Ymd>) {
        self.texts.push(recycle(n.description));
        self.strs.push(recycle(n.skills));
        self.support.push(recycle(n.supported_by));
    }

    fn keep_project(&mut self, p: codec::Project<'_, Ymd>) {
        self.texts.push(recycle(p.summary));
        self.texts.push(recycle(p.description));
        self.strs.push(recycle(p.categories));
        self.strs.push(recycle(p.technologies));
        if let Some(d) = p.deployment {
            self.strs.push(recycle(d.cities));
        }
        let mut needs = p.needs;
        for n in needs.drain(..) {
            self.keep_need(n);
        }
        self.needs.push(recycle(needs));
    }

    fn keep_offer(&mut self, o: codec::Offer<'_, Ymd>) {
        self.texts.push(recycle(o.description));
        self.strs.push(recycle(o.skills));
        self.strs.push(recycle(o.topics));
        self.strs.push(recycle(o.regions));
    }
}

fn project<'a>(p: &'a model::Project, lists: &mut Lists) -> codec::Project<'a, Ymd> {
    codec::Project {
        id: &p.id,
        name: &p.name,
        summary: lists.texts(Some(&p.summary)),
        description: lists.texts(p.description.as_ref()),
        status: p.status.as_str(),
        status_since: ymd(p.status_since),
        lifecycle: p.lifecycle.as_str(),
        categories: lists.strs(&p.categories),
        software_type: p.software_type.as_deref(),
        complexity: p.complexity.map(|c| c.as_str()),
        technologies: lists.strs(&p.technologies),
        origin: p.origin.as_ref().map(|o| codec::Origin {
            city: o.city.as_deref(),
            community: o.community.as_deref(),
            started: o.started.as_deref(),
        }),
        admitted_on: ymd(p.admitted_on),
        links: codec::Links {
            homepage: p.links.homepage.as_deref(),
            source: p.links.source.as_deref(),
            info: p.links.info.as_deref(),
        },
        license: &p.license,
        deployment: p.deployment.as_ref().map(|d| codec::Deployment {
            mode: match d.mode {
                DeploymentMode::PerCity => "per-city",
                DeploymentMode::Central => "central",
            },
            cities: lists.strs(&d.cities),
        }),
        needs: {
            let mut needs = recycle(lists.needs.pop().unwrap_or_default());
            needs.extend(p.needs.iter().map(|n| need(n, lists)));
            needs
        },
        last_reviewed: ymd(p.last_reviewed),
    }
}

fn need<'a>(n: &'a model::Need, lists: &mut Lists) -> codec::Need<'a, Ymd> {
    codec::Need {
        kind: &n.kind,
        description: lists.texts(n.description.as_ref()),
        skills: lists.strs(&n.skills),
        hours_per_month: n.hours_per_month,
        eur_per_year: n.eur_per_year,
        priority: n.priority.as_str(),
        since: ymd(n.since),
        supported_by: {
            let mut v = recycle(lists.support.pop().unwrap_or_default());
            v.extend(n.public_support().map(|s| codec::SupportRef {
                partner: &s.partner,
                offer: s.offer.as_deref(),
                since: ymd(s.since),
            }));
            v
        },
    }
}

fn partner<'a>(p: &'a model::Partner, lists: &mut Lists) -> codec::Partner<'a> {
    codec::Partner {
        id: &p.id,
        name: &p.name,
        kind: p.kind.as_str(),
        sectors: lists.strs(&p.sectors),
        region: p.region.as_deref(),
        website: p.website.as_deref(),
    }
}

fn offer<'a>(o: &'a model::SupportOffer, lists: &mut Lists) -> codec::Offer<'a, Ymd> {
    codec::Offer {
        id: &o.id,
        partner: &o.partner,
        kind: &o.kind,
        description: lists.texts(o.description.as_ref()),
        skills: lists.strs(&o.skills),
        topics: lists.strs(&o.topics),
        regions: lists.strs(&o.regions),
        remote: o.remote,
        capacity: codec::Capacity {
            projects: o.capacity.projects,
            hours_per_month: o.capacity.hours_per_month,
        },
        budget_eur_per_year: o.budget_eur_per_year,
        license_requirement: o.license_requirement.as_deref(),
        valid_from: ymd(o.valid_from),
        valid_until: ymd(o.valid_until),
    }
}

#[cfg(test)]
mod tests;

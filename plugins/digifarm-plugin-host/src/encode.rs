//! The `encoded` input of a plugin call (WIT `types.encoded`, version 1): public fields of
//! the core model written once into two buffers, which the SDK decodes into typed records.
//!
//! `data` (a `list<u8>`) holds [`MAGIC`] and the records; `strings` (one WIT `string`) holds
//! every string of the batch, one after the other. Passing the two costs two copies per batch
//! (and lets the canonical ABI check the strings' UTF-8 once); nested WIT records cost a guest
//! `realloc` call per string (about 9 µs per project). The layout follows the WIT records field
//! by field: little-endian, `string` = u32 byte offset + u32 byte length into `strings`,
//! `option` = byte 0/1 + value, `list` = u32 count + items, `u32` = 4 bytes, `f64` = 8 bytes,
//! `bool` = one byte.
//!
//! Like the record conversion it replaces, encoding drops every private field: contacts of
//! projects and partners, notes, history and attestations never reach a plugin.

use chrono::{Datelike, NaiveDate};
use digifarm_core::model::{self, CityConfig, DeploymentMode, LocalizedText};

/// The first bytes of every encoded input.
pub const MAGIC: &[u8; 4] = b"dfb1";

/// The encoded input of one call: the record stream and the strings it refers to.
#[derive(Debug, Default)]
pub struct Encoded {
    /// [`MAGIC`], then the records; each string is a u32 offset and a u32 byte length into
    /// `strings`.
    pub data: Vec<u8>,
    /// Every string of the records, one after the other.
    pub strings: String,
}

/// A buffer being encoded.
pub struct Encoder {
    buf: Vec<u8>,
    strings: String,
}

impl Encoder {
    /// An empty buffer that starts with [`MAGIC`].
    pub fn new(capacity: usize) -> Encoder {
        Encoder::reuse(Encoded {
            data: Vec::with_capacity(capacity.max(16)),
            strings: String::with_capacity(capacity),
        })
    }

    /// An encoder writing into `into` (cleared; its allocations are reused).
    pub fn reuse(into: Encoded) -> Encoder {
        let Encoded {
            data: mut buf,
            mut strings,
        } = into;
        buf.clear();
        strings.clear();
        buf.extend_from_slice(MAGIC);
        Encoder { buf, strings }
    }

    /// The input.
    pub fn finish(self) -> Encoded {
        Encoded {
            data: self.buf,
            strings: self.strings,
        }
    }

    fn u32(&mut self, n: usize) {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        self.buf.extend_from_slice(&n.to_le_bytes());
    }

    /// A string: its offset and length in `strings`.
    fn str(&mut self, s: &str) {
        self.u32(self.strings.len());
        self.u32(s.len());
        self.strings.push_str(s);
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.buf.push(0),
            Some(s) => {
                self.buf.push(1);
                self.str(s);
            }
        }
    }

    fn strs(&mut self, items: &[String]) {
        self.u32(items.len());
        for s in items {
            self.str(s);
        }
    }

    fn f64(&mut self, v: f64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    fn opt_f64(&mut self, v: Option<f64>) {
        match v {
            None => self.buf.push(0),
            Some(v) => {
                self.buf.push(1);
                self.f64(v);
            }
        }
    }

    fn opt_u32(&mut self, v: Option<u32>) {
        match v {
            None => self.buf.push(0),
            Some(v) => {
                self.buf.push(1);
                self.buf.extend_from_slice(&v.to_le_bytes());
            }
        }
    }

    fn bool(&mut self, v: bool) {
        self.buf.push(u8::from(v));
    }

    /// `option<string>` holding an ISO 8601 date (`2024-05-01`).
    fn date(&mut self, d: Option<NaiveDate>) {
        let Some(d) = d else {
            self.buf.push(0);
            return;
        };
        self.buf.push(1);
        let (year, month, day) = (d.year(), d.month(), d.day());
        if (0..=9999).contains(&year) {
            let y = year.unsigned_abs();
            self.u32(self.strings.len());
            self.u32(10);
            let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
            for c in [
                digit(y / 1000),
                digit(y / 100),
                digit(y / 10),
                digit(y),
                '-',
                digit(month / 10),
                digit(month),
                '-',
                digit(day / 10),
                digit(day),
            ] {
                self.strings.push(c);
            }
        } else {
            self.str(&d.to_string());
        }
    }

    fn localized(&mut self, text: Option<&LocalizedText>) {
        match text {
            None => self.u32(0),
            Some(LocalizedText::Plain(s)) => {
                self.u32(1);
                self.str("");
                self.str(s);
            }
            Some(LocalizedText::Localized(map)) => {
                self.u32(map.len());
                for (lang, value) in map {
                    self.str(lang);
                    self.str(value);
                }
            }
        }
    }

    /// A `project` record: public fields only (no contacts, history, notes or attestations).
    pub fn project(&mut self, p: &model::Project) {
        self.str(&p.id);
        self.str(&p.name);
        self.localized(Some(&p.summary));
        self.localized(p.description.as_ref());
        self.str(p.status.as_str());
        self.date(p.status_since);
        self.str(p.lifecycle.as_str());
        self.strs(&p.categories);
        self.opt_str(p.software_type.as_deref());
        self.opt_str(p.complexity.map(|c| c.as_str()));
        self.strs(&p.technologies);
        match &p.origin {
            None => self.buf.push(0),
            Some(o) => {
                self.buf.push(1);
                self.opt_str(o.city.as_deref());
                self.opt_str(o.community.as_deref());
                self.opt_str(o.started.as_deref());
            }
        }
        self.date(p.admitted_on);
        self.opt_str(p.links.homepage.as_deref());
        self.opt_str(p.links.source.as_deref());
        self.opt_str(p.links.info.as_deref());
        self.str(&p.license);
        match &p.deployment {
            None => self.buf.push(0),
            Some(d) => {
                self.buf.push(1);
                self.str(match d.mode {
                    DeploymentMode::PerCity => "per-city",
                    DeploymentMode::Central => "central",
                });
                self.strs(&d.cities);
            }
        }
        self.u32(p.needs.len());
        for n in &p.needs {
            self.need(n);
        }
        self.date(p.last_reviewed);
    }

    fn need(&mut self, n: &model::Need) {
        self.str(&n.kind);
        self.localized(n.description.as_ref());
        self.strs(&n.skills);
        self.opt_f64(n.hours_per_month);
        self.opt_f64(n.eur_per_year);
        self.str(n.priority.as_str());
        self.date(n.since);
        // Plugins see support as the public does: committed entries only (a suggestion is not
        // support, an ended entry is over), so "help wanted" reads the same in a plugin.
        let support: Vec<&model::SupportRef> = n.public_support().collect();
        self.u32(support.len());
        for s in support {
            self.str(&s.partner);
            self.opt_str(s.offer.as_deref());
            self.date(s.since);
        }
    }

    /// A `partner` record (no contacts, no description).
    pub fn partner(&mut self, p: &model::Partner) {
        self.str(&p.id);
        self.str(&p.name);
        self.str(p.kind.as_str());
        self.strs(&p.sectors);
        self.opt_str(p.region.as_deref());
        self.opt_str(p.website.as_deref());
    }

    /// An `offer` record.
    pub fn offer(&mut self, o: &model::SupportOffer) {
        self.str(&o.id);
        self.str(&o.partner);
        self.str(&o.kind);
        self.localized(o.description.as_ref());
        self.strs(&o.skills);
        self.strs(&o.topics);
        self.strs(&o.regions);
        self.bool(o.remote);
        self.opt_u32(o.capacity.projects);
        self.opt_f64(o.capacity.hours_per_month);
        self.opt_f64(o.budget_eur_per_year);
        self.opt_str(o.license_requirement.as_deref());
        self.date(o.valid_from);
        self.date(o.valid_until);
    }

    /// A `city` record.
    pub fn city(&mut self, config: &CityConfig) {
        let c = &config.city;
        self.str(&c.name);
        self.opt_str(c.ags.as_deref());
        self.strs(&c.languages);
        self.opt_str(c.website.as_deref());
    }

    /// A `list<project>`.
    pub fn projects<'a>(&mut self, items: impl ExactSizeIterator<Item = &'a model::Project>) {
        self.u32(items.len());
        for p in items {
            self.project(p);
        }
    }

    /// A `list<partner>`.
    pub fn partners<'a>(&mut self, items: impl ExactSizeIterator<Item = &'a model::Partner>) {
        self.u32(items.len());
        for p in items {
            self.partner(p);
        }
    }

    /// A `list<offer>`.
    pub fn offers<'a>(&mut self, items: impl ExactSizeIterator<Item = &'a model::SupportOffer>) {
        self.u32(items.len());
        for o in items {
            self.offer(o);
        }
    }

    /// A `list<candidate>` of index quadruples.
    pub fn candidates(&mut self, items: &[[u32; 4]]) {
        self.u32(items.len());
        for c in items {
            for n in c {
                self.buf.extend_from_slice(&n.to_le_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso_8601() {
        let mut e = Encoder::new(0);
        e.date(NaiveDate::from_ymd_opt(2024, 5, 1));
        e.date(None);
        e.date(NaiveDate::from_ymd_opt(12, 12, 31));
        let Encoded { data: b, strings } = e.finish();
        assert_eq!(&b[..4], MAGIC);
        assert_eq!(&b[4..5], &[1]);
        assert_eq!(&b[5..9], &0u32.to_le_bytes());
        assert_eq!(&b[9..13], &10u32.to_le_bytes());
        assert_eq!(&b[13..14], &[0]);
        assert_eq!(&b[14..15], &[1]);
        assert_eq!(&b[15..19], &10u32.to_le_bytes());
        assert_eq!(&b[19..23], &10u32.to_le_bytes());
        assert_eq!(strings, "2024-05-010012-12-31");
    }
}

//! Writing an `encoded` input. Each record is written by one function whose field order is
//! the order [`crate::Decoder`] reads, next to it in this crate; `tests::round_trip` holds
//! the two to each other.

use alloc::string::String;
use alloc::vec::Vec;

use crate::MAGIC;
use crate::index::Index;
use crate::view::{City, Need, Offer, Partner, Project, SupportRef, Text};

/// A date the encoder writes as ISO 8601 text (`2024-05-01`).
pub trait Date {
    /// Appends the date's text to `out`.
    fn write_iso(&self, out: &mut String);
}

/// A date that already is text (as decoded).
impl Date for &str {
    fn write_iso(&self, out: &mut String) {
        out.push_str(self);
    }
}

/// A calendar date by its numbers (proleptic Gregorian; month 1–12, day 1–31).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ymd {
    /// Year; outside 0–9999 it is written with a sign, as ISO 8601's expanded form.
    pub year: i32,
    /// Month.
    pub month: u32,
    /// Day of the month.
    pub day: u32,
}

impl Date for Ymd {
    #[inline]
    fn write_iso(&self, out: &mut String) {
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let y = self.year.unsigned_abs();
        if !(0..=9999).contains(&self.year) {
            // ISO 8601's expanded form: a sign and the year's digits.
            out.push(if self.year < 0 { '-' } else { '+' });
            let mut digits = [b'0'; 10];
            let (mut n, mut len) = (y / 10_000, 0);
            while n > 0 {
                digits[len] = digit(n);
                n /= 10;
                len += 1;
            }
            digits[..len].reverse();
            out.push_str(core::str::from_utf8(&digits[..len]).unwrap_or_default());
        }
        let text = [
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(self.month / 10),
            digit(self.month),
            b'-',
            digit(self.day / 10),
            digit(self.day),
        ];
        // ASCII digits and dashes: always UTF-8.
        out.push_str(core::str::from_utf8(&text).unwrap_or_default());
    }
}

/// The encoded input of one call: the record stream and the strings it refers to (WIT
/// `types.encoded`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// [`MAGIC`], then the records; each string is a u32 offset and a u32 byte length into
    /// `strings`.
    pub data: Vec<u8>,
    /// Every string of the records, one after the other.
    pub strings: String,
}

/// The encoding version an input is written in; a plugin's manifest names the one it reads
/// (`encoding`, default 1).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `dfb1`: a string is a UTF-8 byte offset and length; no index. What every Rust plugin
    /// reads, and every plugin built before version 2.
    #[default]
    V1,
    /// `dfb2`, for interpreted plugins: a string's offset and length count characters
    /// (Unicode scalar values), so that a string is a slice of the text in the plugin's own
    /// string type; after the payload, an index of where each project's, need's and
    /// supporter's fields start, so that a plugin need not walk the records to find them.
    V2,
    /// `dfb3`, for JavaScript plugins: version 2 with text that is all ASCII. A string
    /// that holds another character, or a backslash, is written as the body of a JSON string
    /// literal, its length marked with [`crate::ESCAPED`]. A JavaScript engine turns an ASCII
    /// text into a string without decoding it character by character (QuickJS decodes
    /// any other text in full, about a twelfth of a JavaScript validator's time), and
    /// resolves a marked string's escapes with `JSON.parse` when it is read.
    V3,
}

impl Version {
    /// The version numbered `n`.
    pub fn from_number(n: u32) -> Option<Version> {
        match n {
            1 => Some(Version::V1),
            2 => Some(Version::V2),
            3 => Some(Version::V3),
            _ => None,
        }
    }

    /// Whether inputs of this version carry the index (versions 2 and 3).
    pub fn indexed(self) -> bool {
        self != Version::V1
    }
}

/// Appends `s` as the body of a JSON string literal in ASCII: `"` and `\` escaped, control
/// characters as JSON's short escapes (`\n`) or `\u00XX`, every other character beyond ASCII
/// as `\uXXXX` (a character beyond the BMP as its UTF-16 surrogate pair); hexadecimal digits
/// in lower case, as JavaScript's `JSON.stringify` writes them.
pub(crate) fn escape_json(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let unit = |u: u16, out: &mut String| {
        out.push_str("\\u");
        for shift in [12, 8, 4, 0] {
            out.push(char::from(HEX[usize::from((u >> shift) & 0xf)]));
        }
    };
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 || !c.is_ascii() => {
                let mut units = [0u16; 2];
                for &u in c.encode_utf16(&mut units).iter() {
                    unit(u, out);
                }
            }
            c => out.push(c),
        }
    }
}

/// A buffer being encoded.
#[derive(Debug)]
pub struct Encoder {
    buf: Vec<u8>,
    strings: String,
    version: Version,
    /// Version 2: the characters in `strings` so far.
    chars: usize,
    /// Version 2: where the list of projects starts.
    projects_at: Option<usize>,
    /// Version 3: the escaped text of the string being written.
    scratch: String,
}

impl Encoder {
    /// An empty buffer of version 1 that starts with [`MAGIC`].
    pub fn new(capacity: usize) -> Encoder {
        Encoder::with_version(capacity, Version::V1)
    }

    /// An empty buffer of `version`.
    pub fn with_version(capacity: usize, version: Version) -> Encoder {
        Encoder::reuse_with(
            Encoded {
                data: Vec::with_capacity(capacity.max(16)),
                strings: String::with_capacity(capacity),
            },
            version,
        )
    }

    /// An encoder of version 1 writing into `into` (cleared; its allocations are reused).
    pub fn reuse(into: Encoded) -> Encoder {
        Encoder::reuse_with(into, Version::V1)
    }

    /// An encoder of `version` writing into `into` (cleared; its allocations are reused).
    pub fn reuse_with(into: Encoded, version: Version) -> Encoder {
        let Encoded {
            data: mut buf,
            mut strings,
        } = into;
        buf.clear();
        strings.clear();
        match version {
            Version::V1 => buf.extend_from_slice(MAGIC),
            // The index's offset follows the magic; `finish` fills it in.
            Version::V2 => {
                buf.extend_from_slice(crate::MAGIC_INDEXED);
                buf.extend_from_slice(&[0; 4]);
            }
            Version::V3 => {
                buf.extend_from_slice(crate::MAGIC_ASCII);
                buf.extend_from_slice(&[0; 4]);
            }
        }
        Encoder {
            buf,
            strings,
            version,
            chars: 0,
            projects_at: None,
            scratch: String::new(),
        }
    }

    /// The input. Versions 2 and 3 get their index here, found by walking the projects
    /// written.
    pub fn finish(mut self) -> Encoded {
        if self.version.indexed() {
            let index_at = self.buf.len();
            // The walk cannot fail on what this encoder wrote; should it, the index is empty
            // and a decoder refuses the input instead of reading wrong fields.
            let mut index = match self.projects_at {
                Some(at) => Index::walk(&self.buf, at).unwrap_or_default(),
                None => Index::default(),
            };
            let chars = match self.version {
                Version::V3 => self.strings.len(),
                _ => self.chars,
            };
            index.chars = u32::try_from(chars).unwrap_or(u32::MAX);
            index.write(&mut self.buf);
            let at = u32::try_from(index_at).unwrap_or(u32::MAX).to_le_bytes();
            if let Some(slot) = self.buf.get_mut(4..8) {
                slot.copy_from_slice(&at);
            }
        }
        Encoded {
            data: self.buf,
            strings: self.strings,
        }
    }

    /// The count of a `list<T>` whose items follow. Counts and offsets are u32; the host
    /// bounds a call's input far below 4 GiB, and a larger value saturates, which the
    /// decoder then refuses.
    #[inline]
    pub fn count(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }

    #[inline]
    fn u32(&mut self, n: u32) {
        self.buf.extend_from_slice(&n.to_le_bytes());
    }

    /// The count of the `list<project>` whose `n` projects follow, each written with
    /// [`Encoder::project`]. An input holds one list of projects; version 2 indexes it.
    pub fn project_count(&mut self, n: usize) {
        self.projects_at = Some(self.buf.len());
        self.count(n);
    }

    /// A string: its offset and length in `strings`.
    #[inline]
    fn str(&mut self, s: &str) {
        let start = self.strings.len();
        self.strings.push_str(s);
        self.span(start);
    }

    /// The offset and length of what was appended to `strings` since byte `start`: in bytes
    /// (version 1) or characters (version 2); in version 3, in bytes of ASCII text, what was
    /// appended escaped first if it holds anything else or a backslash.
    #[inline]
    fn span(&mut self, start: usize) {
        let end = self.strings.len();
        match self.version {
            Version::V1 => {
                self.count(start);
                self.count(end - start);
            }
            Version::V2 => {
                let n = self.strings.get(start..).map_or(0, |s| s.chars().count());
                self.count(self.chars);
                self.count(n);
                self.chars += n;
            }
            Version::V3 => {
                let escaped = self
                    .strings
                    .get(start..)
                    .is_some_and(|s| s.bytes().any(|b| b == b'\\' || !b.is_ascii()));
                if escaped {
                    let mut scratch = core::mem::take(&mut self.scratch);
                    scratch.clear();
                    escape_json(self.strings.get(start..).unwrap_or_default(), &mut scratch);
                    self.strings.truncate(start);
                    self.strings.push_str(&scratch);
                    self.scratch = scratch;
                }
                let n = self.strings.len() - start;
                // A length that does not fit beside the mark (2 GiB) saturates. No input
                // comes near: the host bounds a call's input to a few MiB (`max_input_bytes`),
                // so a decoder finds the saturated string outside the text and refuses it.
                let len = match u32::try_from(n) {
                    Ok(n) if n < crate::ESCAPED && escaped => n | crate::ESCAPED,
                    Ok(n) if n < crate::ESCAPED => n,
                    _ => u32::MAX,
                };
                self.count(start);
                self.u32(len);
            }
        }
    }

    #[inline]
    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.buf.push(0),
            Some(s) => {
                self.buf.push(1);
                self.str(s);
            }
        }
    }

    #[inline]
    fn opt_date<D: Date>(&mut self, d: Option<&D>) {
        match d {
            None => self.buf.push(0),
            Some(d) => {
                self.buf.push(1);
                let start = self.strings.len();
                d.write_iso(&mut self.strings);
                self.span(start);
            }
        }
    }

    #[inline]
    fn strs(&mut self, items: &[&str]) {
        self.count(items.len());
        for s in items {
            self.str(s);
        }
    }

    #[inline]
    fn f64(&mut self, v: f64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    #[inline]
    fn opt_f64(&mut self, v: Option<f64>) {
        match v {
            None => self.buf.push(0),
            Some(v) => {
                self.buf.push(1);
                self.f64(v);
            }
        }
    }

    #[inline]
    fn opt_u32(&mut self, v: Option<u32>) {
        match v {
            None => self.buf.push(0),
            Some(v) => {
                self.buf.push(1);
                self.u32(v);
            }
        }
    }

    #[inline]
    fn bool(&mut self, v: bool) {
        self.buf.push(u8::from(v));
    }

    #[inline]
    fn texts(&mut self, texts: &[Text<'_>]) {
        self.count(texts.len());
        for t in texts {
            self.str(t.lang);
            self.str(t.value);
        }
    }

    fn need<D: Date>(&mut self, n: &Need<'_, D>) {
        self.str(n.kind);
        self.texts(&n.description);
        self.strs(&n.skills);
        self.opt_f64(n.hours_per_month);
        self.opt_f64(n.eur_per_year);
        self.str(n.priority);
        self.opt_date(n.since.as_ref());
        self.count(n.supported_by.len());
        for SupportRef {
            partner,
            offer,
            since,
        } in &n.supported_by
        {
            self.str(partner);
            self.opt_str(*offer);
            self.opt_date(since.as_ref());
        }
    }

    /// A `project`.
    pub fn project<D: Date>(&mut self, p: &Project<'_, D>) {
        self.str(p.id);
        self.str(p.name);
        self.texts(&p.summary);
        self.texts(&p.description);
        self.str(p.status);
        self.opt_date(p.status_since.as_ref());
        self.str(p.lifecycle);
        self.strs(&p.categories);
        self.opt_str(p.software_type);
        self.opt_str(p.complexity);
        self.strs(&p.technologies);
        match &p.origin {
            None => self.buf.push(0),
            Some(o) => {
                self.buf.push(1);
                self.opt_str(o.city);
                self.opt_str(o.community);
                self.opt_str(o.started);
            }
        }
        self.opt_date(p.admitted_on.as_ref());
        self.opt_str(p.links.homepage);
        self.opt_str(p.links.source);
        self.opt_str(p.links.info);
        self.str(p.license);
        match &p.deployment {
            None => self.buf.push(0),
            Some(d) => {
                self.buf.push(1);
                self.str(d.mode);
                self.strs(&d.cities);
            }
        }
        self.count(p.needs.len());
        for n in &p.needs {
            self.need(n);
        }
        self.opt_date(p.last_reviewed.as_ref());
    }

    /// A `partner`.
    pub fn partner(&mut self, p: &Partner<'_>) {
        self.str(p.id);
        self.str(p.name);
        self.str(p.kind);
        self.strs(&p.sectors);
        self.opt_str(p.region);
        self.opt_str(p.website);
    }

    /// An `offer`.
    pub fn offer<D: Date>(&mut self, o: &Offer<'_, D>) {
        self.str(o.id);
        self.str(o.partner);
        self.str(o.kind);
        self.texts(&o.description);
        self.strs(&o.skills);
        self.strs(&o.topics);
        self.strs(&o.regions);
        self.bool(o.remote);
        self.opt_u32(o.capacity.projects);
        self.opt_f64(o.capacity.hours_per_month);
        self.opt_f64(o.budget_eur_per_year);
        self.opt_str(o.license_requirement);
        self.opt_date(o.valid_from.as_ref());
        self.opt_date(o.valid_until.as_ref());
    }

    /// A `city`.
    pub fn city(&mut self, c: &City<'_>) {
        self.str(c.name);
        self.opt_str(c.ags);
        self.strs(&c.languages);
        self.opt_str(c.website);
    }

    /// A `list<project>`.
    pub fn projects<D: Date>(&mut self, items: &[Project<'_, D>]) {
        self.project_count(items.len());
        for p in items {
            self.project(p);
        }
    }

    /// A `list<partner>`.
    pub fn partners(&mut self, items: &[Partner<'_>]) {
        self.count(items.len());
        for p in items {
            self.partner(p);
        }
    }

    /// A `list<offer>`.
    pub fn offers<D: Date>(&mut self, items: &[Offer<'_, D>]) {
        self.count(items.len());
        for o in items {
            self.offer(o);
        }
    }

    /// A `list<candidate>` of `[project, need, offer, partner]` indexes.
    pub fn candidates(&mut self, items: &[[u32; 4]]) {
        self.count(items.len());
        for c in items {
            for &n in c {
                self.u32(n);
            }
        }
    }
}

//! Reading an `encoded` input without copying: every string borrows from the input's
//! `strings`, a WIT `string` whose UTF-8 the canonical ABI guarantees, so nothing is checked
//! per string beyond its bounds and character boundaries.

use alloc::string::String;
use alloc::vec::Vec;

use crate::index::Index;
use crate::view::{
    Capacity, Catalog, City, Deployment, Links, Need, Offer, Origin, Partner, Project, ScorerBatch,
    SupportRef, Text,
};
use crate::{ESCAPED, MAGIC, MAGIC_ASCII, MAGIC_INDEXED};

/// Why an input could not be decoded (a host that speaks another encoding version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "cannot decode the host's input: {}", self.0)
    }
}

type R<T> = Result<T, DecodeError>;

/// Reads an `encoded` input: the record stream `buf` and the `strings` it refers to.
pub struct Decoder<'a> {
    buf: &'a [u8],
    strings: &'a str,
    pos: usize,
    /// Where the payload ends: the end of `buf`, or in versions 2 and 3 where the index
    /// starts.
    end: usize,
    /// Versions 2 and 3: what the index must say, checked by [`Decoder::finish`].
    indexed: Option<Indexed<'a>>,
}

/// What a decoder of version 2 or 3 keeps.
struct Indexed<'a> {
    /// Version 2: the byte offset of each character of `strings`, and of its end (empty when
    /// `strings` is ASCII: characters are bytes then). Version 3: for each byte of the text
    /// as sent, and its end, the byte of `strings` (the text unescaped) it starts.
    chars: alloc::borrow::Cow<'a, [u32]>,
    /// Version 3: the text as sent, escapes and all.
    escaped: Option<&'a str>,
    /// Where the list of projects started.
    projects_at: Option<usize>,
}

/// Version 3's text with every escape resolved: what [`Decoder::new_v3`] reads strings from.
/// Every backslash of a version-3 text starts an escape (see the crate's documentation), so
/// the text can be resolved as a whole, before its strings are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unescaped<'a> {
    /// The text as sent.
    escaped: &'a str,
    /// The text with its escapes resolved.
    text: String,
    /// For each byte of `escaped`, and its end, the byte of `text` where it starts;
    /// `u32::MAX` for the bytes inside an escape after its backslash.
    at: Vec<u32>,
}

impl<'a> Unescaped<'a> {
    /// Resolves the escapes of a version-3 text; fails on a byte beyond ASCII or an escape
    /// that JSON does not have (a lone surrogate included).
    pub fn new(escaped: &'a str) -> R<Unescaped<'a>> {
        let bad =
            |what: &str, at: usize| DecodeError(alloc::format!("{what} at byte {at} of `strings`"));
        let bytes = escaped.as_bytes();
        let mut text = String::with_capacity(escaped.len());
        let mut at = Vec::with_capacity(escaped.len() + 1);
        let offset = |text: &String| u32::try_from(text.len()).map_err(|_| bad("text too long", 0));
        let hex4 = |i: usize| -> Option<u32> {
            let digits = bytes.get(i..i + 4)?;
            let mut n = 0;
            for &d in digits {
                n = n * 16 + char::from(d).to_digit(16)?;
            }
            Some(n)
        };
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            at.push(offset(&text)?);
            if !b.is_ascii() {
                return Err(bad("a character beyond ASCII", i));
            }
            if b != b'\\' {
                text.push(char::from(b));
                i += 1;
                continue;
            }
            let (c, len) = match bytes.get(i + 1) {
                Some(b'"') => ('"', 2),
                Some(b'\\') => ('\\', 2),
                Some(b'/') => ('/', 2),
                Some(b'b') => ('\u{8}', 2),
                Some(b'f') => ('\u{c}', 2),
                Some(b'n') => ('\n', 2),
                Some(b'r') => ('\r', 2),
                Some(b't') => ('\t', 2),
                Some(b'u') => {
                    let unit = hex4(i + 2).ok_or_else(|| bad("a malformed escape", i))?;
                    let (code, len) = if (0xd800..0xdc00).contains(&unit) {
                        let low = match bytes.get(i + 6..i + 8) {
                            Some(b"\\u") => hex4(i + 8).filter(|u| (0xdc00..0xe000).contains(u)),
                            _ => None,
                        };
                        let low = low.ok_or_else(|| bad("a lone surrogate", i))?;
                        (0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00), 12)
                    } else {
                        (unit, 6)
                    };
                    (
                        char::from_u32(code).ok_or_else(|| bad("a lone surrogate", i))?,
                        len,
                    )
                }
                _ => return Err(bad("a malformed escape", i)),
            };
            text.push(c);
            for _ in 1..len {
                at.push(u32::MAX);
            }
            i += len;
        }
        at.push(offset(&text)?);
        Ok(Unescaped { escaped, text, at })
    }

    /// The text with its escapes resolved.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl<'a> Decoder<'a> {
    /// A decoder for `buf`, which must start with `dfb1` or `dfb2`, and its `strings`.
    pub fn new(buf: &'a [u8], strings: &'a str) -> R<Self> {
        let mut d = Decoder {
            buf,
            strings,
            pos: MAGIC.len(),
            end: buf.len(),
            indexed: None,
        };
        match buf.get(..MAGIC.len()) {
            Some(magic) if magic == MAGIC => Ok(d),
            Some(magic) if magic == MAGIC_INDEXED => {
                d.end_at_index()?;
                let chars = if strings.is_ascii() {
                    Vec::new()
                } else {
                    let mut chars: Vec<u32> = Vec::with_capacity(strings.len() + 1);
                    for (at, _) in strings.char_indices().chain([(strings.len(), ' ')]) {
                        chars.push(u32::try_from(at).map_err(|_| d.err("text too long"))?);
                    }
                    chars
                };
                d.indexed = Some(Indexed {
                    chars: chars.into(),
                    escaped: None,
                    projects_at: None,
                });
                Ok(d)
            }
            Some(magic) if magic == MAGIC_ASCII => Err(DecodeError(
                "version 3 (`dfb3`) is read with `Decoder::new_v3`, its text resolved by `Unescaped`"
                    .into(),
            )),
            _ => Err(DecodeError(
                "it does not start with `dfb1` or `dfb2` (encoding versions 1 and 2)".into(),
            )),
        }
    }

    /// A decoder for `buf`, which must start with `dfb3`, and its text as [`Unescaped`]
    /// resolved it.
    pub fn new_v3(buf: &'a [u8], text: &'a Unescaped<'a>) -> R<Self> {
        let mut d = Decoder {
            buf,
            strings: &text.text,
            pos: MAGIC.len(),
            end: buf.len(),
            indexed: None,
        };
        if buf.get(..MAGIC.len()) != Some(&MAGIC_ASCII[..]) {
            return Err(DecodeError(
                "it does not start with `dfb3` (encoding version 3)".into(),
            ));
        }
        d.end_at_index()?;
        d.indexed = Some(Indexed {
            chars: alloc::borrow::Cow::Borrowed(&text.at),
            escaped: Some(text.escaped),
            projects_at: None,
        });
        Ok(d)
    }

    /// Versions 2 and 3: reads the u32 after the magic, where the index starts, and ends the
    /// payload there.
    fn end_at_index(&mut self) -> R<()> {
        let index_at = self.u32()? as usize;
        if index_at < self.pos || index_at > self.buf.len() {
            return Err(self.err("index outside the input"));
        }
        self.end = index_at;
        Ok(())
    }

    /// The decoder moved to byte `pos` (tests: the index's positions point at fields).
    #[cfg(test)]
    pub(crate) fn at(mut self, pos: usize) -> Self {
        self.pos = pos;
        self
    }

    /// The next string (tests).
    #[cfg(test)]
    pub(crate) fn next_str(&mut self) -> R<&'a str> {
        self.str()
    }

    /// The next u32 (tests).
    #[cfg(test)]
    pub(crate) fn next_u32(&mut self) -> R<u32> {
        self.u32()
    }

    fn err(&self, what: &str) -> DecodeError {
        DecodeError(alloc::format!("{what} at byte {}", self.pos))
    }

    /// Fails unless every byte of the payload was read and, in version 2, unless the index
    /// says where each field of the projects read starts.
    pub fn finish(self) -> R<()> {
        if self.pos != self.end {
            return Err(self.err("trailing bytes"));
        }
        if let Some(indexed) = &self.indexed {
            let mut expected = match indexed.projects_at {
                Some(at) => Index::walk(self.buf.get(..self.end).unwrap_or_default(), at)
                    .ok_or_else(|| self.err("projects the index cannot walk"))?,
                None => Index::default(),
            };
            let chars = match indexed.escaped {
                Some(escaped) => escaped.len(),
                None => self.strings.chars().count(),
            };
            expected.chars = u32::try_from(chars).map_err(|_| self.err("text too long"))?;
            let mut bytes = Vec::new();
            expected.write(&mut bytes);
            if self.buf.get(self.end..) != Some(&bytes[..]) {
                return Err(DecodeError(alloc::format!(
                    "the index at byte {} does not match the records",
                    self.end
                )));
            }
        }
        Ok(())
    }

    #[cold]
    fn end(&self) -> DecodeError {
        self.err("unexpected end")
    }

    #[inline]
    fn byte(&mut self) -> R<u8> {
        match self.buf.get(self.pos).filter(|_| self.pos < self.end) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.end()),
        }
    }

    #[inline]
    fn array<const N: usize>(&mut self) -> R<[u8; N]> {
        match self
            .buf
            .get(self.pos..self.end)
            .and_then(|rest| rest.first_chunk::<N>())
        {
            Some(a) => {
                self.pos += N;
                Ok(*a)
            }
            None => Err(self.end()),
        }
    }

    #[inline]
    fn u32(&mut self) -> R<u32> {
        self.array().map(u32::from_le_bytes)
    }

    #[inline]
    fn f64(&mut self) -> R<f64> {
        self.array().map(f64::from_le_bytes)
    }

    fn bool(&mut self) -> R<bool> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.err("bad bool")),
        }
    }

    #[inline]
    fn present(&mut self) -> R<bool> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.err("bad option tag")),
        }
    }

    #[inline]
    fn str(&mut self) -> R<&'a str> {
        let mut start = self.u32()? as usize;
        let mut len = self.u32()?;
        if let Some(Indexed {
            escaped: Some(escaped),
            chars: at,
            ..
        }) = &self.indexed
        {
            // Version 3: a marked string must be what `JSON.parse` reads as one string (no
            // raw control character, no quote but an escaped one), an unmarked one must hold
            // no escape.
            let marked = len & ESCAPED != 0;
            len &= !ESCAPED;
            let inside_escape = |i: usize| at.get(i).is_none_or(|&b| b == u32::MAX);
            let sent = start
                .checked_add(len as usize)
                .and_then(|end| escaped.get(start..end));
            let fits = sent.is_some_and(|s| {
                if marked {
                    s.bytes()
                        .enumerate()
                        .all(|(i, b)| b >= 0x20 && (b != b'"' || inside_escape(start + i)))
                } else {
                    !s.contains('\\')
                }
            });
            if !fits {
                return Err(self.err("a string of version 3 that is not as its mark says"));
            }
        }
        let mut end = start.checked_add(len as usize);
        if let Some(Indexed { chars, .. }) = &self.indexed
            && !chars.is_empty()
        {
            // Version 2 counts characters, version 3 bytes of the escaped text: find their
            // bytes in `strings`.
            let byte = |i: usize| chars.get(i).map(|&b| b as usize);
            (start, end) = (byte(start).unwrap_or(usize::MAX), end.and_then(byte));
        }
        let strings = self.strings;
        end.and_then(|end| strings.get(start..end))
            .ok_or_else(|| self.err("string outside `strings` or not on character boundaries"))
    }

    fn opt_str(&mut self) -> R<Option<&'a str>> {
        if self.present()? {
            self.str().map(Some)
        } else {
            Ok(None)
        }
    }

    fn opt_f64(&mut self) -> R<Option<f64>> {
        if self.present()? {
            self.f64().map(Some)
        } else {
            Ok(None)
        }
    }

    /// A `list<T>`; the count is checked against the bytes left (each item takes at least
    /// one byte), and the reservation is capped, so a corrupt count cannot make it reserve
    /// far more memory than the input holds.
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> R<T>) -> R<Vec<T>> {
        let n = self.u32()? as usize;
        if n > self.end.saturating_sub(self.pos) {
            return Err(self.err("list longer than the input"));
        }
        let mut out = Vec::with_capacity(n.min(4096));
        for _ in 0..n {
            out.push(item(self)?);
        }
        Ok(out)
    }

    fn strs(&mut self) -> R<Vec<&'a str>> {
        self.list(Self::str)
    }

    fn texts(&mut self) -> R<Vec<Text<'a>>> {
        self.list(|d| {
            Ok(Text {
                lang: d.str()?,
                value: d.str()?,
            })
        })
    }

    fn need(&mut self) -> R<Need<'a>> {
        Ok(Need {
            kind: self.str()?,
            description: self.texts()?,
            skills: self.strs()?,
            hours_per_month: self.opt_f64()?,
            eur_per_year: self.opt_f64()?,
            priority: self.str()?,
            since: self.opt_str()?,
            supported_by: self.list(|d| {
                Ok(SupportRef {
                    partner: d.str()?,
                    offer: d.opt_str()?,
                    since: d.opt_str()?,
                })
            })?,
        })
    }

    /// A `project`.
    pub fn project(&mut self) -> R<Project<'a>> {
        Ok(Project {
            id: self.str()?,
            name: self.str()?,
            summary: self.texts()?,
            description: self.texts()?,
            status: self.str()?,
            status_since: self.opt_str()?,
            lifecycle: self.str()?,
            categories: self.strs()?,
            software_type: self.opt_str()?,
            complexity: self.opt_str()?,
            technologies: self.strs()?,
            origin: if self.present()? {
                Some(Origin {
                    city: self.opt_str()?,
                    community: self.opt_str()?,
                    started: self.opt_str()?,
                })
            } else {
                None
            },
            admitted_on: self.opt_str()?,
            links: Links {
                homepage: self.opt_str()?,
                source: self.opt_str()?,
                info: self.opt_str()?,
            },
            license: self.str()?,
            deployment: if self.present()? {
                Some(Deployment {
                    mode: self.str()?,
                    cities: self.strs()?,
                })
            } else {
                None
            },
            needs: self.list(Self::need)?,
            last_reviewed: self.opt_str()?,
        })
    }

    /// A `partner`.
    pub fn partner(&mut self) -> R<Partner<'a>> {
        Ok(Partner {
            id: self.str()?,
            name: self.str()?,
            kind: self.str()?,
            sectors: self.strs()?,
            region: self.opt_str()?,
            website: self.opt_str()?,
        })
    }

    /// An `offer`.
    pub fn offer(&mut self) -> R<Offer<'a>> {
        Ok(Offer {
            id: self.str()?,
            partner: self.str()?,
            kind: self.str()?,
            description: self.texts()?,
            skills: self.strs()?,
            topics: self.strs()?,
            regions: self.strs()?,
            remote: self.bool()?,
            capacity: Capacity {
                projects: if self.present()? {
                    Some(self.u32()?)
                } else {
                    None
                },
                hours_per_month: self.opt_f64()?,
            },
            budget_eur_per_year: self.opt_f64()?,
            license_requirement: self.opt_str()?,
            valid_from: self.opt_str()?,
            valid_until: self.opt_str()?,
        })
    }

    /// A `city`.
    pub fn city(&mut self) -> R<City<'a>> {
        Ok(City {
            name: self.str()?,
            ags: self.opt_str()?,
            languages: self.strs()?,
            website: self.opt_str()?,
        })
    }

    /// A `list<project>` (an input holds one; version 2 indexes it).
    pub fn projects(&mut self) -> R<Vec<Project<'a>>> {
        if let Some(indexed) = &mut self.indexed {
            indexed.projects_at = Some(self.pos);
        }
        self.list(Self::project)
    }

    /// A `list<partner>`.
    pub fn partners(&mut self) -> R<Vec<Partner<'a>>> {
        self.list(Self::partner)
    }

    /// A `list<offer>`.
    pub fn offers(&mut self) -> R<Vec<Offer<'a>>> {
        self.list(Self::offer)
    }

    /// A `list<candidate>` of `[project, need, offer, partner]` indexes.
    pub fn candidates(&mut self) -> R<Vec<[u32; 4]>> {
        self.list(|d| Ok([d.u32()?, d.u32()?, d.u32()?, d.u32()?]))
    }
}

/// Decodes a validator's input: a `list<project>`.
pub fn decode_projects<'a>(buf: &'a [u8], strings: &'a str) -> R<Vec<Project<'a>>> {
    projects_of(Decoder::new(buf, strings)?)
}

/// Decodes a validator's input of version 3, its text resolved by [`Unescaped`].
pub fn decode_projects_v3<'a>(buf: &'a [u8], text: &'a Unescaped<'a>) -> R<Vec<Project<'a>>> {
    projects_of(Decoder::new_v3(buf, text)?)
}

fn projects_of(mut d: Decoder<'_>) -> R<Vec<Project<'_>>> {
    let projects = d.projects()?;
    d.finish()?;
    Ok(projects)
}

/// Decodes a scorer's input.
pub fn decode_scorer_batch<'a>(buf: &'a [u8], strings: &'a str) -> R<ScorerBatch<'a>> {
    scorer_batch_of(Decoder::new(buf, strings)?)
}

/// Decodes a scorer's input of version 3, its text resolved by [`Unescaped`].
pub fn decode_scorer_batch_v3<'a>(buf: &'a [u8], text: &'a Unescaped<'a>) -> R<ScorerBatch<'a>> {
    scorer_batch_of(Decoder::new_v3(buf, text)?)
}

fn scorer_batch_of(mut d: Decoder<'_>) -> R<ScorerBatch<'_>> {
    let batch = ScorerBatch {
        projects: d.projects()?,
        partners: d.partners()?,
        offers: d.offers()?,
        candidates: d.candidates()?,
    };
    d.finish()?;
    Ok(batch)
}

/// Decodes an exporter's input: a `catalog`.
pub fn decode_catalog<'a>(buf: &'a [u8], strings: &'a str) -> R<Catalog<'a>> {
    catalog_of(Decoder::new(buf, strings)?)
}

/// Decodes an exporter's input of version 3, its text resolved by [`Unescaped`].
pub fn decode_catalog_v3<'a>(buf: &'a [u8], text: &'a Unescaped<'a>) -> R<Catalog<'a>> {
    catalog_of(Decoder::new_v3(buf, text)?)
}

fn catalog_of(mut d: Decoder<'_>) -> R<Catalog<'_>> {
    let catalog = Catalog {
        city: d.city()?,
        projects: d.projects()?,
        partners: d.partners()?,
        offers: d.offers()?,
    };
    d.finish()?;
    Ok(catalog)
}

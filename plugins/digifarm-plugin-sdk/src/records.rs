//! The records a plugin receives, decoded from the host's `encoded` input (WIT
//! `types.encoded`, version 1) without copying: every string borrows from the input's
//! `strings`, a WIT `string` whose UTF-8 the canonical ABI guarantees, so nothing is checked
//! per string beyond its bounds and character boundaries.
//!
//! Field names and values are those of the WIT records of `digifarm:plugin@0.1.0`; strings
//! that are optional there are `Option<&str>` here.

use alloc::string::String;
use alloc::vec::Vec;

/// One language version of a text. `lang` is empty for text in the catalog's default
/// language without a language tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text<'a> {
    /// Language tag (`de`, `en`) or empty.
    pub lang: &'a str,
    /// The text.
    pub value: &'a str,
}

/// A project's links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Links<'a> {
    /// Homepage.
    pub homepage: Option<&'a str>,
    /// Source repository.
    pub source: Option<&'a str>,
    /// More information.
    pub info: Option<&'a str>,
}

/// Where a project comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Origin<'a> {
    /// City of origin.
    pub city: Option<&'a str>,
    /// Community (hackathon, lab) it came from.
    pub community: Option<&'a str>,
    /// When it started (free text, usually a year).
    pub started: Option<&'a str>,
}

/// A partner (and optionally one of its offers) that supports a need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SupportRef<'a> {
    /// Partner id.
    pub partner: &'a str,
    /// Offer id.
    pub offer: Option<&'a str>,
    /// Since when (ISO 8601 date).
    pub since: Option<&'a str>,
}

/// Something a project needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Need<'a> {
    /// `content`, `technical`, `financial` or a kind the city adds.
    pub kind: &'a str,
    /// What exactly is needed.
    pub description: Vec<Text<'a>>,
    /// Skills wanted.
    pub skills: Vec<&'a str>,
    /// Hours per month.
    pub hours_per_month: Option<f64>,
    /// Euros per year.
    pub eur_per_year: Option<f64>,
    /// `low`, `medium`, `high`.
    pub priority: &'a str,
    /// Open since (ISO 8601 date).
    pub since: Option<&'a str>,
    /// Who supports it; empty: the need wants help.
    pub supported_by: Vec<SupportRef<'a>>,
}

/// Where a project runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment<'a> {
    /// `per-city` or `central`.
    pub mode: &'a str,
    /// Cities it runs in.
    pub cities: Vec<&'a str>,
}

/// A project, public fields only.
#[derive(Debug, Clone, PartialEq)]
pub struct Project<'a> {
    /// Id.
    pub id: &'a str,
    /// Name.
    pub name: &'a str,
    /// One-line summary.
    pub summary: Vec<Text<'a>>,
    /// Longer description.
    pub description: Vec<Text<'a>>,
    /// `idea`, `in-development`, `live`, `paused`, `broken`, `archived`.
    pub status: &'a str,
    /// Status since (ISO 8601 date).
    pub status_since: Option<&'a str>,
    /// Programme lifecycle: `proposed`, `admitted`, `sustained`, …
    pub lifecycle: &'a str,
    /// Categories.
    pub categories: Vec<&'a str>,
    /// Kind of software.
    pub software_type: Option<&'a str>,
    /// `low`, `medium`, `high`.
    pub complexity: Option<&'a str>,
    /// Technologies.
    pub technologies: Vec<&'a str>,
    /// Origin.
    pub origin: Option<Origin<'a>>,
    /// Admitted on (ISO 8601 date).
    pub admitted_on: Option<&'a str>,
    /// Links.
    pub links: Links<'a>,
    /// SPDX licence expression.
    pub license: &'a str,
    /// Deployment.
    pub deployment: Option<Deployment<'a>>,
    /// Needs.
    pub needs: Vec<Need<'a>>,
    /// Last reviewed (ISO 8601 date).
    pub last_reviewed: Option<&'a str>,
}

/// A partner, public fields only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner<'a> {
    /// Id.
    pub id: &'a str,
    /// Name.
    pub name: &'a str,
    /// `company`, `association`, `academic`, `public-body`, `individual`.
    pub kind: &'a str,
    /// Sectors.
    pub sectors: Vec<&'a str>,
    /// Home region (city name or AGS).
    pub region: Option<&'a str>,
    /// Website.
    pub website: Option<&'a str>,
}

/// How much an offer can take on.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Capacity {
    /// Projects at a time.
    pub projects: Option<u32>,
    /// Hours per month in total.
    pub hours_per_month: Option<f64>,
}

/// A support offer.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer<'a> {
    /// Id.
    pub id: &'a str,
    /// The partner's id.
    pub partner: &'a str,
    /// Kind of support.
    pub kind: &'a str,
    /// Description.
    pub description: Vec<Text<'a>>,
    /// Skills offered.
    pub skills: Vec<&'a str>,
    /// Topics of interest.
    pub topics: Vec<&'a str>,
    /// Regions served.
    pub regions: Vec<&'a str>,
    /// Works remotely.
    pub remote: bool,
    /// Capacity.
    pub capacity: Capacity,
    /// Budget in euros per year.
    pub budget_eur_per_year: Option<f64>,
    /// SPDX licence requirement on supported projects.
    pub license_requirement: Option<&'a str>,
    /// Valid from (ISO 8601 date).
    pub valid_from: Option<&'a str>,
    /// Valid until (ISO 8601 date).
    pub valid_until: Option<&'a str>,
}

/// A whole catalog, public fields only (the exporter's input).
#[derive(Debug, Clone)]
pub struct Catalog<'a> {
    /// The city.
    pub city: crate::City,
    /// Projects.
    pub projects: Vec<Project<'a>>,
    /// Partners.
    pub partners: Vec<Partner<'a>>,
    /// Offers.
    pub offers: Vec<Offer<'a>>,
}

/// One need of one project and an offer (with its partner) that could meet it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// The project.
    pub project: &'a Project<'a>,
    /// Index of the need in `project.needs`.
    pub need_index: usize,
    /// The need.
    pub need: &'a Need<'a>,
    /// The offer.
    pub offer: &'a Offer<'a>,
    /// The offer's partner.
    pub partner: &'a Partner<'a>,
}

/// The scorer's input: records once, candidates by index.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorerBatch<'a> {
    /// Projects.
    pub projects: Vec<Project<'a>>,
    /// Partners.
    pub partners: Vec<Partner<'a>>,
    /// Offers.
    pub offers: Vec<Offer<'a>>,
    /// `[project, need, offer, partner]` indexes.
    pub candidates: Vec<[u32; 4]>,
}

impl<'a> ScorerBatch<'a> {
    /// The candidates, resolved; an index out of range is an error.
    pub fn resolve(&'a self) -> Result<Vec<Candidate<'a>>, String> {
        self.candidates
            .iter()
            .enumerate()
            .map(|(i, &[p, n, o, pa])| {
                let bad = || alloc::format!("candidate {i} refers to a record not in the batch");
                let project = self.projects.get(p as usize).ok_or_else(bad)?;
                let need = project.needs.get(n as usize).ok_or_else(bad)?;
                Ok(Candidate {
                    project,
                    need_index: n as usize,
                    need,
                    offer: self.offers.get(o as usize).ok_or_else(bad)?,
                    partner: self.partners.get(pa as usize).ok_or_else(bad)?,
                })
            })
            .collect()
    }
}

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
}

impl<'a> Decoder<'a> {
    /// A decoder for `buf`, which must start with `dfb1`, and its `strings`.
    pub fn new(buf: &'a [u8], strings: &'a str) -> R<Self> {
        match buf.get(..4) {
            Some(b"dfb1") => Ok(Decoder {
                buf,
                strings,
                pos: 4,
            }),
            _ => Err(DecodeError(
                "it does not start with `dfb1` (encoding version 1)".into(),
            )),
        }
    }

    fn err(&self, what: &str) -> DecodeError {
        DecodeError(alloc::format!("{what} at byte {}", self.pos))
    }

    /// Fails unless every byte was read.
    pub fn finish(self) -> R<()> {
        if self.pos == self.buf.len() {
            Ok(())
        } else {
            Err(self.err("trailing bytes"))
        }
    }

    #[cold]
    fn end(&self) -> DecodeError {
        self.err("unexpected end")
    }

    #[inline]
    fn byte(&mut self) -> R<u8> {
        match self.buf.get(self.pos) {
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
            .get(self.pos..)
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
        let start = self.u32()? as usize;
        let len = self.u32()? as usize;
        let strings = self.strings;
        start
            .checked_add(len)
            .and_then(|end| strings.get(start..end))
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
        if n > self.buf.len() - self.pos {
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

    /// A `city` (owned: it is the WIT record).
    pub fn city(&mut self) -> R<crate::City> {
        Ok(crate::City {
            name: self.str()?.into(),
            ags: self.opt_str()?.map(Into::into),
            languages: self.strs()?.into_iter().map(Into::into).collect(),
            website: self.opt_str()?.map(Into::into),
        })
    }

    /// A `list<project>`.
    pub fn projects(&mut self) -> R<Vec<Project<'a>>> {
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
    let mut d = Decoder::new(buf, strings)?;
    let projects = d.projects()?;
    d.finish()?;
    Ok(projects)
}

/// Decodes a scorer's input.
pub fn decode_scorer_batch<'a>(buf: &'a [u8], strings: &'a str) -> R<ScorerBatch<'a>> {
    let mut d = Decoder::new(buf, strings)?;
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
    let mut d = Decoder::new(buf, strings)?;
    let catalog = Catalog {
        city: d.city()?,
        projects: d.projects()?,
        partners: d.partners()?,
        offers: d.offers()?,
    };
    d.finish()?;
    Ok(catalog)
}

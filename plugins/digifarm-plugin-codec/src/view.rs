//! The records as a plugin sees them: public fields only, every string borrowed from the
//! call's input. Field names and values are those of the WIT records of
//! `digifarm:plugin@0.1.0`; strings that are optional there are `Option<&str>` here.
//!
//! Records with dates take the dates' type as a parameter `D`: decoded, a date is the ISO
//! 8601 text (`&str`, the default); to encode, anything that is [`crate::Date`] will do, so
//! the host writes its calendar dates as text straight into the input.

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
pub struct SupportRef<'a, D = &'a str> {
    /// Partner id.
    pub partner: &'a str,
    /// Offer id.
    pub offer: Option<&'a str>,
    /// Since when (ISO 8601 date).
    pub since: Option<D>,
}

/// Something a project needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Need<'a, D = &'a str> {
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
    pub since: Option<D>,
    /// Who supports it; empty: the need wants help.
    pub supported_by: Vec<SupportRef<'a, D>>,
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
pub struct Project<'a, D = &'a str> {
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
    pub status_since: Option<D>,
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
    pub admitted_on: Option<D>,
    /// Links.
    pub links: Links<'a>,
    /// SPDX licence expression.
    pub license: &'a str,
    /// Deployment.
    pub deployment: Option<Deployment<'a>>,
    /// Needs.
    pub needs: Vec<Need<'a, D>>,
    /// Last reviewed (ISO 8601 date).
    pub last_reviewed: Option<D>,
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
pub struct Offer<'a, D = &'a str> {
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
    pub valid_from: Option<D>,
    /// Valid until (ISO 8601 date).
    pub valid_until: Option<D>,
}

/// The city running the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct City<'a> {
    /// Name.
    pub name: &'a str,
    /// Official municipality key (Amtlicher Gemeindeschlüssel).
    pub ags: Option<&'a str>,
    /// Languages of the catalog, the first being the default.
    pub languages: Vec<&'a str>,
    /// Website.
    pub website: Option<&'a str>,
}

/// A whole catalog, public fields only (the exporter's input).
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog<'a> {
    /// The city.
    pub city: City<'a>,
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

//! Deterministic synthetic catalogs for tests and benchmarks.
//!
//! [`catalog`] builds projects (with needs), partners, support offers and a city config for
//! Münster (AGS `05515000`) from a seed. The same seed and sizes always give the same records,
//! on every platform, with no external random-number crate: a SplitMix64 generator drives
//! every choice.
//!
//! Every record is valid per the model and the semantic rules: slug ids (unique, suitable as
//! file names), SPDX licences the default policy admits, kinds among `content`, `technical`
//! and `financial`, positive hours and amounts, `valid_from` ≤ `valid_until`, dates not after
//! [`REFERENCE_DATE`], admitted projects link their source, and `supported_by` references
//! resolve (the offer belongs to the named partner).
//!
//! ```
//! let cat = digifarm_core::synth::catalog(42, 100, 20, 60);
//! assert_eq!(cat.projects.len(), 100);
//! assert_eq!(cat.offers.len(), 60);
//! assert_eq!(cat, digifarm_core::synth::catalog(42, 100, 20, 60));
//! ```

use chrono::{Days, NaiveDate};

use crate::model::{
    Capacity, CityConfig, CityInfo, Complexity, Deployment, DeploymentMode, Lifecycle, Links,
    LocalizedText, Need, Origin, Partner, PartnerKind, Priority, Project, ProjectStatus,
    SupportOffer, SupportRef,
};

/// The "today" synthetic catalogs are built around: every past date lies on or before it and
/// every generated offer period is chosen relative to it. Use it as the matching reference date.
pub const REFERENCE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2026, 9, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// A generated catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthCatalog {
    /// Projects, ids in ascending order, each with one to three needs.
    pub projects: Vec<Project>,
    /// Partners, ids in ascending order.
    pub partners: Vec<Partner>,
    /// Support offers, ids in ascending order; each references an existing partner.
    pub offers: Vec<SupportOffer>,
    /// The city config (Münster, default matching weights, the category taxonomy used).
    pub config: CityConfig,
}

impl SynthCatalog {
    /// The matcher's input for this catalog on its reference date ([`REFERENCE_DATE`]).
    pub fn match_input(&self) -> crate::matching::MatchInput<'_> {
        crate::matching::MatchInput {
            projects: &self.projects,
            partners: &self.partners,
            offers: &self.offers,
            config: &self.config,
            today: REFERENCE_DATE,
        }
    }
}

/// A small, fast, deterministic pseudo-random generator (SplitMix64). Not for cryptography.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // Multiply-shift: unbiased enough for synthetic data, and fast.
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A uniformly chosen element (`None` for an empty slice).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }

    /// One to `max` distinct elements of `items` (as owned strings), in slice order.
    pub fn some(&mut self, items: &[&str], max: usize) -> Vec<String> {
        let n = 1 + self.below(max.max(1));
        self.sample(items, n)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// Up to `n` distinct elements, in slice order.
    pub fn sample<T: Clone>(&mut self, items: &[T], n: usize) -> Vec<T> {
        let mut chosen = vec![false; items.len()];
        let mut left = n.min(items.len());
        while left > 0 {
            let i = self.below(items.len());
            if let Some(c) = chosen.get_mut(i)
                && !*c
            {
                *c = true;
                left -= 1;
            }
        }
        items
            .iter()
            .zip(chosen)
            .filter(|&(_, c)| c)
            .map(|(item, _)| item.clone())
            .collect()
    }
}

/// The category taxonomy of generated catalogs (also the offers' topics).
pub const CATEGORIES: [&str; 10] = [
    "mobility",
    "environment",
    "education",
    "culture",
    "participation",
    "health",
    "social",
    "tourism",
    "administration",
    "open-data",
];

const TECH_SKILLS: [&str; 20] = [
    "rust",
    "python",
    "javascript",
    "typescript",
    "react",
    "vue",
    "android",
    "ios",
    "flutter",
    "postgres",
    "gis",
    "devops",
    "kubernetes",
    "docker",
    "security",
    "accessibility",
    "ux-design",
    "testing",
    "php",
    "java",
];

const CONTENT_SKILLS: [&str; 10] = [
    "writing",
    "translation",
    "photography",
    "history",
    "local-knowledge",
    "quiz-questions",
    "data-collection",
    "editing",
    "video",
    "plain-language",
];

const FINANCIAL_SKILLS: [&str; 3] = ["hosting", "app-store-fees", "cloud-credits"];

const LICENSES: [&str; 9] = [
    "MIT",
    "Apache-2.0",
    "GPL-3.0-or-later",
    "GPL-3.0-only",
    "AGPL-3.0-or-later",
    "EUPL-1.2",
    "MPL-2.0",
    "BSD-3-Clause",
    "LGPL-3.0-or-later",
];

/// Places partners sit in and offers serve: AGS keys of municipalities and larger areas, and a
/// few place names. Münster's keys come first and most often.
const REGIONS: [&str; 12] = [
    "05515000", // Münster
    "05515000", // Münster again: most partners are local
    "Münster", "055",      // Regierungsbezirk Münster
    "05",       // North Rhine-Westphalia
    "05566000", // Kreis Steinfurt
    "05558000", // Kreis Coesfeld
    "05913000", // Dortmund
    "05315000", // Köln
    "05711000", // Bielefeld
    "11000000", // Berlin
    "09162000", // München
];

const WORDS: [&str; 24] = [
    "baum", "rad", "karte", "rat", "schule", "park", "daten", "bus", "wasser", "kiez", "archiv",
    "quiz", "stadt", "kultur", "klima", "wahl", "sitz", "guide", "held", "markt", "platz", "bike",
    "hof", "netz",
];

const PARTNER_WORDS: [&str; 12] = [
    "codeworks",
    "stadtwerke",
    "verein",
    "hochschule",
    "stiftung",
    "agentur",
    "labor",
    "kollektiv",
    "amt",
    "werkstatt",
    "initiative",
    "netzwerk",
];

const KINDS: [&str; 3] = ["content", "technical", "financial"];

fn day(offset_back: u64) -> NaiveDate {
    REFERENCE_DATE
        .checked_sub_days(Days::new(offset_back))
        .unwrap_or(REFERENCE_DATE)
}

fn day_after(offset: u64) -> NaiveDate {
    REFERENCE_DATE
        .checked_add_days(Days::new(offset))
        .unwrap_or(REFERENCE_DATE)
}

fn skills_for(kind: &str) -> &'static [&'static str] {
    match kind {
        "content" => &CONTENT_SKILLS,
        "financial" => &FINANCIAL_SKILLS,
        _ => &TECH_SKILLS,
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The city config of generated catalogs: Münster, the [`CATEGORIES`] taxonomy, default
/// weights.
pub fn config() -> CityConfig {
    CityConfig {
        city: CityInfo {
            name: "Münster".to_owned(),
            ags: Some("05515000".to_owned()),
            website: Some("https://www.stadt-muenster.de".to_owned()),
            ..CityInfo::default()
        },
        categories: strings(&CATEGORIES),
        ..CityConfig::default()
    }
}

/// Generates `n_partners` partners.
pub fn partners(seed: u64, n_partners: usize) -> Vec<Partner> {
    let mut rng = SplitMix64::new(seed ^ 0x7061_7274_6e65_7273);
    let kinds = [
        PartnerKind::Company,
        PartnerKind::Association,
        PartnerKind::PublicBody,
        PartnerKind::Academic,
        PartnerKind::Foundation,
        PartnerKind::Individual,
    ];
    (0..n_partners)
        .map(|i| {
            let word = rng.pick(&PARTNER_WORDS).copied().unwrap_or("partner");
            let region = rng.pick(&REGIONS).copied().unwrap_or("05515000");
            Partner {
                id: format!("{word}-{i:07}"),
                name: format!("{} {i}", capitalise(word)),
                kind: rng.pick(&kinds).copied().unwrap_or(PartnerKind::Company),
                description: None,
                sectors: rng.some(&CATEGORIES, 2),
                region: Some(region.to_owned()),
                website: Some(format!("https://{word}-{i}.example.org")),
                contacts: Vec::new(),
            }
        })
        .collect()
}

/// Generates `n_offers` offers of the given partners (none when `partners` is empty).
pub fn offers(seed: u64, n_offers: usize, partners: &[Partner]) -> Vec<SupportOffer> {
    if partners.is_empty() {
        return Vec::new();
    }
    let mut rng = SplitMix64::new(seed ^ 0x6f66_6665_7273_0000);
    let requirements = ["GPL-3.0-or-later", "EUPL-1.2", "MIT", "AGPL-3.0-or-later"];
    (0..n_offers)
        .map(|i| {
            let partner = &partners[rng.below(partners.len())];
            let kind = KINDS[rng.below(KINDS.len())];
            let pool = skills_for(kind);
            let n_skills = 1 + rng.below(4);
            let mut regions = Vec::new();
            if rng.chance(0.8) {
                regions.push(
                    partner
                        .region
                        .clone()
                        .unwrap_or_else(|| "05515000".to_owned()),
                );
                if rng.chance(0.3) {
                    regions.push(rng.pick(&REGIONS).copied().unwrap_or("05").to_owned());
                }
                regions.sort();
                regions.dedup();
            }
            let remote = regions.is_empty() || rng.chance(0.3);
            let projects = 1 + rng.below(10) as u32;
            let (hours, budget) = if kind == "financial" {
                (None, Some((100 + 50 * rng.below(200)) as f64))
            } else {
                (Some((projects as usize * (4 + rng.below(20))) as f64), None)
            };
            let valid_from = rng.chance(0.7).then(|| day(30 + rng.below(900) as u64));
            let valid_until = if rng.chance(0.1) {
                // Expired before the reference date.
                Some(day(rng.below(25) as u64 + 1))
            } else {
                rng.chance(0.5)
                    .then(|| day_after(30 + rng.below(700) as u64))
            };
            SupportOffer {
                id: format!("offer-{i:07}"),
                partner: partner.id.clone(),
                kind: kind.to_owned(),
                description: Some(LocalizedText::Plain(format!(
                    "{} support by {}",
                    capitalise(kind),
                    partner.name
                ))),
                skills: rng.sample(&strings(pool), n_skills),
                topics: rng.some(&CATEGORIES, 3),
                regions,
                remote,
                capacity: Capacity {
                    projects: Some(projects),
                    hours_per_month: hours,
                },
                budget_eur_per_year: budget,
                license_requirement: rng
                    .chance(0.1)
                    .then(|| rng.pick(&requirements).copied().unwrap_or("MIT").to_owned()),
                valid_from,
                valid_until: valid_until.map(|u| match valid_from {
                    Some(f) if u < f => f,
                    _ => u,
                }),
            }
        })
        .collect()
}

/// Generates `n_projects` projects with one to three needs each; about a fifth of the needs
/// are already supported through one of `offers` (of the same kind where possible).
pub fn projects(seed: u64, n_projects: usize, offers: &[SupportOffer]) -> Vec<Project> {
    let mut rng = SplitMix64::new(seed ^ 0x7072_6f6a_6563_7473);
    let statuses = [
        ProjectStatus::Live,
        ProjectStatus::Live,
        ProjectStatus::InDevelopment,
        ProjectStatus::InDevelopment,
        ProjectStatus::Idea,
        ProjectStatus::Paused,
        ProjectStatus::Broken,
        ProjectStatus::Archived,
    ];
    let lifecycles = [
        Lifecycle::Admitted,
        Lifecycle::Admitted,
        Lifecycle::Admitted,
        Lifecycle::Sustained,
        Lifecycle::Proposed,
        Lifecycle::InReview,
        Lifecycle::Rejected,
    ];
    let priorities = [
        Priority::Low,
        Priority::Medium,
        Priority::Medium,
        Priority::High,
        Priority::Critical,
    ];
    let complexities = [
        Complexity::Low,
        Complexity::Medium,
        Complexity::High,
        Complexity::VeryHigh,
    ];
    let types = [
        "app",
        "static-website",
        "dynamic-website",
        "api",
        "dataset-tool",
    ];
    (0..n_projects)
        .map(|i| {
            let w1 = rng.pick(&WORDS).copied().unwrap_or("stadt");
            let w2 = rng.pick(&WORDS).copied().unwrap_or("daten");
            let id = format!("{w1}{w2}-{i:07}");
            let name = format!("{}{} {i}", capitalise(w1), w2);
            let lifecycle = lifecycles[rng.below(lifecycles.len())];
            let status = statuses[rng.below(statuses.len())];
            let admitted = lifecycle.is_active();
            let n_needs = 1 + rng.below(3);
            let mut kinds: Vec<String> = rng
                .sample(&KINDS, n_needs)
                .into_iter()
                .map(str::to_owned)
                .collect();
            if kinds.is_empty() {
                kinds.push("technical".to_owned());
            }
            let needs = kinds
                .into_iter()
                .map(|kind| {
                    let pool = skills_for(&kind);
                    let financial = kind == "financial";
                    let supported_by = if !offers.is_empty() && rng.chance(0.2) {
                        let o = &offers[rng.below(offers.len())];
                        vec![SupportRef {
                            partner: o.partner.clone(),
                            offer: (o.kind == kind).then(|| o.id.clone()),
                            since: Some(day(rng.below(300) as u64)),
                            ..SupportRef::default()
                        }]
                    } else {
                        Vec::new()
                    };
                    Need {
                        description: Some(LocalizedText::Plain(format!(
                            "{} help for {name}",
                            capitalise(&kind)
                        ))),
                        skills: if rng.chance(0.05) {
                            Vec::new()
                        } else {
                            rng.some(pool, 3)
                        },
                        hours_per_month: (!financial).then(|| (2 + rng.below(30)) as f64),
                        eur_per_year: financial
                            .then(|| round2((50 + 25 * rng.below(120)) as f64 * 1.0)),
                        priority: priorities[rng.below(priorities.len())],
                        since: Some(day(rng.below(1200) as u64)),
                        supported_by,
                        kind,
                    }
                })
                .collect();
            let started = day(400 + rng.below(2000) as u64);
            Project {
                summary: LocalizedText::Plain(format!("{name} hilft der Stadt mit {w2}.")),
                description: rng.chance(0.5).then(|| {
                    let mut m = std::collections::BTreeMap::new();
                    m.insert(
                        "de".to_owned(),
                        format!("{name}: ein Projekt rund um {w1}."),
                    );
                    m.insert("en".to_owned(), format!("{name}: a project about {w1}."));
                    LocalizedText::Localized(m)
                }),
                status,
                status_note: None,
                status_since: Some(day(rng.below(150) as u64)),
                lifecycle,
                history: Vec::new(),
                categories: rng.some(&CATEGORIES, 2),
                software_type: rng.pick(&types).map(|s| (*s).to_owned()),
                complexity: rng.pick(&complexities).copied(),
                technologies: rng.some(&TECH_SKILLS, 4),
                origin: Some(Origin {
                    city: Some("Münster".to_owned()),
                    community: rng.chance(0.5).then(|| "Münsterhack".to_owned()),
                    started: Some(started.format("%Y-%m").to_string()),
                }),
                admitted_on: admitted.then(|| day(rng.below(390) as u64)),
                links: Links {
                    homepage: rng.chance(0.7).then(|| format!("https://{id}.example.org")),
                    source: Some(format!("https://github.com/example/{id}")),
                    info: None,
                },
                license: LICENSES[rng.below(LICENSES.len())].to_owned(),
                license_note: None,
                deployment: Some(Deployment {
                    mode: if rng.chance(0.7) {
                        DeploymentMode::PerCity
                    } else {
                        DeploymentMode::Central
                    },
                    cities: vec!["05515000".to_owned()],
                }),
                needs,
                contacts: Vec::new(),
                last_reviewed: Some(day(rng.below(200) as u64)),
                image: None,
                image_alt: None,
                attestations: Vec::new(),
                software: None,
                complete: None,
                id,
                name,
                approvals: Vec::new(),
            }
        })
        .collect()
}

/// Fills in what a project needs to export as a valid publiccode.yml and synthetic projects
/// lack: a long description (150+ characters) in each summary language, and the `software`
/// group (type, platforms, features, localisation). Deterministic: derived from the name.
pub fn publiccode_ready(project: &mut Project) {
    let langs: Vec<String> = match &project.summary {
        LocalizedText::Plain(_) => vec!["de".to_owned()],
        LocalizedText::Localized(m) => m.keys().cloned().collect(),
    };
    let name = project.name.clone();
    let long = |lang: &str| {
        format!(
            "{name} ({lang}): eine Anwendung, mit der die Stadt und ihre Bürgerinnen und Bürger gemeinsam an einer Aufgabe arbeiten; sie ist quelloffen, wird von Freiwilligen gepflegt und lässt sich in anderen Städten einsetzen."
        )
    };
    project.description = Some(match &project.summary {
        LocalizedText::Plain(_) => LocalizedText::Plain(long("de")),
        LocalizedText::Localized(_) => {
            LocalizedText::Localized(langs.iter().map(|l| (l.clone(), long(l))).collect())
        }
    });
    let software = project.software.get_or_insert_with(Default::default);
    software
        .kind
        .get_or_insert_with(|| "standalone/web".to_owned());
    if software.platforms.is_empty() {
        software.platforms = vec!["web".to_owned()];
    }
    for lang in &langs {
        software
            .features
            .entry(lang.clone())
            .or_insert_with(|| vec![format!("{name} im Browser nutzen")]);
    }
    software.localisation_ready.get_or_insert(false);
    if software.available_languages.is_empty() {
        software.available_languages = vec!["de".to_owned()];
    }
}

/// A whole catalog: `n_partners` partners, `n_offers` offers (none if there are no partners)
/// and `n_projects` projects, all derived from `seed`.
pub fn catalog(seed: u64, n_projects: usize, n_partners: usize, n_offers: usize) -> SynthCatalog {
    let partners = partners(seed, n_partners);
    let offers = offers(seed, n_offers, &partners);
    let projects = projects(seed, n_projects, &offers);
    SynthCatalog {
        projects,
        partners,
        offers,
        config: config(),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn deterministic_and_seed_dependent() {
        assert_eq!(catalog(7, 50, 10, 30), catalog(7, 50, 10, 30));
        assert_ne!(catalog(7, 50, 10, 30), catalog(8, 50, 10, 30));
    }

    #[test]
    fn records_are_valid_per_model() {
        let cat = catalog(3, 500, 40, 300);
        let ids: HashSet<_> = cat.projects.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids.len(), 500);
        let slug = |s: &str| {
            !s.is_empty()
                && s.len() <= 80
                && s.split('-').all(|part| {
                    !part.is_empty()
                        && part
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                })
        };
        let partner_ids: HashSet<_> = cat.partners.iter().map(|p| p.id.as_str()).collect();
        let offer_partner: std::collections::HashMap<_, _> = cat
            .offers
            .iter()
            .map(|o| (o.id.as_str(), o.partner.as_str()))
            .collect();
        for p in &cat.projects {
            assert!(slug(&p.id), "{}", p.id);
            assert!(spdx::Expression::parse(&p.license).is_ok());
            assert!(!p.needs.is_empty());
            if p.lifecycle.is_active() {
                assert!(p.links.source.is_some());
            }
            for n in &p.needs {
                assert!(KINDS.contains(&n.kind.as_str()));
                assert!(n.hours_per_month.is_none_or(|h| h > 0.0));
                assert!(n.eur_per_year.is_none_or(|e| e > 0.0));
                assert!(n.since.unwrap() <= REFERENCE_DATE);
                for s in &n.supported_by {
                    assert!(partner_ids.contains(s.partner.as_str()));
                    if let Some(o) = &s.offer {
                        assert_eq!(offer_partner[o.as_str()], s.partner);
                    }
                }
            }
        }
        for o in &cat.offers {
            assert!(slug(&o.id));
            assert!(partner_ids.contains(o.partner.as_str()));
            assert!(o.capacity.projects.unwrap() >= 1);
            assert!(o.capacity.hours_per_month.is_none_or(|h| h > 0.0));
            assert!(o.budget_eur_per_year.is_none_or(|b| b > 0.0));
            if let (Some(f), Some(u)) = (o.valid_from, o.valid_until) {
                assert!(f <= u);
            }
        }
        for p in &cat.partners {
            assert!(slug(&p.id));
        }
    }

    #[test]
    fn records_pass_the_json_schemas() {
        use crate::schema::{SchemaKind, json_schema};
        let cat = catalog(11, 60, 10, 40);
        let check = |kind: SchemaKind, value: serde_json::Value| {
            let validator = jsonschema::validator_for(&json_schema(kind)).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{kind:?}: {errors:?}\n{value}");
        };
        for p in &cat.projects {
            check(SchemaKind::Project, serde_json::to_value(p).unwrap());
        }
        for p in &cat.partners {
            check(SchemaKind::Partner, serde_json::to_value(p).unwrap());
        }
        for o in &cat.offers {
            check(SchemaKind::Offer, serde_json::to_value(o).unwrap());
        }
        check(
            SchemaKind::Config,
            serde_json::to_value(&cat.config).unwrap(),
        );
    }

    #[test]
    fn no_partners_means_no_offers() {
        let cat = catalog(1, 5, 0, 10);
        assert!(cat.offers.is_empty());
        assert!(
            cat.projects
                .iter()
                .all(|p| p.needs.iter().all(Need::wants_help))
        );
    }
}

/// Screenshot-like project images for benchmarks: `w` × `h` JPEG files (quality 85), 16
/// different drawings of gradients and stripes, and `image(i)` the `i`-th file, made unique by
/// a comment segment holding `i` (so that every project's file has its own content hash, as
/// real screenshots would).
///
/// ```
/// let images = digifarm_core::synth::Images::new(100, 70)?;
/// let (a, b) = (images.image(1), images.image(17));
/// assert_ne!(a, b);
/// let info = digifarm_core::picture::inspect(&a, digifarm_core::picture::PROJECT_IMAGE)?;
/// assert_eq!((info.width, info.height), (100, 70));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Images {
    drawings: Vec<Vec<u8>>,
}

impl Images {
    /// The 16 drawings at `w` × `h` pixels.
    ///
    /// # Errors
    /// The JPEG encoder fails (a side of 0 or more than 65,535 pixels).
    pub fn new(w: u32, h: u32) -> Result<Images, image::ImageError> {
        let drawings = (0..16u32)
            .map(|k| {
                let img = image::RgbImage::from_fn(w, h, |x, y| {
                    let band = (x * 7 + y * (3 + k)) / 40 % 2;
                    let scale = |v: u32, of: u32| u8::try_from(v * 255 / of.max(1)).unwrap_or(255);
                    image::Rgb([
                        scale(x, w),
                        scale(y, h),
                        if band == 0 { 40 + 8 * k as u8 } else { 200 },
                    ])
                });
                let mut bytes = Vec::new();
                img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                    &mut bytes, 85,
                ))
                .map(|()| bytes)
            })
            .collect::<Result<_, _>>()?;
        Ok(Images { drawings })
    }

    /// The `i`-th file: drawing `i % 16` with a comment segment `project {i}`.
    pub fn image(&self, i: usize) -> Vec<u8> {
        let drawing = &self.drawings[i % self.drawings.len()];
        let comment = format!("project {i}");
        let mut bytes = drawing[..2].to_vec();
        bytes.extend_from_slice(&[0xFF, 0xFE]);
        bytes.extend_from_slice(&u16::try_from(comment.len() + 2).unwrap_or(0).to_be_bytes());
        bytes.extend_from_slice(comment.as_bytes());
        bytes.extend_from_slice(&drawing[2..]);
        bytes
    }

    /// The average size of a file, in bytes.
    pub fn average_len(&self) -> usize {
        self.drawings.iter().map(Vec::len).sum::<usize>() / self.drawings.len()
    }
}

//! Round trips through the catalog: a valid publiccode.yml imported, exported in the same
//! version and checked again is valid and says the same in every key the project holds; a
//! generated project exports as a valid file or is refused with the fix.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use digifarm_core::catalog::Catalog;
use digifarm_core::export::{self, Options};
use digifarm_core::import::publiccode as import;
use digifarm_core::model::{CityConfig, Contact, LocalizedText, Project};
use digifarm_core::publiccode::{
    self, Audience, Contractor, Description, Document, Organisation, Version, vocab,
};
use proptest::prelude::*;

/// What the catalog keeps of a document, for a reader of `version`: the keys the importer
/// maps, minus those `version` does not know.
fn mapped(doc: &Document, version: Version) -> Document {
    let knows = |k: &str| version.knows(publiccode::version::key_since(k));
    let mut description: Vec<(String, Description)> = doc
        .description
        .iter()
        .map(|(l, d)| {
            (
                l.clone(),
                Description {
                    short_description: d.short_description.clone(),
                    long_description: d.long_description.clone(),
                    features: d.features.clone(),
                    documentation: d.documentation.clone(),
                    api_documentation: d.api_documentation.clone(),
                    ..Description::default()
                },
            )
        })
        .collect();
    description.sort_by(|a, b| a.0.cmp(&b.0));
    Document {
        version: String::new(),
        name: doc.name.clone(),
        application_suite: doc.application_suite.clone(),
        url: doc.url.clone(),
        landing_url: doc.landing_url.clone(),
        is_based_on: doc.is_based_on.clone(),
        software_version: doc.software_version.clone(),
        release_date: doc.release_date.clone(),
        logo: doc.logo.clone(),
        organisation: doc.organisation.clone().filter(|_| knows("organisation")),
        platforms: doc.platforms.clone(),
        categories: doc
            .categories
            .iter()
            .filter(|c| vocab::category(c).is_some_and(|v| version.knows(v)))
            .cloned()
            .collect(),
        used_by: doc.used_by.clone(),
        funded_by: if knows("fundedBy") {
            doc.funded_by.clone()
        } else {
            Vec::new()
        },
        roadmap: doc.roadmap.clone(),
        development_status: doc.development_status.clone(),
        software_type: doc.software_type.clone(),
        supports: if knows("supports") {
            doc.supports.clone()
        } else {
            Vec::new()
        },
        intended_audience: doc.intended_audience.clone(),
        description,
        license: doc.license.clone(),
        main_copyright_owner: doc.main_copyright_owner.clone(),
        maintenance_type: doc.maintenance_type.clone(),
        contractors: doc.contractors.clone(),
        contacts: doc.contacts.clone(),
        localisation_ready: doc.localisation_ready,
        available_languages: doc.available_languages.clone(),
        ..Document::default()
    }
}

/// Imports `bytes`, exports the project in `version` with its contacts, and returns the
/// exported file's check.
fn round_trip(bytes: &[u8], base: Option<&Path>, version: Version) -> publiccode::Checked {
    let imported = import::import(
        bytes,
        "publiccode.yml",
        &import::Options {
            base_dir: base.map(Path::to_path_buf),
            ..import::Options::default()
        },
    );
    assert!(!imported.has_errors(), "{:#?}", imported.diagnostics);
    let mut config = CityConfig::default();
    config.city.languages = imported.languages.iter().take(1).cloned().collect();
    let catalog = Catalog::from_records(config, imported.projects, imported.partners, Vec::new());
    let options = Options {
        include_private: true,
        publiccode_version: version,
        ..Options::default()
    };
    let plan = export::publiccode::plan(&catalog, &options);
    assert!(plan.refused.is_empty(), "{:#?}", plan.refused);
    assert_eq!(plan.files.len(), 1);
    publiccode::check(
        &plan.files[0].bytes,
        "out.yml",
        &publiccode::Options::default(),
    )
}

fn fixtures() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/publiccode");
    let mut files = Vec::new();
    for kind in ["valid", "warnings"] {
        for e in std::fs::read_dir(root.join(kind)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "yml") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_valid_fixture_round_trips_in_its_version() {
    for path in fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let input = publiccode::check(&bytes, "in.yml", &publiccode::Options::default());
        let version = input.version.unwrap();
        let output = round_trip(&bytes, path.parent(), version);
        assert!(
            output.is_valid(),
            "{}: {:#?}",
            path.display(),
            output.diagnostics
        );
        assert_eq!(
            output.version.map(Version::release),
            Some(version.release())
        );
        assert_eq!(
            mapped(&output.document, version),
            mapped(&input.document, version),
            "{}",
            path.display()
        );
    }
}

fn words(min: usize, max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec("[a-zäöüß]{2,9}", 1..60).prop_map(move |w| {
        let mut s = w.join(" ");
        while s.chars().count() < min {
            s.push_str(" und weiter");
        }
        s.chars()
            .take(max)
            .collect::<String>()
            .trim_end()
            .to_owned()
            + "."
    })
}

fn organisation() -> impl Strategy<Value = Organisation> {
    (
        proptest::option::of("[A-Z][a-z]{3,10}"),
        prop_oneof![
            "[a-z]{3,8}".prop_map(|s| format!("https://{s}.example.org")),
            "[a-z0-9]{1,8}".prop_map(|s| format!("urn:x-test:{s}")),
        ],
    )
        .prop_map(|(name, uri)| Organisation { name, uri })
}

fn subset(
    from: &'static [&'static str],
    min: usize,
    max: usize,
) -> impl Strategy<Value = Vec<String>> {
    proptest::sample::subsequence(from, min..=max.min(from.len()))
        .prop_map(|v| v.into_iter().map(str::to_owned).collect())
}

const LANGS: &[&str] = &["de", "en", "it"];

fn description() -> impl Strategy<Value = Description> {
    (
        words(1, 140),
        words(150, 600),
        proptest::collection::vec(words(3, 40), 1..4),
        proptest::option::of("[a-z]{3,8}".prop_map(|s| format!("https://docs.example.org/{s}"))),
    )
        .prop_map(|(short, long, features, documentation)| Description {
            short_description: short,
            long_description: long,
            features,
            documentation,
            ..Description::default()
        })
}

fn document() -> impl Strategy<Value = (Document, Version)> {
    let versions = proptest::sample::select(vec![
        Version::Current,
        Version::V0_7,
        Version::V0_5,
        Version::V0_4,
        Version::V0_2,
    ]);
    let categories: Vec<&'static str> = vocab::CATEGORIES.iter().map(|(c, _)| *c).collect();
    let categories: &'static [&'static str] = Box::leak(categories.into_boxed_slice());
    let contact = (
        "[A-Z][a-z]{2,8} [A-Z][a-z]{2,8}",
        proptest::option::of("[a-z]{2,8}".prop_map(|s| format!("{s}@example.org"))),
        proptest::option::of("[0-9]{6,10}".prop_map(|s| format!("+49{s}"))),
        proptest::option::of("[A-Z][a-z]{3,10}"),
    )
        .prop_map(|(name, email, phone, affiliation)| publiccode::Contact {
            name,
            email,
            phone,
            affiliation,
        });
    let contractor =
        ("[A-Z][a-z]{3,10} GmbH", 2020u32..2035, 1u32..13).prop_map(|(name, year, month)| {
            Contractor {
                name,
                until: format!("{year}-{month:02}-28"),
                email: None,
                website: Some("https://contractor.example.org".to_owned()),
            }
        });
    let maintenance = prop_oneof![
        (
            proptest::sample::select(vec!["community", "internal"]),
            proptest::collection::vec(contact.clone(), 1..3)
        )
            .prop_map(|(t, c)| (t.to_owned(), Vec::new(), c)),
        (
            proptest::collection::vec(contractor, 1..3),
            proptest::collection::vec(contact.clone(), 0..2)
        )
            .prop_map(|(k, c)| ("contract".to_owned(), k, c)),
        proptest::collection::vec(contact, 0..2).prop_map(|c| ("none".to_owned(), Vec::new(), c)),
    ];
    let head = (
        versions,
        "[A-Z][a-z]{3,12}",
        "[a-z]{3,10}",
        proptest::option::of("[a-z]{3,10}".prop_map(|s| format!("https://{s}.example.org"))),
        proptest::option::of("[0-9]\\.[0-9]{1,2}"),
        proptest::option::of((2010u32..2030, 1u32..13, 1u32..29)),
        subset(vocab::PLATFORMS, 1, 3),
        subset(categories, 0, 3),
        proptest::collection::vec("[A-Z][a-z]{3,10}", 0..3),
        proptest::collection::vec(organisation(), 0..3),
        proptest::option::of(organisation()),
    );
    let body = (
        proptest::sample::select(vocab::DEVELOPMENT_STATUSES),
        proptest::sample::select(vocab::SOFTWARE_TYPES),
        subset(&["alias:gdpr", "alias:spid", "urn:iso:std:iso:27001"], 0, 2),
        proptest::option::of((
            subset(vocab::SCOPES, 0, 2),
            subset(&["DE", "IT", "FR"], 0, 2),
        )),
        proptest::collection::btree_map(proptest::sample::select(LANGS), description(), 1..3),
        proptest::sample::select(vec![
            "MIT",
            "EUPL-1.2",
            "AGPL-3.0-or-later",
            "Apache-2.0 OR MIT",
        ]),
        maintenance,
        any::<bool>(),
        subset(LANGS, 1, 3),
        proptest::option::of("[A-Z][a-z]{3,10}"),
    );
    (head, body).prop_map(
        |(
            (
                version,
                name,
                slug,
                landing,
                sv,
                date,
                platforms,
                categories,
                used_by,
                funded_by,
                organisation,
            ),
            (
                status,
                kind,
                supports,
                audience,
                description,
                license,
                (mtype, contractors, contacts),
                ready,
                langs,
                owner,
            ),
        )| {
            let doc = Document {
                version: version.as_str().to_owned(),
                name,
                url: format!("https://codeberg.org/stadt/{slug}.git"),
                landing_url: landing,
                software_version: sv,
                release_date: date.map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
                platforms,
                categories,
                used_by,
                funded_by,
                organisation,
                development_status: status.to_owned(),
                software_type: kind.to_owned(),
                supports,
                intended_audience: audience.map(|(scope, countries)| Audience {
                    scope,
                    countries,
                    unsupported_countries: Vec::new(),
                }),
                description: description
                    .into_iter()
                    .map(|(l, d)| (l.to_owned(), d))
                    .collect(),
                license: license.to_owned(),
                main_copyright_owner: owner,
                maintenance_type: mtype,
                contractors,
                contacts,
                localisation_ready: Some(ready),
                available_languages: langs,
                ..Document::default()
            };
            (doc, version)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A valid document written in its version, imported, exported in the same version and
    /// checked gives a valid file that says the same in every key the project keeps.
    #[test]
    fn generated_documents_round_trip((doc, version) in document()) {
        let text = publiccode::write(&doc, version);
        let written = publiccode::check(text.as_bytes(), "in.yml", &publiccode::Options::default());
        prop_assert!(written.is_valid(), "{text}\n{:#?}", written.diagnostics);
        let output = round_trip(text.as_bytes(), None, version);
        prop_assert!(output.is_valid(), "{:#?}", output.diagnostics);
        prop_assert_eq!(mapped(&output.document, version), mapped(&written.document, version));
    }

    /// Any project exports as a file the checker accepts, or is refused with fixes.
    #[test]
    fn generated_projects_export_valid_or_refused(
        seed in 0u64..1000,
        summary in "[A-Za-zäöü ,.]{0,200}",
        description in proptest::option::of("[A-Za-zäöü ,.]{0,400}"),
        ready in any::<bool>(),
        public_contact in any::<bool>(),
        version in proptest::sample::select(vec![Version::Current, Version::V0_4, Version::V0_2]),
    ) {
        let synth = digifarm_core::synth::catalog(seed, 3, 4, 4);
        let mut projects: Vec<Project> = synth.projects;
        for (i, p) in projects.iter_mut().enumerate() {
            if i == 0 {
                digifarm_core::synth::publiccode_ready(p);
            }
            if i == 1 {
                p.summary = LocalizedText::Plain(summary.clone());
                p.description = description.clone().map(LocalizedText::Plain);
                digifarm_core::synth::publiccode_ready(p);
                p.description = description.clone().map(LocalizedText::Plain);
                if let Some(s) = p.software.as_mut() {
                    s.localisation_ready = Some(ready);
                }
            }
            p.contacts = vec![Contact {
                name: "Erika Mustermann".to_owned(),
                role: None,
                email: Some("erika@example.org".to_owned()),
                phone: None,
                public: public_contact,
            }];
        }
        let catalog = Catalog::from_records(synth.config, projects, synth.partners, synth.offers);
        let options = Options { publiccode_version: version, ..Options::default() };
        let plan = export::publiccode::plan(&export::public_view(&catalog), &options);
        prop_assert_eq!(plan.files.len() + plan.refused.len(), catalog.projects.len());
        for file in &plan.files {
            let checked = publiccode::check(&file.bytes, &file.path, &publiccode::Options::default());
            prop_assert!(checked.is_valid(), "{}: {:#?}", file.path, checked.diagnostics);
            prop_assert_eq!(checked.version.map(Version::release), Some(version.release()));
            let text = String::from_utf8_lossy(&file.bytes);
            prop_assert!(!text.contains("erika@example.org") || public_contact, "private contact leaked");
        }
        for refusal in &plan.refused {
            prop_assert!(!refusal.fixes.is_empty());
            prop_assert!(refusal.fixes.iter().all(|f| f.contains(" — set ")), "{:?}", refusal.fixes);
        }
        // The first project was made ready: it is written.
        prop_assert!(plan.files.iter().any(|f| f.path.starts_with(&catalog.projects[0].id)));
    }
}

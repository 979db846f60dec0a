//! The DIGIFARM JSON importer on Münster's real launch data (fixture copied unchanged from
//! `od-ms/digifarm-search`, MIT, see `fixtures/digifarm-ms/LICENSE.md`) and on bad input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use digifarm_core::import::{Import, digifarm_json};
use digifarm_core::model::{
    Complexity, Lifecycle, LocalizedText, PartnerKind, Project, ProjectStatus,
};
use digifarm_core::{Diagnostic, Severity};

const MUENSTER: &str = include_str!("fixtures/digifarm-ms/digifarm.json");

fn muenster() -> Import {
    digifarm_json::import(MUENSTER.as_bytes(), "digifarm.json")
}

fn project<'a>(import: &'a Import, id: &str) -> &'a Project {
    import
        .projects
        .iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no project {id}"))
}

/// The need kinds of `project` that want help, in order.
fn help_wanted(project: &Project) -> Vec<&str> {
    project
        .needs
        .iter()
        .filter(|n| n.wants_help())
        .map(|n| n.kind.as_str())
        .collect()
}

fn find<'a>(import: &'a Import, code: &str, pointer: &str) -> &'a Diagnostic {
    import
        .diagnostics
        .iter()
        .find(|d| d.code == code && d.pointer == pointer)
        .unwrap_or_else(|| panic!("no {code} at {pointer}: {:#?}", import.diagnostics))
}

#[test]
fn imports_the_seven_launch_projects_with_their_ids() {
    let import = muenster();
    let ids: Vec<&str> = import.projects.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "data-inspire-me",
            "fair-city-guide-muenster",
            "giess-den-kiez",
            "klimaheroes",
            "meine-stadt-transparent",
            "rats-sitzplan",
            "schueler-geschichtswettbewerb-muenster",
        ]
    );
    assert!(
        import
            .projects
            .iter()
            .all(|p| p.lifecycle == Lifecycle::Admitted)
    );
    assert!(import.projects.iter().all(|p| p.needs.len() == 3));
}

#[test]
fn help_wanted_follows_the_empty_columns() {
    // Empty Inhalt/Technik/Sponsor cells in the data, i.e. the README's table plus the
    // projects whose help is given already.
    let import = muenster();
    let expected: [(&str, &[&str]); 7] = [
        ("data-inspire-me", &["content", "technical"]),
        ("fair-city-guide-muenster", &["financial"]),
        ("giess-den-kiez", &["technical"]),
        ("klimaheroes", &["content", "technical", "financial"]),
        ("meine-stadt-transparent", &["financial"]),
        ("rats-sitzplan", &[]),
        ("schueler-geschichtswettbewerb-muenster", &[]),
    ];
    for (id, kinds) in expected {
        assert_eq!(help_wanted(project(&import, id)), kinds, "{id}");
    }
    let mst = project(&import, "meine-stadt-transparent");
    let content: Vec<&str> = mst.needs[0]
        .supported_by
        .iter()
        .map(|r| r.partner.as_str())
        .collect();
    assert_eq!(content, ["amt-fuer-buerger-und-ratsservice", "citeq"]);
}

#[test]
fn maps_fields() {
    let import = muenster();
    let fcg = project(&import, "fair-city-guide-muenster");
    assert_eq!(fcg.name, "Fair City Guide Münster");
    // Trailing blank trimmed, surrounding quotes of the long description removed.
    assert!(matches!(&fcg.summary, LocalizedText::Plain(s) if s.ends_with("legen.")));
    assert!(matches!(&fcg.description, Some(LocalizedText::Plain(s))
        if s.starts_with("In Münster") && s.ends_with("machen.")));
    assert_eq!(fcg.admitted_on.unwrap().to_string(), "2022-02-01");
    assert_eq!(fcg.history[0].date.to_string(), "2022-02-01");
    let origin = fcg.origin.as_ref().unwrap();
    assert_eq!(origin.started.as_deref(), Some("2021-05"));
    assert_eq!(origin.community.as_deref(), Some("Münster Fair"));
    assert_eq!(fcg.complexity, Some(Complexity::High));
    assert_eq!(
        fcg.technologies,
        ["React", "React native", "Expo", "Java Spring", "Appstores"]
    );
    assert_eq!(
        fcg.links.source.as_deref(),
        Some("https://gitlab.com/timohaase/ftg-frontend")
    );
    // The remote preview image is reported, not imported: the portal never fetches images.
    assert!(fcg.image.is_none());
    assert!(
        import
            .diagnostics
            .iter()
            .any(|d| d.code == "import-unmapped"
                && d.pointer.ends_with("/Vorschaubild")
                && d.message.contains("muensters-fair.jpg"))
    );
    assert!(fcg.description.is_some());
    // No Langbeschreibung → no description.
    assert!(project(&import, "rats-sitzplan").description.is_none());
    let mst = project(&import, "meine-stadt-transparent");
    assert_eq!(
        mst.origin.as_ref().unwrap().started.as_deref(),
        Some("2017")
    );
    assert_eq!(
        project(&import, "giess-den-kiez").complexity,
        Some(Complexity::VeryHigh)
    );
}

#[test]
fn status_texts() {
    let import = muenster();
    assert_eq!(
        project(&import, "data-inspire-me").status,
        ProjectStatus::Live
    );
    assert_eq!(project(&import, "data-inspire-me").status_note, None);
    assert_eq!(
        project(&import, "klimaheroes").status,
        ProjectStatus::InDevelopment
    );
    let mst = project(&import, "meine-stadt-transparent");
    assert_eq!(mst.status, ProjectStatus::Broken);
    assert_eq!(
        mst.status_note,
        Some(LocalizedText::Plain("Probleme bei Datenanbindung".into()))
    );
    // Unknown text: conservative status, the text kept, and a diagnostic at the value.
    let gdk = project(&import, "giess-den-kiez");
    assert_eq!(gdk.status, ProjectStatus::InDevelopment);
    assert_eq!(
        gdk.status_note,
        Some(LocalizedText::Plain(
            "noch nicht für Münster verfügbar".into()
        ))
    );
    let d = find(&import, "status-unknown", "/2/Status");
    assert_eq!((d.line, d.column), (61, 15));
}

#[test]
fn licences_are_normalised_or_reported() {
    let import = muenster();
    let license = |id: &str| project(&import, id).license.as_str();
    assert_eq!(license("data-inspire-me"), "MIT");
    assert_eq!(license("giess-den-kiez"), "MIT");
    assert_eq!(license("meine-stadt-transparent"), "MIT");
    assert_eq!(license("rats-sitzplan"), "Apache-2.0");
    assert_eq!(license("fair-city-guide-muenster"), "GPL-3.0-only");
    assert_eq!(
        license("schueler-geschichtswettbewerb-muenster"),
        "GPL-3.0-only"
    );
    assert_eq!(license("klimaheroes"), "NOASSERTION");

    // "MIT License " → MIT is unambiguous and said so in the report.
    let d = find(&import, "license-normalized", "/2/Lizenz");
    assert_eq!(d.severity, Severity::Info);
    assert_eq!((d.line, d.column), (69, 15));
    assert!(d.message.contains("`MIT License `") && d.message.contains("`MIT`"));

    // "GPL v3" asks -only or -or-later, with both candidates in the help.
    let d = find(&import, "license-ambiguous", "/1/Lizenz");
    assert_eq!((d.line, d.column), (45, 15));
    let help = d.help.as_deref().unwrap();
    assert!(help.contains("`GPL-3.0-only`") && help.contains("`GPL-3.0-or-later`"));
    assert!(
        project(&import, "fair-city-guide-muenster")
            .license_note
            .as_deref()
            .unwrap()
            .contains("GPL v3")
    );

    // "--" is no licence: NOASSERTION and an error.
    let d = find(&import, "license-unknown", "/3/Lizenz");
    assert_eq!(d.severity, Severity::Error);
    assert_eq!((d.line, d.column), (93, 15));
    assert!(d.help.as_deref().unwrap().contains("license.pending"));
    assert!(import.has_errors());
    let errors: Vec<_> = import.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
}

#[test]
fn partners_and_their_kinds() {
    let import = muenster();
    let kind = |id: &str| {
        import
            .partners
            .iter()
            .find(|p| p.id == id)
            .unwrap_or_else(|| panic!("no partner {id}"))
            .kind
    };
    assert_eq!(kind("stadtarchiv-muenster"), PartnerKind::PublicBody);
    assert_eq!(kind("gruenflaechenamt"), PartnerKind::PublicBody);
    assert_eq!(
        kind("amt-fuer-buerger-und-ratsservice"),
        PartnerKind::PublicBody
    );
    assert_eq!(kind("stadtbaumfreunde-e-v"), PartnerKind::Association);
    assert_eq!(
        kind("institut-fuer-didaktik-der-geschichte"),
        PartnerKind::Academic
    );
    assert_eq!(kind("github-ubergesundheit"), PartnerKind::Individual);
    assert_eq!(kind("gitlab-timohaase"), PartnerKind::Individual);
    assert_eq!(kind("github"), PartnerKind::Company);
    assert_eq!(kind("gitlab"), PartnerKind::Company);
    // Not clear from the text: reported, with the careful default.
    for (id, pointer) in [
        ("citeq", "/4/Inhalt"),
        ("codeformuenster", "/6/Technik"),
        ("joerg-rosteck", "/5/Inhalt"),
        ("muensterfair", "/1/Inhalt"),
    ] {
        assert_eq!(kind(id), PartnerKind::Individual);
        let d = find(&import, "partner-kind-unknown", pointer);
        assert!(d.message.contains("not recognisable"), "{id}");
    }
    // Every supporter reference resolves, and every partner is referenced.
    let ids: Vec<&str> = import.partners.iter().map(|p| p.id.as_str()).collect();
    let mut referenced: Vec<&str> = import
        .projects
        .iter()
        .flat_map(|p| &p.needs)
        .flat_map(|n| &n.supported_by)
        .map(|r| r.partner.as_str())
        .collect();
    referenced.sort_unstable();
    referenced.dedup();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(referenced, sorted);
    assert_eq!(ids.len(), 14);
}

#[test]
fn imported_records_serialise_to_yaml() {
    for p in &muenster().projects {
        let yaml = digifarm_core::yaml_emit::to_string(p).unwrap();
        assert!(yaml.starts_with(&format!("id: {}\n", p.id)));
    }
}

fn import_str(text: &str) -> Import {
    digifarm_json::import(text.as_bytes(), "in.json")
}

fn only_codes(import: &Import) -> Vec<&str> {
    import.diagnostics.iter().map(|d| d.code.as_ref()).collect()
}

#[test]
fn bad_input_gives_diagnostics_not_panics() {
    let i = import_str("");
    assert_eq!(only_codes(&i), ["empty-file"]);
    let i = import_str("  \n ");
    assert_eq!(only_codes(&i), ["empty-file"]);

    let i = digifarm_json::import(b"[{\"Name\": \"a\xff\"}]", "in.json");
    assert_eq!(only_codes(&i), ["invalid-utf8"]);
    assert_eq!((i.diagnostics[0].line, i.diagnostics[0].column), (1, 13));
    assert!(i.projects.is_empty());

    let i = import_str("[\n  {\"Name\": \"x\",}\n]");
    assert_eq!(only_codes(&i), ["json-syntax"]);
    assert_eq!((i.diagnostics[0].line, i.diagnostics[0].column), (2, 16));

    let i = import_str("not json");
    assert_eq!(only_codes(&i), ["json-syntax"]);

    let i = import_str(&"[".repeat(10_000));
    assert_eq!(only_codes(&i), ["too-deep"]);

    let i = import_str("{\"Name\": \"x\"}");
    assert_eq!(only_codes(&i), ["wrong-type"]);
    assert!(i.diagnostics[0].message.contains("found object"));

    let i = import_str("[]");
    assert!(i.projects.is_empty() && i.diagnostics.is_empty());
}

#[test]
fn wrong_types_and_missing_keys() {
    let text = r#"[
  42,
  {"Kurzbeschreibung": "ohne Namen"},
  {"Name": "Ohne Kurzbeschreibung"},
  {"Name": "Typen", "Kurzbeschreibung": "x", "Status": 3, "Lizenz": ["MIT"],
   "Inhalt": null, "Projektstart": 2019, "Digifarm-Projekt": true, "Technik": {"a": 1}}
]"#;
    let i = import_str(text);
    assert_eq!(i.projects.len(), 1);
    let p = &i.projects[0];
    assert_eq!(p.id, "typen");
    assert_eq!(p.origin.as_ref().unwrap().started.as_deref(), Some("2019"));
    assert_eq!(p.license, "NOASSERTION");
    assert_eq!(p.status, ProjectStatus::InDevelopment);
    assert_eq!(help_wanted(p), ["content", "technical", "financial"]);
    let d = find(&i, "wrong-type", "/0");
    assert_eq!((d.line, d.column), (2, 3));
    let d = find(&i, "missing-field", "/1");
    assert!(d.message.contains("`Name`"));
    find(&i, "missing-field", "/2");
    let d = find(&i, "wrong-type", "/3/Status");
    assert_eq!((d.line, d.column), (5, 56));
    find(&i, "wrong-type", "/3/Lizenz");
    find(&i, "wrong-type", "/3/Technik");
    find(&i, "license-unknown", "/3/Lizenz");
    find(&i, "status-unknown", "/3");
    assert!(i.has_errors());
}

#[test]
fn unknown_and_duplicate_keys_are_reported() {
    let text = r#"[{"Name": "A", "Kurzbeschreibung": "x", "Status": "Live", "Lizenz": "MIT",
  "Ansprechpartner": "Frau X", "lizenz": "MIT", "Name": "B"}]"#;
    let i = import_str(text);
    assert_eq!(i.projects[0].id, "b");
    let d = find(&i, "import-unmapped", "/0/Ansprechpartner");
    assert_eq!((d.line, d.column), (2, 3));
    let d = find(&i, "import-unmapped", "/0/lizenz");
    assert_eq!(d.help.as_deref(), Some("did you mean `Lizenz`?"));
    find(&i, "duplicate-key", "/0/Name");
}

#[test]
fn odd_values() {
    let text = r#"[
{"Name": "Gleich", "Kurzbeschreibung": "x", "Status": "Live", "Lizenz": "mit",
 "Aufnahmedatum": "31.02.2022", "Projektstart": "13/2020", "Komplexität": "extrem",
 "Projekt-Url": "www.example.org", "Inhalt": "Müller GmbH; Verein der Freunde e. V.",
 "Technik": "https://example.org/team", "Sponsor": "!!!", "Kollaborationsplattform": "Codeberg"},
{"Name": "Gleich", "Kurzbeschreibung": "y", "Status": "Idee", "Lizenz": "GPLv2",
 "Digifarm-Projekt": "vielleicht"}
]"#;
    let i = import_str(text);
    let ids: Vec<&str> = i.projects.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["gleich", "gleich-2"]);
    find(&i, "duplicate-id", "/1/Name");
    let first = &i.projects[0];
    assert_eq!(first.license, "MIT");
    find(&i, "license-normalized", "/0/Lizenz");
    assert!(first.admitted_on.is_none() && first.history.is_empty());
    find(&i, "import-unmapped", "/0/Aufnahmedatum");
    find(&i, "import-unmapped", "/0/Projektstart");
    find(&i, "import-unmapped", "/0/Komplexität");
    find(&i, "import-unmapped", "/0/Projekt-Url");
    find(&i, "import-unmapped", "/0/Kollaborationsplattform");
    assert!(first.links.homepage.is_none());
    let partners: Vec<(&str, PartnerKind)> =
        i.partners.iter().map(|p| (p.id.as_str(), p.kind)).collect();
    assert_eq!(
        partners,
        [
            ("mueller-gmbh", PartnerKind::Company),
            ("verein-der-freunde-e-v", PartnerKind::Association),
            ("example-team", PartnerKind::Individual),
            ("partner-4", PartnerKind::Individual),
        ]
    );
    find(&i, "import-unmapped", "/0/Sponsor");
    let second = &i.projects[1];
    assert_eq!(second.status, ProjectStatus::Idea);
    assert_eq!(second.license, "GPL-2.0-only");
    find(&i, "license-ambiguous", "/1/Lizenz");
    find(&i, "import-unmapped", "/1/Digifarm-Projekt");
}

#[test]
fn starter_config_parses_and_lists_categories() {
    let text = muenster().starter_config();
    let config: digifarm_core::model::CityConfig = toml::from_str(&text).unwrap();
    assert_eq!(
        config.categories,
        ["Unterhaltung", "Freizeit", "Umwelt", "Politik", "Bildung"]
    );
    assert_eq!(config.city.languages, ["de", "en"]);
    assert_eq!(config.city.name, "");
}

mod fuzz {
    use super::*;
    use digifarm_core::schema::{SchemaKind, json_schema};
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i32>().prop_map(serde_json::Value::from),
            "\\PC{0,20}".prop_map(serde_json::Value::String),
            prop::sample::select(vec![
                "",
                "--",
                "GPL v3",
                "MIT License ",
                "e.V.",
                "https://github.com/x",
                "https://",
                "10/2021",
                "31.12.2021",
                "Live",
                ",,",
                "sehr hoch"
            ])
            .prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(3, 32, 6, |inner| {
            let keys = prop::sample::select(digifarm_json::COLUMNS.to_vec())
                .prop_map(str::to_owned)
                .boxed()
                .prop_union("\\PC{0,6}".boxed());
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
                prop::collection::vec((keys, inner), 0..8)
                    .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    static SCHEMAS: std::sync::LazyLock<(jsonschema::Validator, jsonschema::Validator)> =
        std::sync::LazyLock::new(|| {
            (
                jsonschema::draft202012::new(&json_schema(SchemaKind::Project)).unwrap(),
                jsonschema::draft202012::new(&json_schema(SchemaKind::Partner)).unwrap(),
            )
        });

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let _ = digifarm_json::import(&bytes, "fuzz.json");
        }

        #[test]
        fn arbitrary_json_never_panics_and_records_are_schema_valid(
            items in prop::collection::vec(value(), 0..4)
        ) {
            let text = serde_json::to_string_pretty(&serde_json::Value::Array(items)).unwrap();
            let import = digifarm_json::import(text.as_bytes(), "fuzz.json");
            for d in &import.diagnostics {
                prop_assert!(d.line >= 1 && d.column >= 1, "{d:?}");
            }
            let (project_schema, partner_schema) = &*SCHEMAS;
            for p in &import.projects {
                let value = serde_json::to_value(p).unwrap();
                prop_assert!(project_schema.is_valid(&value), "{value:#}");
                digifarm_core::yaml_emit::to_string(p).unwrap();
            }
            for p in &import.partners {
                let value = serde_json::to_value(p).unwrap();
                prop_assert!(partner_schema.is_valid(&value), "{value:#}");
            }
        }
    }
}

#[test]
fn overlong_name_is_reported() {
    let name = "Sehr langer Name ".repeat(20);
    let text = format!(
        r#"[{{"Name": "{name}", "Kurzbeschreibung": "x", "Status": "Live", "Lizenz": "MIT"}}]"#
    );
    let i = import_str(&text);
    assert_eq!(i.projects.len(), 1);
    assert!(i.projects[0].id.len() <= 80);
    let d = find(&i, "invalid-format", "/0/Name");
    assert!(d.is_error());
}

//! Importers for publiccode.yml and civic.json: mapping, round trip with the publiccode
//! export, and bad input reported with line and column.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use digifarm_core::catalog::Catalog;
use digifarm_core::export::{self, Format, Options};
use digifarm_core::import::{civic_json, publiccode};
use digifarm_core::model::{LocalizedText, ProjectStatus};
use digifarm_core::{Diagnostic, Severity};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/publiccode")
            .join(name),
    )
    .unwrap()
}

fn find<'a>(diags: &'a [Diagnostic], code: &str, pointer: &str) -> &'a Diagnostic {
    diags
        .iter()
        .find(|d| d.code == code && d.pointer == pointer)
        .unwrap_or_else(|| panic!("no {code} at {pointer} in {diags:#?}"))
}

fn pc(name: &str) -> digifarm_core::import::Import {
    publiccode::import(&fixture(name), name, &publiccode::Options::default())
}

#[test]
fn publiccode_maps_the_shared_fields() {
    let imported = pc("valid.yml");
    assert!(!imported.has_errors(), "{:#?}", imported.diagnostics);
    let p = &imported.projects[0];
    assert_eq!(p.id, "giess-den-kiez");
    assert_eq!(p.name, "Gieß den Kiez");
    assert_eq!(
        p.links.source.as_deref(),
        Some("https://github.com/technologiestiftung/giessdenkiez-de")
    );
    assert_eq!(
        p.links.homepage.as_deref(),
        Some("https://www.giessdenkiez.de/")
    );
    assert_eq!(
        p.summary.get("en", "de"),
        Some("Water the city's trees together.")
    );
    assert_eq!(
        p.summary.get("de", "de"),
        Some("Stadtbäume gemeinsam gießen.")
    );
    assert_eq!(p.license, "MIT");
    assert_eq!(p.status, ProjectStatus::Live);
    assert_eq!(p.categories, ["geographic-information-systems"]);
    assert_eq!(p.deployment.as_ref().unwrap().cities, ["Berlin", "Leipzig"]);
    // Contacts are imported, and private.
    assert_eq!(p.contacts.len(), 1);
    assert!(!p.contacts[0].public);
    // fundedBy becomes a partner supporting a financial need.
    assert_eq!(imported.partners.len(), 1);
    let financial = p.needs.iter().find(|n| n.kind == "financial").unwrap();
    assert_eq!(financial.supported_by[0].partner, imported.partners[0].id);
    // What has no place is reported, not dropped silently.
    for pointer in [
        "/legal/mainCopyrightOwner",
        "/it",
        "/description/de/features",
        "/platforms",
    ] {
        find(&imported.diagnostics, "import-unmapped", pointer);
    }
    let it = find(&imported.diagnostics, "import-unmapped", "/it");
    assert_eq!((it.line, it.column), (40, 1));
}

#[test]
fn publiccode_export_refuses_projects_without_a_source_repository() {
    let s = digifarm_core::synth::catalog(5, 6, 2, 2);
    let mut projects = s.projects;
    projects[1].links.source = None;
    projects[4].links.source = Some("  ".into());
    let (a, b) = (projects[1].id.clone(), projects[4].id.clone());
    let catalog = Catalog::from_records(s.config, projects, s.partners, s.offers);
    let err = export::render(&catalog, Format::Publiccode, &Options::default()).unwrap_err();
    assert_eq!(
        err,
        export::Error::SourceMissing(vec![a.clone(), b.clone()])
    );
    assert_eq!(
        err.to_string(),
        format!(
            "publiccode.yml requires the source repository (`url`); no `links.source` in: {a}, {b}. Add it, or export another format"
        )
    );
}

#[test]
fn catalog_to_publiccode_to_project_keeps_shared_fields() {
    let s = digifarm_core::synth::catalog(5, 60, 8, 12);
    let catalog = Catalog::from_records(s.config, s.projects, s.partners, s.offers);
    let files = export::render(&catalog, Format::Publiccode, &Options::default()).unwrap();
    assert_eq!(files.len(), catalog.projects.len());
    let dl = catalog.config.default_language();
    let mut checked_status = 0;
    for (original, file) in catalog.projects.iter().zip(&files) {
        assert_eq!(file.path, format!("{}/publiccode.yml", original.id));
        let imported = publiccode::import(&file.bytes, &file.path, &publiccode::Options::default());
        assert!(
            !imported.has_errors(),
            "{}: {:#?}",
            original.id,
            imported.diagnostics
        );
        let back = &imported.projects[0];
        assert_eq!(back.name, original.name);
        assert_eq!(back.links.source, original.links.source);
        assert_eq!(back.links.homepage, original.links.homepage);
        assert_eq!(back.license, original.license);
        for lang in ["de", "en"] {
            assert_eq!(
                back.summary.get(lang, dl),
                original.summary.get(lang, dl),
                "{}",
                original.id
            );
            assert_eq!(
                back.description.as_ref().and_then(|d| d.get(lang, dl)),
                original
                    .description
                    .as_ref()
                    .and_then(|d| d.get(lang, dl))
                    .map(str::trim_end),
            );
        }
        if matches!(
            original.status,
            ProjectStatus::Idea
                | ProjectStatus::InDevelopment
                | ProjectStatus::Live
                | ProjectStatus::Archived
        ) {
            assert_eq!(back.status, original.status);
            checked_status += 1;
        }
        let vocabulary: Vec<&String> = original
            .categories
            .iter()
            .filter(|c| export::publiccode::CATEGORIES.contains(&c.as_str()))
            .collect();
        assert_eq!(back.categories.iter().collect::<Vec<_>>(), vocabulary);
        // Financial supporters come back as fundedBy partners with the same names.
        let funders: Vec<&str> = original
            .needs
            .iter()
            .filter(|n| n.kind == "financial")
            .flat_map(|n| &n.supported_by)
            .map(|r| {
                catalog
                    .partners
                    .iter()
                    .find(|p| p.id == r.partner)
                    .unwrap()
                    .name
                    .as_str()
            })
            .collect();
        let back_funders: Vec<&str> = back
            .needs
            .iter()
            .filter(|n| n.kind == "financial")
            .flat_map(|n| &n.supported_by)
            .map(|r| {
                imported
                    .partners
                    .iter()
                    .find(|p| p.id == r.partner)
                    .unwrap()
                    .name
                    .as_str()
            })
            .collect();
        assert_eq!(back_funders, funders, "{}", original.id);
    }
    assert!(checked_status > 10);
}

#[test]
fn publiccode_wrong_types() {
    let d = pc("wrong-types.yml").diagnostics;
    let version = find(&d, "wrong-type", "/publiccodeYmlVersion");
    assert_eq!((version.line, version.column), (1, 1));
    assert_eq!(version.help.as_deref(), Some("quote it: \"0.4\""));
    let platforms = find(&d, "wrong-type", "/platforms");
    assert_eq!((platforms.line, platforms.column), (4, 1));
    let short = find(&d, "wrong-type", "/description/en/shortDescription");
    assert_eq!((short.line, short.column), (9, 5));
    assert!(short.message.contains("expected a string, found a list"));
}

#[test]
fn publiccode_unknown_keys() {
    let imported = pc("unknown-keys.yml");
    let d = &imported.diagnostics;
    let top = find(d, "unknown-field", "/descripton");
    assert_eq!((top.line, top.column), (7, 1));
    assert_eq!(top.help.as_deref(), Some("did you mean `description`?"));
    let nested = find(d, "unknown-field", "/description/en/longDescriptoin");
    assert_eq!((nested.line, nested.column), (13, 5));
    assert_eq!(
        nested.help.as_deref(),
        Some("did you mean `longDescription`?")
    );
    let status = find(d, "invalid-value", "/developmentStatus");
    assert_eq!((status.line, status.column), (5, 1));
    assert_eq!(status.help.as_deref(), Some("did you mean `stable`?"));
    assert!(imported.has_errors());
}

#[test]
fn publiccode_yaml11_booleans() {
    let d = pc("yaml11-booleans.yml").diagnostics;
    let b = find(&d, "yaml11-boolean", "/localisation/localisationReady");
    assert_eq!((b.line, b.column), (15, 3));
    assert_eq!(b.severity, Severity::Error);
    assert_eq!(
        b.help.as_deref(),
        Some("`yes` is a boolean only in YAML 1.1; write `true`")
    );
}

#[test]
fn publiccode_missing_mandatory_keys() {
    let imported = pc("missing-keys.yml");
    let d = &imported.diagnostics;
    for key in ["url", "softwareType", "legal"] {
        let m = d
            .iter()
            .find(|x| x.code == "missing-field" && x.message.contains(&format!("`{key}`")))
            .unwrap_or_else(|| panic!("{key}: {d:#?}"));
        assert_eq!(m.line, 1);
    }
    let short = find(d, "missing-field", "/description/en");
    assert_eq!((short.line, short.column), (6, 3));
    let ready = d
        .iter()
        .find(|x| x.pointer == "/localisation" && x.message.contains("localisationReady"))
        .unwrap();
    assert_eq!((ready.line, ready.column), (10, 1));
    assert!(imported.projects.is_empty(), "no summary, no project");
}

#[test]
fn publiccode_syntax_error_has_a_position() {
    let d = pc("syntax.yml").diagnostics;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "yaml-syntax");
    assert!(d[0].line >= 5, "{:?}", d[0]);
}

#[test]
fn publiccode_never_panics_on_odd_input() {
    for input in [
        "",
        "[]",
        "null",
        "- a\n- b\n",
        "name: x\n---\nname: y\n",
        "\u{feff}name: 1\n",
        "a: &x [*x]\n",
    ] {
        let imported =
            publiccode::import(input.as_bytes(), "odd.yml", &publiccode::Options::default());
        assert!(imported.projects.is_empty());
        assert!(imported.has_errors(), "{input:?}");
    }
    let imported = publiccode::import(
        b"name: \xff\n",
        "bytes.yml",
        &publiccode::Options::default(),
    );
    assert_eq!(imported.diagnostics[0].code, "invalid-utf8");
}

const CIVIC: &str = r#"{
  "name": "Heat Seek",
  "description": "Sensors that document heating violations in rented flats.",
  "status": "Beta",
  "type": "Web App",
  "homepage": "https://heatseek.org/",
  "repository": "https://github.com/heatseeknyc/heatseeknyc",
  "license": "MIT",
  "geography": "New York, NY",
  "contact": {"name": "Jane Doe", "email": "jane@example.org"},
  "partners": [{"name": "BetaNYC", "url": "https://beta.nyc/"}],
  "needs": [{"need": "Developers"}, {"need": "Designers"}, "Funding for sensors", "Love"],
  "tags": ["housing", "sensors"],
  "thumbnail": "https://example.org/t.png"
}"#;

#[test]
fn civic_json_maps_needs_partners_and_licence() {
    let imported = civic_json::import(CIVIC.as_bytes(), "civic.json");
    assert!(!imported.has_errors(), "{:#?}", imported.diagnostics);
    let p = &imported.projects[0];
    assert_eq!(p.id, "heat-seek");
    assert_eq!(p.status, ProjectStatus::InDevelopment);
    assert_eq!(p.license, "MIT");
    assert_eq!(
        p.links.source.as_deref(),
        Some("https://github.com/heatseeknyc/heatseeknyc")
    );
    let kinds: Vec<&str> = p.needs.iter().map(|n| n.kind.as_str()).collect();
    assert_eq!(kinds, ["technical", "content", "financial", "technical"]);
    assert!(p.needs.iter().all(|n| n.wants_help()));
    assert_eq!(p.categories, ["housing", "sensors"]);
    assert_eq!(p.contacts[0].email.as_deref(), Some("jane@example.org"));
    assert!(!p.contacts[0].public);
    assert_eq!(imported.partners[0].id, "betanyc");
    assert_eq!(
        p.summary,
        LocalizedText::Plain("Sensors that document heating violations in rented flats.".into())
    );
    // "Love" is not classifiable and the thumbnail has no place: both reported.
    let love = find(&imported.diagnostics, "import-unmapped", "/needs/3");
    assert_eq!((love.line, love.column), (12, 83));
    let thumb = find(&imported.diagnostics, "import-unmapped", "/thumbnail");
    assert_eq!((thumb.line, thumb.column), (14, 3));
}

#[test]
fn civic_json_bad_input() {
    let imported = civic_json::import(
        br#"[{"name": 5, "description": "x"}, {"description": "y"}, 3]"#,
        "c.json",
    );
    let d = &imported.diagnostics;
    let t = find(d, "wrong-type", "/0/name");
    assert_eq!((t.line, t.column), (1, 3));
    find(d, "missing-field", "/1");
    find(d, "wrong-type", "/2");
    assert!(imported.projects.is_empty());
    let syntax = civic_json::import(b"{\n  \"name\": \"x\",\n}", "s.json");
    assert_eq!(syntax.diagnostics[0].code, "json-syntax");
    assert_eq!(syntax.diagnostics[0].line, 3);
}

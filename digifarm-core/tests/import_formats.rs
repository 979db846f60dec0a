//! Importers for civic.json (mapping, bad input with line and column) and publiccode.yml on
//! odd input; the publiccode.yml rules and round trip are in `publiccode*.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use digifarm_core::Diagnostic;
use digifarm_core::import::{civic_json, publiccode};
use digifarm_core::model::{LocalizedText, ProjectStatus};

fn find<'a>(diags: &'a [Diagnostic], code: &str, pointer: &str) -> &'a Diagnostic {
    diags
        .iter()
        .find(|d| d.code == code && d.pointer == pointer)
        .unwrap_or_else(|| panic!("no {code} at {pointer} in {diags:#?}"))
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

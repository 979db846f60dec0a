//! Exports: privacy (no contact data leaves without `include_private`), round trips through
//! JSON and JSON Lines, CSV dialects, HTML escaping and self-containment, and the atomic
//! writer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use digifarm_core::catalog::{self, Catalog, LoadOptions};
use digifarm_core::export::{self, CsvDialect, Format, Options, WriteError, WriteOptions};
use digifarm_core::model::{Contact, LocalizedText};

const MARKER: &str = "PRIVATE-7f3a9c";

fn synth(n: usize) -> Catalog {
    let s = digifarm_core::synth::catalog(11, n, 6, 10);
    Catalog::from_records(s.config, s.projects, s.partners, s.offers)
}

fn contact(i: usize) -> Contact {
    Contact {
        name: format!("{MARKER} name {i}"),
        role: Some(format!("{MARKER} role")),
        email: Some(format!("{MARKER}-{i}@example.org")),
        phone: Some(format!("+49 {MARKER} {i}")),
        public: false,
    }
}

/// A catalog whose every project and partner has contacts with the marker in every field, and
/// whose projects have attestations naming a person.
fn with_contacts() -> Catalog {
    let mut c = synth(20);
    for (i, p) in c.projects.iter_mut().enumerate() {
        p.contacts = vec![contact(i), contact(i + 1000)];
        p.attestations = vec![digifarm_core::model::Attestation {
            criterion: "gdpr".to_owned(),
            by: format!("{MARKER} proposer {i}"),
            date: digifarm_core::synth::REFERENCE_DATE,
        }];
    }
    for (i, p) in c.partners.iter_mut().enumerate() {
        p.contacts = vec![contact(i + 2000)];
    }
    c
}

fn contains(files: &[export::File], needle: &str) -> bool {
    files
        .iter()
        .any(|f| String::from_utf8_lossy(&f.bytes).contains(needle))
}

#[test]
fn public_exports_carry_no_contact_data() {
    let c = with_contacts();
    for format in Format::ALL {
        for lang in [None, Some("en".to_owned())] {
            for dialect in [CsvDialect::Excel, CsvDialect::Rfc4180] {
                let options = Options {
                    lang: lang.clone(),
                    csv_dialect: dialect,
                    ..Options::default()
                };
                let files = export::render(&c, format, &options).unwrap();
                assert!(!files.is_empty(), "{format} wrote nothing");
                assert!(!contains(&files, MARKER), "{format} leaks contact data");
                assert!(
                    !contains(&files, "@example.org"),
                    "{format} leaks an e-mail"
                );
            }
        }
    }
}

#[test]
fn private_data_only_on_request_and_never_for_the_web_formats() {
    let c = with_contacts();
    let private = Options {
        include_private: true,
        ..Options::default()
    };
    for format in [Format::Json, Format::Jsonl, Format::Csv, Format::Publiccode] {
        let files = export::render(&c, format, &private).unwrap();
        assert!(
            contains(&files, MARKER),
            "{format} drops contacts asked for"
        );
    }
    for format in [Format::Html, Format::Atom, Format::Jsonld] {
        let err = export::render(&c, format, &private).unwrap_err();
        assert!(matches!(err, export::Error::PrivateRefused(f) if f == format));
    }
}

fn round_trip(format: Format) {
    let original = with_contacts();
    let options = Options {
        include_private: true,
        ..Options::default()
    };
    let files = export::render(&original, format, &options).unwrap();
    let dir = tempfile::tempdir().unwrap();
    export::write(&files, dir.path(), &WriteOptions::default()).unwrap();
    let loaded = catalog::load(dir.path(), &LoadOptions::default()).unwrap();
    assert!(
        loaded.diagnostics.is_empty(),
        "{format}: {:?}",
        loaded.diagnostics
    );
    let back = loaded.catalog;
    assert_eq!(back.config, original.config, "{format}: config");
    assert_eq!(back.projects, original.projects, "{format}: projects");
    assert_eq!(back.partners, original.partners, "{format}: partners");
    assert_eq!(back.offers, original.offers, "{format}: offers");
    let report = digifarm_core::validate::validate(&back, digifarm_core::synth::REFERENCE_DATE);
    assert!(report.iter().all(|d| !d.is_error()), "{format}: {report:?}");
}

#[test]
fn catalog_json_catalog_is_lossless() {
    round_trip(Format::Json);
}

#[test]
fn catalog_jsonl_catalog_is_lossless() {
    round_trip(Format::Jsonl);
}

#[test]
fn csv_dialects() {
    let mut c = synth(3);
    c.projects[0].name = "Semi; \"quoted\"".to_owned();
    c.projects[0].summary = LocalizedText::Plain("=HYPERLINK(\"x\")\nline two".to_owned());
    let excel = export::render(&c, Format::Csv, &Options::default()).unwrap();
    let names: Vec<&str> = excel.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        names,
        ["projects.csv", "needs.csv", "partners.csv", "offers.csv"]
    );
    let text = String::from_utf8(excel[0].bytes.clone()).unwrap();
    assert!(text.starts_with("\u{feff}id;name;summary;"));
    assert!(text.contains("\"Semi; \"\"quoted\"\"\""));
    // Excel would run this as a formula: it is neutralised.
    assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\nline two\""));
    assert!(text.ends_with("\r\n"));

    let options = Options {
        csv_dialect: CsvDialect::Rfc4180,
        ..Options::default()
    };
    let plain = export::render(&c, Format::Csv, &options).unwrap();
    let text = String::from_utf8(plain[0].bytes.clone()).unwrap();
    assert!(text.starts_with("id,name,summary,"));
    assert!(text.contains("\"=HYPERLINK(\"\"x\"\")\nline two\""));
    // Every record has as many cells as the header.
    let header_cells = text.lines().next().unwrap().split(',').count();
    assert_eq!(header_cells, 26);
}

#[test]
fn html_is_escaped_and_self_contained() {
    let mut c = synth(5);
    c.projects[0].name = "<script>alert(1)</script>".to_owned();
    c.projects[0].links.homepage = Some("javascript:alert(1)".to_owned());
    let files = export::render(&c, Format::Html, &Options::default()).unwrap();
    for f in &files {
        let text = String::from_utf8(f.bytes.clone()).unwrap();
        assert!(!text.contains("<script>alert"), "{} is not escaped", f.path);
        assert!(!text.contains("href=\"javascript:"), "{}", f.path);
        for external in [
            "<script src",
            "<img",
            "@import",
            "url(",
            "src=\"http",
            "href=\"//",
        ] {
            assert!(!text.contains(external), "{} loads {external}", f.path);
        }
        // The only stylesheet is the site's own, by a relative path.
        for (i, _) in text.match_indices("<link rel=\"stylesheet\"") {
            assert!(
                text[i..].starts_with("<link rel=\"stylesheet\" href=\"../"),
                "{}",
                f.path
            );
        }
    }
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for expected in [
        "index.html",
        "embed.html",
        "en/index.html",
        "en/embed.html",
        "style.css",
        "sitemap.xml",
    ] {
        assert!(paths.contains(&expected), "{expected} missing");
    }
    let profiles = paths.iter().filter(|p| p.contains("projects/")).count();
    assert_eq!(profiles, 2 * c.projects.len());
    let index = String::from_utf8(files[0].bytes.clone()).unwrap();
    assert!(index.starts_with("<!doctype html>\n<html lang=\"de\">"));
    let en = export::render(
        &c,
        Format::Html,
        &Options {
            lang: Some("en".to_owned()),
            ..Options::default()
        },
    )
    .unwrap();
    assert!(String::from_utf8_lossy(&en[0].bytes).contains("<html lang=\"en\">"));
    assert!(en.iter().any(|f| f.path == "de/index.html"));
}

#[test]
fn profile_pages_have_three_support_boxes() {
    let c = synth(10);
    let files = export::render(&c, Format::Html, &Options::default()).unwrap();
    for p in &c.projects {
        let page = files
            .iter()
            .find(|f| f.path == format!("projects/{}.html", p.id))
            .unwrap();
        let text = String::from_utf8_lossy(&page.bytes);
        for kind in ["content", "technical", "financial"] {
            assert!(
                text.contains(&format!("data-kind=\"{kind}\" aria-labelledby")),
                "{}: no {kind} box",
                p.id
            );
        }
        for n in &p.needs {
            let class = if n.wants_help() {
                "wanted"
            } else {
                "supported"
            };
            if n.wants_help() || !p.needs.iter().any(|m| m.kind == n.kind && m.wants_help()) {
                assert!(
                    text.contains(&format!("support-box {class}\" data-kind=\"{}\"", n.kind)),
                    "{}: {} box should be {class}",
                    p.id,
                    n.kind
                );
            }
        }
    }
}

#[test]
fn writer_is_atomic_and_careful() {
    let c = synth(3);
    let files = export::render(&c, Format::Json, &Options::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    export::write(&files, &out, &WriteOptions::default()).unwrap();
    // Non-empty directory: refused without force, done with it.
    let err = export::write(&files, &out, &WriteOptions::default()).unwrap_err();
    assert!(matches!(err, WriteError::NotEmpty(_)));
    export::write(&files, &out, &WriteOptions { force: true }).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "digifarm.toml",
            "offers.json",
            "partners.json",
            "projects.json"
        ],
        "no temporary files are left behind"
    );
    // Nor staging directories next to the output.
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("digifarm-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // An existing empty directory is filled the same way.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    export::write(&files, &empty, &WriteOptions::default()).unwrap();
    assert!(empty.join("projects.json").is_file());
    // A single-file export to a file name.
    let atom = export::render(&c, Format::Atom, &Options::default()).unwrap();
    let feed = dir.path().join("feed/help.atom");
    export::write(&atom, &feed, &WriteOptions::default()).unwrap();
    assert!(std::fs::read_to_string(&feed).unwrap().contains("<feed"));
    assert!(matches!(
        export::write(&atom, &feed, &WriteOptions::default()).unwrap_err(),
        WriteError::Exists(_)
    ));
    // Several files cannot go to a file.
    assert!(matches!(
        export::write(&files, &feed, &WriteOptions { force: true }).unwrap_err(),
        WriteError::NotADirectory(_)
    ));
    // Paths that leave the output directory are refused.
    let evil = vec![export::File {
        path: "../escape.txt".to_owned(),
        bytes: b"x".to_vec(),
    }];
    assert!(matches!(
        export::write(&evil, &dir.path().join("x"), &WriteOptions::default()).unwrap_err(),
        WriteError::UnsafePath(_)
    ));
    assert!(!dir.path().join("escape.txt").exists());
}

#[test]
fn atom_lists_exactly_the_needs_that_want_help() {
    let c = synth(30);
    let files = export::render(&c, Format::Atom, &Options::default()).unwrap();
    let text = String::from_utf8(files[0].bytes.clone()).unwrap();
    let wanted: usize = c
        .projects
        .iter()
        .map(|p| p.needs.iter().filter(|n| n.wants_help()).count())
        .sum();
    assert!(wanted > 0);
    assert_eq!(text.matches("<entry>").count(), wanted);
    // Deterministic: the same catalog gives the same bytes.
    let again = export::render(&c, Format::Atom, &Options::default()).unwrap();
    assert_eq!(files, again);
}

#[test]
fn jsonld_is_schema_org() {
    let c = synth(4);
    let files = export::render(&c, Format::Jsonld, &Options::default()).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&files[0].bytes).unwrap();
    assert_eq!(doc["@context"], "https://schema.org");
    let graph = doc["@graph"].as_array().unwrap();
    let count = |t: &str| graph.iter().filter(|n| n["@type"] == t).count();
    assert_eq!(count("SoftwareSourceCode"), 4);
    assert_eq!(count("Offer"), c.offers.len());
    assert_eq!(graph.len(), 4 + c.partners.len() + c.offers.len());
}

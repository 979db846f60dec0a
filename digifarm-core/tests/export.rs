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

/// Options dated on the synthetic catalogs' reference date.
fn dated() -> Options {
    Options {
        today: Some(digifarm_core::synth::REFERENCE_DATE),
        ..Options::default()
    }
}

/// What the publishing formats list of `c`.
fn published(c: &Catalog) -> Catalog {
    export::published(c, digifarm_core::synth::REFERENCE_DATE)
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
/// whose projects have attestations and decisions naming a person.
fn with_contacts() -> Catalog {
    let mut c = synth(20);
    for (i, p) in c.projects.iter_mut().enumerate() {
        // publiccode.yml is written only for projects it can describe validly.
        digifarm_core::synth::publiccode_ready(p);
        p.contacts = vec![contact(i), contact(i + 1000)];
        p.attestations = vec![digifarm_core::model::Attestation {
            criterion: "gdpr".to_owned(),
            by: format!("{MARKER} proposer {i}"),
            date: digifarm_core::synth::REFERENCE_DATE,
        }];
        p.history.push(digifarm_core::model::Decision {
            date: digifarm_core::synth::REFERENCE_DATE,
            from: None,
            to: p.lifecycle,
            by: Some(format!("{MARKER} reviewer {i}")),
            reason: Some("listed".to_owned()),
            overridden: Vec::new(),
        });
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
    let text = String::from_utf8(excel[0].bytes.to_vec()).unwrap();
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
    let text = String::from_utf8(plain[0].bytes.to_vec()).unwrap();
    assert!(text.starts_with("id,name,summary,"));
    // Guarded in this dialect too: a tool's CSV ends up in a spreadsheet sooner or later.
    assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\nline two\""));
    // Every record has as many cells as the header.
    let header_cells = text.lines().next().unwrap().split(',').count();
    assert_eq!(header_cells, 29);
}

#[test]
fn html_is_escaped_and_self_contained() {
    let mut c = synth(5);
    c.projects[0].lifecycle = digifarm_core::model::Lifecycle::Admitted;
    c.projects[0].name = "<script>alert(1)</script>".to_owned();
    c.projects[0].links.homepage = Some("javascript:alert(1)".to_owned());
    let files = export::render(&c, Format::Html, &dated()).unwrap();
    for f in files.iter().filter(|f| !f.path.ends_with(".wasm")) {
        let text = String::from_utf8(f.bytes.to_vec()).unwrap();
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
    ] {
        assert!(paths.contains(&expected), "{expected} missing");
    }
    // The sitemap protocol wants full URLs: without a base URL there is no sitemap.
    assert!(!paths.contains(&"sitemap.xml"));
    let profiles = paths.iter().filter(|p| p.contains("projects/")).count();
    assert_eq!(profiles, 2 * published(&c).projects.len());
    let index = String::from_utf8(files[0].bytes.to_vec()).unwrap();
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
    let files = export::render(&c, Format::Html, &dated()).unwrap();
    let listed = published(&c);
    assert!(listed.projects.len() >= 3, "{}", listed.projects.len());
    for p in &listed.projects {
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
            ".digifarm-export",
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
        .filter(|n| n.contains("digifarm-tmp") || n.contains("digifarm-staging"))
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
        bytes: bytes::Bytes::from_static(b"x"),
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
    let files = export::render(&c, Format::Atom, &dated()).unwrap();
    let text = String::from_utf8(files[0].bytes.to_vec()).unwrap();
    let wanted: usize = published(&c)
        .projects
        .iter()
        .map(|p| p.needs.iter().filter(|n| n.wants_help()).count())
        .sum();
    assert!(wanted > 0);
    assert_eq!(text.matches("<entry>").count(), wanted);
    // Deterministic: the same catalog gives the same bytes.
    let again = export::render(&c, Format::Atom, &dated()).unwrap();
    assert_eq!(files, again);
}

#[test]
fn jsonld_is_schema_org() {
    let c = synth(8);
    let files = export::render(&c, Format::Jsonld, &dated()).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&files[0].bytes).unwrap();
    assert_eq!(doc["@context"], "https://schema.org");
    let graph = doc["@graph"].as_array().unwrap();
    let count = |t: &str| graph.iter().filter(|n| n["@type"] == t).count();
    let listed = published(&c);
    assert!(!listed.projects.is_empty() && listed.projects.len() < c.projects.len());
    assert_eq!(count("SoftwareSourceCode"), listed.projects.len());
    assert_eq!(count("Offer"), listed.offers.len());
    assert_eq!(
        graph.len(),
        listed.projects.len() + listed.partners.len() + listed.offers.len()
    );
}

/// A catalog with one project in each lifecycle (named after it), an expired and a current
/// offer, and partners supporting only what is or is not published.
fn one_per_lifecycle() -> Catalog {
    use digifarm_core::model::{Lifecycle, SupportRef};
    let mut c = synth(7);
    let lifecycles = [
        Lifecycle::Proposed,
        Lifecycle::InReview,
        Lifecycle::Admitted,
        Lifecycle::Rejected,
        Lifecycle::Sustained,
        Lifecycle::Retired,
        Lifecycle::Archived,
    ];
    let today = digifarm_core::synth::REFERENCE_DATE;
    for (p, l) in c.projects.iter_mut().zip(lifecycles) {
        p.lifecycle = l;
        p.history.clear();
        p.name = format!("Projekt-{}", l.as_str());
        p.id = format!("projekt-{}", l.as_str());
        // Every project could be a valid publiccode.yml: only the lifecycle leaves it out.
        digifarm_core::synth::publiccode_ready(p);
        for n in &mut p.needs {
            n.supported_by.clear();
        }
        // Every project wants help with something (the Atom feed lists only such needs).
        p.needs
            .push(digifarm_core::model::Need::of_kind("technical"));
    }
    // Partner 0 supports only the proposed project, partner 1 the admitted one.
    c.projects[0].needs[0].supported_by = vec![SupportRef {
        partner: c.partners[0].id.clone(),
        offer: None,
        since: None,
        ..SupportRef::default()
    }];
    c.projects[2].needs[0].supported_by = vec![SupportRef {
        partner: c.partners[1].id.clone(),
        offer: None,
        since: None,
        ..SupportRef::default()
    }];
    for (i, p) in c.partners.iter_mut().enumerate() {
        p.name = format!("Partner-{i}");
    }
    // Offers: only partner 2's, one expired yesterday and one valid until today.
    c.offers.truncate(2);
    for (i, o) in c.offers.iter_mut().enumerate() {
        o.partner = c.partners[2].id.clone();
        o.id = format!("angebot-{i}");
        o.valid_from = None;
        o.valid_until = Some(today - chrono::Days::new(1 - i as u64));
    }
    c
}

#[test]
fn publishing_formats_list_only_public_projects_current_offers_and_their_partners() {
    let c = one_per_lifecycle();
    let hidden = [
        "Projekt-proposed",
        "Projekt-in-review",
        "Projekt-rejected",
        "Projekt-retired",
        "Projekt-archived",
    ];
    let listed = published(&c);
    let names: Vec<&str> = listed.projects.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Projekt-admitted", "Projekt-sustained"]);
    let partners: Vec<&str> = listed.partners.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(partners, ["Partner-1", "Partner-2"]);
    let offers: Vec<&str> = listed.offers.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(offers, ["angebot-1"]);
    for format in Format::ALL.into_iter().filter(|f| f.is_publishing()) {
        let files = export::render(&c, format, &dated()).unwrap();
        assert!(contains(&files, "Projekt-admitted"), "{format}");
        assert!(contains(&files, "Projekt-sustained"), "{format}");
        for name in hidden {
            assert!(!contains(&files, name), "{format} publishes {name}");
        }
        assert!(
            !contains(&files, "Partner-0"),
            "{format} publishes Partner-0"
        );
        assert!(
            !contains(&files, "angebot-0"),
            "{format} publishes the expired offer"
        );
    }
    // The data formats keep everything, unless asked for the public filter.
    for format in [Format::Json, Format::Jsonl, Format::Csv] {
        let all = export::render(&c, format, &dated()).unwrap();
        for name in hidden.iter().chain(&["Partner-0", "angebot-0"]) {
            assert!(contains(&all, name), "{format} drops {name}");
        }
        let public = Options {
            public_only: true,
            ..dated()
        };
        let files = export::render(&c, format, &public).unwrap();
        assert!(contains(&files, "Projekt-sustained"), "{format}");
        for name in hidden.iter().chain(&["Partner-0", "angebot-0"]) {
            assert!(
                !contains(&files, name),
                "{format} --public-only keeps {name}"
            );
        }
    }
}

#[test]
fn the_published_lifecycles_are_configurable() {
    use digifarm_core::model::Lifecycle;
    let mut c = one_per_lifecycle();
    c.config.portal.lifecycles = vec![Lifecycle::Admitted, Lifecycle::InReview];
    let files = export::render(&c, Format::Markdown, &dated()).unwrap();
    assert!(contains(&files, "Projekt-admitted"));
    assert!(contains(&files, "Projekt-in-review"));
    assert!(!contains(&files, "Projekt-sustained"));
}

/// Every writer escapes for its own syntax, even for text that validation would refuse (a
/// catalog built in memory, as a plugin or a library user may hand one over).
#[test]
fn every_writer_escapes_for_its_own_syntax() {
    let mut c = synth(3);
    let hostile = "x\n\n<script>alert(1)</script>\u{7f}\u{85}\u{9b}\u{fffe}\u{ffff}\u{1b}]0;t\u{7}";
    c.projects[0].name = format!("![img](https://evil.example/x.png) & {hostile}");
    c.projects[0].links.homepage = Some(format!("https://ok.example/{hostile}"));
    c.projects[0].links.source = Some("javascript:alert(1)".to_owned());
    c.projects[0].summary = LocalizedText::Plain("=HYPERLINK(\"https://evil.example\")".to_owned());
    let unpublishable = |text: &str| {
        text.chars()
            .filter(|&c| !digifarm_core::charset::is_publishable(c))
            .collect::<Vec<_>>()
    };
    // Markdown: no raw HTML line, no image, no link to anything but a web page.
    let md = export::render(&c, Format::Markdown, &Options::default()).unwrap();
    let md = String::from_utf8(md[0].bytes.to_vec()).unwrap();
    // Every `<` is escaped, so no line is raw HTML.
    assert!(
        md.match_indices('<').all(|(i, _)| md[..i].ends_with('\\')),
        "{md}"
    );
    assert!(md.contains("\\<script\\>"), "{md}");
    assert!(!md.contains("![img]"), "{md}");
    assert!(!md.contains("](javascript:"), "{md}");
    assert!(
        !md.contains("https://ok.example/x"),
        "an invalid link is not written: {md}"
    );
    assert!(md.contains("\\!\\[img\\]"), "{md}");
    assert!(unpublishable(&md).is_empty(), "{:?}", unpublishable(&md));
    // Atom and the HTML site: well-formed XML 1.0 characters only.
    for format in [Format::Atom, Format::Html] {
        for f in export::render(&c, format, &Options::default()).unwrap() {
            // Binary assets (the proposal form's WebAssembly module, images) hold no text.
            if [".wasm", ".png", ".jpg", ".webp"]
                .iter()
                .any(|ext| f.path.ends_with(ext))
            {
                continue;
            }
            let text = String::from_utf8(f.bytes.to_vec()).unwrap();
            let bad: Vec<char> = unpublishable(&text)
                .into_iter()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect();
            assert!(bad.is_empty(), "{}: {bad:?}", f.path);
            assert!(!text.contains("<script>alert"), "{}", f.path);
        }
    }
    // publiccode.yml: YAML 1.2 printable characters only, the rest as escapes.
    c.projects[0].links.source = Some("https://example.org/x.git".to_owned());
    c.projects[0].links.homepage = Some("https://ok.example/".to_owned());
    for p in &mut c.projects {
        p.links
            .source
            .get_or_insert_with(|| "https://example.org/y.git".to_owned());
        digifarm_core::synth::publiccode_ready(p);
    }
    for f in export::render(&c, Format::Publiccode, &Options::default()).unwrap() {
        let text = String::from_utf8(f.bytes.to_vec()).unwrap();
        let bad: Vec<char> = unpublishable(&text)
            .into_iter()
            .filter(|c| !matches!(c, '\n'))
            .collect();
        assert!(bad.is_empty(), "{}: {bad:?}", f.path);
    }
    // CSV: formula cells are guarded in both dialects.
    for dialect in [CsvDialect::Excel, CsvDialect::Rfc4180] {
        let options = Options {
            csv_dialect: dialect,
            ..Options::default()
        };
        let csv = export::render(&c, Format::Csv, &options).unwrap();
        let text = String::from_utf8(csv[0].bytes.to_vec()).unwrap();
        assert!(text.contains("'=HYPERLINK("), "{dialect:?}");
        assert!(
            !text.contains("\"=HYPERLINK(") && !text.contains(",=HYPERLINK("),
            "{dialect:?}"
        );
    }
}

//! The DIGIFARM spreadsheet as CSV: the same catalog as from the JSON export of the same
//! spreadsheet, a round trip DIGIFARM CSV → catalog → CSV, and bad CSV with positions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use digifarm_core::Diagnostic;
use digifarm_core::catalog::Catalog;
use digifarm_core::export::{self, CsvDialect, Format, Options};
use digifarm_core::import::{digifarm_csv, digifarm_json};
use digifarm_core::source::csv;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/digifarm-ms")
            .join(name),
    )
    .unwrap()
}

fn codes(d: &[Diagnostic]) -> Vec<(&str, u32, u32)> {
    d.iter().map(|d| (&*d.code, d.line, d.column)).collect()
}

#[test]
fn csv_and_json_of_the_same_spreadsheet_give_the_same_catalog() {
    let from_csv = digifarm_csv::import(&fixture("digifarm.csv"), "digifarm.csv");
    let from_json = digifarm_json::import(&fixture("digifarm.json"), "digifarm.json");
    assert_eq!(from_csv.projects.len(), 7);
    assert_eq!(from_csv.projects, from_json.projects);
    assert_eq!(from_csv.partners, from_json.partners);
    // The same findings (positions differ between the two files).
    let mut a: Vec<_> = from_csv
        .diagnostics
        .iter()
        .map(|d| (&*d.code, &d.message))
        .collect();
    let mut b: Vec<_> = from_json
        .diagnostics
        .iter()
        .map(|d| (&*d.code, &d.message))
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    // Comma-separated without byte order mark reads the same.
    let text = String::from_utf8(fixture("digifarm.csv")).unwrap();
    let mut d = Vec::new();
    let table = csv::read(&text, "x", &mut d).unwrap();
    // Written here cell by cell, every cell quoted: the export's writer guards formula-like
    // cells (`--` becomes `'--`), which is not a plain re-encoding.
    let quoted = |cells: Vec<&str>| {
        cells
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(",")
            + "\r\n"
    };
    let mut commas = quoted(table.header.iter().map(|c| c.text.as_str()).collect());
    for row in &table.rows {
        commas.push_str(&quoted(row.iter().map(|c| c.text.as_str()).collect()));
    }
    let commas = digifarm_csv::import(commas.as_bytes(), "commas.csv");
    assert_eq!(commas.projects, from_csv.projects);
}

#[test]
fn digifarm_csv_to_catalog_to_csv() {
    let original = String::from_utf8(fixture("digifarm.csv")).unwrap();
    let mut d = Vec::new();
    let input = csv::read(&original, "digifarm.csv", &mut d).unwrap();
    let imported = digifarm_csv::import(original.as_bytes(), "digifarm.csv");
    let catalog = Catalog::from_records(
        digifarm_core::model::CityConfig::default(),
        imported.projects.clone(),
        imported.partners.clone(),
        Vec::new(),
    );
    let options = Options {
        csv_dialect: CsvDialect::Rfc4180,
        ..Options::default()
    };
    let files = export::render(&catalog, Format::Csv, &options).unwrap();
    let exported = String::from_utf8(files[0].bytes.to_vec()).unwrap();
    let output = csv::read(&exported, "projects.csv", &mut d).unwrap();
    assert!(d.is_empty(), "{d:?}");
    let col = |t: &csv::Table, name: &str| t.header.iter().position(|c| c.text == name).unwrap();
    assert_eq!(output.rows.len(), input.rows.len());
    for (inp, out) in input.rows.iter().zip(&output.rows) {
        let get_in = |name: &str| inp[col(&input, name)].text.trim().to_owned();
        let get_out = |name: &str| out[col(&output, name)].text.clone();
        assert_eq!(get_out("name"), get_in("Name"));
        assert_eq!(get_out("summary"), get_in("Kurzbeschreibung"));
        assert_eq!(get_out("source"), get_in("Quellcode"));
        for (de, en) in [
            ("Inhalt", "content"),
            ("Technik", "technical"),
            ("Sponsor", "financial"),
        ] {
            let wanted = get_in(de).is_empty();
            assert_eq!(
                get_out(&format!("{en}_help_wanted")),
                wanted.to_string(),
                "{}: {de}",
                get_in("Name")
            );
        }
    }
    // And the exported table imports again as the same projects through its own columns:
    // the names and licences are unchanged.
    let names: Vec<String> = output
        .rows
        .iter()
        .map(|r| r[col(&output, "name")].text.clone())
        .collect();
    let expected: Vec<String> = imported.projects.iter().map(|p| p.name.clone()).collect();
    assert_eq!(names, expected);
}

#[test]
fn unbalanced_quotes() {
    let csv = "Name;Kurzbeschreibung;Lizenz\nA;\"kein Ende;MIT\nB;b;MIT\n";
    let imported = digifarm_csv::import(csv.as_bytes(), "q.csv");
    assert_eq!(codes(&imported.diagnostics)[0], ("csv-syntax", 2, 3));
    assert!(imported.has_errors());
}

#[test]
fn wrong_column_count() {
    let csv = "Name;Kurzbeschreibung;Lizenz\nA;a;MIT\nB;b\nC;c;MIT;extra\n";
    let imported = digifarm_csv::import(csv.as_bytes(), "n.csv");
    let found = codes(&imported.diagnostics);
    assert!(found.contains(&("csv-column-count", 3, 1)), "{found:?}");
    assert!(found.contains(&("csv-column-count", 4, 1)), "{found:?}");
    assert_eq!(imported.projects.len(), 1);
    assert!(imported.has_errors());
}

#[test]
fn unknown_and_missing_columns() {
    let csv = "Name,Kurzbeschreibung,Lizens,Farbe\nA,a,MIT,blau\n";
    let imported = digifarm_csv::import(csv.as_bytes(), "u.csv");
    let lizens = imported
        .diagnostics
        .iter()
        .find(|d| d.message.contains("`Lizens`"))
        .unwrap();
    assert_eq!(
        (&*lizens.code, lizens.line, lizens.column),
        ("import-unmapped", 1, 23)
    );
    assert_eq!(lizens.help.as_deref(), Some("did you mean `Lizenz`?"));
    assert!(
        imported
            .diagnostics
            .iter()
            .any(|d| d.message.contains("`Farbe`"))
    );
    // Reported once at the header, not once per row.
    assert_eq!(
        imported
            .diagnostics
            .iter()
            .filter(|d| d.message.contains("`Farbe`"))
            .count(),
        1
    );

    let no_name = digifarm_csv::import(b"Titel;Lizenz\nA;MIT\n", "n.csv");
    assert!(no_name.projects.is_empty());
    assert!(
        no_name
            .diagnostics
            .iter()
            .any(|d| d.code == "missing-field" && d.line == 1)
    );
}

#[test]
fn odd_input_never_panics() {
    for input in [
        &b""[..],
        b"\xef\xbb\xbf",
        b"Name\n",
        b"\"",
        b";;;\n;;;",
        b"Name\n\xff\n",
    ] {
        let imported = digifarm_csv::import(input, "odd.csv");
        assert!(imported.projects.is_empty(), "{input:?}");
    }
}

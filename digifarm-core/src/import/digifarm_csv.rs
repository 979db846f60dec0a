//! Import of the DIGIFARM spreadsheet saved as CSV: the same columns as
//! [`digifarm_json`](super::digifarm_json) (`Name`, `Kurzbeschreibung`, `Lizenz`, `Inhalt`,
//! `Technik`, `Sponsor`, …), `;` or `,` separated, UTF-8 with or without byte order mark, as
//! Excel and LibreOffice write it.
//!
//! The file is read with positions ([`csv`](crate::source::csv)), the header is checked once (unknown
//! columns are reported at their header cell with a suggestion, a missing `Name` column is an
//! error), and the rows go through exactly the mapping of the JSON importer, so both formats
//! give the same catalog for the same spreadsheet.
//!
//! ```
//! let csv = "\u{feff}Name;Kurzbeschreibung;Lizenz;Inhalt;Technik;Sponsor\r\n\
//!            Rats-Sitzplan;Sitzplan des Rats;Apache License 2.0;;CodeForMünster;Github\r\n";
//! let imported = digifarm_core::import::digifarm_csv::import(csv.as_bytes(), "digifarm.csv");
//! assert_eq!(imported.projects[0].id, "rats-sitzplan");
//! assert_eq!(imported.projects[0].license, "Apache-2.0");
//! assert!(imported.projects[0].needs[0].wants_help()); // nobody gives content
//! ```

use super::Import;
use super::digifarm_json::{COLUMNS, import_rows};
use crate::diagnostic::{Code, Diagnostic};
use crate::json_tree::{Member, Node, Tree};

/// Imports a DIGIFARM CSV file. `file` is the name used in diagnostics. Never panics.
pub fn import(bytes: &[u8], file: &str) -> Import {
    let mut out = Import::default();
    let text = match crate::source::check_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            out.diagnostics.push(
                e.to_diagnostic(file)
                    .with_help("save the spreadsheet as \"CSV UTF-8\""),
            );
            return out;
        }
    };
    let Some(table) = crate::source::csv::read(text, file, &mut out.diagnostics) else {
        return out;
    };
    // Which header cells are columns the importer knows; each problem reported once.
    let mut keep: Vec<Option<&'static str>> = Vec::with_capacity(table.header.len());
    for cell in &table.header {
        let name = cell.text.trim();
        let known = COLUMNS.iter().copied().find(|c| *c == name);
        if known.is_none() {
            let help = crate::catalog::closest_name(name, COLUMNS.iter().copied()).map_or_else(
                || format!("the known columns are: {}", COLUMNS.join(", ")),
                |c| format!("did you mean `{c}`?"),
            );
            out.diagnostics.push(
                Diagnostic::new(
                    Code::ImportUnmapped,
                    file,
                    "",
                    format!("unknown column `{name}`; its values were not imported"),
                )
                .with_help(help)
                .at(cell.line, cell.column),
            );
        } else if keep.contains(&known) {
            out.diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateKey,
                    file,
                    "",
                    format!("the column `{name}` appears twice; the first one is used"),
                )
                .at(cell.line, cell.column),
            );
            keep.push(None);
            continue;
        }
        keep.push(known);
    }
    if !keep.contains(&Some("Name")) {
        out.diagnostics.push(
            Diagnostic::new(
                Code::MissingField,
                file,
                "",
                "the header has no `Name` column, so no project can be imported",
            )
            .with_help(format!(
                "the first line must name the columns, e.g. {}",
                COLUMNS[..3].join(";")
            ))
            .at(1, 1),
        );
        return out;
    }
    let rows: Vec<Node> = table
        .rows
        .iter()
        .map(|row| {
            let first = row.first();
            let members = row
                .iter()
                .zip(&keep)
                .filter_map(|(cell, column)| {
                    column.map(|key| Member {
                        key: key.to_owned(),
                        line: cell.line,
                        column: cell.column,
                        value: Node {
                            value: Tree::String(cell.text.clone()),
                            line: cell.line,
                            column: cell.column,
                        },
                    })
                })
                .collect();
            Node {
                value: Tree::Object(members),
                line: first.map_or(1, |c| c.line),
                column: 1,
            }
        })
        .collect();
    import_rows(&rows, out, file)
}

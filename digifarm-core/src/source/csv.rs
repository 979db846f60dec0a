//! A small RFC 4180 reader that keeps the line and column of every cell, for the CSV
//! importers.
//!
//! Accepts what spreadsheets write: `;` or `,` as separator (the one the header line uses
//! more often), a UTF-8 byte order mark or none, CRLF, LF or CR line ends, quoted cells with
//! doubled quotes and line breaks inside. Reports unbalanced quotes, text after a closing
//! quote and rows whose cell count differs from the header's as diagnostics with positions;
//! a row with the wrong number of cells is skipped rather than guessed.

use crate::diagnostic::{Code, Diagnostic};

/// One cell with where it starts (1-based line and column, in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The cell's text, unquoted.
    pub text: String,
    /// Line where the cell starts.
    pub line: u32,
    /// Column where the cell starts.
    pub column: u32,
}

/// A CSV file: the header and the rows that have as many cells as the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The separator found: `;` or `,`.
    pub separator: char,
    /// The header cells.
    pub header: Vec<Cell>,
    /// Rows, each with exactly as many cells as the header.
    pub rows: Vec<Vec<Cell>>,
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The separator the first line uses more often (outside quotes); `,` on a tie.
fn detect_separator(text: &str) -> char {
    let (mut semi, mut comma, mut quoted) = (0usize, 0usize, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => semi += 1,
            ',' if !quoted => comma += 1,
            '\n' | '\r' if !quoted => break,
            _ => {}
        }
    }
    if semi > comma { ';' } else { ',' }
}

/// Reads `text` (already UTF-8; a leading byte order mark is skipped). Problems are pushed to
/// `diagnostics` with `file`; `None` when not even a header could be read.
pub fn read(text: &str, file: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Table> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        diagnostics.push(Diagnostic::new(Code::EmptyFile, file, "", "the file is empty").at(1, 1));
        return None;
    }
    let separator = detect_separator(text);
    let records = split_records(text, separator, file, diagnostics);
    let mut records = records.into_iter();
    let header = records.next()?;
    let mut rows = Vec::new();
    for (index, row) in records.enumerate() {
        if row.len() == header.len() {
            rows.push(row);
            continue;
        }
        let (line, column) = row.first().map_or((0, 1), |c| (c.line, c.column));
        diagnostics.push(
            Diagnostic::new(
                Code::CsvColumnCount,
                file,
                format!("/{index}"),
                format!(
                    "this row has {} cells but the header has {}; the row was skipped",
                    row.len(),
                    header.len()
                ),
            )
            .with_help(format!(
                "cells are separated by `{separator}`; a cell that contains `{separator}` must be in double quotes"
            ))
            .at(line, column),
        );
    }
    Some(Table {
        separator,
        header,
        rows,
    })
}

/// Splits the text into records of cells. Blank lines are skipped.
fn split_records(
    text: &str,
    sep: char,
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Vec<Cell>> {
    let mut records = Vec::new();
    let mut record: Vec<Cell> = Vec::new();
    let mut chars = text.chars().peekable();
    let (mut line, mut column) = (1usize, 1usize);
    loop {
        // At the start of a cell.
        let (start_line, start_column) = (line, column);
        let mut cell = String::new();
        let mut end_of_record = false;
        let mut end_of_text = false;
        if chars.peek() == Some(&'"') {
            chars.next();
            column += 1;
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        column += 2;
                        cell.push('"');
                    }
                    '"' => {
                        column += 1;
                        closed = true;
                        break;
                    }
                    '\r' => {
                        if chars.peek() == Some(&'\n') {
                            chars.next();
                        }
                        cell.push('\n');
                        line += 1;
                        column = 1;
                    }
                    '\n' => {
                        cell.push('\n');
                        line += 1;
                        column = 1;
                    }
                    c => {
                        cell.push(c);
                        column += 1;
                    }
                }
            }
            if !closed {
                diagnostics.push(
                    Diagnostic::new(
                        Code::CsvSyntax,
                        file,
                        "",
                        "a quoted cell is never closed: the quote opened here has no closing `\"`",
                    )
                    .with_help("close the quote, or write a quote inside a quoted cell as `\"\"`")
                    .at(to_u32(start_line), to_u32(start_column)),
                );
                // Nothing after an unclosed quote can be trusted.
                return records;
            }
            // After the closing quote: a separator, a line end or the end.
            let mut junk = false;
            loop {
                match chars.peek().copied() {
                    None => {
                        end_of_text = true;
                        break;
                    }
                    Some(c) if c == sep => {
                        chars.next();
                        column += 1;
                        break;
                    }
                    Some('\r' | '\n') => {
                        end_of_record = true;
                        break;
                    }
                    Some(c) => {
                        if !junk {
                            junk = true;
                            diagnostics.push(
                                Diagnostic::new(
                                    Code::CsvSyntax,
                                    file,
                                    "",
                                    format!("`{c}` after the closing quote of a cell"),
                                )
                                .with_help(
                                    "put the whole cell in quotes, and double any quote inside it",
                                )
                                .at(to_u32(line), to_u32(column)),
                            );
                        }
                        cell.push(c);
                        chars.next();
                        column += 1;
                    }
                }
            }
        } else {
            loop {
                match chars.peek().copied() {
                    None => {
                        end_of_text = true;
                        break;
                    }
                    Some(c) if c == sep => {
                        chars.next();
                        column += 1;
                        break;
                    }
                    Some('\r' | '\n') => {
                        end_of_record = true;
                        break;
                    }
                    Some(c) => {
                        if c == '"' {
                            diagnostics.push(
                                Diagnostic::new(
                                    Code::CsvSyntax,
                                    file,
                                    "",
                                    "a quote inside an unquoted cell",
                                )
                                .with_help(
                                    "put the cell in double quotes and write the quote as `\"\"`",
                                )
                                .at(to_u32(line), to_u32(column)),
                            );
                        }
                        cell.push(c);
                        chars.next();
                        column += 1;
                    }
                }
            }
        }
        record.push(Cell {
            text: cell,
            line: to_u32(start_line),
            column: to_u32(start_column),
        });
        if end_of_record {
            if chars.next() == Some('\r') && chars.peek() == Some(&'\n') {
                chars.next();
            }
            line += 1;
            column = 1;
        }
        if end_of_record || end_of_text {
            let blank = record.len() == 1 && record[0].text.is_empty();
            if !blank {
                records.push(std::mem::take(&mut record));
            } else {
                record.clear();
            }
            if end_of_text {
                return records;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn table(text: &str) -> (Option<Table>, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let t = read(text, "t.csv", &mut d);
        (t, d)
    }

    #[test]
    fn semicolons_bom_quotes_and_line_breaks() {
        let (t, d) = table(
            "\u{feff}Name;Lizenz\r\n\"Gieß; den \"\"Kiez\"\"\";MIT\r\n\r\n\"two\nlines\";GPL v3\r\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let t = t.unwrap();
        assert_eq!(t.separator, ';');
        assert_eq!(t.header[1].text, "Lizenz");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0][0].text, "Gieß; den \"Kiez\"");
        assert_eq!((t.rows[0][1].line, t.rows[0][1].column), (2, 22));
        assert_eq!(t.rows[1][0].text, "two\nlines");
        assert_eq!((t.rows[1][1].line, t.rows[1][1].column), (5, 8));
    }

    #[test]
    fn commas_and_no_final_newline() {
        let (t, d) = table("a,b\n1,2");
        assert!(d.is_empty());
        let t = t.unwrap();
        assert_eq!(t.separator, ',');
        assert_eq!(t.rows[0][1].text, "2");
    }

    #[test]
    fn unbalanced_quote_is_reported_where_it_opens() {
        let (_, d) = table("a;b\n1;\"open\n2;3\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "csv-syntax");
        assert_eq!((d[0].line, d[0].column), (2, 3));
    }

    #[test]
    fn wrong_cell_count_skips_the_row() {
        let (t, d) = table("a;b;c\n1;2;3\n4;5\n6;7;8;9\n");
        let t = t.unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|d| d.code == "csv-column-count"));
        assert_eq!((d[0].line, d[0].column), (3, 1));
        assert_eq!(d[0].pointer, "/1");
        assert_eq!((d[1].line, d[1].column), (4, 1));
    }

    #[test]
    fn text_after_closing_quote() {
        let (_, d) = table("a;b\n\"x\"y;2\n");
        assert_eq!(d[0].code, "csv-syntax");
        assert_eq!((d[0].line, d[0].column), (2, 4));
    }
}

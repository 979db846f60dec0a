//! Diagnostics for people: header, location, the source line with a caret, help; colour
//! only when asked for (on a terminal without `NO_COLOR`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use digifarm_core::source::{Format, LineIndex};
use digifarm_core::{Diagnostic, Severity};
use unicode_width::UnicodeWidthStr;

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        let mut out = String::new();
        self.put(&mut out, code, text);
        out
    }
    /// Starts painting with `code` (when colour is on); [`Style::close`] ends it.
    fn open(&self, out: &mut String, code: &str) {
        if self.on {
            out.push_str("\x1b[");
            out.push_str(code);
            out.push('m');
        }
    }
    fn close(&self, out: &mut String) {
        if self.on {
            out.push_str("\x1b[0m");
        }
    }
    /// Appends `text` painted with `code`.
    fn put(&self, out: &mut String, code: &str, text: &str) {
        self.open(out, code);
        out.push_str(text);
        self.close(out);
    }
}

/// The colour of the frame around a source line: the arrow, the line number and the bars.
const FRAME: &str = "1;34";

fn severity_colour(s: Severity) -> &'static str {
    match s {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;36",
    }
}

/// Paints `text` bold green (`ok`) or bold red, when colour is on.
pub fn verdict(ok: bool, text: &str, colour: bool) -> String {
    Style { on: colour }.paint(if ok { "1;32" } else { "1;31" }, text)
}

/// Renders `diagnostics`; `source_line(file, line)` gives the text of a 1-based line.
pub fn diagnostics<'a>(
    diagnostics: &[Diagnostic],
    source_line: impl Fn(&str, u32) -> Option<&'a str>,
    colour: bool,
) -> String {
    let style = Style { on: colour };
    let mut out = String::new();
    for d in diagnostics {
        render_one(&mut out, d, source_line(&d.file, d.line), &style);
    }
    out
}

/// The source lines of files, for showing findings: each file is indexed once, on first
/// use (by whichever thread asks first), so any number of findings costs time linear in the
/// files' size.
pub struct SourceLines<'a> {
    files: HashMap<&'a str, (&'a str, Option<Format>, OnceLock<LineIndex<'a>>)>,
}

impl<'a> SourceLines<'a> {
    /// The files as `(path, text)`, their lines counted as their extensions' formats count
    /// them (see [`LineIndex::of`]).
    pub fn new(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> SourceLines<'a> {
        SourceLines::with_formats(
            files
                .into_iter()
                .map(|(path, text)| (path, text, Format::from_path(std::path::Path::new(path)))),
        )
    }

    fn with_formats(
        files: impl Iterator<Item = (&'a str, &'a str, Option<Format>)>,
    ) -> SourceLines<'a> {
        SourceLines {
            files: files
                .map(|(path, text, format)| (path, (text, format, OnceLock::new())))
                .collect(),
        }
    }

    /// The files as `(path, text)`, all of `format` whatever their names.
    pub fn of_format(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
        format: Option<Format>,
    ) -> SourceLines<'a> {
        SourceLines::with_formats(files.into_iter().map(|(path, text)| (path, text, format)))
    }

    /// The lines of a catalog's source files (those whose text was kept: a streamed
    /// validation keeps only excerpts of the project files, see `Catalog::excerpt`).
    pub fn of(sources: &'a [digifarm_core::catalog::SourceFile]) -> SourceLines<'a> {
        SourceLines::with_formats(
            sources
                .iter()
                .filter(|s| !s.text.is_empty())
                .map(|s| (s.path.as_str(), &*s.text, Some(s.format))),
        )
    }

    /// Line `line` (1-based) of `file`.
    pub fn line(&self, file: &str, line: u32) -> Option<&'a str> {
        let (text, format, index) = self.files.get(file)?;
        index
            .get_or_init(|| LineIndex::of(*format, text))
            .line(line)
    }
}

fn render_one(out: &mut String, d: &Diagnostic, line_text: Option<&str>, style: &Style) {
    // Every string here can come from data (a file name, a value quoted in a message, a
    // plugin's code): each is escaped so it stays on its line and starts no control sequence.
    let esc = crate::output::shown;
    // `error[code]: message`
    style.put(out, severity_colour(d.severity), d.severity.as_str());
    style.open(out, "1");
    out.push('[');
    out.push_str(&esc(&d.code));
    out.push(']');
    style.close(out);
    out.push_str(": ");
    out.push_str(&esc(&d.message));
    // `  --> file:line:column (at /pointer)`
    out.push_str("\n  ");
    style.put(out, FRAME, "-->");
    out.push(' ');
    out.push_str(&esc(&d.file));
    // Writing to a String cannot fail.
    let _ = match (d.line, d.column) {
        (0, _) => Ok(()),
        (l, 0) => write!(out, ":{l}"),
        (l, c) => write!(out, ":{l}:{c}"),
    };
    if !d.pointer.is_empty() {
        out.push_str(" (at ");
        out.push_str(&esc(&d.pointer));
        out.push(')');
    }
    out.push('\n');
    if let Some(text) = line_text.filter(|_| d.line > 0) {
        let number = d.line.to_string();
        let gutter = number.len();
        // The line's first 160 characters, tabs as spaces.
        let end = text.char_indices().nth(160).map_or(text.len(), |(i, _)| i);
        let raw: Cow<'_, str> = if text[..end].contains('\t') {
            Cow::Owned(text[..end].replace('\t', " "))
        } else {
            Cow::Borrowed(&text[..end])
        };
        let shown = esc(&raw);
        // The caret stands under the same character after escaping, as far in as a terminal
        // shows what precedes it: a wide character (東, most emoji) takes two cells, a
        // combining mark none.
        let column = (d.column as usize).saturating_sub(1);
        let before = match raw.char_indices().nth(column) {
            Some((i, _)) => &raw[..i],
            None => &raw[..],
        };
        let caret_at = esc(before).width();
        push_spaces(out, gutter + 1);
        style.put(out, FRAME, "|");
        out.push('\n');
        style.put(out, FRAME, &number);
        out.push(' ');
        style.put(out, FRAME, "|");
        out.push(' ');
        out.push_str(&shown);
        out.push('\n');
        push_spaces(out, gutter + 1);
        style.put(out, FRAME, "|");
        push_spaces(out, caret_at + 1);
        let caret = if d.severity == Severity::Error {
            "1;31"
        } else {
            "1;33"
        };
        style.put(out, caret, "^");
        out.push('\n');
    }
    if let Some(help) = &d.help {
        out.push_str("  = help: ");
        out.push_str(&esc(help));
        out.push('\n');
    }
    out.push('\n');
}

fn push_spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

#[cfg(test)]
mod tests {
    use super::*;
    use digifarm_core::Code;

    fn finding(line: u32, column: u32) -> Diagnostic {
        Diagnostic {
            code: Cow::Borrowed("license-missing"),
            severity: Severity::Error,
            file: "projects/a.json".into(),
            line,
            column,
            pointer: "/license".into(),
            message: "no licence".into(),
            help: Some("set `license`".into()),
        }
    }

    /// The layout with and without colour, character for character: header, location, the
    /// source line (tabs as spaces, an escape shown visibly) and the caret under the column.
    #[test]
    fn layout_with_and_without_colour() {
        let source = |_: &str, line: u32| (line == 12).then_some("a\tb\u{1b}cd");
        let plain = diagnostics(&[finding(12, 5)], source, false);
        assert_eq!(
            plain,
            "error[license-missing]: no licence\n  --> projects/a.json:12:5 (at /license)\n   |\n12 | a b\\u{1b}cd\n   |          ^\n  = help: set `license`\n\n"
        );
        let painted = diagnostics(&[finding(12, 2)], source, true);
        assert_eq!(
            painted,
            "\x1b[1;31merror\x1b[0m\x1b[1m[license-missing]\x1b[0m: no licence\n  \x1b[1;34m-->\x1b[0m projects/a.json:12:2 (at /license)\n   \x1b[1;34m|\x1b[0m\n\x1b[1;34m12\x1b[0m \x1b[1;34m|\x1b[0m a b\\u{1b}cd\n   \x1b[1;34m|\x1b[0m  \x1b[1;31m^\x1b[0m\n  = help: set `license`\n\n"
        );
        // No line known, no column known, a warning: location without them, no excerpt.
        let d = Diagnostic::new(Code::StaleListing, "digifarm.toml", "", "old").at(3, 0);
        assert_eq!(
            diagnostics(&[d], |_, _| None, false),
            "warning[stale-listing]: old\n  --> digifarm.toml:3\n\n"
        );
    }

    /// The caret stands as far in as a terminal shows the characters before the column: two
    /// cells for a wide character, none for a combining mark, an escape's own width.
    #[test]
    fn the_caret_counts_terminal_cells() {
        for (text, column, cells) in [
            ("東京: x", 5, 6),
            ("🚲 Rad: x", 8, 8),
            ("Mu\u{308}nster: x", 11, 9),
            ("a\u{1b}b: x", 6, 10),
            ("東京", 9, 4),
        ] {
            let source = |_: &str, _: u32| Some(text);
            let out = diagnostics(&[finding(1, column)], source, false);
            let caret = out
                .lines()
                .find(|l| l.ends_with('^'))
                .unwrap_or_else(|| panic!("{text:?}: no caret in {out}"));
            assert_eq!(
                caret,
                format!("  |{}^", " ".repeat(cells + 1)),
                "{text:?}: {out}"
            );
        }
    }
}

//! Diagnostics for people: header, location, the source line with a caret, help; colour
//! only when asked for (on a terminal without `NO_COLOR`).

use std::cell::OnceCell;
use std::collections::HashMap;

use digifarm_core::source::LineIndex;
use digifarm_core::{Diagnostic, Severity};

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn severity(&self, s: Severity) -> String {
        let code = match s {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        self.paint(code, s.as_str())
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
/// use, so any number of findings costs time linear in the files' size.
pub struct SourceLines<'a> {
    files: HashMap<&'a str, (&'a str, OnceCell<LineIndex<'a>>)>,
}

impl<'a> SourceLines<'a> {
    /// The files as `(path, text)`.
    pub fn new(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> SourceLines<'a> {
        SourceLines {
            files: files
                .into_iter()
                .map(|(path, text)| (path, (text, OnceCell::new())))
                .collect(),
        }
    }

    /// The lines of a catalog's source files (those whose text was kept: a streamed
    /// validation keeps only excerpts of the project files, see `Catalog::excerpt`).
    pub fn of(sources: &'a [digifarm_core::catalog::SourceFile]) -> SourceLines<'a> {
        SourceLines::new(
            sources
                .iter()
                .filter(|s| !s.text.is_empty())
                .map(|s| (s.path.as_str(), &*s.text)),
        )
    }

    /// Line `line` (1-based) of `file`.
    pub fn line(&self, file: &str, line: u32) -> Option<&'a str> {
        let (text, index) = self.files.get(file)?;
        index.get_or_init(|| LineIndex::new(text)).line(line)
    }
}

fn render_one(out: &mut String, d: &Diagnostic, line_text: Option<&str>, style: &Style) {
    // Every string here can come from data (a file name, a value quoted in a message, a
    // plugin's code): each is escaped so it stays on its line and starts no control sequence.
    let esc = crate::output::shown;
    out.push_str(&format!(
        "{}{}: {}\n",
        style.severity(d.severity),
        style.paint("1", &format!("[{}]", esc(&d.code))),
        esc(&d.message)
    ));
    let file = esc(&d.file);
    let location = match (d.line, d.column) {
        (0, _) => file.into_owned(),
        (l, 0) => format!("{file}:{l}"),
        (l, c) => format!("{file}:{l}:{c}"),
    };
    let pointer = if d.pointer.is_empty() {
        String::new()
    } else {
        format!(" (at {})", esc(&d.pointer))
    };
    out.push_str(&format!(
        "  {} {location}{pointer}\n",
        style.paint("1;34", "-->")
    ));
    if let Some(text) = line_text.filter(|_| d.line > 0) {
        let number = d.line.to_string();
        let gutter = " ".repeat(number.len());
        let raw: String = text
            .chars()
            .take(160)
            .collect::<String>()
            .replace('\t', " ");
        let shown = esc(&raw);
        // The caret stands under the same character after escaping.
        let before: String = raw
            .chars()
            .take((d.column as usize).saturating_sub(1))
            .collect();
        let caret_at = esc(&before).chars().count().min(shown.chars().count());
        let bar = style.paint("1;34", "|");
        out.push_str(&format!("{gutter} {bar}\n"));
        out.push_str(&format!("{} {bar} {shown}\n", style.paint("1;34", &number)));
        let caret = style.paint(
            if d.severity == Severity::Error {
                "1;31"
            } else {
                "1;33"
            },
            "^",
        );
        out.push_str(&format!("{gutter} {bar} {}{caret}\n", " ".repeat(caret_at)));
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("  = help: {}\n", esc(help)));
    }
    out.push('\n');
}

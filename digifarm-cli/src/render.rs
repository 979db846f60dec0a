//! Diagnostics for people: header, location, the source line with a caret, help; colour
//! only when asked for (on a terminal without `NO_COLOR`).

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

/// Line `line` (1-based) of `text`.
pub fn nth_line(text: &str, line: u32) -> Option<&str> {
    text.lines().nth((line as usize).checked_sub(1)?)
}

fn render_one(out: &mut String, d: &Diagnostic, line_text: Option<&str>, style: &Style) {
    out.push_str(&format!(
        "{}{}: {}\n",
        style.severity(d.severity),
        style.paint("1", &format!("[{}]", d.code)),
        d.message
    ));
    let location = match (d.line, d.column) {
        (0, _) => d.file.clone(),
        (l, 0) => format!("{}:{l}", d.file),
        (l, c) => format!("{}:{l}:{c}", d.file),
    };
    let pointer = if d.pointer.is_empty() {
        String::new()
    } else {
        format!(" (at {})", d.pointer)
    };
    out.push_str(&format!(
        "  {} {location}{pointer}\n",
        style.paint("1;34", "-->")
    ));
    if let Some(text) = line_text.filter(|_| d.line > 0) {
        let number = d.line.to_string();
        let gutter = " ".repeat(number.len());
        let shown: String = text
            .chars()
            .take(160)
            .collect::<String>()
            .replace('\t', " ");
        let caret_at = (d.column as usize)
            .saturating_sub(1)
            .min(shown.chars().count());
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
        out.push_str(&format!("  = help: {help}\n"));
    }
    out.push('\n');
}

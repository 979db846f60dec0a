//! Writing results: stdout for results, stderr for errors, colour only on a terminal and
//! never with `NO_COLOR`; a closed pipe ends output quietly.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};

/// A failure that ends the command with exit code 2 and one line on stderr.
#[derive(Debug)]
pub struct CliError(pub String);

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<E: std::error::Error> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError(e.to_string())
    }
}

/// The result of a command: an exit code, or an error for exit code 2.
pub type CmdResult = Result<std::process::ExitCode, CliError>;

/// `text` from data as human output shows it: on one line, every control character, bidi
/// override and line separator as a visible escape (`\n`, `\u{1b}`), never cut; see
/// [`digifarm_core::diagnostic::printable`].
pub fn shown(text: &str) -> Cow<'_, str> {
    digifarm_core::diagnostic::printable(text, usize::MAX)
}

/// Prints `error: …` on stderr, on one line: whatever the message holds (a file name with a
/// newline, an escape sequence from a catalog) is escaped.
#[allow(clippy::print_stderr)]
pub fn error_line(e: &CliError) {
    eprintln!("digifarm: error: {}", shown(&e.0));
}

/// The colour sequences human output paints with itself: the only escape sequences it may
/// hold.
const OWN_SGR: [&str; 7] = [
    "\x1b[0m",
    "\x1b[1m",
    "\x1b[1;31m",
    "\x1b[1;32m",
    "\x1b[1;33m",
    "\x1b[1;34m",
    "\x1b[1;36m",
];

/// Human output as it may reach a terminal or a CI log: every control character (ESC, CR,
/// C1, bidi overrides, …) escaped except line breaks and the colour sequences of [`OWN_SGR`].
/// The last line of defence: strings from data are also escaped where they are put into
/// the text (so that a newline in them cannot forge a line).
pub fn sanitize_human(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c != '\n' && digifarm_core::diagnostic::is_unprintable(c);
    let Some(first) = text.find(unsafe_char) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    let mut rest = &text[first..];
    while let Some(c) = rest.chars().next() {
        if let Some(sgr) = OWN_SGR.iter().find(|s| rest.starts_with(**s)) {
            out.push_str(sgr);
            rest = &rest[sgr.len()..];
            continue;
        }
        if unsafe_char(c) {
            out.push_str(&shown(&rest[..c.len_utf8()]));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// Writes human `text` to stdout (see [`sanitize_human`]); a closed pipe (e.g. `| head`) is
/// not an error.
pub fn stdout(text: &str) -> Result<(), CliError> {
    stdout_raw(&sanitize_human(text))
}

/// Writes human `text` to stderr (see [`sanitize_human`]).
#[allow(clippy::print_stderr)]
pub fn stderr(text: &str) {
    eprint!("{}", sanitize_human(text));
}

/// Writes machine-readable `text` (JSON, CSV, a schema) to stdout as it is.
pub fn stdout_raw(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError(format!("cannot write to stdout: {e}"))),
    }
}

/// Writes `value` as one line of JSON to stdout. JSON escapes C0 controls itself; DEL, C1
/// controls, bidi overrides and U+2028/U+2029 are written as `\uXXXX` escapes too (the same
/// JSON value), so JSON output on a terminal or in a CI log starts no control sequence either.
pub fn json<T: serde::Serialize>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string(value).map_err(|e| CliError(e.to_string()))?;
    let mut safe = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        // Outside strings JSON has only ASCII punctuation, digits and letters.
        if digifarm_core::diagnostic::is_unprintable(c) {
            safe.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            safe.push(c);
        }
    }
    safe.push('\n');
    stdout_raw(&safe)
}

/// Whether stdout gets colour: a terminal, and `NO_COLOR` unset or empty.
pub fn use_colour() -> bool {
    let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_colour && std::io::stdout().is_terminal()
}

/// The end of a command whose write into the catalog failed: exit code 1 when a file changed
/// on disk since it was read (another writer's change is kept, and running the command again
/// applies on top), otherwise exit code 2 (an I/O error: a read-only catalog, a full disk).
/// Either way nothing was written.
pub fn write_failed(e: digifarm_core::catalog::write::WriteError) -> CmdResult {
    use digifarm_core::catalog::write::WriteError;
    match e {
        WriteError::Changed { .. } => {
            error_line(&CliError(e.to_string()));
            Ok(std::process::ExitCode::from(1))
        }
        other => Err(CliError(other.to_string())),
    }
}

/// Output format shared by the commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For people.
    #[default]
    Human,
    /// One JSON object on stdout.
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_colours_stay_and_everything_else_is_escaped() {
        let ours = "\x1b[1;31merror\x1b[0m: x\n";
        assert_eq!(sanitize_human(ours), ours);
        assert_eq!(
            sanitize_human("\x1b[1;31mok\x1b[0m \x1b]0;t\x07\x1b[2J\r\u{9b}\u{202e}\n"),
            "\x1b[1;31mok\x1b[0m \\u{1b}]0;t\\u{7}\\u{1b}[2J\\r\\u{9b}\\u{202e}\n"
        );
        // A colour sequence of ours that is cut short is escaped.
        assert_eq!(sanitize_human("\x1b[1;3"), "\\u{1b}[1;3");
    }
}

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

/// Reads a file named on the command line (a proposal, a file to import or check), at most
/// `limit` bytes, only where it resolves beneath the directory it is named from (see
/// `confined::read_named`): a link in a stranger's checkout that leads elsewhere is refused
/// unread, so that none of its lines reaches a CI log.
pub fn read_input(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, CliError> {
    use digifarm_core::catalog::confined::{ReadError, read_named};
    read_named(path, limit).map_err(|e| match e {
        ReadError::Outside { path } => CliError(format!(
            "{}: resolves outside the directory it is named from (through a symbolic link or `..`); it was not read: name the file itself",
            shown(&path.display().to_string())
        )),
        e => CliError(shown(&e.to_string()).into_owned()),
    })
}

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
    use digifarm_core::diagnostic::find_unprintable_but_newline as next_unsafe;
    let Some(mut at) = next_unsafe(text) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    loop {
        // `rest[at..]` starts with a character to escape, or one of the own colours.
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(sgr) = OWN_SGR.iter().find(|s| rest.starts_with(**s)) {
            out.push_str(sgr);
            rest = &rest[sgr.len()..];
        } else if let Some(c) = rest.chars().next() {
            out.push_str(&shown(&rest[..c.len_utf8()]));
            rest = &rest[c.len_utf8()..];
        }
        match next_unsafe(rest) {
            Some(next) => at = next,
            None => {
                out.push_str(rest);
                return Cow::Owned(out);
            }
        }
    }
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
    // Written as it is serialised: a report of a million findings is never held as text.
    let mut out = Escaping {
        inner: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
        pending: Vec::new(),
    };
    let written = serde_json::to_writer(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| out.flush())
        // The line's end is ours, not part of the JSON text: not escaped.
        .and_then(|()| out.inner.write_all(b"\n"))
        .and_then(|()| out.inner.flush());
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError(format!("cannot write to stdout: {e}"))),
    }
}

/// JSON `text` with every unprintable character written as its `\uXXXX` escape (the same
/// JSON value; see [`json`]), for JSON that is built as text before it is written.
pub fn escape_json(text: &str) -> String {
    let mut out = Escaping {
        inner: Vec::with_capacity(text.len()),
        pending: Vec::new(),
    };
    // Writing to memory cannot fail, and the text is UTF-8 throughout.
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    String::from_utf8(out.inner)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Passes JSON text through, writing every unprintable character as its `\uXXXX` escape (a
/// pair of them outside the Basic Multilingual Plane). Outside strings JSON has only ASCII
/// punctuation, digits and letters, so only characters inside strings are changed, to the
/// same JSON value.
struct Escaping<W: Write> {
    inner: W,
    /// The start of a character whose rest comes with the next write.
    pending: Vec<u8>,
}

impl<W: Write> Write for Escaping<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let joined;
        let bytes = if self.pending.is_empty() {
            buf
        } else {
            let mut j = std::mem::take(&mut self.pending);
            j.extend_from_slice(buf);
            joined = j;
            &joined[..]
        };
        let (text, rest, cut) = match std::str::from_utf8(bytes) {
            Ok(text) => (text, &[][..], false),
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                (
                    std::str::from_utf8(valid).unwrap_or_default(),
                    rest,
                    e.error_len().is_none(),
                )
            }
        };
        // The text between unprintable characters (nearly all of it) is passed as it is,
        // found by a scan of its bytes.
        let mut start = 0;
        while let Some(i) = text
            .get(start..)
            .and_then(digifarm_core::diagnostic::find_unprintable)
            .map(|at| start + at)
        {
            let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            self.inner.write_all(&text.as_bytes()[start..i])?;
            for unit in c.encode_utf16(&mut [0; 2]) {
                write!(self.inner, "\\u{unit:04x}")?;
            }
            start = i + c.len_utf8();
        }
        self.inner.write_all(&text.as_bytes()[start..])?;
        if cut {
            // A character cut by the end of this write: completed by the next one.
            self.pending = rest.to_vec();
        } else {
            // Not UTF-8 (serde_json writes only UTF-8): passed through as it is.
            self.inner.write_all(rest)?;
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        self.inner.write_all(&pending)?;
        self.inner.flush()
    }
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

    #[test]
    fn json_is_escaped_as_it_streams_whatever_the_pieces() {
        let value = serde_json::json!({"t": "a\u{7f}b\u{9b}\u{202e}ü\u{2028}\u{1fffe}\u{10ffff}x"});
        let text = serde_json::to_string(&value).unwrap_or_default();
        // Every split, so that characters are cut between two writes.
        for cut in 0..=text.len() {
            let mut out = Escaping {
                inner: Vec::new(),
                pending: Vec::new(),
            };
            let (a, b) = text.as_bytes().split_at(cut);
            out.write_all(a)
                .and_then(|()| out.write_all(b))
                .and_then(|()| out.flush())
                .unwrap_or_else(|e| unreachable!("{e}"));
            let written = String::from_utf8(out.inner).unwrap_or_default();
            assert!(
                written.is_ascii() || !written.contains('\u{7f}'),
                "{written}"
            );
            assert!(
                !written
                    .chars()
                    .any(digifarm_core::diagnostic::is_unprintable),
                "{written}"
            );
            let back: serde_json::Value = serde_json::from_str(&written).unwrap_or_default();
            assert_eq!(back, value, "cut at {cut}: {written}");
        }
    }
}

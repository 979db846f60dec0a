//! Writing results: stdout for results, stderr for errors, colour only on a terminal and
//! never with `NO_COLOR`; a closed pipe ends output quietly.

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

/// Prints `error: …` on stderr.
#[allow(clippy::print_stderr)]
pub fn error_line(e: &CliError) {
    eprintln!("digifarm: error: {e}");
}

/// Writes `text` to stdout; a closed pipe (e.g. `| head`) is not an error.
pub fn stdout(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError(format!("cannot write to stdout: {e}"))),
    }
}

/// Writes `value` as one line of JSON to stdout.
#[allow(dead_code)] // used by `validate` on main
pub fn json<T: serde::Serialize>(value: &T) -> Result<(), CliError> {
    let mut text = serde_json::to_string(value).map_err(|e| CliError(e.to_string()))?;
    text.push('\n');
    stdout(&text)
}

/// Whether stdout gets colour: a terminal, and `NO_COLOR` unset or empty.
#[allow(dead_code)] // used by `validate` on main
pub fn use_colour() -> bool {
    let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_colour && std::io::stdout().is_terminal()
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

//! `digifarm validate <PATH>`.

use std::process::ExitCode;

use crate::output::{CliError, CmdResult};

/// Arguments of `digifarm validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Catalog directory or record file.
    path: std::path::PathBuf,
}

pub fn run(args: Args) -> CmdResult {
    let _ = ExitCode::SUCCESS;
    Err(CliError(format!(
        "validation of {} is being built",
        args.path.display()
    )))
}

//! `digifarm schema <kind>`: print a JSON Schema.

use std::process::ExitCode;

use crate::output::{self, CliError, CmdResult};

/// Arguments of `digifarm schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which schema.
    #[arg(value_parser = ["project", "partner", "offer", "config", "proposal", "health"])]
    kind: String,
}

pub fn run(args: Args) -> CmdResult {
    let kind: digifarm_core::schema::SchemaKind = args.kind.parse().map_err(CliError)?;
    let schema = digifarm_core::schema::json_schema(kind);
    let mut text = serde_json::to_string_pretty(&schema).map_err(|e| CliError(e.to_string()))?;
    text.push('\n');
    output::stdout_raw(&text)?;
    Ok(ExitCode::SUCCESS)
}

//! `digifarm merge <CATALOG>... --out <DIR>`: several cities' catalogs in one, ids namespaced
//! by city code, duplicates across cities reported.

use std::path::PathBuf;
use std::process::ExitCode;

use digifarm_core::catalog::{self, Catalog, LoadOptions};
use digifarm_core::merge;

use crate::output::{self, CliError, CmdResult, Format};
use crate::render;

/// Arguments of `digifarm merge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Catalog directories, one per city (at least two).
    #[arg(required = true, num_args = 2..)]
    pub catalogs: Vec<PathBuf>,
    /// New directory to write the merged catalog to (digifarm.toml and one JSON Lines file
    /// per kind); existing files there are never replaced.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

pub fn run(args: Args) -> CmdResult {
    let mut loaded: Vec<(String, Catalog)> = Vec::new();
    for path in &args.catalogs {
        if !path.is_dir() {
            return Err(CliError(format!(
                "{}: not a catalog directory",
                path.display()
            )));
        }
        catalog::overlap::check_output(path, &args.out).map_err(|e| CliError(e.to_string()))?;
        let l = catalog::load(path, &LoadOptions::default())?;
        if let Some(e) = l.diagnostics.iter().find(|d| d.is_error()) {
            return Err(CliError(format!(
                "{} does not load cleanly ({}: {}); run `digifarm validate` on it first",
                path.display(),
                e.file,
                e.message
            )));
        }
        let fallback = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        loaded.push((merge::city_code(&l.catalog.config, &fallback), l.catalog));
    }
    let inputs: Vec<(String, &Catalog)> = loaded.iter().map(|(c, cat)| (c.clone(), cat)).collect();
    let merged = merge::merge(&inputs)?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| CliError(format!("cannot create {}: {e}", args.out.display())))?;
    let lock = catalog::write::CatalogLock::acquire(&args.out)?;
    let mut written = catalog::write::write_collections(&lock, &merged.catalog)?;
    // The cities' image files, under their codes as the merged records name them.
    for (i, (code, member)) in loaded.iter().enumerate() {
        written.extend(catalog::assets::copy_into(member, code, i == 0, &args.out)?);
    }
    drop(lock);
    match args.format {
        Format::Json => output::json(&serde_json::json!({
            "codes": merged.codes,
            "projects": merged.catalog.projects.len(),
            "partners": merged.catalog.partners.len(),
            "offers": merged.catalog.offers.len(),
            "files": written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "diagnostics": merged.diagnostics,
        }))?,
        Format::Human => {
            let mut out =
                render::diagnostics(&merged.diagnostics, |_, _| None, output::use_colour());
            out.push_str(&format!(
                "merged {} cities ({}): {} projects, {} partners, {} offers, {} duplicate{} across cities; wrote {}\n",
                merged.codes.len(),
                merged.codes.join(", "),
                merged.catalog.projects.len(),
                merged.catalog.partners.len(),
                merged.catalog.offers.len(),
                merged.diagnostics.len(),
                if merged.diagnostics.len() == 1 { "" } else { "s" },
                args.out.display()
            ));
            output::stdout(&out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

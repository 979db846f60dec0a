//! JSON and JSON Lines: the catalog as a directory `digifarm load`s back unchanged
//! (`digifarm.toml` plus `projects.json`, `partners.json`, `offers.json`, or `.jsonl`).

use serde::Serialize;

use super::{Error, File};
use crate::catalog::Catalog;

fn config_toml(catalog: &Catalog) -> Result<File, Error> {
    let text = toml::to_string(&catalog.config).map_err(|e| Error::Serialize(e.to_string()))?;
    Ok(File::new("digifarm.toml", text))
}

fn array<T: Serialize>(name: &str, records: &[T]) -> Result<File, Error> {
    let mut text =
        serde_json::to_string_pretty(records).map_err(|e| Error::Serialize(e.to_string()))?;
    text.push('\n');
    Ok(File::new(name, text))
}

fn lines<T: Serialize>(name: &str, records: &[T]) -> Result<File, Error> {
    let mut out = Vec::with_capacity(records.len() * 512);
    for r in records {
        serde_json::to_writer(&mut out, r).map_err(|e| Error::Serialize(e.to_string()))?;
        out.push(b'\n');
    }
    Ok(File::new(name, out))
}

/// `digifarm.toml`, `projects.json`, `partners.json`, `offers.json` (pretty JSON arrays).
///
/// # Errors
/// When a value cannot be serialised.
pub fn render(catalog: &Catalog) -> Result<Vec<File>, Error> {
    Ok(vec![
        config_toml(catalog)?,
        array("projects.json", &catalog.projects)?,
        array("partners.json", &catalog.partners)?,
        array("offers.json", &catalog.offers)?,
    ])
}

/// `digifarm.toml`, `projects.jsonl`, `partners.jsonl`, `offers.jsonl` (one record per line).
///
/// # Errors
/// When a value cannot be serialised.
pub fn render_lines(catalog: &Catalog) -> Result<Vec<File>, Error> {
    Ok(vec![
        config_toml(catalog)?,
        lines("projects.jsonl", &catalog.projects)?,
        lines("partners.jsonl", &catalog.partners)?,
        lines("offers.jsonl", &catalog.offers)?,
    ])
}

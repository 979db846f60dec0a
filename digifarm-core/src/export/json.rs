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

/// The health data, when the catalog has any: each stored record as `health/<id>.json` (so
/// the exported catalog loads back with it) and the verdicts as `health.json` /
/// `health.jsonl`: `{project, level, score, as_of, sentence: {de, en}, checks}` per project
/// with data.
fn health_files(catalog: &Catalog, lines_format: bool) -> Result<Vec<File>, Error> {
    #[derive(Serialize)]
    struct Sentence {
        de: String,
        en: String,
    }
    #[derive(Serialize)]
    struct Row<'a> {
        project: &'a str,
        level: crate::health::Level,
        score: Option<u8>,
        as_of: Option<chrono::NaiveDate>,
        sentence: Sentence,
        checks: &'a [crate::health::Check],
    }
    if catalog.health.files.is_empty() {
        return Ok(Vec::new());
    }
    let verdicts = crate::health::verdicts_as_observed(catalog);
    let rows: Vec<Row<'_>> = catalog
        .projects
        .iter()
        .zip(&verdicts)
        .filter(|(_, v)| v.observed.is_some())
        .map(|(p, v)| Row {
            project: &p.id,
            level: v.level,
            score: v.score,
            as_of: v.observed,
            sentence: Sentence {
                de: v.sentence(crate::i18n::Lang::De),
                en: v.sentence(crate::i18n::Lang::En),
            },
            checks: &v.checks,
        })
        .collect();
    let mut files = vec![if lines_format {
        lines("health.jsonl", &rows)?
    } else {
        array("health.json", &rows)?
    }];
    for s in &catalog.health.files {
        let mut text =
            serde_json::to_string_pretty(&s.record).map_err(|e| Error::Serialize(e.to_string()))?;
        text.push('\n');
        files.push(File::new(
            format!("health/{}.json", s.record.project.replace('/', "--")),
            text,
        ));
    }
    Ok(files)
}

/// `digifarm.toml`, `projects.json`, `partners.json`, `offers.json` (pretty JSON arrays),
/// and the health data (see [`health_files`]).
///
/// # Errors
/// When a value cannot be serialised.
pub fn render(catalog: &Catalog) -> Result<Vec<File>, Error> {
    let mut files = vec![
        config_toml(catalog)?,
        array("projects.json", &catalog.projects)?,
        array("partners.json", &catalog.partners)?,
        array("offers.json", &catalog.offers)?,
    ];
    files.extend(health_files(catalog, false)?);
    Ok(files)
}

/// `digifarm.toml`, `projects.jsonl`, `partners.jsonl`, `offers.jsonl` (one record per line).
///
/// # Errors
/// When a value cannot be serialised.
pub fn render_lines(catalog: &Catalog) -> Result<Vec<File>, Error> {
    let mut files = vec![
        config_toml(catalog)?,
        lines("projects.jsonl", &catalog.projects)?,
        lines("partners.jsonl", &catalog.partners)?,
        lines("offers.jsonl", &catalog.offers)?,
    ];
    files.extend(health_files(catalog, true)?);
    Ok(files)
}

//! `digifarm stale <CATALOG>`: listings not reviewed within the city's threshold, projects
//! paused or broken for too long, support past its end, live support through expired offers
//! and offers about to expire: the same findings `digifarm validate` reports.

use std::path::PathBuf;
use std::process::ExitCode;

use digifarm_core::model::RecordKind;
use digifarm_core::{Code, validate};

use crate::output::{self, CmdResult, Format};

/// Arguments of `digifarm stale`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Catalog directory.
    pub catalog: PathBuf,
    /// Also list projects never reviewed (info).
    #[arg(long)]
    pub all: bool,
    /// Reference date (default: today), as YYYY-MM-DD.
    #[arg(long, value_parser = super::validate::parse_date)]
    pub today: Option<chrono::NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Exit code 1 when a listing is stale, 0 otherwise.
pub fn run(args: Args) -> CmdResult {
    let today = args.today.unwrap_or_else(validate::today);
    let catalog = match super::load_valid(&args.catalog, today, "staleness was not checked")? {
        Ok(catalog) => catalog,
        Err(code) => return Ok(code),
    };
    let findings: Vec<_> = validate::stale(&catalog, today)
        .into_iter()
        .filter(|f| args.all || f.diagnostic.code != Code::NeverReviewed.as_str())
        .collect();
    let stale = findings
        .iter()
        .any(|f| f.diagnostic.code != Code::NeverReviewed.as_str());
    match args.format {
        Format::Json => output::json(&findings)?,
        Format::Human => {
            let mut out = String::new();
            for f in &findings {
                let record = match f.kind {
                    RecordKind::Project => f.id.clone(),
                    kind => format!("{kind} {}", f.id),
                };
                out.push_str(&format!(
                    "{:<40} {:<15} {}\n  {}:{}\n",
                    record,
                    f.diagnostic.code,
                    crate::output::shown(&f.diagnostic.message),
                    crate::output::shown(&f.diagnostic.file),
                    f.diagnostic.line
                ));
            }
            let cat = &catalog;
            if !cat.health.files.is_empty() {
                out.push_str(
                    "health (from the stored forge data; `digifarm refresh` updates it):\n",
                );
                let verdicts = digifarm_core::health::verdicts(cat, today);
                for (p, v) in cat.projects.iter().zip(&verdicts) {
                    if v.observed.is_some() {
                        out.push_str(&super::refresh::verdict_lines(&p.id, v, None));
                    }
                }
            }
            let n = findings
                .iter()
                .filter(|f| f.diagnostic.code != Code::NeverReviewed.as_str())
                .count();
            out.push_str(&format!(
                "{n} stale finding{} on {today} (review_days = {}, status_days = {}, offer_days = {}); `digifarm review <CATALOG> <ID> --confirm` marks a listing reviewed\n",
                if n == 1 { "" } else { "s" },
                catalog.config.staleness.review_days,
                catalog.config.staleness.status_days,
                catalog.config.staleness.offer_days
            ));
            output::stdout(&out)?;
        }
    }
    Ok(if stale {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

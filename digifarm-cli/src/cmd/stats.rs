//! `digifarm stats <CATALOG>`: figures for the programme's evaluation in the catalog's
//! language, as text, JSON, CSV for Excel or a one-page HTML report, and optionally an SVG
//! chart.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use digifarm_core::catalog::{self, Catalog};
use digifarm_core::export::CsvDialect;
use digifarm_core::i18n::Lang;
use digifarm_core::stats;
use digifarm_core::validate;

use crate::output::{self, CliError, CmdResult};

/// Output format of `digifarm stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum StatsFormat {
    /// For people, in the catalog's language.
    #[default]
    Human,
    /// One JSON object (names as in catalogs, with labels in the catalog's language).
    Json,
    /// One figure per row: section, name, value (see --csv-dialect).
    Csv,
    /// A one-page report for A4 with the chart, for a council.
    Html,
}

/// CSV flavour of `digifarm stats --format csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Dialect {
    /// German Excel: `;`, UTF-8 byte order mark, CRLF, decimal commas.
    #[default]
    Excel,
    /// RFC 4180: `,`, no byte order mark, decimal points.
    Rfc4180,
}

/// Arguments of `digifarm stats`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Catalog directory.
    pub catalog: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatsFormat::Human)]
    pub format: StatsFormat,
    /// Write the output to this file (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Count only projects that entered the programme on or after this date (YYYY-MM-DD).
    #[arg(long, value_parser = super::validate::parse_date)]
    pub since: Option<chrono::NaiveDate>,
    /// Also draw needs per kind, coverage per quarter and the pipeline into this SVG file.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// The CSV flavour.
    #[arg(long, value_enum, default_value_t = Dialect::Excel)]
    pub csv_dialect: Dialect,
    /// Language of the words (default: the catalog's default language; de or en).
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// Reference date for staleness and coverage (default: today), as YYYY-MM-DD.
    #[arg(long, value_parser = super::validate::parse_date)]
    pub today: Option<chrono::NaiveDate>,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::ALL
        .into_iter()
        .find(|l| l.tag() == s)
        .ok_or_else(|| format!("`{s}`: statistics are written in de or en"))
}

/// Refuses to write over a file the catalog was read from.
fn refuse_catalog_file(catalog: &Catalog, path: &Path) -> Result<(), CliError> {
    let canonical = |p: &Path| p.canonicalize().ok();
    let target = canonical(path);
    if target.is_some()
        && catalog
            .sources()
            .iter()
            .any(|src| canonical(Path::new(&src.path)) == target)
    {
        return Err(CliError(format!(
            "{}: refusing to overwrite a catalog file",
            path.display()
        )));
    }
    Ok(())
}

pub fn run(args: Args) -> CmdResult {
    let today = args.today.unwrap_or_else(validate::today);
    // The chart and the report are written outside the catalog, never over or into it.
    for path in args.chart.iter().chain(&args.out) {
        catalog::overlap::check_output(&args.catalog, path).map_err(|e| CliError(e.to_string()))?;
    }
    let catalog = match super::load_valid(&args.catalog, today, "no figures were computed")? {
        Ok(catalog) => catalog,
        Err(code) => return Ok(code),
    };
    let lang = args
        .lang
        .unwrap_or_else(|| Lang::from_tag(catalog.config.default_language()));
    let s = stats::compute_in(&catalog, today, args.since, lang);
    if let Some(chart) = &args.chart {
        refuse_catalog_file(&catalog, chart)?;
        catalog::write::write_atomic(chart, stats::chart_svg(&s).as_bytes(), true)?;
    }
    let text = match args.format {
        StatsFormat::Json => {
            let t = serde_json::to_string(&s).map_err(|e| CliError(e.to_string()))?;
            let mut t = output::escape_json(&t);
            t.push('\n');
            t
        }
        StatsFormat::Csv => stats::csv(
            &s,
            match args.csv_dialect {
                Dialect::Excel => CsvDialect::Excel,
                Dialect::Rfc4180 => CsvDialect::Rfc4180,
            },
        ),
        StatsFormat::Human => stats::human(&shown_stats(&s)),
        StatsFormat::Html => stats::report_html(&s),
    };
    match &args.out {
        Some(out) => {
            refuse_catalog_file(&catalog, out)?;
            catalog::write::write_atomic(out, text.as_bytes(), true)?;
        }
        // Human text is escaped for the terminal; the machine formats are written as they are
        // (JSON escapes its own controls; CSV cells are quoted and guarded).
        None if args.format == StatsFormat::Human => output::stdout(&text)?,
        None => output::stdout_raw(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The figures with every text from the catalog (city, category, need kind and partner names
/// and kinds) escaped for a terminal: a newline or escape sequence in a catalog stays on its
/// line and starts no control sequence.
fn shown_stats(s: &stats::Stats) -> stats::Stats {
    let text = |t: &str| output::shown(t).into_owned();
    let counts = |c: &[stats::Count]| -> Vec<stats::Count> {
        c.iter()
            .map(|c| stats::Count {
                name: text(&c.name),
                label: text(&c.label),
                ..c.clone()
            })
            .collect()
    };
    stats::Stats {
        city: text(&s.city),
        by_lifecycle: counts(&s.by_lifecycle),
        by_status: counts(&s.by_status),
        by_category: counts(&s.by_category),
        partners_by_kind: counts(&s.partners_by_kind),
        offers_by_kind: counts(&s.offers_by_kind),
        needs: s
            .needs
            .iter()
            .map(|n| stats::Coverage {
                kind: text(&n.kind),
                label: text(&n.label),
                ..n.clone()
            })
            .collect(),
        support_by_partner: s
            .support_by_partner
            .iter()
            .map(|p| stats::PartnerSupport {
                partner: text(&p.partner),
                name: text(&p.name),
                kind: text(&p.kind),
                ..p.clone()
            })
            .collect(),
        ..s.clone()
    }
}

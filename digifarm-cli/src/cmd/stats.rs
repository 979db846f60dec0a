//! `digifarm stats <CATALOG>`: figures for the programme's evaluation, as text, JSON or CSV,
//! and optionally an SVG chart.

use std::path::PathBuf;
use std::process::ExitCode;

use digifarm_core::catalog::{self, LoadOptions};
use digifarm_core::stats::{self, Count, Median, Stats};
use digifarm_core::validate;

use crate::output::{self, CliError, CmdResult};

/// Output format of `digifarm stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum StatsFormat {
    /// For people.
    #[default]
    Human,
    /// One JSON object.
    Json,
    /// `section,name,value` rows.
    Csv,
}

/// Arguments of `digifarm stats`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Catalog directory.
    pub catalog: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatsFormat::Human)]
    pub format: StatsFormat,
    /// Count only projects that entered the programme on or after this date (YYYY-MM-DD).
    #[arg(long, value_parser = super::validate::parse_date)]
    pub since: Option<chrono::NaiveDate>,
    /// Also draw coverage per kind and the pipeline into this SVG file.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// Reference date for staleness (default: today), as YYYY-MM-DD.
    #[arg(long, value_parser = super::validate::parse_date)]
    pub today: Option<chrono::NaiveDate>,
}

pub fn run(args: Args) -> CmdResult {
    let today = args.today.unwrap_or_else(validate::today);
    let loaded = catalog::load(&args.catalog, &LoadOptions::default())?;
    let s = stats::compute(&loaded.catalog, today, args.since);
    if let Some(chart) = &args.chart {
        let canonical = |p: &std::path::Path| p.canonicalize().ok();
        if loaded.catalog.sources().iter().any(|src| {
            canonical(std::path::Path::new(&src.path)) == canonical(chart)
                && canonical(chart).is_some()
        }) {
            return Err(CliError(format!(
                "{}: refusing to overwrite a catalog file",
                chart.display()
            )));
        }
        catalog::write::write_atomic(chart, stats::chart_svg(&s).as_bytes(), true)?;
    }
    match args.format {
        StatsFormat::Json => output::json(&s)?,
        StatsFormat::Csv => output::stdout(&csv(&s))?,
        StatsFormat::Human => output::stdout(&human(&s))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn list(counts: &[Count], all: bool) -> String {
    let parts: Vec<String> = counts
        .iter()
        .filter(|c| all || c.count > 0)
        .map(|c| format!("{} {}", c.name, c.count))
        .collect();
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}

fn days(m: &Median) -> String {
    match m.days {
        Some(d) => format!(
            "{d} days (over {} project{})",
            m.projects,
            if m.projects == 1 { "" } else { "s" }
        ),
        None => "no project has both dates".to_owned(),
    }
}

fn percent(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

/// The human report.
pub fn human(s: &Stats) -> String {
    let mut out = String::new();
    let city = if s.city.is_empty() {
        "catalog"
    } else {
        &s.city
    };
    out.push_str(&format!("{city}: programme statistics on {}", s.today));
    if let Some(since) = s.since {
        out.push_str(&format!(" (projects entered since {since})"));
    }
    out.push('\n');
    out.push_str(&format!("projects        {}\n", s.projects));
    out.push_str(&format!(
        "  lifecycle     {}\n",
        list(&s.by_lifecycle, false)
    ));
    out.push_str(&format!("  status        {}\n", list(&s.by_status, false)));
    out.push_str(&format!("  category      {}\n", list(&s.by_category, true)));
    out.push_str("needs           open / supported / total (coverage)\n");
    for c in &s.needs {
        out.push_str(&format!(
            "  {:<13} {} / {} / {} ({})\n",
            c.kind,
            c.open,
            c.supported,
            c.total,
            percent(c.coverage)
        ));
    }
    out.push_str(&format!(
        "partners        {}\n",
        list(&s.partners_by_kind, true)
    ));
    out.push_str(&format!(
        "offers          {}\n",
        list(&s.offers_by_kind, true)
    ));
    out.push_str(&format!(
        "admission       {} admitted, {} rejected, {} pending; rate {}\n",
        s.admission.admitted,
        s.admission.rejected,
        s.admission.pending,
        s.admission.rate.map_or_else(|| "n/a".to_owned(), percent)
    ));
    out.push_str(&format!(
        "median          proposal → admission: {}\n",
        days(&s.proposal_to_admission)
    ));
    out.push_str(&format!(
        "                admission → first support: {}\n",
        days(&s.admission_to_first_support)
    ));
    out.push_str(&format!("stale           {}\n", s.stale));
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// `section,name,value` rows, one figure per row.
pub fn csv(s: &Stats) -> String {
    let mut rows: Vec<(String, String, String)> =
        vec![("projects".into(), "total".into(), s.projects.to_string())];
    for (section, counts) in [
        ("lifecycle", &s.by_lifecycle),
        ("status", &s.by_status),
        ("category", &s.by_category),
        ("partners", &s.partners_by_kind),
        ("offers", &s.offers_by_kind),
    ] {
        for c in counts {
            rows.push((section.into(), c.name.clone(), c.count.to_string()));
        }
    }
    for c in &s.needs {
        rows.push(("needs-total".into(), c.kind.clone(), c.total.to_string()));
        rows.push(("needs-open".into(), c.kind.clone(), c.open.to_string()));
        rows.push((
            "needs-supported".into(),
            c.kind.clone(),
            c.supported.to_string(),
        ));
        rows.push((
            "needs-coverage".into(),
            c.kind.clone(),
            format!("{:.4}", c.coverage),
        ));
    }
    let opt = |v: Option<f64>| v.map_or_else(String::new, |x| format!("{x}"));
    rows.push((
        "admission".into(),
        "admitted".into(),
        s.admission.admitted.to_string(),
    ));
    rows.push((
        "admission".into(),
        "rejected".into(),
        s.admission.rejected.to_string(),
    ));
    rows.push((
        "admission".into(),
        "pending".into(),
        s.admission.pending.to_string(),
    ));
    rows.push((
        "admission".into(),
        "rate".into(),
        s.admission
            .rate
            .map_or_else(String::new, |r| format!("{r:.4}")),
    ));
    rows.push((
        "median-days".into(),
        "proposal-to-admission".into(),
        opt(s.proposal_to_admission.days),
    ));
    rows.push((
        "median-days".into(),
        "admission-to-first-support".into(),
        opt(s.admission_to_first_support.days),
    ));
    rows.push(("stale".into(), "projects".into(), s.stale.to_string()));
    let mut out = String::from("section,name,value\n");
    for (a, b, c) in rows {
        out.push_str(&format!(
            "{},{},{}\n",
            csv_field(&a),
            csv_field(&b),
            csv_field(&c)
        ));
    }
    out
}

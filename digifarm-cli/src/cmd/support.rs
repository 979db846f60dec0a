//! `digifarm support`: moves a need's support entry along its lifecycle (suggested → agreed →
//! active → ended) with a dated history, or lists the support of a catalog.
//!
//! A change is made under the catalog's lock, on the catalog as it is when the lock is held,
//! and rewrites only the project's file (atomically, all of it or nothing). A step the
//! lifecycle does not have is refused with exit code 2 and nothing written.

use std::path::PathBuf;
use std::process::ExitCode;

use digifarm_core::catalog::write::CatalogLock;
use digifarm_core::catalog::{self, Catalog, LoadOptions};
use digifarm_core::model::SupportStatus;
use digifarm_core::validate;
use digifarm_core::workflow::{self, SupportAction, SupportChangeRequest};

use crate::output::{self, CliError, CmdResult, Format};

/// Arguments of `digifarm support`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("step").args([
    "list", "suggest", "agree", "activate", "end"
]).required(true)))]
pub struct Args {
    /// Catalog directory.
    pub catalog: PathBuf,
    /// The project's id (with --list: only its support).
    pub project: Option<String>,
    /// The need: its number in the project's `needs` (0, 1, …, as `match` shows `#1`) or its
    /// kind when the project has one need of that kind.
    #[arg(long, value_name = "N|KIND")]
    pub need: Option<String>,
    /// The supporting partner's id.
    #[arg(long, value_name = "ID")]
    pub partner: Option<String>,
    /// The offer the support goes through (tells several entries of one partner apart).
    #[arg(long, value_name = "ID")]
    pub offer: Option<String>,
    /// List the support entries (with their status, dates and commitment).
    #[arg(long)]
    pub list: bool,
    /// Record a new `suggested` entry.
    #[arg(long)]
    pub suggest: bool,
    /// The partner agreed: suggested → agreed (or a new `agreed` entry); sets `since`.
    #[arg(long)]
    pub agree: bool,
    /// The support is being given: agreed → active.
    #[arg(long)]
    pub activate: bool,
    /// The support is over (declined, withdrawn or finished): → ended; sets `until`.
    #[arg(long)]
    pub end: bool,
    /// Who records the change (required for a change).
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    /// Why (required for a change).
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// First day of the support (default: the day of --agree or --activate), YYYY-MM-DD.
    #[arg(long, value_parser = super::validate::parse_date)]
    pub since: Option<chrono::NaiveDate>,
    /// Last day of the support (default for --end: the day of the change), YYYY-MM-DD.
    #[arg(long, value_parser = super::validate::parse_date)]
    pub until: Option<chrono::NaiveDate>,
    /// Hours per month the partner commits.
    #[arg(long, value_name = "H")]
    pub hours_per_month: Option<f64>,
    /// Euros per year the partner commits.
    #[arg(long, value_name = "EUR")]
    pub eur_per_year: Option<f64>,
    /// With --list: only entries with this status.
    #[arg(long, value_parser = parse_status, requires = "list")]
    pub status: Option<SupportStatus>,
    /// Date of the change (default: today), YYYY-MM-DD.
    #[arg(long, value_parser = super::validate::parse_date)]
    pub today: Option<chrono::NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

fn parse_status(s: &str) -> Result<SupportStatus, String> {
    SupportStatus::ALL
        .into_iter()
        .find(|st| st.as_str() == s)
        .ok_or_else(|| format!("`{s}` is not a support status (suggested, agreed, active, ended)"))
}

impl Args {
    fn action(&self) -> Option<SupportAction> {
        [
            (self.suggest, SupportAction::Suggest),
            (self.agree, SupportAction::Agree),
            (self.activate, SupportAction::Activate),
            (self.end, SupportAction::End),
        ]
        .into_iter()
        .find_map(|(on, a)| on.then_some(a))
    }
}

pub fn run(args: Args) -> CmdResult {
    super::check_text_arg("--by", args.by.as_deref(), true)?;
    super::check_text_arg("--reason", args.reason.as_deref(), false)?;
    if args.list {
        let loaded = catalog::load(&args.catalog, &LoadOptions::default())?;
        return list(&loaded.catalog, &args);
    }
    let today = args.today.unwrap_or_else(validate::today);
    let action = args
        .action()
        .ok_or_else(|| CliError("say which step to record".to_owned()))?;
    let id = args
        .project
        .as_deref()
        .ok_or_else(|| CliError("a change needs the project's id".to_owned()))?;
    let need = args
        .need
        .as_deref()
        .ok_or_else(|| CliError("a change needs --need <N|KIND>".to_owned()))?;
    let partner = args
        .partner
        .as_deref()
        .ok_or_else(|| CliError("a change needs --partner <ID>".to_owned()))?;
    let by = args
        .by
        .as_deref()
        .ok_or_else(|| CliError("a change needs --by <NAME>".to_owned()))?;
    let reason = args
        .reason
        .as_deref()
        .ok_or_else(|| CliError("a change needs --reason <TEXT>".to_owned()))?;
    if !args.catalog.is_dir() {
        return Err(CliError(format!(
            "{}: not a catalog directory",
            args.catalog.display()
        )));
    }
    // The lock first, then the catalog as it is now: a concurrent change applies on top.
    let lock = CatalogLock::acquire(&args.catalog)?;
    let loaded = catalog::load(&args.catalog, &LoadOptions::default())?;
    let (catalog, load_findings) = (loaded.catalog, loaded.diagnostics);
    let index = catalog
        .projects
        .iter()
        .position(|p| p.id == id)
        .ok_or_else(|| super::no_project(id, &args.catalog, &load_findings))?;
    let mut project = catalog.projects[index].clone();
    let need_index =
        workflow::find_need(&project, need).map_err(|e| CliError(format!("`{id}`: {e}")))?;
    let request = SupportChangeRequest {
        action,
        partner: partner.to_owned(),
        offer: args.offer.clone(),
        by: by.to_owned(),
        reason: reason.to_owned(),
        date: today,
        since: args.since,
        until: args.until,
        hours_per_month: args.hours_per_month,
        eur_per_year: args.eur_per_year,
    };
    let (entry_index, change) =
        workflow::change_support(&mut project, need_index, &catalog, &request)
            .map_err(|e| CliError(format!("`{id}` need #{need_index}: {e}")))?;
    let path = match catalog.rewrite_project(&lock, index, &project) {
        Ok(path) => path,
        Err(e) => return output::write_failed(e),
    };
    drop(lock);
    let n = &project.needs[need_index];
    let entry = &n.supported_by[entry_index];
    match args.format {
        Format::Json => output::json(&serde_json::json!({
            "project": id,
            "need": need_index,
            "kind": n.kind,
            "file": path.display().to_string(),
            "change": change,
            "entry": entry,
            "wants_help": n.wants_help(),
        }))?,
        Format::Human => output::stdout(&format!(
            "`{id}` #{need_index} {}: {}{} {} → {} on {} by {}; {}; wrote {}\n",
            n.kind,
            entry.partner,
            entry
                .offer
                .as_deref()
                .map(|o| format!(" (offer {o})"))
                .unwrap_or_default(),
            change.from.map_or("new", SupportStatus::as_str),
            change.to,
            change.date,
            change.by.as_deref().unwrap_or_default(),
            if n.wants_help() {
                "the need still wants help"
            } else {
                "the need no longer wants help"
            },
            path.display()
        ))?,
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(serde::Serialize)]
struct Row<'a> {
    project: &'a str,
    need: usize,
    kind: &'a str,
    #[serde(flatten)]
    entry: &'a digifarm_core::model::SupportRef,
    /// The status, `active` when the entry names none.
    effective_status: SupportStatus,
}

fn list(catalog: &Catalog, args: &Args) -> CmdResult {
    if let Some(id) = &args.project
        && !catalog.projects.iter().any(|p| &p.id == id)
    {
        return Err(CliError(format!(
            "no project `{id}` in {}",
            args.catalog.display()
        )));
    }
    let rows: Vec<Row<'_>> = catalog
        .projects
        .iter()
        .filter(|p| args.project.as_ref().is_none_or(|id| &p.id == id))
        .flat_map(|p| {
            p.needs.iter().enumerate().flat_map(move |(i, n)| {
                n.supported_by.iter().map(move |s| Row {
                    project: &p.id,
                    need: i,
                    kind: &n.kind,
                    entry: s,
                    effective_status: s.status(),
                })
            })
        })
        .filter(|r| args.status.is_none_or(|st| r.effective_status == st))
        .collect();
    match args.format {
        Format::Json => output::json(&rows)?,
        Format::Human => {
            let mut out = String::new();
            for r in &rows {
                let s = r.entry;
                let mut facts: Vec<String> = Vec::new();
                if let Some(o) = &s.offer {
                    facts.push(format!("offer {o}"));
                }
                match (s.since, s.until) {
                    (Some(a), Some(b)) => facts.push(format!("{a} – {b}")),
                    (Some(a), None) => facts.push(format!("since {a}")),
                    (None, Some(b)) => facts.push(format!("until {b}")),
                    (None, None) => {}
                }
                if let Some(h) = s.hours_per_month {
                    facts.push(format!("{h} h/month"));
                }
                if let Some(e) = s.eur_per_year {
                    facts.push(format!("{e} €/year"));
                }
                out.push_str(&format!(
                    "{:<40} #{} {:<10} {:<36} {:<9} {}\n",
                    r.project,
                    r.need,
                    r.kind,
                    s.partner,
                    r.effective_status,
                    facts.join(", ")
                ));
            }
            let count =
                |st: SupportStatus| rows.iter().filter(|r| r.effective_status == st).count();
            out.push_str(&format!(
                "{} support entr{}: {} suggested, {} agreed, {} active, {} ended\n",
                rows.len(),
                if rows.len() == 1 { "y" } else { "ies" },
                count(SupportStatus::Suggested),
                count(SupportStatus::Agreed),
                count(SupportStatus::Active),
                count(SupportStatus::Ended)
            ));
            output::stdout(&out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

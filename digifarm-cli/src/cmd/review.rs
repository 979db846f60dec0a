//! `digifarm review`: the steering group's decisions (`--admit`, `--reject`,
//! `--request-changes`, …) appended to a project's dated history, `--confirm` to mark a
//! listing reviewed today, and `--pending` to list what waits for a decision.

use std::path::PathBuf;
use std::process::ExitCode;

use digifarm_core::catalog::{self, Catalog, LoadOptions};
use digifarm_core::model::Lifecycle;
use digifarm_core::validate;
use digifarm_core::workflow::{self, Action, Check};

use crate::output::{self, CliError, CmdResult, Format};

/// Arguments of `digifarm review`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("decision").args([
    "pending", "confirm", "start_review", "request_changes", "admit", "reject", "sustain",
    "retire", "archive"
]).required(true)))]
pub struct Args {
    /// Catalog directory.
    pub catalog: PathBuf,
    /// The project's id (not with --pending).
    #[arg(required_unless_present = "pending", conflicts_with = "pending")]
    pub id: Option<String>,
    /// List the projects waiting for a decision, with their admission checklist.
    #[arg(long)]
    pub pending: bool,
    /// Mark the listing as reviewed today (sets last_reviewed; no lifecycle change).
    #[arg(long)]
    pub confirm: bool,
    /// proposed → in-review.
    #[arg(long)]
    pub start_review: bool,
    /// proposed or in-review → in-review, asking the proposer for changes.
    #[arg(long)]
    pub request_changes: bool,
    /// in-review → admitted.
    #[arg(long)]
    pub admit: bool,
    /// in-review → rejected.
    #[arg(long)]
    pub reject: bool,
    /// admitted → sustained.
    #[arg(long)]
    pub sustain: bool,
    /// sustained → retired.
    #[arg(long)]
    pub retire: bool,
    /// any state → archived.
    #[arg(long)]
    pub archive: bool,
    /// Why (required for a decision).
    #[arg(long)]
    pub reason: Option<String>,
    /// Who decided: a body or a role (required for a decision).
    #[arg(long)]
    pub by: Option<String>,
    /// Date of the decision (default: today), as YYYY-MM-DD.
    #[arg(long, value_parser = super::validate::parse_date)]
    pub today: Option<chrono::NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

impl Args {
    fn action(&self) -> Option<Action> {
        [
            (self.start_review, Action::StartReview),
            (self.request_changes, Action::RequestChanges),
            (self.admit, Action::Admit),
            (self.reject, Action::Reject),
            (self.sustain, Action::Sustain),
            (self.retire, Action::Retire),
            (self.archive, Action::Archive),
        ]
        .into_iter()
        .find_map(|(on, a)| on.then_some(a))
    }
}

#[derive(serde::Serialize)]
struct PendingEntry<'a> {
    id: &'a str,
    name: &'a str,
    lifecycle: &'static str,
    since: Option<chrono::NaiveDate>,
    checklist: Vec<Check>,
}

pub fn run(args: Args) -> CmdResult {
    let today = args.today.unwrap_or_else(validate::today);
    let loaded = catalog::load(&args.catalog, &LoadOptions::default())?;
    let catalog = loaded.catalog;
    if args.pending {
        return pending(&catalog, args.format);
    }
    let id = args.id.as_deref().unwrap_or_default();
    let index = catalog
        .projects
        .iter()
        .position(|p| p.id == id)
        .ok_or_else(|| CliError(format!("no project `{id}` in {}", args.catalog.display())))?;
    let mut project = catalog.projects[index].clone();
    let message = if args.confirm {
        workflow::confirm(&mut project, today);
        format!("`{id}` marked as reviewed on {today}")
    } else {
        let action = args
            .action()
            .ok_or_else(|| CliError("say which decision to take".to_owned()))?;
        let by = args
            .by
            .as_deref()
            .ok_or_else(|| CliError("a decision needs --by <NAME>".to_owned()))?;
        let reason = args
            .reason
            .as_deref()
            .ok_or_else(|| CliError("a decision needs --reason <TEXT>".to_owned()))?;
        let decision = workflow::apply(&mut project, action, by, reason, today)
            .map_err(|e| CliError(format!("`{id}`: {e}")))?;
        format!(
            "`{id}`: {} → {} on {} by {}",
            decision.from.map_or("-", Lifecycle::as_str),
            decision.to.as_str(),
            decision.date,
            decision.by.as_deref().unwrap_or_default()
        )
    };
    let path = catalog.rewrite_project(index, &project)?;
    match args.format {
        Format::Json => output::json(&serde_json::json!({
            "project": id,
            "file": path.display().to_string(),
            "lifecycle": project.lifecycle.as_str(),
            "last_reviewed": project.last_reviewed,
            "decision": if args.confirm { None } else { project.history.last() },
        }))?,
        Format::Human => output::stdout(&format!("{message}; wrote {}\n", path.display()))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn pending(catalog: &Catalog, format: Format) -> CmdResult {
    let entries: Vec<PendingEntry<'_>> = catalog
        .projects
        .iter()
        .filter(|p| matches!(p.lifecycle, Lifecycle::Proposed | Lifecycle::InReview))
        .map(|p| PendingEntry {
            id: &p.id,
            name: &p.name,
            lifecycle: p.lifecycle.as_str(),
            since: p.history.last().map(|d| d.date),
            checklist: workflow::checklist(p, catalog),
        })
        .collect();
    match format {
        Format::Json => output::json(&entries)?,
        Format::Human => {
            let mut out = String::new();
            if entries.is_empty() {
                out.push_str("nothing waits for a decision\n");
            }
            for e in &entries {
                out.push_str(&format!(
                    "{} ({}), {}{}\n",
                    e.id,
                    e.name,
                    e.lifecycle,
                    e.since.map(|d| format!(" since {d}")).unwrap_or_default()
                ));
                for c in &e.checklist {
                    out.push_str(&format!(
                        "  [{}] {:<12} {}\n",
                        if c.status.is_ok() { "x" } else { " " },
                        c.criterion.as_str(),
                        c.detail
                    ));
                }
            }
            output::stdout(&out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `digifarm review`: the steering group's decisions (`--admit`, `--reject`,
//! `--request-changes`, …) appended to a project's dated history, `--confirm` to mark a
//! listing reviewed today, and `--pending` to list what waits for a decision.
//!
//! Admission is gated by the admission checklist (`--attest` records a reviewer's
//! attestation, `--override` admits anyway with the open criteria recorded) and, with
//! `[admission] approvals`, by the four-eyes rule (`--approve`). Every change is made under
//! the catalog's lock, on the catalog as it is when the lock is held.

use std::path::PathBuf;
use std::process::ExitCode;

use digifarm_core::catalog::write::CatalogLock;
use digifarm_core::catalog::{self, Catalog, LoadOptions};
use digifarm_core::model::Lifecycle;
use digifarm_core::validate;
use digifarm_core::workflow::{self, Action, Check};

use crate::output::{self, CliError, CmdResult, Format};
use crate::render;

/// Arguments of `digifarm review`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("decision").args([
    "pending", "confirm", "attest", "approve", "start_review", "request_changes", "admit",
    "reject", "sustain", "retire", "archive"
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
    /// Attest an admission criterion a person vouches for (digital, runs, gdpr, lawful) after
    /// checking it; needs --by.
    #[arg(long, value_name = "CRITERION")]
    pub attest: Option<String>,
    /// Approve a project under review (four-eyes rule, `[admission] approvals`); needs --by.
    #[arg(long)]
    pub approve: bool,
    /// proposed → in-review.
    #[arg(long)]
    pub start_review: bool,
    /// proposed or in-review → in-review, asking the proposer for changes.
    #[arg(long)]
    pub request_changes: bool,
    /// in-review → admitted; refused while the admission checklist has open criteria
    /// (unless --override) or approvals are missing.
    #[arg(long)]
    pub admit: bool,
    /// With --admit: admit although admission criteria are open; the decision records them
    /// and the --reason.
    #[arg(long = "override", requires = "admit")]
    pub override_open: bool,
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
    super::check_text_arg("--by", args.by.as_deref(), true)?;
    super::check_text_arg("--reason", args.reason.as_deref(), false)?;
    if args.pending {
        let loaded = catalog::load(&args.catalog, &LoadOptions::default())?;
        return pending(&loaded.catalog, args.format);
    }
    if !args.catalog.is_dir() {
        return Err(CliError(format!(
            "{}: not a catalog directory",
            args.catalog.display()
        )));
    }
    // The lock first, then the catalog as it is now: a concurrent review applies on top.
    let lock = CatalogLock::acquire(&args.catalog)?;
    let loaded = catalog::load(&args.catalog, &LoadOptions::default())?;
    let (catalog, load_findings) = (loaded.catalog, loaded.diagnostics);
    let id = args.id.as_deref().unwrap_or_default();
    let index = catalog
        .projects
        .iter()
        .position(|p| p.id == id)
        .ok_or_else(|| super::no_project(id, &args.catalog, &load_findings))?;
    let mut project = catalog.projects[index].clone();
    let by = || {
        args.by
            .as_deref()
            .ok_or_else(|| CliError("this needs --by <NAME>".to_owned()))
    };
    let message = if args.confirm {
        workflow::confirm(&mut project, today);
        format!("`{id}` marked as reviewed on {today}")
    } else if let Some(criterion) = &args.attest {
        let a = workflow::attest(&mut project, criterion, by()?, today)
            .map_err(|e| CliError(format!("`{id}`: {e}")))?;
        format!(
            "`{id}`: `{}` attested by {} on {}",
            a.criterion, a.by, a.date
        )
    } else if args.approve {
        let a = workflow::approve(&mut project, by()?, args.reason.as_deref(), today)
            .map_err(|e| CliError(format!("`{id}`: {e}")))?;
        let given = workflow::approvers(&project).len();
        let needed = catalog.config.admission.approvals;
        format!(
            "`{id}`: approved by {} on {} ({given} of {needed} approval{} the city requires)",
            a.by,
            a.date,
            if needed == 1 { "" } else { "s" }
        )
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
        let decision = if action == Action::Admit {
            match workflow::admit(
                &mut project,
                &catalog,
                by,
                reason,
                today,
                args.override_open,
            ) {
                Ok(d) => d,
                Err(e) if e.is_finding() => {
                    return refused(&catalog, index, &e, args.format);
                }
                Err(e) => return Err(CliError(format!("`{id}`: {e}"))),
            }
        } else {
            workflow::apply(&mut project, action, by, reason, today)
                .map_err(|e| CliError(format!("`{id}`: {e}")))?
        };
        let overridden = if decision.overridden.is_empty() {
            String::new()
        } else {
            format!(
                " (override of open criteria: {})",
                decision.overridden.join(", ")
            )
        };
        format!(
            "`{id}`: {} → {} on {} by {}{overridden}",
            decision.from.map_or("-", Lifecycle::as_str),
            decision.to.as_str(),
            decision.date,
            decision.by.as_deref().unwrap_or_default()
        )
    };
    let path = match catalog.rewrite_project(&lock, index, &project) {
        Ok(path) => path,
        Err(e) => return output::write_failed(e),
    };
    drop(lock);
    match args.format {
        Format::Json => output::json(&serde_json::json!({
            "project": id,
            "admitted": project.lifecycle == Lifecycle::Admitted,
            "file": path.display().to_string(),
            "lifecycle": project.lifecycle.as_str(),
            "last_reviewed": project.last_reviewed,
            "decision": if args.action().is_some() { project.history.last() } else { None },
            "attestations": project.attestations,
            "approvals": project.approvals,
            "diagnostics": [],
        }))?,
        Format::Human => output::stdout(&format!("{message}; wrote {}\n", path.display()))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// An admission refused by the checklist or the four-eyes rule: the open criteria (or the
/// missing approvals) as diagnostics, exit code 1, nothing written.
fn refused(
    catalog: &Catalog,
    index: usize,
    error: &workflow::ReviewError,
    format: Format,
) -> CmdResult {
    let diagnostics = error.to_diagnostics(catalog, index);
    let id = catalog.projects.get(index).map_or("", |p| p.id.as_str());
    match format {
        Format::Json => output::json(&serde_json::json!({
            "project": id,
            "admitted": false,
            "diagnostics": diagnostics,
        }))?,
        Format::Human => {
            let colour = output::use_colour();
            let lines = render::SourceLines::of(catalog.sources());
            let mut out =
                render::diagnostics(&diagnostics, |file, line| lines.line(file, line), colour);
            out.push_str(&format!(
                "{} `{id}` is not admitted ({error}); nothing was written\n",
                render::verdict(false, "refused:", colour)
            ));
            output::stdout(&out)?;
        }
    }
    Ok(ExitCode::from(1))
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
                    crate::output::shown(e.name),
                    e.lifecycle,
                    e.since.map(|d| format!(" since {d}")).unwrap_or_default()
                ));
                for c in &e.checklist {
                    out.push_str(&format!(
                        "  [{}] {:<12} {}\n",
                        if c.status.is_ok() { "x" } else { " " },
                        c.criterion.as_str(),
                        crate::output::shown(&c.detail)
                    ));
                }
            }
            output::stdout(&out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

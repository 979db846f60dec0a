//! Gated admission: a project is admitted only when its admission checklist is complete
//! (every criterion met or attested) and, under the four-eyes rule (`[admission] approvals`),
//! enough different reviewers have approved it. A steering group may admit anyway with
//! `override`, which the decision records with the criteria that were open.

use chrono::NaiveDate;

use super::checklist::{Check, CheckStatus, Criterion, checklist};
use super::lifecycle::{Action, TransitionError, apply};
use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Approval, Attestation, Decision, Lifecycle, Project, RecordKind};

/// The criteria a person vouches for (and a reviewer may attest): `digital`, `runs`, `gdpr`,
/// `lawful`.
pub const ATTESTABLE: [Criterion; 4] = [
    Criterion::Digital,
    Criterion::Runs,
    Criterion::Gdpr,
    Criterion::Lawful,
];

/// Why a review step is refused. Nothing is changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReviewError {
    /// The lifecycle does not allow the step, or reviewer or reason is missing.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The admission checklist has criteria that are neither met nor attested.
    #[error("cannot admit `{project}`: {} admission criteria are open ({})", open.len(), open.iter().map(|c| c.criterion.as_str()).collect::<Vec<_>>().join(", "))]
    OpenCriteria {
        /// The project.
        project: String,
        /// The open criteria, in checklist order.
        open: Vec<Check>,
    },
    /// The four-eyes rule needs more approvals.
    #[error("cannot admit `{project}`: the city requires {needed} approvals by different reviewers, {} given{}", given.len(), if given.is_empty() { String::new() } else { format!(" ({})", given.join(", ")) })]
    Approvals {
        /// The project.
        project: String,
        /// How many the city requires.
        needed: u32,
        /// Who approved so far.
        given: Vec<String>,
    },
    /// Approvals are given to projects under review only.
    #[error("cannot approve `{project}`: it is {lifecycle}; projects are approved while in review")]
    NotInReview {
        /// The project.
        project: String,
        /// Its lifecycle.
        lifecycle: &'static str,
    },
    /// The reviewer approved already in this round.
    #[error(
        "`{by}` has already approved `{project}` on {date}; the four-eyes rule needs another reviewer"
    )]
    AlreadyApproved {
        /// The project.
        project: String,
        /// The reviewer.
        by: String,
        /// When they approved.
        date: NaiveDate,
    },
    /// Not a criterion a person can attest.
    #[error(
        "`{0}` is not a criterion a person attests (digital, runs, gdpr, lawful); the others are checked by digifarm"
    )]
    NotAttestable(String),
    /// The criterion is attested already.
    #[error("`{criterion}` is already attested by {by} on {date}")]
    AlreadyAttested {
        /// The criterion.
        criterion: String,
        /// Who.
        by: String,
        /// When.
        date: NaiveDate,
    },
}

impl ReviewError {
    /// Whether the refusal is a finding about the project (exit 1: the admission checklist
    /// or the four-eyes rule) rather than a step the lifecycle or the command does not allow
    /// (exit 2).
    pub fn is_finding(&self) -> bool {
        matches!(
            self,
            ReviewError::OpenCriteria { .. } | ReviewError::Approvals { .. }
        )
    }

    /// The refusal as diagnostics in the file of project `index` of `catalog` (positions
    /// resolved): one `admission-criterion-open` per open criterion, or one
    /// `approvals-missing`. Empty for refusals that are not findings.
    pub fn to_diagnostics(&self, catalog: &Catalog, index: usize) -> Vec<Diagnostic> {
        let (file, prefix, line) = catalog.locate_record(RecordKind::Project, index);
        let id = catalog.projects.get(index).map_or("", |p| p.id.as_str());
        let mut out: Vec<Diagnostic> = match self {
            ReviewError::OpenCriteria { open, .. } => open
                .iter()
                .map(|c| {
                    let criterion = c.criterion.as_str();
                    let (pointer, help) = match (c.criterion, c.status) {
                        (_, CheckStatus::NotAttested) => (
                            "/attestations".to_owned(),
                            format!(
                                "after checking it, attest it: `digifarm review <CATALOG> {id} --attest {criterion} --by NAME`; or admit anyway with `--override --reason TEXT`"
                            ),
                        ),
                        (Criterion::OpenSource, _) => (
                            "/license".to_owned(),
                            "the project needs an open-source licence under the city's policy; or admit anyway with `--override --reason TEXT`".to_owned(),
                        ),
                        (Criterion::Source, _) => (
                            "/links".to_owned(),
                            "add `links: {source: https://…}`; or admit anyway with `--override --reason TEXT`".to_owned(),
                        ),
                        _ => (
                            "/origin".to_owned(),
                            "give `origin: {city: …}` or deployment cities in the city's region; or admit anyway with `--override --reason TEXT`".to_owned(),
                        ),
                    };
                    let what = if c.status == CheckStatus::NotAttested {
                        "is not attested"
                    } else {
                        "is not met"
                    };
                    Diagnostic::new(
                        Code::AdmissionCriterionOpen,
                        file.clone(),
                        format!("{prefix}{pointer}"),
                        format!("cannot admit `{id}`: `{criterion}` {what} ({})", c.detail),
                    )
                    .with_help(help)
                })
                .collect(),
            ReviewError::Approvals { .. } => vec![
                Diagnostic::new(
                    Code::ApprovalsMissing,
                    file.clone(),
                    format!("{prefix}/approvals"),
                    self.to_string(),
                )
                .with_help(format!(
                    "each reviewer approves with `digifarm review <CATALOG> {id} --approve --by NAME`"
                )),
            ],
            _ => Vec::new(),
        };
        for d in &mut out {
            d.line = line;
        }
        catalog.resolve_positions(&mut out);
        out
    }
}

/// The criteria of the admission checklist that are neither met nor attested.
pub fn open_criteria(project: &Project, catalog: &Catalog) -> Vec<Check> {
    checklist(project, catalog)
        .into_iter()
        .filter(|c| !c.status.is_ok())
        .collect()
}

fn same_reviewer(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// The distinct reviewers who approved the project in the current round.
pub fn approvers(project: &Project) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for a in &project.approvals {
        if !names.iter().any(|n| same_reviewer(n, &a.by)) {
            names.push(a.by.trim().to_owned());
        }
    }
    names
}

/// Admits `project` (in review) on `date`: refused while the admission checklist has open
/// criteria, unless `override_open` (the decision then lists them in `overridden`), and while
/// fewer different reviewers than `[admission] approvals` have approved (no override for
/// that: it is the four-eyes rule). Sets the lifecycle, appends one decision, sets
/// `admitted_on` and `last_reviewed`.
///
/// # Errors
/// [`ReviewError`]; the project is then unchanged.
pub fn admit(
    project: &mut Project,
    catalog: &Catalog,
    by: &str,
    reason: &str,
    date: NaiveDate,
    override_open: bool,
) -> Result<Decision, ReviewError> {
    // The state machine first: admitting a project that is not in review is a usage error,
    // whatever its checklist says.
    super::lifecycle::target(project.lifecycle, Action::Admit)?;
    if by.trim().is_empty() {
        return Err(TransitionError::MissingReviewer.into());
    }
    if reason.trim().is_empty() {
        return Err(TransitionError::MissingReason.into());
    }
    let open = open_criteria(project, catalog);
    if !open.is_empty() && !override_open {
        return Err(ReviewError::OpenCriteria {
            project: project.id.clone(),
            open,
        });
    }
    let needed = catalog.config.admission.approvals;
    let given = approvers(project);
    if (given.len() as u64) < u64::from(needed) {
        return Err(ReviewError::Approvals {
            project: project.id.clone(),
            needed,
            given,
        });
    }
    let mut decision = apply(project, Action::Admit, by, reason, date)?;
    decision.overridden = open
        .iter()
        .map(|c| c.criterion.as_str().to_owned())
        .collect();
    if let Some(last) = project.history.last_mut() {
        last.overridden.clone_from(&decision.overridden);
    }
    Ok(decision)
}

/// Records `by`'s approval of `project` (in review) on `date`, for the four-eyes rule.
///
/// # Errors
/// The project is not in review, no name is given, or `by` approved already in this round.
pub fn approve(
    project: &mut Project,
    by: &str,
    reason: Option<&str>,
    date: NaiveDate,
) -> Result<Approval, ReviewError> {
    if by.trim().is_empty() {
        return Err(TransitionError::MissingReviewer.into());
    }
    if project.lifecycle != Lifecycle::InReview {
        return Err(ReviewError::NotInReview {
            project: project.id.clone(),
            lifecycle: project.lifecycle.as_str(),
        });
    }
    if let Some(a) = project.approvals.iter().find(|a| same_reviewer(&a.by, by)) {
        return Err(ReviewError::AlreadyApproved {
            project: project.id.clone(),
            by: a.by.clone(),
            date: a.date,
        });
    }
    let approval = Approval {
        by: by.trim().to_owned(),
        date,
        reason: reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned),
    };
    project.approvals.push(approval.clone());
    Ok(approval)
}

/// Records that `by` vouches for `criterion` (digital, runs, gdpr or lawful) on `date`.
///
/// # Errors
/// Not an attestable criterion, no name, or already attested.
pub fn attest(
    project: &mut Project,
    criterion: &str,
    by: &str,
    date: NaiveDate,
) -> Result<Attestation, ReviewError> {
    let criterion = criterion.trim();
    if !ATTESTABLE.iter().any(|c| c.as_str() == criterion) {
        return Err(ReviewError::NotAttestable(criterion.to_owned()));
    }
    if by.trim().is_empty() {
        return Err(TransitionError::MissingReviewer.into());
    }
    if let Some(a) = project
        .attestations
        .iter()
        .find(|a| a.criterion == criterion)
    {
        return Err(ReviewError::AlreadyAttested {
            criterion: criterion.to_owned(),
            by: a.by.clone(),
            date: a.date,
        });
    }
    let attestation = Attestation {
        criterion: criterion.to_owned(),
        by: by.trim().to_owned(),
        date,
    };
    project.attestations.push(attestation.clone());
    Ok(attestation)
}

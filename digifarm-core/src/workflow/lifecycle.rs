//! The lifecycle state machine:
//! proposed → in-review → admitted | rejected; admitted → sustained → retired; any → archived.
//! A request for changes keeps (or puts) a proposal in review.

use chrono::NaiveDate;

use crate::model::{Decision, Lifecycle, Project};

/// A decision a reviewer can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Start reviewing a proposal: proposed → in-review.
    StartReview,
    /// Ask the proposer for changes: proposed or in-review → in-review.
    RequestChanges,
    /// in-review → admitted.
    Admit,
    /// in-review → rejected.
    Reject,
    /// admitted → sustained (partners keep it alive).
    Sustain,
    /// sustained → retired.
    Retire,
    /// any state except archived → archived.
    Archive,
}

impl Action {
    /// The CLI flag's name (`admit`, `request-changes`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::StartReview => "start-review",
            Action::RequestChanges => "request-changes",
            Action::Admit => "admit",
            Action::Reject => "reject",
            Action::Sustain => "sustain",
            Action::Retire => "retire",
            Action::Archive => "archive",
        }
    }

    /// Every action.
    pub const ALL: [Action; 7] = [
        Action::StartReview,
        Action::RequestChanges,
        Action::Admit,
        Action::Reject,
        Action::Sustain,
        Action::Retire,
        Action::Archive,
    ];
}

/// A decision the state machine does not allow, or a decision without reason or reviewer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransitionError {
    /// The action is not allowed from the current state.
    #[error(
        "cannot {action} a project that is {from}; allowed from {from}: {allowed}",
        action = action.as_str(),
        from = from.as_str()
    )]
    NotAllowed {
        /// Current state.
        from: Lifecycle,
        /// The refused action.
        action: Action,
        /// What is allowed instead (comma-separated action names, or `nothing`).
        allowed: String,
    },
    /// No reason given.
    #[error("a decision needs a reason")]
    MissingReason,
    /// No reviewer given.
    #[error("a decision needs the name of who decided")]
    MissingReviewer,
    /// Dated before the last decision in the project's history (which lists them oldest
    /// first).
    #[error(
        "the decision is dated {date}, before the last one in the project's history ({last}); decisions are recorded oldest first"
    )]
    BeforeLast {
        /// The decision's date.
        date: NaiveDate,
        /// The date of the history's last decision.
        last: NaiveDate,
    },
}

/// The state `action` leads to from `from`, or why it is refused.
///
/// # Errors
/// [`TransitionError::NotAllowed`] for a transition the state machine does not have.
pub fn target(from: Lifecycle, action: Action) -> Result<Lifecycle, TransitionError> {
    use Lifecycle as L;
    let to = match (from, action) {
        (L::Proposed, Action::StartReview) => Some(L::InReview),
        (L::Proposed | L::InReview, Action::RequestChanges) => Some(L::InReview),
        (L::InReview, Action::Admit) => Some(L::Admitted),
        (L::InReview, Action::Reject) => Some(L::Rejected),
        (L::Admitted, Action::Sustain) => Some(L::Sustained),
        (L::Sustained, Action::Retire) => Some(L::Retired),
        (f, Action::Archive) if f != L::Archived => Some(L::Archived),
        _ => None,
    };
    to.ok_or_else(|| {
        let allowed: Vec<&str> = Action::ALL
            .into_iter()
            .filter(|a| *a != action && target_ok(from, *a))
            .map(Action::as_str)
            .collect();
        TransitionError::NotAllowed {
            from,
            action,
            allowed: if allowed.is_empty() {
                "nothing".to_owned()
            } else {
                allowed.join(", ")
            },
        }
    })
}

fn target_ok(from: Lifecycle, action: Action) -> bool {
    use Lifecycle as L;
    matches!(
        (from, action),
        (L::Proposed, Action::StartReview)
            | (L::Proposed | L::InReview, Action::RequestChanges)
            | (L::InReview, Action::Admit | Action::Reject)
            | (L::Admitted, Action::Sustain)
            | (L::Sustained, Action::Retire)
    ) || (action == Action::Archive && from != L::Archived)
}

/// Applies `action` to `project` on `date`: sets the lifecycle, appends exactly one dated
/// [`Decision`] with reviewer and reason, and on admission sets `admitted_on` and
/// `last_reviewed`; a request for changes clears the approvals of the round. On error the
/// project is unchanged.
///
/// This is the state machine alone: admission through the programme goes through
/// [`super::admit`], which also checks the admission checklist and the four-eyes rule.
///
/// # Errors
/// A refused transition, or an empty reason or reviewer.
pub fn apply(
    project: &mut Project,
    action: Action,
    by: &str,
    reason: &str,
    date: NaiveDate,
) -> Result<Decision, TransitionError> {
    if by.trim().is_empty() {
        return Err(TransitionError::MissingReviewer);
    }
    if reason.trim().is_empty() {
        return Err(TransitionError::MissingReason);
    }
    if let Some(last) = project.history.last()
        && date < last.date
    {
        return Err(TransitionError::BeforeLast {
            date,
            last: last.date,
        });
    }
    let from = project.lifecycle;
    let to = target(from, action)?;
    let decision = Decision {
        date,
        from: Some(from),
        to,
        by: Some(by.trim().to_owned()),
        reason: Some(reason.trim().to_owned()),
        overridden: Vec::new(),
    };
    project.lifecycle = to;
    project.history.push(decision.clone());
    if action == Action::RequestChanges {
        // Approvals were given to the version that is now to change.
        project.approvals.clear();
    }
    if to == Lifecycle::Admitted {
        project.admitted_on = Some(date);
        project.last_reviewed = Some(date);
    }
    Ok(decision)
}

/// Marks the listing as checked on `date` (`review --confirm`): only `last_reviewed` changes.
pub fn confirm(project: &mut Project, date: NaiveDate) {
    project.last_reviewed = Some(date);
}

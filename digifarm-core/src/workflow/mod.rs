//! Running the programme: proposals through the form, the steering group's review as a state
//! machine with a dated history, the admission checklist that gates admission (with the
//! four-eyes rule and recorded overrides), and the lifecycle of support entries.
//!
//! Everything here is pure: it takes records and dates and returns new records, decisions and
//! diagnostics. Reading and writing files is `catalog`'s job (`catalog::write`).
//!
//! ```
//! use digifarm_core::model::Lifecycle;
//! use digifarm_core::workflow::{Action, target};
//!
//! assert_eq!(target(Lifecycle::InReview, Action::Admit), Ok(Lifecycle::Admitted));
//! assert!(target(Lifecycle::Proposed, Action::Admit).is_err());
//! ```

mod admission;
mod checklist;
mod lifecycle;
mod proposal;
mod support;

/// The proposal form's records live with the model; they are named here too, where the
/// programme handles them.
pub use crate::model::{Attestations, Proposal, ProposalProject, Proposer};
pub use admission::{ATTESTABLE, ReviewError, admit, approve, approvers, attest, open_criteria};
pub use checklist::{Check, CheckStatus, Criterion, checklist, city_link};
pub use lifecycle::{Action, TransitionError, apply, confirm, target};
pub use proposal::{
    FormCheck, FormFinding, Refused, check_form, parse_proposal, propose, propose_text,
};
pub use support::{
    Suggested, SupportAction, SupportChangeRequest, SupportError, change_support, find_need,
    suggest, suggestion, support_step_ok, support_target,
};

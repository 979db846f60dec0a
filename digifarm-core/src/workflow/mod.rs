//! Running the programme: proposals through the form, the steering group's review as a state
//! machine with a dated history, and the admission checklist.
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

mod checklist;
mod lifecycle;
mod proposal;

pub use checklist::{Check, CheckStatus, Criterion, checklist, city_link};
pub use lifecycle::{Action, TransitionError, apply, confirm, target};
pub use proposal::{
    Attestations, Proposal, ProposalProject, Proposer, Refused, parse_proposal, propose,
};

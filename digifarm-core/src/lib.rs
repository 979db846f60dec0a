//! digifarm-core: the model, catalog loading, validation, licence policy and matching behind
//! digifarm, a catalog of open-source civic-tech projects and the partners who support them.

pub mod diagnostic;
pub mod license;
pub mod matching;
pub mod model;
pub mod schema;
pub mod synth;

pub use diagnostic::{Code, Diagnostic, Severity};

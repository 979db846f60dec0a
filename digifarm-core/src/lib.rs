//! digifarm-core: the model, catalog loading, validation, licence policy and matching behind
//! digifarm, a catalog of open-source civic-tech projects and the partners who support them.

pub mod catalog;
pub mod charset;
pub mod diagnostic;
pub mod export;
pub mod health;
pub mod i18n;
pub mod import;
mod json_tree;
pub mod license;
pub mod matching;
pub mod merge;
pub mod model;
pub mod picture;
pub mod portal;
pub mod publiccode;
pub mod schema;
pub mod source;
pub mod stats;
pub mod synth;
pub mod validate;
pub mod weblink;
pub mod workflow;
pub mod yaml_emit;

pub use diagnostic::{Code, Diagnostic, Severity};

//! Licence intelligence: SPDX expressions checked against a city's policy, free-text
//! normalisation, copyleft classification, partner licence requirements and (with the
//! `detection` feature) licence-file detection.
//!
//! ```
//! use digifarm_core::license::{self, Policy};
//! use digifarm_core::model::LicensePolicyKind;
//!
//! let policy = Policy::new(LicensePolicyKind::OsiOrFsf);
//! let verdict = license::check("MIT AND SSPL-1.0", &policy);
//! assert!(verdict.valid_expression && !verdict.allowed);
//! assert_eq!(verdict.findings[0].span, Some(8..16));
//!
//! assert!(license::satisfies("GPL-3.0-only", "GPL-2.0-or-later").unwrap_or(false));
//! let n = license::normalize("GPL v3");
//! assert!(n.ambiguous && n.candidates.len() == 2);
//! ```

mod cache;
pub mod copyleft;
#[cfg(feature = "detection")]
pub mod detect;
pub mod ids;
pub mod normalize;
pub mod parse;
mod policy;
pub mod satisfy;

pub use cache::Checker;
pub use copyleft::Strength;
#[cfg(feature = "detection")]
pub use detect::{DetectError, Detection, crosscheck, detect_file, detect_in, detect_text};
pub use normalize::{Candidate, Normalized, normalize};
pub use parse::{ParseError, Parsed, parse};
pub use policy::{Finding, Policy, TermStatus, Verdict, check, is_content_licence};
pub use satisfy::{
    Requirement, RequirementError, RequirementErrorKind, parse_requirement, satisfies,
};

//! publiccode.yml, the standard public administrations use to describe their software
//! (Developers Italia, openCode, the EU OSS catalogue): every version, every rule, and a
//! writer for the version a consumer reads.
//!
//! - [`check`] reads a file and applies the standard's full rule set, as its reference
//!   validator (publiccode-parser-go) does, each finding with line, column and the
//!   reference's key path; it also returns the content as a [`Document`].
//! - [`write`] turns a [`Document`] into the YAML of a chosen [`Version`], with only the keys
//!   that version knows.
//!
//! Import (`crate::import::publiccode`) and export (`crate::export::publiccode`) are built on
//! these two, so each rule is written once.
//!
//! ```
//! use digifarm_core::publiccode::{self, Options};
//! let file = b"publiccodeYmlVersion: \"0.6\"\nname: x\n";
//! let checked = publiccode::check(file, "publiccode.yml", &Options::default());
//! assert!(!checked.is_valid());
//! assert_eq!(checked.diagnostics[0].code, "publiccode-version-unsupported");
//! ```

pub(crate) mod check;
pub mod document;
pub mod files;
#[cfg(feature = "network")]
pub mod network;
pub mod version;
pub mod vocab;
pub(crate) mod write;

pub use check::{Checked, Network, Options, check};
pub use document::{Audience, Contact, Contractor, Description, Document, Organisation};
pub use version::Version;
pub use write::write;

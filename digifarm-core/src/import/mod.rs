//! Importers: records from other catalog formats, with diagnostics for everything that could
//! not be mapped exactly.
//!
//! An importer never panics and never guesses silently: every value it had to interpret
//! (a free-text licence, a status, a partner's kind) is reported as a [`Diagnostic`] with the
//! JSON pointer and line/column of the source value.
//!
//! ```
//! use digifarm_core::import::digifarm_json;
//!
//! let input = r#"[{"Name": "Rats-Sitzplan", "Kurzbeschreibung": "Sitzplan des Rats",
//!                  "Status": "Live", "Lizenz": "Apache License 2.0", "Inhalt": "",
//!                  "Technik": "CodeForMünster", "Sponsor": "Github"}]"#;
//! let imported = digifarm_json::import(input.as_bytes(), "digifarm.json");
//! assert_eq!(imported.projects[0].id, "rats-sitzplan");
//! assert_eq!(imported.projects[0].license, "Apache-2.0");
//! assert!(imported.projects[0].needs[0].wants_help()); // nobody gives content
//! assert!(!imported.has_errors());
//! ```

pub mod digifarm_json;
mod license_text;
mod slug;

pub use slug::slugify;

use crate::diagnostic::Diagnostic;
use crate::model::{Partner, Project};

/// What an importer produced: records plus findings about the input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Import {
    /// Projects, in input order.
    pub projects: Vec<Project>,
    /// Partners named as supporters, in order of first mention.
    pub partners: Vec<Partner>,
    /// Everything the importer had to report, in input order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Import {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

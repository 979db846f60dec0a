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

pub mod admit;
pub mod civic_json;
pub mod digifarm_csv;
pub mod digifarm_json;
mod positioned;
pub mod publiccode;
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
    /// The languages the input's texts are in, the main one first (empty when the input
    /// does not say); a new catalog made from the import gets them as its `languages`.
    pub languages: Vec<String>,
}

impl Import {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// A starting `digifarm.toml` for a catalog made from this import: the default languages
    /// and the categories the projects use; the city's name and AGS are left for a person to
    /// fill in.
    pub fn starter_config(&self) -> String {
        let mut categories: Vec<&str> = Vec::new();
        for category in self.projects.iter().flat_map(|p| &p.categories) {
            if !categories.contains(&category.as_str()) {
                categories.push(category);
            }
        }
        let mut city = toml::Table::new();
        city.insert("name".into(), toml::Value::String(String::new()));
        let mut languages: Vec<toml::Value> = Vec::new();
        for lang in &self.languages {
            let primary = lang.split('-').next().unwrap_or(lang).to_ascii_lowercase();
            let value = toml::Value::String(primary);
            if lang.len() >= 2 && !languages.contains(&value) {
                languages.push(value);
            }
        }
        if languages.is_empty() {
            languages = vec!["de".into(), "en".into()];
        }
        city.insert("languages".into(), toml::Value::Array(languages));
        let mut root = toml::Table::new();
        root.insert(
            "categories".into(),
            toml::Value::Array(categories.into_iter().map(toml::Value::from).collect()),
        );
        root.insert("city".into(), toml::Value::Table(city));
        let body = toml::to_string(&root).unwrap_or_default();
        format!(
            "# Written by `digifarm import`. Fill in the city's name and its official municipality\n\
             # key (`ags = \"…\"`, 8 digits), and list projects whose licence is being clarified under\n\
             # [[license.pending]].\n{body}"
        )
    }
}

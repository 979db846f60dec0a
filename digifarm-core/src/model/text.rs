use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Text in one or more languages: a plain string (in the catalog's default language) or a map
/// from language code to text, e.g. `{de: "…", en: "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum LocalizedText {
    /// Text in the catalog's default language.
    Plain(String),
    /// Text per language code (ISO 639-1, optionally with a region: `de`, `en`, `de-CH`).
    Localized(
        #[schemars(extend("propertyNames" = {"pattern": "^[a-z]{2}(-[A-Z]{2})?$"}))]
        BTreeMap<String, String>,
    ),
}

impl LocalizedText {
    /// The text in `lang`, falling back to `default_lang`, then to any language.
    pub fn get<'a>(&'a self, lang: &str, default_lang: &str) -> Option<&'a str> {
        match self {
            LocalizedText::Plain(s) => Some(s),
            LocalizedText::Localized(map) => map
                .get(lang)
                .or_else(|| map.get(default_lang))
                .or_else(|| map.values().next())
                .map(String::as_str),
        }
    }

    /// Whether there is non-empty text in `default_lang` (a plain string always counts as the
    /// default language).
    pub fn has_default(&self, default_lang: &str) -> bool {
        match self {
            LocalizedText::Plain(s) => !s.trim().is_empty(),
            LocalizedText::Localized(map) => {
                map.get(default_lang).is_some_and(|s| !s.trim().is_empty())
            }
        }
    }

    /// The languages present, in order (`None` stands for a plain string).
    pub fn languages(&self) -> Vec<&str> {
        match self {
            LocalizedText::Plain(_) => Vec::new(),
            LocalizedText::Localized(map) => map.keys().map(String::as_str).collect(),
        }
    }
}

impl From<&str> for LocalizedText {
    fn from(s: &str) -> Self {
        LocalizedText::Plain(s.to_owned())
    }
}

impl From<String> for LocalizedText {
    fn from(s: String) -> Self {
        LocalizedText::Plain(s)
    }
}

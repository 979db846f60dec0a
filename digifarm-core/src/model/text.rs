use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// Text in one or more languages: a plain string (in the catalog's default language) or a map
/// from language code to text, e.g. `{de: "…", en: "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum LocalizedText {
    /// Text in the catalog's default language.
    Plain(String),
    /// Text per language code (ISO 639-1, optionally with a region: `de`, `en`, `de-CH`).
    Localized(
        #[schemars(extend("propertyNames" = {"pattern": super::constraints::LANGUAGE_PATTERN}))]
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

    /// As [`LocalizedText::get`], with the language key the text was found under (`None`
    /// for a plain string, which is in the default language).
    pub fn get_with_lang<'a>(
        &'a self,
        lang: &str,
        default_lang: &str,
    ) -> Option<(&'a str, Option<&'a str>)> {
        match self {
            LocalizedText::Plain(s) => Some((s, None)),
            LocalizedText::Localized(map) => map
                .get_key_value(lang)
                .or_else(|| map.get_key_value(default_lang))
                .or_else(|| map.iter().next())
                .map(|(k, v)| (v.as_str(), Some(k.as_str()))),
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

/// Deserialized by hand: serde's untagged enums buffer the whole value before trying each
/// variant, which made this type the most expensive part of reading a record.
impl<'de> Deserialize<'de> for LocalizedText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = LocalizedText;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("text, or a map from language code to text")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LocalizedText, E> {
                Ok(LocalizedText::Plain(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<LocalizedText, E> {
                Ok(LocalizedText::Plain(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LocalizedText, A::Error> {
                unique_entries(map, "language").map(LocalizedText::Localized)
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// The entries of a map whose keys are `what` (a language code), refusing a key given twice:
/// serde's own maps keep the last value silently, so the typed JSON fast path (which builds
/// no tree) would accept a record the full path reports as `duplicate-key`; failing here
/// sends it the full way.
pub(super) fn unique_entries<'de, A, V>(
    mut map: A,
    what: &str,
) -> Result<BTreeMap<String, V>, A::Error>
where
    A: MapAccess<'de>,
    V: Deserialize<'de>,
{
    let mut out = BTreeMap::new();
    while let Some((k, v)) = map.next_entry::<String, V>()? {
        if out.contains_key(&k) {
            return Err(de::Error::custom(format_args!("duplicate {what} `{k}`")));
        }
        out.insert(k, v);
    }
    Ok(out)
}

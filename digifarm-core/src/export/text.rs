//! Escaping and the words the human-readable exports use, in German and English.

use crate::model::{Complexity, Lifecycle, LocalizedText, PartnerKind, ProjectStatus};

/// Escapes text for HTML and XML element content and attribute values. Characters that
/// cannot be published are dropped: control characters (XML 1.0 allows none below U+0020 but
/// tab, line feed and carriage return) and noncharacters (U+FFFE and U+FFFF are not XML 1.0
/// characters at all), so the Atom feed, the sitemap and the SVG chart stay well-formed.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if !crate::charset::is_publishable(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Localized text in `lang` (falling back to the default language), or "".
pub(crate) fn loc<'a>(text: Option<&'a LocalizedText>, lang: &str, default_lang: &str) -> &'a str {
    text.and_then(|t| t.get(lang, default_lang)).unwrap_or("")
}

/// Localized text as [`loc`] finds it for a page in `lang`, with the attribute it needs there
/// (` lang="de"`) when it is in another language (WCAG 3.1.2: a fallback to the catalog's
/// language is marked as such), else "".
pub(crate) fn loc_marked<'a>(
    text: Option<&'a LocalizedText>,
    lang: &str,
    default_lang: &str,
) -> (&'a str, String) {
    match text.and_then(|t| t.get_with_lang(lang, default_lang)) {
        Some((s, found)) => {
            let found = found.unwrap_or(default_lang);
            let mark = if found.eq_ignore_ascii_case(lang) {
                String::new()
            } else {
                format!(" lang=\"{}\"", esc(found))
            };
            (s, mark)
        }
        None => ("", String::new()),
    }
}

/// Whether `lang` is German (any `de` tag, `de-AT` or `DE`; everything else gets English
/// words).
fn de(lang: &str) -> bool {
    crate::i18n::Lang::from_tag(lang) == crate::i18n::Lang::De
}

/// Picks the German or English word.
pub(crate) fn tr(lang: &str, de_text: &'static str, en_text: &'static str) -> &'static str {
    if de(lang) { de_text } else { en_text }
}

pub(crate) fn status(lang: &str, s: ProjectStatus) -> &'static str {
    match s {
        ProjectStatus::Idea => tr(lang, "Idee", "Idea"),
        ProjectStatus::InDevelopment => tr(lang, "In Entwicklung", "In development"),
        ProjectStatus::Live => tr(lang, "Live", "Live"),
        ProjectStatus::Paused => tr(lang, "Pausiert", "Paused"),
        ProjectStatus::Broken => tr(lang, "Gestört", "Broken"),
        ProjectStatus::Archived => tr(lang, "Archiviert", "Archived"),
    }
}

pub(crate) fn lifecycle(lang: &str, l: Lifecycle) -> &'static str {
    match l {
        Lifecycle::Proposed => tr(lang, "Vorgeschlagen", "Proposed"),
        Lifecycle::InReview => tr(lang, "In Prüfung", "In review"),
        Lifecycle::Admitted => tr(lang, "Aufgenommen", "Admitted"),
        Lifecycle::Rejected => tr(lang, "Abgelehnt", "Rejected"),
        Lifecycle::Sustained => tr(lang, "Nachhaltig betreut", "Sustained"),
        Lifecycle::Retired => tr(lang, "Ausgeschieden", "Retired"),
        Lifecycle::Archived => tr(lang, "Archiviert", "Archived"),
    }
}

pub(crate) fn complexity(lang: &str, c: Complexity) -> &'static str {
    match c {
        Complexity::Low => tr(lang, "niedrig", "low"),
        Complexity::Medium => tr(lang, "mittel", "medium"),
        Complexity::High => tr(lang, "hoch", "high"),
        Complexity::VeryHigh => tr(lang, "sehr hoch", "very high"),
    }
}

pub(crate) fn partner_kind(lang: &str, k: PartnerKind) -> &'static str {
    match k {
        PartnerKind::Company => tr(lang, "Unternehmen", "Company"),
        PartnerKind::Association => tr(lang, "Verein", "Association"),
        PartnerKind::PublicBody => tr(lang, "Öffentliche Stelle", "Public body"),
        PartnerKind::Academic => tr(lang, "Wissenschaft", "Academic"),
        PartnerKind::Foundation => tr(lang, "Stiftung", "Foundation"),
        PartnerKind::Individual => tr(lang, "Einzelperson", "Individual"),
    }
}

/// The name of a support dimension (need kind).
pub(crate) fn kind_name(lang: &str, kind: &str) -> String {
    match kind {
        "content" => tr(lang, "Inhalt", "Content").to_owned(),
        "technical" => tr(lang, "Technik", "Technical").to_owned(),
        "financial" => tr(lang, "Finanzierung", "Financial").to_owned(),
        other => {
            let mut c = other.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

/// "Technical help wanted", per dimension.
pub(crate) fn help_wanted_label(lang: &str, kind: &str) -> String {
    match kind {
        "content" => tr(lang, "Inhaltliche Hilfe gesucht", "Content help wanted").to_owned(),
        "technical" => tr(lang, "Technische Hilfe gesucht", "Technical help wanted").to_owned(),
        "financial" => tr(
            lang,
            "Finanzielle Unterstützung gesucht",
            "Financial help wanted",
        )
        .to_owned(),
        other => format!(
            "{}: {}",
            kind_name(lang, other),
            tr(lang, "Hilfe gesucht", "help wanted")
        ),
    }
}

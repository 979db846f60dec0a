//! The string constraints of the record schemas, stated once.
//!
//! serde's types already enforce a record's shape; what the JSON Schemas require beyond that
//! is a handful of patterns and lengths. They are defined here and nowhere else: the
//! `schemars` attributes on the model take their patterns and limits from these constants
//! (so the generated schemas in `digifarm-core/schemas/` say the same), and the typed fast
//! paths, the core's for JSON text and Python's for dicts, check a record with
//! [`project_ok`], [`partner_ok`] and [`offer_ok`] instead of running the JSON Schema.
//!
//! Each predicate accepts what its pattern accepts on ASCII text and nothing the pattern
//! rejects. Non-ASCII text in a link is left to the schema: a `false` here only means "take
//! the full path", which then produces the diagnostic. The tests check every predicate
//! against the schema's own regex engine, and every constraint in the generated schemas
//! against the fast path, so a constraint added to the model without its check fails them.

use super::{Attestation, Contact, Links, LocalizedText, Need, Partner, Project, SupportOffer};

/// A record id: a slug, optionally namespaced by a city code in a merged catalog.
pub const RECORD_ID_PATTERN: &str = r"^([a-z0-9]+(-[a-z0-9]+)*/)?[a-z0-9]+(-[a-z0-9]+)*$";
/// A plain slug: a record id that is also a file name (a proposal's wished-for id).
pub const SLUG_PATTERN: &str = r"^[a-z0-9]+(-[a-z0-9]+)*$";
/// A lower-case tag: need and offer kinds, admission criteria.
pub const TAG_PATTERN: &str = r"^[a-z]+(-[a-z]+)*$";
/// A web link.
pub const HTTP_URL_PATTERN: &str = r"^https?://[^\s\x00-\x1F\x7F-\x9F]+$";
/// A source repository: a web link or a `git://` or `ssh://` URL.
pub const SOURCE_URL_PATTERN: &str = r"^(https?|git|ssh)://[^\s\x00-\x1F\x7F-\x9F]+$";
/// A language code (ISO 639-1, optionally with a region): the keys of localized text.
pub const LANGUAGE_PATTERN: &str = r"^[a-z]{2}(-[A-Z]{2})?$";
/// When a project started: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
pub const STARTED_PATTERN: &str = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-[0-3][0-9])?)?$";

/// The longest record id, in characters.
pub const MAX_ID_LEN: usize = 80;
/// The longest name of a project or partner, in characters.
pub const MAX_NAME_LEN: usize = 200;
/// The longest licence expression, in characters.
pub const MAX_LICENSE_LEN: usize = 1000;
/// The longest image path, in characters.
pub const MAX_IMAGE_LEN: usize = 300;

/// Whether `s` is a plain slug ([`SLUG_PATTERN`]), at most
/// [`MAX_ID_LEN`] bytes: a record id that can also be a file name.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_ID_LEN
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Whether `s` is a record id as the schemas define it ([`RECORD_ID_PATTERN`], at most
/// [`MAX_ID_LEN`] characters): a slug, optionally namespaced by a city code in a merged
/// catalog (`ms/klimaheroes`).
pub fn is_record_id(s: &str) -> bool {
    s.len() <= MAX_ID_LEN
        && match s.split_once('/') {
            Some((city, id)) => is_slug(city) && is_slug(id),
            None => is_slug(s),
        }
}

/// [`TAG_PATTERN`].
pub fn is_tag(s: &str) -> bool {
    !s.is_empty()
        && s.split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|c| c.is_ascii_lowercase()))
}

/// [`HTTP_URL_PATTERN`], for links in printable ASCII.
pub fn is_http_url(s: &str) -> bool {
    ["http://", "https://"].iter().any(|p| url_rest(s, p))
}

/// [`SOURCE_URL_PATTERN`], for links in printable ASCII.
pub fn is_source_url(s: &str) -> bool {
    ["http://", "https://", "git://", "ssh://"]
        .iter()
        .any(|p| url_rest(s, p))
}

/// `s` is `prefix` followed by one or more characters that are neither white space nor
/// control characters. Only printable ASCII is accepted here: the patterns' `\s` depends on
/// the regex engine's idea of Unicode white space, so any other link takes the full path.
fn url_rest(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix)
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_graphic()))
}

/// [`LANGUAGE_PATTERN`].
pub fn is_language(s: &str) -> bool {
    let b = s.as_bytes();
    (b.len() == 2 || (b.len() == 5 && b[2] == b'-' && b[3..].iter().all(u8::is_ascii_uppercase)))
        && b[..2].iter().all(u8::is_ascii_lowercase)
}

/// [`STARTED_PATTERN`].
pub fn is_started(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let month_ok = || matches!((b[5], b[6]), (b'0', b'1'..=b'9') | (b'1', b'0'..=b'2'));
    match b.len() {
        4 => digits(0..4),
        7 => digits(0..4) && b[4] == b'-' && month_ok(),
        10 => {
            digits(0..4)
                && b[4] == b'-'
                && month_ok()
                && b[7] == b'-'
                && matches!(b[8], b'0'..=b'3')
                && b[9].is_ascii_digit()
        }
        _ => false,
    }
}

/// Whether `s` has `min..=max` characters, as JSON Schema counts them (code points).
pub fn length_within(s: &str, min: usize, max: usize) -> bool {
    // The byte length bounds the character count from above; count only when it matters.
    if s.len() < min {
        return false;
    }
    s.len() <= max || (min..=max).contains(&s.chars().count())
}

fn text_ok(t: &LocalizedText) -> bool {
    match t {
        LocalizedText::Plain(_) => true,
        LocalizedText::Localized(map) => map.keys().all(|k| is_language(k)),
    }
}

fn opt_text_ok(t: Option<&LocalizedText>) -> bool {
    t.is_none_or(text_ok)
}

fn contacts_ok(contacts: &[Contact]) -> bool {
    contacts.iter().all(|c| !c.name.is_empty())
}

fn links_ok(l: &Links) -> bool {
    l.homepage.as_deref().is_none_or(is_http_url)
        && l.info.as_deref().is_none_or(is_http_url)
        && l.source.as_deref().is_none_or(is_source_url)
}

fn need_ok(n: &Need) -> bool {
    is_tag(&n.kind) && opt_text_ok(n.description.as_ref())
}

fn attestation_ok(a: &Attestation) -> bool {
    is_tag(&a.criterion) && !a.by.is_empty()
}

/// Whether the schema's string constraints hold for a project that serde read.
pub fn project_ok(p: &Project) -> bool {
    is_record_id(&p.id)
        && length_within(&p.name, 1, MAX_NAME_LEN)
        && length_within(&p.license, 1, MAX_LICENSE_LEN)
        && text_ok(&p.summary)
        && opt_text_ok(p.description.as_ref())
        && opt_text_ok(p.status_note.as_ref())
        && opt_text_ok(p.image_alt.as_ref())
        && p.image
            .as_deref()
            .is_none_or(|i| length_within(i, 1, MAX_IMAGE_LEN))
        && p.origin
            .as_ref()
            .and_then(|o| o.started.as_deref())
            .is_none_or(is_started)
        && links_ok(&p.links)
        && p.needs.iter().all(need_ok)
        && p.attestations.iter().all(attestation_ok)
        && contacts_ok(&p.contacts)
}

/// Whether the schema's string constraints hold for a partner that serde read.
pub fn partner_ok(p: &Partner) -> bool {
    is_record_id(&p.id)
        && length_within(&p.name, 1, MAX_NAME_LEN)
        && p.website.as_deref().is_none_or(is_http_url)
        && opt_text_ok(p.description.as_ref())
        && contacts_ok(&p.contacts)
}

/// Whether the schema's string constraints hold for a support offer that serde read.
pub fn offer_ok(o: &SupportOffer) -> bool {
    is_record_id(&o.id) && is_tag(&o.kind) && opt_text_ok(o.description.as_ref())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    /// The schemas' validator for a string with `pattern` and at most `max` characters.
    fn string_schema(pattern: &str, max: Option<usize>) -> jsonschema::Validator {
        let mut schema = json!({"type": "string", "pattern": pattern});
        if let Some(max) = max {
            schema["maxLength"] = json!(max);
        }
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&schema)
            .unwrap()
    }

    fn schema_says(pattern: &str, max: Option<usize>, s: &str) -> bool {
        string_schema(pattern, max).is_valid(&json!(s))
    }

    type Predicate = fn(&str) -> bool;

    const PAIRS: [(&str, Option<usize>, Predicate); 7] = [
        (SLUG_PATTERN, Some(MAX_ID_LEN), is_slug),
        (RECORD_ID_PATTERN, Some(MAX_ID_LEN), is_record_id),
        (TAG_PATTERN, None, is_tag),
        (HTTP_URL_PATTERN, None, is_http_url),
        (SOURCE_URL_PATTERN, None, is_source_url),
        (LANGUAGE_PATTERN, None, is_language),
        (STARTED_PATTERN, None, is_started),
    ];

    /// Pieces that strings near every pattern are made of.
    fn near_miss() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a", "z", "k", "A", "Z", "0", "9", "1", "-", "--", "/", ":", "//", "http://",
            "https://", "git://", "ssh://", "ftp://", "ms/", "de", "DE", "-CH", "2019", "-05",
            "-13", "-00", "-31", "-39", "-40", " ", "\t", "\n", "\u{7f}", "\u{85}", "\u{a0}",
            "\u{feff}", "\u{2028}", "\u{3000}", "ä", "_", ".", "?", "#", "%20",
        ]);
        prop::collection::vec(pieces, 0..10).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Each predicate accepts nothing its pattern rejects, and exactly what it accepts on
        /// ASCII text.
        #[test]
        fn predicates_agree_with_their_patterns(s in near_miss()) {
            static VALIDATORS: std::sync::OnceLock<Vec<jsonschema::Validator>> =
                std::sync::OnceLock::new();
            let validators = VALIDATORS
                .get_or_init(|| PAIRS.iter().map(|(p, max, _)| string_schema(p, *max)).collect());
            for ((pattern, _, predicate), validator) in PAIRS.iter().zip(validators) {
                let schema = validator.is_valid(&json!(s));
                let ours = predicate(&s);
                prop_assert!(!ours || schema, "{pattern} rejects {s:?}, the predicate accepts it");
                if s.is_ascii() {
                    prop_assert_eq!(ours, schema, "{} on {:?}", pattern, s);
                }
            }
        }
    }

    #[test]
    fn long_ids_are_measured_as_the_schema_measures_them() {
        let longest = "a".repeat(MAX_ID_LEN);
        assert!(
            is_record_id(&longest) && schema_says(RECORD_ID_PATTERN, Some(MAX_ID_LEN), &longest)
        );
        let longer = "a".repeat(MAX_ID_LEN + 1);
        assert!(!is_record_id(&longer));
        assert!(!schema_says(RECORD_ID_PATTERN, Some(MAX_ID_LEN), &longer));
        assert!(length_within(&"ä".repeat(200), 1, 200));
        assert!(!length_within(&"ä".repeat(201), 1, 200));
        assert!(!length_within("", 1, 200));
    }
}

//! What the project JSON Schema requires beyond what serde's types already enforce: string
//! patterns and lengths (`digifarm-core/schemas/project.schema.json`). A record that serde
//! read and that passes these checks is valid per the schema; anything else takes the
//! authoritative path. `tests/test_fastpath.py` checks the two paths agree on mutated records.

use digifarm_core::model::{LocalizedText, Project};

fn len_between(s: &str, min: usize, max: usize) -> bool {
    // JSON Schema counts code points; ASCII-only strings need no counting.
    let n = if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    };
    (min..=max).contains(&n)
}

/// `^[a-z0-9]+(-[a-z0-9]+)*$`
fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `^[a-z]+(-[a-z]+)*$`
fn is_kind(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
}

/// `^[a-z]{2}(-[A-Z]{2})?$`
fn is_language(s: &str) -> bool {
    let b = s.as_bytes();
    match b.len() {
        2 => b.iter().all(u8::is_ascii_lowercase),
        5 => {
            b[..2].iter().all(u8::is_ascii_lowercase)
                && b[2] == b'-'
                && b[3..].iter().all(u8::is_ascii_uppercase)
        }
        _ => false,
    }
}

/// `^[0-9]{4}(-(0[1-9]|1[0-2])(-[0-3][0-9])?)?$`
fn is_started(s: &str) -> bool {
    let b = s.as_bytes();
    let year = |b: &[u8]| b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit);
    let month = |m: &[u8]| matches!(m, [b'0', b'1'..=b'9'] | [b'1', b'0'..=b'2']);
    let day = |d: &[u8]| matches!(d, [b'0'..=b'3', b'0'..=b'9']);
    match b.len() {
        4 => year(b),
        7 => year(b) && b[4] == b'-' && month(&b[5..7]),
        10 => year(b) && b[4] == b'-' && month(&b[5..7]) && b[7] == b'-' && day(&b[8..10]),
        _ => false,
    }
}

fn text_ok(text: Option<&LocalizedText>) -> bool {
    match text {
        Some(LocalizedText::Localized(map)) => map.keys().all(|k| is_language(k)),
        _ => true,
    }
}

/// Whether the schema-only constraints of a project hold.
pub(crate) fn project_ok(p: &Project) -> bool {
    let links = &p.links;
    is_slug(&p.id)
        && len_between(&p.id, 1, 80)
        && len_between(&p.name, 1, 200)
        && len_between(&p.license, 1, 1000)
        && text_ok(Some(&p.summary))
        && text_ok(p.description.as_ref())
        && text_ok(p.status_note.as_ref())
        && links.homepage.as_deref().is_none_or(is_http)
        && links.info.as_deref().is_none_or(is_http)
        && links
            .source
            .as_deref()
            .is_none_or(|s| is_http(s) || s.starts_with("git://") || s.starts_with("ssh://"))
        && p.origin
            .as_ref()
            .and_then(|o| o.started.as_deref())
            .is_none_or(is_started)
        && p.needs
            .iter()
            .all(|n| is_kind(&n.kind) && text_ok(n.description.as_ref()))
        && p.contacts.iter().all(|c| !c.name.is_empty())
}

/// `^https?://`
fn is_http(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

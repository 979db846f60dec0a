//! The rules for what a plugin returns: lengths, syntax, and how the host shows a value it
//! refuses. Every string a plugin hands back is untrusted.

use std::borrow::Cow;

use digifarm_core::diagnostic::printable;

/// Longest diagnostic code, bytes (`[a-z0-9]+(-[a-z0-9]+)*`).
pub(crate) const MAX_CODE: usize = 64;
/// Longest diagnostic pointer, bytes.
pub(crate) const MAX_POINTER: usize = 1024;
/// Longest diagnostic message, characters (longer ones are cut, marked with `…`).
pub(crate) const MAX_MESSAGE: usize = 2000;
/// Longest help text, characters (cut).
pub(crate) const MAX_HELP: usize = 1000;
/// Longest score term name, characters (cut).
pub(crate) const MAX_TERM_NAME: usize = 100;
/// Longest score term explanation, characters (cut).
pub(crate) const MAX_EXPLANATION: usize = 500;
/// Most terms in one score.
pub(crate) const MAX_TERMS: usize = 32;
/// Longest media type with its parameters, bytes.
pub(crate) const MAX_MEDIA_TYPE: usize = 255;
/// How much of a refused value an error message shows, characters.
pub(crate) const ECHO: usize = 80;

/// A refused value as an error message shows it: printable, at most [`ECHO`] characters.
pub(crate) fn echo(value: &str) -> Cow<'_, str> {
    printable(value, ECHO)
}

/// A number as an error message shows it: short, `1e308` rather than 309 digits, `-0` for
/// negative zero.
pub(crate) fn number(value: f64) -> String {
    let magnitude = value.abs();
    let plain = value.to_string();
    if value.is_finite()
        && magnitude != 0.0
        && (!(1e-4..1e6).contains(&magnitude) || plain.len() > 24)
    {
        format!("{value:e}")
    } else {
        plain
    }
}

/// RFC 6838 §4.2 `restricted-name`: a letter or digit, then at most 126 of letters, digits
/// and `! # $ & - ^ _ . +`.
fn is_restricted_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphanumeric())
        && name.len() <= 127
        && bytes.all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
}

/// RFC 9110 `token` (a parameter value), `tchar`s only.
fn is_token(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// RFC 9110 `quoted-string` of printable ASCII (no control characters, no obs-text).
fn is_quoted_string(value: &str) -> bool {
    let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return false;
    };
    let mut bytes = inner.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'\\' => {
                if !bytes
                    .next()
                    .is_some_and(|e| e == b' ' || e.is_ascii_graphic())
                {
                    return false;
                }
            }
            b'"' => return false,
            b' ' => {}
            b if b.is_ascii_graphic() => {}
            _ => return false,
        }
    }
    true
}

/// Whether `media` is a media type: `type/subtype` of RFC 6838 restricted names, optionally
/// followed by `; name=value` parameters (RFC 6838 names, RFC 9110 token or quoted-string
/// values), ASCII only, at most [`MAX_MEDIA_TYPE`] bytes.
pub(crate) fn is_media_type(media: &str) -> bool {
    if media.len() > MAX_MEDIA_TYPE || !media.is_ascii() {
        return false;
    }
    let mut parts = media.split(';');
    let essence = parts.next().unwrap_or_default();
    let valid_essence = essence
        .split_once('/')
        .is_some_and(|(t, s)| is_restricted_name(t) && is_restricted_name(s));
    valid_essence
        && parts.all(|parameter| {
            parameter
                .trim_start_matches([' ', '\t'])
                .split_once('=')
                .is_some_and(|(name, value)| {
                    is_restricted_name(name) && (is_token(value) || is_quoted_string(value))
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        for ok in [
            "text/plain",
            "application/atom+xml",
            "application/vnd.ms-excel",
            "text/csv; charset=utf-8",
            "text/csv;charset=\"utf-8\"",
            "multipart/form-data; boundary=\"a b\"",
            "application/x.a-b_c!#$&^",
        ] {
            assert!(is_media_type(ok), "{ok}");
        }
        for bad in [
            "",
            "text",
            "text/",
            "/plain",
            "text/plain/x",
            "text /plain",
            "text/plain ",
            "-text/plain",
            "text/plain;",
            "text/plain; charset",
            "text/plain; charset=",
            "text/plain; =utf-8",
            "text/plain; charset=\"a\u{1b}\"",
            "text/plain; charset=\"a\"b\"",
            "text/plain; charset=a b",
            "text/plain\n",
            "téxt/plain",
            "text/plain\u{202E}",
        ] {
            assert!(!is_media_type(bad), "{bad:?}");
        }
        assert!(is_media_type(&format!("a/{}", "b".repeat(127))));
        assert!(!is_media_type(&format!("a/{}", "b".repeat(128))));
    }

    #[test]
    fn numbers_are_shown_briefly() {
        assert_eq!(number(-0.0), "-0");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(1.0000001), "1.0000001");
        assert_eq!(number(1e308), "1e308");
        assert_eq!(number(-1e-300), "-1e-300");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::INFINITY), "inf");
        assert_eq!(number(123_456.0), "123456");
        assert_eq!(number(12_345_678.0), "1.2345678e7");
        assert!(number(0.1 + 0.2).len() <= 24);
    }
}

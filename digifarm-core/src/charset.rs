//! Which characters a catalog's text may hold: YAML 1.2's printable set without Unicode
//! noncharacters, what every exporter can write in its own syntax (XML 1.0, YAML 1.2, CSV,
//! Markdown, HTML). What may reach a terminal or a CI log raw is a different question,
//! answered by [`crate::diagnostic::printable`].

/// Whether `c` is in YAML 1.2's printable set (tab, line feed, carriage return, U+0020–U+007E,
/// U+0085, U+00A0–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF): what a YAML 1.2 stream may hold
/// raw, and what a catalog's texts may hold at all.
pub fn is_yaml_printable(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\r'
            | '\u{20}'..='\u{7e}'
            | '\u{85}'
            | '\u{a0}'..='\u{d7ff}'
            | '\u{e000}'..='\u{fffd}'
            | '\u{10000}'..='\u{10ffff}'
    )
}

/// Whether `c` is a Unicode noncharacter (U+FDD0–U+FDEF, and the last two code points of
/// every plane: U+FFFE, U+FFFF, U+1FFFE, …): never meant for interchange, and not allowed
/// in XML 1.0 where they end a plane.
pub fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

/// Whether `c` may stand in a catalog's text: in YAML 1.2's printable set and not a Unicode
/// noncharacter. What every exporter can then write in its own syntax (XML 1.0, YAML 1.2,
/// CSV, Markdown, HTML).
pub fn is_publishable(c: char) -> bool {
    is_yaml_printable(c) && !is_noncharacter(c)
}

/// The first character of `s` that is not [`is_publishable`], with its byte offset. Scans
/// ASCII a byte at a time.
pub fn find_unpublishable(s: &str) -> Option<(usize, char)> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f {
                return Some((i, char::from(b)));
            }
            i += 1;
            continue;
        }
        let c = s.get(i..).and_then(|rest| rest.chars().next())?;
        if !is_publishable(c) {
            return Some((i, c));
        }
        i += c.len_utf8();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_printable_set_and_noncharacters() {
        for c in ['\t', '\n', 'a', '~', '\u{85}', 'ä', '\u{fffd}', '😀'] {
            assert!(is_yaml_printable(c), "{c:?}");
        }
        for c in [
            '\0', '\x1b', '\u{7f}', '\u{80}', '\u{9f}', '\u{fffe}', '\u{ffff}',
        ] {
            assert!(!is_yaml_printable(c), "{c:?}");
        }
        for c in [
            '\u{fffe}',
            '\u{ffff}',
            '\u{1fffe}',
            '\u{10ffff}',
            '\u{fdd0}',
        ] {
            assert!(is_noncharacter(c), "{c:?}");
        }
        for c in ['\u{fffd}', 'a', '\u{fdf0}', '\u{1fffd}'] {
            assert!(!is_noncharacter(c), "{c:?}");
        }
        assert_eq!(find_unpublishable("Gießen\tok\r\n"), None);
        assert_eq!(find_unpublishable("ab\x1b"), Some((2, '\x1b')));
        assert_eq!(find_unpublishable("ä\u{7f}"), Some((2, '\u{7f}')));
        assert_eq!(find_unpublishable("äö\u{9b}"), Some((4, '\u{9b}')));
        assert_eq!(find_unpublishable("x\u{ffff}"), Some((1, '\u{ffff}')));
        assert_eq!(find_unpublishable("x\u{10fffe}"), Some((1, '\u{10fffe}')));
        assert_eq!(find_unpublishable("\u{85}\u{a0}東"), None);
    }
}

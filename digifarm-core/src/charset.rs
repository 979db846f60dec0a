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

/// The first character of `s` that is not [`is_publishable`], with its byte offset. Blocks
/// of plain printable ASCII are passed over whole (a branch-free test the compiler
/// vectorises); any other block is scanned a character at a time.
pub fn find_unpublishable(s: &str) -> Option<(usize, char)> {
    const BLOCK: usize = 32;
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut slow_until = 0;
    while i < bytes.len() {
        if i >= slow_until {
            if let Some(block) = bytes.get(i..i + BLOCK) {
                let plain = block.iter().fold(true, |ok, &b| {
                    ok & ((0x20..0x7f).contains(&b) | (b == b'\t') | (b == b'\n') | (b == b'\r'))
                });
                if plain {
                    i += BLOCK;
                    continue;
                }
            }
            slow_until = i + BLOCK;
        }
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
    fn find_unpublishable_finds_the_first_as_a_character_scan_does() {
        let reference = |s: &str| s.char_indices().find(|(_, c)| !is_publishable(*c));
        let plain = "Ein Projekt für die Stadt, mit Karte und Daten.\n";
        let mut cases = vec![String::new(), plain.repeat(5)];
        for bad in [
            '\0',
            '\x1b',
            '\u{7f}',
            '\u{85}',
            '\u{9f}',
            '\u{fffe}',
            '\u{10ffff}',
        ] {
            for at in [0, 1, 31, 32, 33, 63, 64, 100, 200] {
                let mut text: String = plain.repeat(6);
                let at = (0..=at.min(text.len()))
                    .rev()
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(0);
                text.insert(at, bad);
                cases.push(text.clone());
                cases.push(format!("ä{text}"));
                cases.push("x".repeat(40) + &text);
            }
        }
        for text in &cases {
            assert_eq!(find_unpublishable(text), reference(text), "{text:?}");
        }
        assert!(cases.iter().filter(|t| reference(t).is_some()).count() > 100);
    }

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

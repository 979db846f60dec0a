//! JSON parsing (strict) and pointer positions.

use serde_json::Value;

use super::{ParseError, Pos, PosMap, push_pointer};
use crate::diagnostic::Code;

/// Parses one JSON document strictly (see the [module docs](super)).
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = super::parse_strict(&mut de).and_then(|v| de.end().map(|()| v));
    value.map_err(|e| error(&e))
}

fn error(e: &serde_json::Error) -> ParseError {
    let message = e.to_string();
    // serde_json appends " at line L column C"; keep the message without it.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m)
        .to_owned();
    ParseError {
        code: super::value::code_of_message(&message, Code::JsonSyntax),
        message,
        pos: Pos::new(e.line().max(1), e.column().max(1)),
    }
}

/// The positions of every value in a JSON text (for object members: of the key). Tolerates
/// malformed input: it maps what it can.
pub fn positions(text: &str) -> PosMap {
    let mut scanner = Scanner {
        text: text.as_bytes(),
        i: 0,
        line: 1,
        line_start: 0,
        src: text,
    };
    let mut map = PosMap::new();
    let mut pointer = String::new();
    scanner.skip_ws();
    let pos = scanner.pos();
    map.insert(String::new(), pos);
    scanner.value(&mut pointer, &mut map, 0);
    map
}

struct Scanner<'a> {
    text: &'a [u8],
    src: &'a str,
    i: usize,
    line: usize,
    line_start: usize,
}

impl Scanner<'_> {
    fn pos(&self) -> Pos {
        let col = self
            .src
            .get(self.line_start..self.i)
            .map_or(self.i - self.line_start, |s| s.chars().count());
        Pos::new(self.line, col + 1)
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.i).copied()
    }

    fn bump(&mut self) {
        if self.peek() == Some(b'\n') {
            self.line += 1;
            self.line_start = self.i + 1;
        }
        self.i += 1;
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.bump();
        }
    }

    /// Scans one value starting at the current position.
    fn value(&mut self, pointer: &mut String, map: &mut PosMap, depth: usize) {
        self.skip_ws();
        if depth > super::MAX_DEPTH {
            return;
        }
        match self.peek() {
            Some(b'{') => {
                self.bump();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(b'"') => {
                            let key_pos = self.pos();
                            let key = self.string();
                            let len = pointer.len();
                            push_pointer(pointer, &key);
                            map.entry(pointer.clone()).or_insert(key_pos);
                            self.skip_ws();
                            if self.peek() == Some(b':') {
                                self.bump();
                            }
                            self.value(pointer, map, depth + 1);
                            pointer.truncate(len);
                            self.skip_ws();
                            match self.peek() {
                                Some(b',') => self.bump(),
                                Some(b'}') => {
                                    self.bump();
                                    return;
                                }
                                _ => return,
                            }
                        }
                        Some(b'}') => {
                            self.bump();
                            return;
                        }
                        _ => return,
                    }
                }
            }
            Some(b'[') => {
                self.bump();
                let mut index = 0usize;
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(b']') => {
                            self.bump();
                            return;
                        }
                        None => return,
                        Some(_) => {
                            let len = pointer.len();
                            push_pointer(pointer, &index.to_string());
                            map.entry(pointer.clone()).or_insert(self.pos());
                            let before = self.i;
                            self.value(pointer, map, depth + 1);
                            pointer.truncate(len);
                            if self.i == before {
                                return;
                            }
                            index += 1;
                            self.skip_ws();
                            match self.peek() {
                                Some(b',') => self.bump(),
                                Some(b']') => {
                                    self.bump();
                                    return;
                                }
                                _ => return,
                            }
                        }
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                        break;
                    }
                    self.bump();
                }
            }
            None => {}
        }
    }

    /// Scans a string literal and returns its unescaped content (lossy for odd escapes).
    fn string(&mut self) -> String {
        let start = self.i;
        self.bump();
        while let Some(c) = self.peek() {
            match c {
                b'\\' => {
                    self.bump();
                    self.bump();
                }
                b'"' => {
                    self.bump();
                    break;
                }
                b'\n' => break,
                _ => self.bump(),
            }
        }
        let raw = self.src.get(start..self.i).unwrap_or_default();
        serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.trim_matches('"').to_owned())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_keys_and_elements() {
        let text = "{\n  \"a\": 1,\n  \"b\": [true, {\"c/d\": null}],\n  \"é\": \"x\"\n}";
        let map = positions(text);
        assert_eq!(map[""], Pos::new(1, 1));
        assert_eq!(map["/a"], Pos::new(2, 3));
        assert_eq!(map["/b"], Pos::new(3, 3));
        assert_eq!(map["/b/0"], Pos::new(3, 9));
        assert_eq!(map["/b/1"], Pos::new(3, 15));
        assert_eq!(map["/b/1/c~1d"], Pos::new(3, 16));
        assert_eq!(map["/é"], Pos::new(4, 3));
    }

    #[test]
    fn duplicate_keys_and_depth_are_errors() {
        let e = parse("{\"a\": 1,\n \"a\": 2}").unwrap_err();
        assert_eq!(e.code, Code::DuplicateKey);
        assert_eq!(e.pos.line, 2);
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(parse(&deep).unwrap_err().code, Code::TooDeep);
        let e = parse("{\"a\": }").unwrap_err();
        assert_eq!((e.code, e.pos), (Code::JsonSyntax, Pos::new(1, 7)));
    }
}

//! A small JSON reader that keeps what `serde_json::Value` loses: the order of keys, duplicate
//! keys, and the line and column of every key and value. The importer uses it to point
//! diagnostics at the exact place in the input; the YAML writer uses it to keep the field
//! order of serialised records.

/// A JSON value with the position where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: Tree,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// The JSON value itself.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tree {
    Null,
    Bool(bool),
    /// The number exactly as written (valid JSON number syntax).
    Number(String),
    String(String),
    Array(Vec<Node>),
    /// Members in input order; duplicates are kept.
    Object(Vec<Member>),
}

/// One `key: value` pair of an object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    pub key: String,
    pub line: u32,
    pub column: u32,
    pub value: Node,
}

/// Why the text is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub message: String,
    pub line: u32,
    pub column: u32,
    /// The input nests more deeply than allowed.
    pub too_deep: bool,
}

impl Tree {
    /// `null`, `boolean`, `number`, `string`, `array` or `object`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Tree::Null => "null",
            Tree::Bool(_) => "boolean",
            Tree::Number(_) => "number",
            Tree::String(_) => "string",
            Tree::Array(_) => "array",
            Tree::Object(_) => "object",
        }
    }
}

/// Escapes one JSON-pointer token (`~` → `~0`, `/` → `~1`).
pub(crate) fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Parses `text` as one JSON value (surrounding whitespace allowed).
pub(crate) fn parse(text: &str, max_depth: usize) -> Result<Node, ParseError> {
    let mut p = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
        line_start: 0,
        max_depth,
        column_cursor: std::cell::Cell::new((0, 0)),
    };
    p.skip_ws();
    let node = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error("trailing characters after the JSON value"));
    }
    Ok(node)
}

/// The line and column of the value at JSON pointer `pointer` in `text` (for an object
/// member: of its key), or of its nearest ancestor that exists, as [`parse`] would give them;
/// `None` when `text` holds no value. Only the path to it is read: other values are skipped
/// without being decoded or kept (the position of one finding in a large record).
pub(crate) fn position_of(text: &str, pointer: &str) -> Option<(u32, u32)> {
    let mut r = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
        line_start: 0,
        max_depth: usize::MAX,
        column_cursor: std::cell::Cell::new((0, 0)),
    };
    r.skip_ws();
    r.peek()?;
    let mut found = (r.line, r.column());
    let mut rest = pointer;
    while let Some(after) = rest.strip_prefix('/') {
        let end = after.find('/').unwrap_or(after.len());
        let (raw, next) = after.split_at(end);
        rest = next;
        let unescaped;
        let token = if raw.contains('~') {
            unescaped = raw.replace("~1", "/").replace("~0", "~");
            unescaped.as_str()
        } else {
            raw
        };
        let at = match r.peek() {
            Some(b'{') => r.find_member(token),
            Some(b'[') => {
                // Only the canonical form of an index names an element (`1`, not `01`).
                let index = token
                    .parse::<usize>()
                    .ok()
                    .filter(|i| i.to_string() == token);
                index.and_then(|i| r.find_item(i))
            }
            _ => None,
        };
        match at {
            Some(at) => found = at,
            None => break,
        }
    }
    Some(found)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    line_start: usize,
    max_depth: usize,
    /// Where the column was last taken, and how many characters precede it on its line.
    column_cursor: std::cell::Cell<(usize, usize)>,
}

impl Reader<'_> {
    /// The 1-based column of the current position. Positions only move forward, so the
    /// characters are counted from where the last column was taken (on the same line), not
    /// from the line start: linear overall even on one very long line.
    fn column(&self) -> u32 {
        let (mut at, mut chars) = self.column_cursor.get();
        if at < self.line_start || at > self.pos {
            (at, chars) = (self.line_start, 0);
        }
        chars += self
            .bytes
            .get(at..self.pos)
            .map_or(0, |b| b.iter().filter(|&&b| b & 0xC0 != 0x80).count());
        self.column_cursor.set((self.pos, chars));
        u32::try_from(chars).unwrap_or(u32::MAX).saturating_add(1)
    }

    fn error(&self, message: &str) -> ParseError {
        ParseError {
            message: message.to_owned(),
            line: self.line,
            column: self.column(),
            too_deep: false,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.line = self.line.saturating_add(1);
                    self.line_start = self.pos;
                }
                _ => break,
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, ParseError> {
        let (line, column) = (self.line, self.column());
        let value = match self.peek() {
            None => return Err(self.error("unexpected end of input, expected a value")),
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Tree::String(self.string()?),
            Some(b't') => self.literal("true", Tree::Bool(true))?,
            Some(b'f') => self.literal("false", Tree::Bool(false))?,
            Some(b'n') => self.literal("null", Tree::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.error("expected a JSON value")),
        };
        Ok(Node {
            value,
            line,
            column,
        })
    }

    fn enter(&self, depth: usize) -> Result<(), ParseError> {
        if depth >= self.max_depth {
            let mut e = self.error(&format!(
                "nested more deeply than {} levels",
                self.max_depth
            ));
            e.too_deep = true;
            return Err(e);
        }
        Ok(())
    }

    fn literal(&mut self, word: &str, value: Tree) -> Result<Tree, ParseError> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<Tree, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("invalid number: digits expected after `.`"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("invalid number: digits expected in the exponent"));
            }
            self.digits();
        }
        let raw = self.text.get(start..self.pos).unwrap_or_default();
        Ok(Tree::Number(raw.to_owned()))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn string(&mut self) -> Result<String, ParseError> {
        // Opening quote.
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.text.get(start..self.pos).unwrap_or_default());
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.escape()?;
                    out.push(c);
                }
                Some(_) => return Err(self.error("control character in a string")),
            }
        }
    }

    fn escape(&mut self) -> Result<char, ParseError> {
        let Some(b) = self.peek() else {
            return Err(self.error("unterminated escape"));
        };
        self.pos += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                if (0xD800..0xDC00).contains(&first) {
                    if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                        return Err(self.error("unpaired surrogate in \\u escape"));
                    }
                    self.pos += 2;
                    let second = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&second) {
                        return Err(self.error("unpaired surrogate in \\u escape"));
                    }
                    let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                    char::from_u32(code).ok_or_else(|| self.error("invalid \\u escape"))?
                } else {
                    char::from_u32(first)
                        .ok_or_else(|| self.error("unpaired surrogate in \\u escape"))?
                }
            }
            _ => return Err(self.error("invalid escape")),
        })
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error("invalid \\u escape"))?;
        let code = u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid \\u escape"))?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error("invalid \\u escape"));
        }
        self.pos += 4;
        Ok(code)
    }

    fn array(&mut self, depth: usize) -> Result<Tree, ParseError> {
        self.enter(depth)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Tree::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Tree::Array(items));
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    /// In the object at the current position, moves to the value of the first member named
    /// `key` and returns the key's position; `None` if there is none (or the text breaks off).
    fn find_member(&mut self, key: &str) -> Option<(u32, u32)> {
        self.pos += 1;
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return None;
            }
            let (line, start) = (self.line, self.pos);
            let name = self.string().ok()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return None;
            }
            self.pos += 1;
            self.skip_ws();
            if name == key {
                let here = self.pos;
                self.pos = start;
                let column = self.column();
                self.pos = here;
                return Some((line, column));
            }
            self.skip_value()?;
            self.skip_ws();
            if self.peek() != Some(b',') {
                return None;
            }
            self.pos += 1;
        }
    }

    /// In the array at the current position, moves to item `index` and returns its position;
    /// `None` if there is none.
    fn find_item(&mut self, index: usize) -> Option<(u32, u32)> {
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(b']') {
            return None;
        }
        for _ in 0..index {
            self.skip_value()?;
            self.skip_ws();
            if self.peek() != Some(b',') {
                return None;
            }
            self.pos += 1;
            self.skip_ws();
        }
        Some((self.line, self.column()))
    }

    /// Moves past the value at the current position without decoding it; `None` if the text
    /// breaks off.
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            let b = self.peek()?;
            match b {
                b'"' => {
                    self.pos += 1;
                    loop {
                        match self.peek()? {
                            b'"' => break,
                            b'\\' => self.pos += 2,
                            _ => self.pos += 1,
                        }
                    }
                    self.pos += 1;
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.pos += 1;
                }
                b'}' | b']' => {
                    if depth == 0 {
                        return Some(());
                    }
                    depth -= 1;
                    self.pos += 1;
                }
                b',' if depth == 0 => return Some(()),
                b'\n' => self.skip_ws(),
                _ => self.pos += 1,
            }
            if depth == 0 && matches!(b, b'"' | b'}' | b']') {
                return Some(());
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Tree, ParseError> {
        self.enter(depth)?;
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Tree::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key"));
            }
            let (line, column) = (self.line, self.column());
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error("expected `:` after the key"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            members.push(Member {
                key,
                line,
                column,
                value,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Tree::Object(members));
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn positions_and_order() {
        let text = "[\n  {\"b\": 1, \"a\": \"ä\\u00fc\",\n   \"b\": [true, null, -1.5e3]}\n]";
        let root = parse(text, 128).unwrap();
        let Tree::Array(items) = &root.value else {
            panic!()
        };
        let Tree::Object(members) = &items[0].value else {
            panic!()
        };
        assert_eq!((items[0].line, items[0].column), (2, 3));
        let keys: Vec<_> = members.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["b", "a", "b"]);
        assert_eq!((members[1].line, members[1].column), (2, 12));
        assert_eq!(members[1].value.value, Tree::String("äü".into()));
        assert_eq!((members[1].value.line, members[1].value.column), (2, 17));
        assert_eq!((members[2].line, members[2].column), (3, 4));
    }

    #[test]
    fn errors_have_positions() {
        for (text, line, column) in [
            ("", 1, 1),
            ("[1,]", 1, 4),
            ("{\"a\" 1}", 1, 6),
            ("[\n\"x\u{1}\"]", 2, 3),
            ("\"\\ud800\"", 1, 8),
            ("[01]", 1, 3),
            ("[1] x", 1, 5),
        ] {
            let e = parse(text, 128).unwrap_err();
            assert_eq!(
                (e.line, e.column),
                (line, column),
                "{text:?}: {}",
                e.message
            );
        }
        let deep = "[".repeat(10_000);
        assert!(parse(&deep, 128).unwrap_err().too_deep);
    }

    #[test]
    fn agrees_with_serde_json_on_strings() {
        let text = r#"["\"\\\/\b\f\n\r\t\u0041\ud83d\ude00", 0, -0.0, 1E+2]"#;
        let ours = parse(text, 8).unwrap();
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        let Tree::Array(items) = ours.value else {
            panic!()
        };
        assert_eq!(
            items[0].value,
            Tree::String(theirs[0].as_str().unwrap().into())
        );
        assert_eq!(items[3].value, Tree::Number("1E+2".into()));
    }
}

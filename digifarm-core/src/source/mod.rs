//! Parsing record files (YAML, JSON, JSON Lines, TOML) into JSON values, and mapping JSON
//! pointers back to line and column; [`csv`] reads spreadsheets' CSV into positioned cells
//! for the CSV importers.
//!
//! Parsing is strict: duplicate keys, nesting deeper than [`MAX_DEPTH`], non-finite numbers
//! and YAML features a catalog has no use for (several documents, alias bombs, complex keys)
//! are errors with a position. Positions of individual values are computed lazily, only for
//! files that have findings, so valid files pay nothing for them.

use std::collections::HashMap;

use crate::diagnostic::Code;

pub mod csv;
pub mod json;
pub mod toml;
mod value;
pub mod yaml;
pub mod yaml_tree;

pub use value::parse_strict;
pub(crate) use value::toml_datetime;

/// How deeply values may nest. Catalog records need fewer than ten levels.
pub const MAX_DEPTH: usize = 64;

/// Why an alias cannot stand where `open` collections are open, when it pastes a value
/// `depth` levels of collections deep: a chain of anchors, each an alias to the last one a
/// few levels deeper, builds a value far deeper than any collection the text opens. The same
/// limit as for collections written out holds, so that no walk over the built value can
/// exhaust the stack (both YAML parsers ask before they copy the value).
pub(crate) fn alias_too_deep(open: usize, depth: usize) -> Option<String> {
    (open + depth > MAX_DEPTH)
        .then(|| format!("nested more deeply than {MAX_DEPTH} levels through an alias"))
}

/// The largest record file (or JSON Lines line) accepted, in bytes.
pub const MAX_RECORD_BYTES: u64 = 8 * 1024 * 1024;

/// The largest many-record file (JSON array or JSON Lines) accepted, in bytes.
pub const MAX_COLLECTION_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// One YAML document.
    Yaml,
    /// One JSON document (a record, or an array of records).
    Json,
    /// One JSON record per line.
    JsonLines,
    /// TOML (the city config).
    Toml,
}

impl Format {
    /// The format a file name's extension implies.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            "toml" => Some(Format::Toml),
            _ => None,
        }
    }
}

/// A 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl Pos {
    /// A position from 1-based line and column.
    pub fn new(line: usize, column: usize) -> Pos {
        Pos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// The position of byte `offset` in `text`.
    pub fn of_offset(text: &str, offset: usize) -> Pos {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Pos::new(line, before[line_start..].chars().count() + 1)
    }
}

/// Where the lines of a text start, built once in one pass, so that any number of positions
/// are resolved in time linear in the text overall (a binary search for the line, then at
/// most one block of characters counted for the column), never by walking the text from its
/// start per position.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the start of each line; line `n` (1-based) starts at `starts[n - 1]`.
    starts: Vec<usize>,
    /// Characters before each block of [`BLOCK`] bytes.
    chars_before_block: Vec<usize>,
}

/// The block size of the character count checkpoints.
const BLOCK: usize = 256;

impl<'a> LineIndex<'a> {
    /// Indexes `text` whose lines end in LF or CR LF, as JSON, JSON Lines and TOML count
    /// lines (one pass).
    pub fn new(text: &'a str) -> LineIndex<'a> {
        LineIndex::build(text, false)
    }

    /// Indexes `text` whose lines end in LF, CR LF or a lone CR: YAML's line breaks, and
    /// those the CSV reader counts (one pass).
    pub fn with_lone_cr(text: &'a str) -> LineIndex<'a> {
        LineIndex::build(text, true)
    }

    /// Indexes `text` as its format counts lines: a lone CR breaks a line except in JSON,
    /// JSON Lines and TOML (whose parsers count LF only), so that a position and the line
    /// shown with it agree.
    pub fn of(format: Option<Format>, text: &'a str) -> LineIndex<'a> {
        match format {
            Some(Format::Json | Format::JsonLines | Format::Toml) => LineIndex::new(text),
            Some(Format::Yaml) | None => LineIndex::with_lone_cr(text),
        }
    }

    /// Indexes the text of the file at `path`, as [`LineIndex::of`] its extension's format.
    pub fn for_path(path: &str, text: &'a str) -> LineIndex<'a> {
        LineIndex::of(Format::from_path(std::path::Path::new(path)), text)
    }

    fn build(text: &'a str, lone_cr: bool) -> LineIndex<'a> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        if lone_cr {
            // A CR followed by LF ends its line at the LF.
            starts.extend(
                memchr::memchr2_iter(b'\n', b'\r', bytes)
                    .filter(|&i| bytes.get(i) == Some(&b'\n') || bytes.get(i + 1) != Some(&b'\n'))
                    .map(|i| i + 1),
            );
        } else {
            starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        }
        let mut chars_before_block = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut chars = 0usize;
        for chunk in bytes.chunks(BLOCK) {
            chars_before_block.push(chars);
            // Every byte that does not continue a UTF-8 sequence (10xxxxxx, -128..=-65 as
            // i8) starts a character; a branch-free count the compiler vectorises.
            chars += chunk.iter().filter(|&&b| (b as i8) >= -0x40).count();
        }
        chars_before_block.push(chars);
        LineIndex {
            text,
            starts,
            chars_before_block,
        }
    }

    /// How many characters precede byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / BLOCK;
        let start = block * BLOCK;
        let before = self.chars_before_block.get(block).copied().unwrap_or(0);
        before
            + self
                .text
                .as_bytes()
                .get(start..offset)
                .map_or(0, |b| b.iter().filter(|&&b| b & 0xC0 != 0x80).count())
    }

    /// The position of byte `offset`.
    pub fn pos(&self, offset: usize) -> Pos {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset);
        let line_start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        Pos::new(
            line,
            self.chars_before(offset) - self.chars_before(line_start) + 1,
        )
    }

    /// Line `line` (1-based) without its line break (`\n` or `\r\n`, and a lone `\r` where
    /// it breaks lines), as [`str::lines`] gives it.
    pub fn line(&self, line: u32) -> Option<&'a str> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.starts.get(i)?;
        if start >= self.text.len() {
            // After a final line break (or in an empty text) there is no further line.
            return None;
        }
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.text.len(), |next| next - 1);
        let l = self.text.get(start..end)?;
        Some(l.strip_suffix('\r').unwrap_or(l))
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A file that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// `yaml-syntax`, `json-syntax`, `duplicate-key`, `too-deep`, …
    pub code: Code,
    /// What is wrong.
    pub message: String,
    /// Where.
    pub pos: Pos,
}

/// Map from JSON pointer to the position of the value (for object members: of the key).
pub type PosMap = HashMap<String, Pos>;

/// Appends `token` to `pointer`, escaped as RFC 6901 requires.
pub fn push_pointer(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// Looks `pointer` up in `map`, falling back to the nearest ancestor that has a position.
pub fn lookup(map: &PosMap, pointer: &str) -> Option<Pos> {
    let mut p = pointer;
    loop {
        if let Some(pos) = map.get(p) {
            return Some(*pos);
        }
        if p.is_empty() {
            return None;
        }
        p = p.rfind('/').map_or("", |i| &p[..i]);
    }
}

/// The positions of every value in `text`.
pub fn positions(text: &str, format: Format) -> PosMap {
    match format {
        Format::Yaml => yaml::positions(text),
        Format::Json | Format::JsonLines => json::positions(text),
        Format::Toml => toml::positions(text),
    }
}

impl ParseError {
    /// The error as a diagnostic about `file`, at its position, with a fix hint where one is
    /// known.
    pub fn to_diagnostic(&self, file: &str) -> crate::Diagnostic {
        let help = match self.code {
            Code::InvalidUtf8 => Some("save the file as UTF-8"),
            Code::DuplicateKey => Some("remove or rename one of the two keys"),
            Code::TooDeep => Some("catalog records need only a few levels of nesting"),
            Code::InvalidNumber => Some("write a finite number"),
            _ => None,
        };
        let d = crate::Diagnostic::new(self.code, file, "", self.message.clone())
            .at(self.pos.line.max(1), self.pos.column.max(1));
        match help {
            Some(h) => d.with_help(h),
            None => d,
        }
    }
}

/// The text of a file: checked to be UTF-8, a leading byte order mark (which spreadsheet
/// exports often write) skipped, and refused when it holds nothing but white space.
///
/// # Errors
/// `invalid-utf8` at the first bad byte, or `empty-file`.
pub fn decode(bytes: &[u8]) -> Result<&str, ParseError> {
    let text = check_utf8(bytes)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ParseError {
            code: Code::EmptyFile,
            message: "the file is empty".to_owned(),
            pos: Pos::new(1, 1),
        });
    }
    Ok(text)
}

/// The first byte that is not valid UTF-8, as an error with its position.
pub fn check_utf8(bytes: &[u8]) -> Result<&str, ParseError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = e.valid_up_to();
        // The prefix is valid by definition.
        let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        // Every reader skips a leading byte order mark, and so do the positions it reports.
        let prefix = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
        ParseError {
            code: Code::InvalidUtf8,
            message: format!("invalid UTF-8 at byte {valid}: the file must be UTF-8 encoded"),
            pos: Pos::of_offset(prefix, prefix.len()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_positions_skip_a_byte_order_mark() {
        for (bytes, pos) in [
            (&b"ab\xff"[..], Pos::new(1, 3)),
            (b"\xef\xbb\xbfab\xff", Pos::new(1, 3)),
            (b"\xef\xbb\xbf\xff", Pos::new(1, 1)),
            (b"\xff", Pos::new(1, 1)),
            (b"\xef\xbb\xbfa\n\xc3\xa4\xff", Pos::new(2, 2)),
        ] {
            let e = check_utf8(bytes).err().map(|e| e.pos);
            assert_eq!(e, Some(pos), "{bytes:?}");
        }
    }

    /// A lone CR breaks a line where the format's parser counts it as a break (YAML, CSV),
    /// and not in JSON, JSON Lines and TOML: the line an index gives for a position is the
    /// line the parser counted.
    #[test]
    fn a_lone_cr_breaks_lines_where_the_format_counts_it() {
        let text = "a: 1\rb: x\r\r\nc: [2,\r  3]\n\rd: é\r";
        let yaml = LineIndex::of(Some(Format::Yaml), text);
        let lines = ["a: 1", "b: x", "", "c: [2,", "  3]", "", "d: é"];
        for (i, l) in lines.iter().enumerate() {
            assert_eq!(yaml.line(i as u32 + 1), Some(*l), "line {}", i + 1);
        }
        assert_eq!(yaml.line(lines.len() as u32 + 1), None);
        // Each value's position from the YAML parser, read back through the index, stands
        // at that value's key.
        let positions = yaml::positions(text);
        for (pointer, key) in [
            ("/a", "a:"),
            ("/b", "b:"),
            ("/c", "c:"),
            ("/c/1", "3]"),
            ("/d", "d:"),
        ] {
            let pos = positions[pointer];
            let line = yaml.line(pos.line).unwrap_or_default();
            let at: String = line.chars().skip(pos.column as usize - 1).collect();
            assert!(at.starts_with(key), "{pointer}: {pos:?} {line:?}");
        }
        assert_eq!(yaml.pos(text.find('d').unwrap_or(0)), Pos::new(7, 1));
        assert_eq!(yaml.pos(text.find('é').unwrap_or(0) + 2), Pos::new(7, 5));
        // In JSON a lone CR is white space within a line.
        let json = "{\"a\": 1,\r\"b\": 2\n}";
        for index in [
            LineIndex::new(json),
            LineIndex::of(Some(Format::Json), json),
        ] {
            assert_eq!(index.line(1), Some("{\"a\": 1,\r\"b\": 2"));
            assert_eq!(index.line(2), Some("}"));
            assert_eq!(index.pos(json.find("\"b").unwrap_or(0)), Pos::new(1, 10));
        }
        assert_eq!(
            json::positions(json)["/b"],
            LineIndex::new(json).pos(json.find("\"b").unwrap_or(0))
        );
        assert!(matches!(
            LineIndex::for_path("projects/x.yml", text).line(2),
            Some("b: x")
        ));
        assert_eq!(LineIndex::for_path("x.csv", "a\rb").line(2), Some("b"));
        assert_eq!(LineIndex::for_path("x.jsonl", "a\rb").line(2), None);
    }

    /// An unprintable character's position counts a lone CR as YAML does.
    #[test]
    fn an_unprintable_character_after_a_lone_cr_is_placed_on_its_line() {
        let e = yaml::parse("a: 1\rb: \u{7}\n").err().map(|e| e.pos);
        assert_eq!(e, Some(Pos::new(2, 4)));
    }

    #[test]
    fn line_index_agrees_with_walking_the_text() {
        let long = "ä".repeat(300) + "x";
        for text in [
            "",
            "a",
            "a\n",
            "a\r\nbb\n\nccc",
            "Münster\nGießen ü\n東京\n",
            long.as_str(),
        ] {
            let index = LineIndex::new(text);
            let lines: Vec<&str> = text.lines().collect();
            for (i, l) in lines.iter().enumerate() {
                assert_eq!(
                    index.line(i as u32 + 1),
                    Some(*l),
                    "{text:?} line {}",
                    i + 1
                );
            }
            assert_eq!(index.line(lines.len() as u32 + 1), None, "{text:?}");
            assert_eq!(index.line(0), None);
            for offset in (0..=text.len()).filter(|o| text.is_char_boundary(*o)) {
                assert_eq!(
                    index.pos(offset),
                    Pos::of_offset(text, offset),
                    "{text:?} {offset}"
                );
            }
        }
    }
}

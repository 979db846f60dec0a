//! YAML parsing (YAML 1.2 core schema, strict) into JSON values, with positions.
//!
//! Built on `saphyr-parser`'s event stream, which reports a span for every event. Scalars
//! resolve as YAML 1.2 says (`yes`/`no` are strings, not booleans). Anchors and aliases work,
//! with a budget on how much aliases may expand.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Number, Value};

use super::{MAX_DEPTH, ParseError, Pos, PosMap, push_pointer};
use crate::diagnostic::Code;

/// Parses one YAML document strictly. An empty document (only comments) is `Value::Null`.
pub fn parse(text: &str) -> Result<Value, ParseError> {
    build(text, None)
}

/// The positions of every value in a YAML text (for mapping members: of the key). On a
/// syntax error, the positions seen before it.
pub fn positions(text: &str) -> PosMap {
    parse_with_positions(text).1
}

/// [`parse`] and [`positions`] in one pass over the text.
pub(crate) fn parse_with_positions(text: &str) -> (Result<Value, ParseError>, PosMap) {
    let mut map = PosMap::new();
    let value = build(text, Some(&mut map));
    // The parser places the empty value of a key at the end of the stream on the line after
    // the last one (`? ` alone): keep every position inside the text.
    let lines = line_count(text);
    for pos in map.values_mut() {
        if pos.line as usize > lines {
            *pos = Pos::new(
                lines,
                text.rsplit(['\n', '\r'])
                    .next()
                    .map_or(0, |l| l.chars().count())
                    + 1,
            );
        }
    }
    (value, map)
}

/// The lines of a text as YAML counts them (a line break is LF, CR LF or a lone CR).
fn line_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    let breaks = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count();
    breaks + 1
}

fn pos_of(span: &Span) -> Pos {
    Pos::new(span.start.line(), span.start.col() + 1)
}

fn err(code: Code, message: impl Into<String>, span: &Span) -> ParseError {
    ParseError {
        code,
        message: message.into(),
        pos: pos_of(span),
    }
}

enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: usize,
        pointer: String,
        /// Levels of nesting in this collection so far, itself included.
        height: usize,
    },
    Map {
        map: Map<String, Value>,
        key: Option<String>,
        anchor: usize,
        pointer: String,
        height: usize,
    },
}

impl Frame {
    fn height_mut(&mut self) -> &mut usize {
        match self {
            Frame::Seq { height, .. } | Frame::Map { height, .. } => height,
        }
    }
}

struct Builder<'m> {
    stack: Vec<Frame>,
    /// Each anchored value with its levels of nesting (0 for a scalar): an alias pastes a
    /// whole value, so the depth limit must count what it brings along.
    anchors: HashMap<usize, (Value, usize)>,
    root: Option<Value>,
    positions: Option<&'m mut PosMap>,
    /// Nodes still allowed to be created through aliases.
    alias_budget: usize,
}

impl Builder<'_> {
    /// The pointer a node starting now gets (empty unless positions are being collected:
    /// the plain parse builds no pointer strings), and whether it is a mapping key.
    fn child_pointer(&self) -> (String, bool) {
        if self.positions.is_none() {
            let is_key = matches!(self.stack.last(), Some(Frame::Map { key: None, .. }));
            return (String::new(), is_key);
        }
        match self.stack.last() {
            None => (String::new(), false),
            Some(Frame::Seq { items, pointer, .. }) => {
                let mut p = pointer.clone();
                push_pointer(&mut p, &items.len().to_string());
                (p, false)
            }
            Some(Frame::Map {
                key: Some(k),
                pointer,
                ..
            }) => {
                let mut p = pointer.clone();
                push_pointer(&mut p, k);
                (p, false)
            }
            Some(Frame::Map {
                key: None, pointer, ..
            }) => (pointer.clone(), true),
        }
    }

    fn record(&mut self, pointer: String, span: &Span) {
        if let Some(map) = self.positions.as_deref_mut() {
            map.entry(pointer).or_insert(pos_of(span));
        }
    }

    /// Adds a finished node of `height` levels to its parent (or makes it the root).
    fn finish(
        &mut self,
        value: Value,
        anchor: usize,
        height: usize,
        span: &Span,
    ) -> Result<(), ParseError> {
        if anchor != 0 {
            self.anchors.insert(anchor, (value.clone(), height));
        }
        let tracking = self.positions.is_some();
        if let Some(parent) = self.stack.last_mut() {
            let h = parent.height_mut();
            *h = (*h).max(height + 1);
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(value);
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(value);
                Ok(())
            }
            Some(Frame::Map {
                map, key, pointer, ..
            }) => match key.take() {
                None => {
                    let k = match value {
                        Value::String(s) => s,
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => "null".to_owned(),
                        Value::Array(_) | Value::Object(_) => {
                            return Err(err(
                                Code::YamlUnsupported,
                                "complex mapping keys are not allowed; keys must be plain strings",
                                span,
                            ));
                        }
                    };
                    if map.contains_key(&k) {
                        return Err(err(
                            Code::DuplicateKey,
                            format!("duplicate key `{k}`"),
                            span,
                        ));
                    }
                    if tracking {
                        let mut p = pointer.clone();
                        push_pointer(&mut p, &k);
                        *key = Some(k);
                        self.record(p, span);
                    } else {
                        *key = Some(k);
                    }
                    Ok(())
                }
                Some(k) => {
                    map.insert(k, value);
                    Ok(())
                }
            },
        }
    }

    fn open(&mut self, seq: bool, anchor: usize, span: &Span) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(err(
                Code::TooDeep,
                format!("nested more deeply than {MAX_DEPTH} levels"),
                span,
            ));
        }
        let (pointer, is_key) = self.child_pointer();
        if is_key {
            return Err(err(
                Code::YamlUnsupported,
                "complex mapping keys are not allowed; keys must be plain strings",
                span,
            ));
        }
        if self.positions.is_some() {
            self.record(pointer.clone(), span);
        }
        self.stack.push(if seq {
            Frame::Seq {
                items: Vec::new(),
                anchor,
                pointer,
                height: 1,
            }
        } else {
            Frame::Map {
                map: Map::new(),
                key: None,
                anchor,
                pointer,
                height: 1,
            }
        });
        Ok(())
    }
}

/// The first character outside YAML 1.2's printable set (c-printable): a raw ESC, DEL or C1
/// control is not YAML, whatever a lenient parser makes of it.
fn check_printable(text: &str) -> Result<(), ParseError> {
    let Some((offset, c)) = text
        .char_indices()
        .find(|&(_, c)| !crate::charset::is_yaml_printable(c) && c != '\u{feff}')
    else {
        return Ok(());
    };
    Err(ParseError {
        code: Code::YamlSyntax,
        message: format!(
            "the character U+{:04X} is not allowed in YAML (it is outside YAML 1.2's printable set)",
            u32::from(c)
        ),
        pos: super::LineIndex::with_lone_cr(text).pos(offset),
    })
}

/// The value of a scalar with a tag: the core schema's tags (`!!str`, `!!int`, `!!float`,
/// `!!bool`, `!!null`) are honoured when the text fits them, whatever the quoting
/// (`!!int "12"` is 12); the non-specific `!` makes a string; any other tag, or text that does
/// not fit its tag, is an error (a tag is never silently dropped).
fn tagged_scalar(
    text: &str,
    style: ScalarStyle,
    tag: &Tag,
    span: &Span,
) -> Result<Value, ParseError> {
    if is_non_specific(tag) {
        return Ok(Value::String(text.to_owned()));
    }
    let shown = tag_name(tag);
    if !tag.is_yaml_core_schema() {
        return Err(err(
            Code::YamlTag,
            format!("the tag `{shown}` is not supported; catalogs use plain YAML values"),
            span,
        ));
    }
    let resolved = || {
        if text.is_empty() {
            Ok(Value::Null)
        } else {
            resolve_plain(text, span)
        }
    };
    let value = match tag.suffix.as_str() {
        "str" => return Ok(Value::String(text.to_owned())),
        "null" => resolved()?,
        "bool" => resolved()?,
        "int" => resolved()?,
        "float" => resolved()?,
        _ => {
            return Err(err(
                Code::YamlTag,
                format!("the tag `{shown}` is not supported; catalogs use plain YAML values"),
                span,
            ));
        }
    };
    let fits = match (tag.suffix.as_str(), &value) {
        ("null", Value::Null) | ("bool", Value::Bool(_)) => true,
        ("int", Value::Number(n)) => n.is_i64() || n.is_u64(),
        ("float", Value::Number(_)) => true,
        _ => false,
    };
    if !fits {
        let quoted = if style == ScalarStyle::Plain {
            text.to_owned()
        } else {
            format!("\"{text}\"")
        };
        return Err(err(
            Code::YamlTag,
            format!("{quoted} is not a valid `{shown}` value"),
            span,
        ));
    }
    Ok(value)
}

/// A collection's tag must be the core schema's `!!seq` / `!!map` (or `!`).
fn check_collection_tag(tag: Option<&Tag>, seq: bool, span: &Span) -> Result<(), ParseError> {
    let Some(tag) = tag else {
        return Ok(());
    };
    let fits = is_non_specific(tag)
        || (tag.is_yaml_core_schema() && tag.suffix == if seq { "seq" } else { "map" });
    if fits {
        return Ok(());
    }
    Err(err(
        Code::YamlTag,
        format!(
            "the tag `{}` does not fit a {}; catalogs use plain YAML values",
            tag_name(tag),
            if seq { "list" } else { "mapping" }
        ),
        span,
    ))
}

/// The non-specific tag `!` (a string for a scalar, the node's own kind for a collection).
fn is_non_specific(tag: &Tag) -> bool {
    (tag.handle == "!" && tag.suffix.is_empty()) || (tag.handle.is_empty() && tag.suffix == "!")
}

/// A tag as it was likely written (`!!int`, `!local`, `!<tag:…>`).
fn tag_name(tag: &Tag) -> String {
    if tag.is_yaml_core_schema() {
        format!("!!{}", tag.suffix)
    } else if tag.handle.starts_with('!') {
        format!("{}{}", tag.handle, tag.suffix)
    } else {
        format!("!<{}{}>", tag.handle, tag.suffix)
    }
}

fn build(text: &str, positions: Option<&mut PosMap>) -> Result<Value, ParseError> {
    check_printable(text)?;
    let mut b = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        positions,
        alias_budget: text.len().saturating_mul(4).max(10_000),
    };
    let mut documents = 0usize;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let code = super::value::code_of_message(e.info(), Code::YamlSyntax);
            let message = if code == Code::TooDeep {
                format!("nested too deeply for a catalog record ({})", e.info())
            } else {
                e.info().to_owned()
            };
            ParseError {
                code,
                message,
                pos: Pos::new(e.marker().line(), e.marker().col() + 1),
            }
        })?;
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(err(
                        Code::YamlUnsupported,
                        "a record file holds one YAML document; found a second `---`",
                        &span,
                    ));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let (pointer, is_key) = b.child_pointer();
                if !is_key {
                    b.record(pointer, &span);
                }
                let value = match &tag {
                    Some(tag) => tagged_scalar(&text, style, tag, &span)?,
                    None if style == ScalarStyle::Plain => resolve_plain(&text, &span)?,
                    None => Value::String(text.into_owned()),
                };
                b.finish(value, anchor, 0, &span)?;
            }
            Event::SequenceStart(anchor, tag) => {
                check_collection_tag(tag.as_deref(), true, &span)?;
                b.open(true, anchor, &span)?;
            }
            Event::MappingStart(anchor, tag) => {
                check_collection_tag(tag.as_deref(), false, &span)?;
                b.open(false, anchor, &span)?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor, height) = match b.stack.pop() {
                    Some(Frame::Seq {
                        items,
                        anchor,
                        height,
                        ..
                    }) => (Value::Array(items), anchor, height),
                    Some(Frame::Map {
                        map,
                        anchor,
                        height,
                        ..
                    }) => (Value::Object(map), anchor, height),
                    None => continue,
                };
                b.finish(value, anchor, height, &span)?;
            }
            Event::Alias(id) => {
                let Some((value, height)) = b.anchors.get(&id) else {
                    return Err(err(Code::YamlSyntax, "alias to an unknown anchor", &span));
                };
                if let Some(message) = super::alias_too_deep(b.stack.len(), *height) {
                    return Err(err(Code::TooDeep, message, &span));
                }
                let size = node_count(value);
                if size > b.alias_budget {
                    return Err(err(
                        Code::YamlUnsupported,
                        "aliases expand to far more data than the file holds (alias bomb)",
                        &span,
                    ));
                }
                let (value, height) = (value.clone(), *height);
                b.alias_budget -= size;
                let (pointer, is_key) = b.child_pointer();
                if !is_key {
                    b.record(pointer, &span);
                }
                b.finish(value, 0, height, &span)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    Ok(b.root.unwrap_or(Value::Null))
}

/// What a value costs when an alias repeats it: one per node plus the bytes of its text, so
/// that a long string repeated through aliases counts as the data it becomes.
fn node_count(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(node_count).sum::<usize>(),
        Value::Object(map) => {
            1 + map
                .iter()
                .map(|(k, v)| 1 + k.len() + node_count(v))
                .sum::<usize>()
        }
        Value::String(s) => 1 + s.len(),
        _ => 1,
    }
}

/// Resolves a plain scalar by the YAML 1.2 core schema.
fn resolve_plain(text: &str, span: &Span) -> Result<Value, ParseError> {
    resolve_plain_text(text).ok_or_else(|| {
        err(
            Code::InvalidNumber,
            format!("`{text}` {}", super::value::NOT_FINITE),
            span,
        )
    })
}

/// How a plain scalar resolves by the YAML 1.2 core schema; `None` for a non-finite number
/// (`.nan`, `.inf`, `1e999`), which JSON cannot hold.
pub(super) fn resolve_plain_text(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => return None,
        _ => {}
    }
    let bytes = text.as_bytes();
    let first = bytes[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Some(Value::String(text.to_owned()));
    }
    let unsigned = text.trim_start_matches(['-', '+']);
    if !unsigned.is_empty()
        && unsigned.bytes().all(|c| c.is_ascii_digit())
        && text.len() - unsigned.len() <= 1
    {
        if let Ok(i) = text.parse::<i64>() {
            return Some(Value::Number(i.into()));
        }
        if let Ok(u) = text.parse::<u64>() {
            return Some(Value::Number(u.into()));
        }
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(u) = u64::from_str_radix(hex, 16)
    {
        return Some(Value::Number(u.into()));
    }
    if let Some(oct) = text.strip_prefix("0o")
        && let Ok(u) = u64::from_str_radix(oct, 8)
    {
        return Some(Value::Number(u.into()));
    }
    if is_core_float(text)
        && let Ok(f) = text.parse::<f64>()
    {
        return Number::from_f64(f).map(Value::Number);
    }
    Some(Value::String(text.to_owned()))
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_core_float(text: &str) -> bool {
    let s = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (!int.is_empty() || !frac.is_empty())
                && int.bytes().all(|c| c.is_ascii_digit())
                && frac.bytes().all(|c| c.is_ascii_digit())
                && !(int.is_empty() && frac.is_empty())
                && (!int.is_empty() || !frac.is_empty())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|c| c.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// Found by the `yaml` fuzz target: the empty key of ` ? ` was placed on line 2 of a
    /// one-line text.
    #[test]
    fn positions_stay_inside_the_text() {
        for text in [" ? ", "a: 1\n? ", "a: 1\r? ", "? \r\n"] {
            let lines = line_count(text);
            for (pointer, pos) in positions(text) {
                assert!(pos.line as usize <= lines, "{text:?}: {pointer} at {pos:?}");
            }
        }
        assert_eq!(line_count("a\rb\r\nc\nd"), 4);
    }

    #[test]
    fn core_schema_scalars() {
        let v =
            parse("a: yes\nb: true\nc: 12\nd: 1.5\ne: ~\nf: '12'\ng: 2022-01-01\nh: -3\n").unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": "yes", "b": true, "c": 12, "d": 1.5, "e": null, "f": "12", "g": "2022-01-01", "h": -3})
        );
    }

    #[test]
    fn positions_of_keys_and_items() {
        let text = "id: x\nneeds:\n  - kind: content\n    skills: [a, b]\n";
        let map = positions(text);
        assert_eq!(map["/id"], Pos::new(1, 1));
        assert_eq!(map["/needs"], Pos::new(2, 1));
        assert_eq!(map["/needs/0"], Pos::new(3, 5));
        assert_eq!(map["/needs/0/kind"], Pos::new(3, 5));
        assert_eq!(map["/needs/0/skills"], Pos::new(4, 5));
        assert_eq!(map["/needs/0/skills/1"], Pos::new(4, 17));
    }

    #[test]
    fn strictness() {
        assert_eq!(parse("a: 1\na: 2\n").unwrap_err().code, Code::DuplicateKey);
        assert_eq!(
            parse("a: 1\n---\nb: 2\n").unwrap_err().code,
            Code::YamlUnsupported
        );
        assert_eq!(parse("a: .nan\n").unwrap_err().code, Code::InvalidNumber);
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(parse(&deep).unwrap_err().code, Code::TooDeep);
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert_eq!(e.code, Code::YamlSyntax);
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
        assert_eq!(parse(bomb).unwrap_err().code, Code::YamlUnsupported);
        // Few nodes, much text: a long string repeated through aliases is counted by its bytes.
        let long = format!(
            "a: &a \"{}\"\nb: [{}]\n",
            "x".repeat(10_000),
            vec!["*a"; 200].join(", ")
        );
        assert_eq!(parse(&long).unwrap_err().code, Code::YamlUnsupported);
        let reused = format!("a: &a \"{}\"\nb: *a\nc: *a\n", "x".repeat(10_000));
        assert!(parse(&reused).is_ok());
        assert_eq!(
            parse("a: &x 1\nb: *x\n").unwrap(),
            serde_json::json!({"a": 1, "b": 1})
        );
        assert_eq!(parse("# only a comment\n").unwrap(), Value::Null);
    }

    /// Each anchor holds the previous alias 30 levels deeper: no collection the file opens
    /// is deeper than 31 levels, but the value would be 30 levels deeper per anchor (once a
    /// stack overflow, not a diagnostic).
    #[test]
    fn aliases_count_towards_the_depth_limit() {
        let mut text = format!("a0: &a0 {}x{}\n", "[".repeat(30), "]".repeat(30));
        for i in 1..200 {
            let _ = writeln!(
                text,
                "a{i}: &a{i} {}*a{}{}",
                "[".repeat(30),
                i - 1,
                "]".repeat(30)
            );
        }
        let e = parse(&text).unwrap_err();
        assert_eq!(e.code, Code::TooDeep);
        assert!(e.message.contains("through an alias"), "{}", e.message);
        // The first alias that would pass the limit: the one in `a2` (its 31 levels and
        // the 60 that `a1` holds).
        assert_eq!(e.pos.line, 3);
        // The walk for positions stops there too.
        assert!(positions(&text).len() < 200 * 32);
        // Within the limit an alias is fine, at any depth it keeps.
        let ok = format!("a: &a {}x{}\nb: [[*a]]\n", "[".repeat(30), "]".repeat(30));
        assert!(parse(&ok).is_ok());
        let edge = format!(
            "a: &a {}x{}\nb: *a\n",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert!(parse(&edge).is_ok());
        let over = format!(
            "a: &a {}x{}\nb: [*a]\n",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert_eq!(parse(&over).unwrap_err().code, Code::TooDeep);
    }
}

//! A small writer of block-style YAML for catalog records.
//!
//! Any `serde::Serialize` value is turned into a [`serde_json::Value`] first and then written
//! as YAML 1.2 that reads back to the same value, in the key order the value was serialised
//! in. Strings are written plain only when no YAML parser (1.2 core schema or the older 1.1
//! rules many tools still use) could read them as anything else: `yes`, `no`, `on`, `null`,
//! `~`, numbers, dates and strings with leading indicators, `: `, ` #`, surrounding spaces or
//! nothing at all are quoted. Multi-line text becomes a literal block (`|`) when it can be
//! written faithfully that way, otherwise an escaped double-quoted string.
//!
//! ```
//! #[derive(serde::Serialize)]
//! struct Record { id: &'static str, ags: &'static str, answer: &'static str, live: bool }
//! let record = Record { id: "rats-sitzplan", ags: "05515000", answer: "no", live: true };
//! let yaml = digifarm_core::yaml_emit::to_string(&record)?;
//! assert_eq!(yaml, "id: rats-sitzplan\nags: '05515000'\nanswer: 'no'\nlive: true\n");
//! # Ok::<(), digifarm_core::yaml_emit::EmitError>(())
//! ```

use serde_json::Value;

use crate::json_tree::{self, Tree};

/// Values nested more deeply than this are refused rather than risking the stack.
pub const MAX_DEPTH: usize = 256;

/// Why a value could not be written as YAML.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmitError {
    /// The value could not be turned into a JSON value (e.g. a map with non-string keys).
    #[error("cannot serialise the value: {0}")]
    Serialize(#[from] serde_json::Error),
    /// The serialised JSON could not be read back (should not happen).
    #[error("cannot read the serialised value: {0}")]
    Json(String),
    /// The value is nested more deeply than [`MAX_DEPTH`].
    #[error("the value is nested more deeply than {MAX_DEPTH} levels")]
    TooDeep,
}

/// Serialises `value` as a YAML document (block style, ending with a newline), keeping the
/// order in which the value serialises its fields.
pub fn to_string<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, EmitError> {
    // Through JSON text rather than `serde_json::Value`: the text keeps struct field order.
    let json = serde_json::to_string(value)?;
    let tree = json_tree::parse(&json, MAX_DEPTH + 1).map_err(|e| {
        if e.too_deep {
            EmitError::TooDeep
        } else {
            EmitError::Json(e.message)
        }
    })?;
    let lines = node_lines(&tree.value, 0)?;
    let mut out = String::new();
    for (i, line) in lines.into_iter().enumerate() {
        // A literal block at the top level still gets indented content.
        if i > 0 && !line.is_empty() && matches!(tree.value, Tree::String(_)) {
            out.push_str("  ");
        }
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// Writes a JSON value as a YAML document (block style, ending with a newline).
pub fn value_to_string(value: &Value) -> Result<String, EmitError> {
    to_string(value)
}

/// The lines of one node, indented relative to the column where the node starts. The first
/// line may be appended to a prefix (`key: `, `- `) by the caller.
fn node_lines(value: &Tree, depth: usize) -> Result<Vec<String>, EmitError> {
    if depth > MAX_DEPTH {
        return Err(EmitError::TooDeep);
    }
    match value {
        Tree::Object(members) if !members.is_empty() => {
            let mut lines = Vec::new();
            for member in members {
                let key_text = scalar_inline(&member.key);
                let child = &member.value.value;
                // An implicit key must fit in 1024 characters; longer ones use `? key`.
                let explicit = key_text.chars().count() > 1000;
                let child_lines = node_lines(child, depth + 1)?;
                if explicit {
                    lines.push(format!("? {key_text}"));
                    attach(&mut lines, ": ", "  ", child_lines);
                } else if is_block_collection(child) {
                    lines.push(format!("{key_text}:"));
                    indent_into(&mut lines, "  ", child_lines);
                } else {
                    attach(&mut lines, &format!("{key_text}: "), "  ", child_lines);
                }
            }
            Ok(lines)
        }
        Tree::Array(items) if !items.is_empty() => {
            let mut lines = Vec::new();
            for item in items {
                let child_lines = node_lines(&item.value, depth + 1)?;
                attach(&mut lines, "- ", "  ", child_lines);
            }
            Ok(lines)
        }
        Tree::Object(_) => Ok(vec!["{}".to_owned()]),
        Tree::Array(_) => Ok(vec!["[]".to_owned()]),
        Tree::Null => Ok(vec!["null".to_owned()]),
        Tree::Bool(b) => Ok(vec![b.to_string()]),
        Tree::Number(n) => Ok(vec![number(n)]),
        Tree::String(s) => Ok(string_lines(s)),
    }
}

/// A JSON number as YAML: the same text, except that an exponent gets a fraction and a sign
/// (`1e300` → `1.0e+300`) so that YAML 1.1 parsers read a float too.
fn number(raw: &str) -> String {
    let Some(e) = raw.find(['e', 'E']) else {
        return raw.to_owned();
    };
    let (mantissa, exponent) = (&raw[..e], &raw[e + 1..]);
    let mantissa = if mantissa.contains('.') {
        mantissa.to_owned()
    } else {
        format!("{mantissa}.0")
    };
    let exponent = if exponent.starts_with(['+', '-']) {
        exponent.to_owned()
    } else {
        format!("+{exponent}")
    };
    format!("{mantissa}e{exponent}")
}

fn is_block_collection(value: &Tree) -> bool {
    match value {
        Tree::Object(m) => !m.is_empty(),
        Tree::Array(a) => !a.is_empty(),
        _ => false,
    }
}

/// Appends `child` with `first` before its first line and `rest` before the others (empty
/// lines stay empty, so literal blocks carry no trailing spaces).
fn attach(lines: &mut Vec<String>, first: &str, rest: &str, child: Vec<String>) {
    for (i, line) in child.into_iter().enumerate() {
        if i == 0 {
            lines.push(format!("{first}{line}"));
        } else if line.is_empty() {
            lines.push(line);
        } else {
            lines.push(format!("{rest}{line}"));
        }
    }
}

fn indent_into(lines: &mut Vec<String>, indent: &str, child: Vec<String>) {
    for line in child {
        if line.is_empty() {
            lines.push(line);
        } else {
            lines.push(format!("{indent}{line}"));
        }
    }
}

/// A string as one or more lines: plain, quoted, or a literal block.
fn string_lines(s: &str) -> Vec<String> {
    if let Some(block) = literal_block(s) {
        return block;
    }
    vec![scalar_inline(s)]
}

/// A string on one line: plain when unambiguous, else single- or double-quoted.
fn scalar_inline(s: &str) -> String {
    if plain_ok(s) {
        s.to_owned()
    } else if s.chars().all(single_quote_ok) {
        format!("'{}'", s.replace('\'', "''"))
    } else {
        double_quoted(s)
    }
}

/// Characters a single-quoted scalar can hold as they are (printable, no line breaks).
fn single_quote_ok(c: char) -> bool {
    !(c.is_control() || is_special_break_or_bom(c) || needs_escape(c))
}

/// Characters that are only written as escapes: outside YAML 1.2's printable set, and Unicode
/// noncharacters (printable to YAML, but not meant for interchange).
fn needs_escape(c: char) -> bool {
    !crate::charset::is_yaml_printable(c) || crate::charset::is_noncharacter(c)
}

fn is_special_break_or_bom(c: char) -> bool {
    matches!(
        c,
        '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
    )
}

/// `s` as a YAML double-quoted scalar: reads back exactly, is never taken for a number or a
/// boolean (YAML 1.1 or 1.2), and holds only YAML 1.2 printable characters (the others are
/// written as escapes: `\e`-style, `\xXX`, `\uXXXX`, `\UXXXXXXXX`).
pub fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() || is_special_break_or_bom(c) || needs_escape(c) => {
                let code = u32::from(c);
                if code <= 0xff {
                    out.push_str(&format!("\\x{code:02X}"));
                } else if code <= 0xffff {
                    out.push_str(&format!("\\u{code:04X}"));
                } else {
                    // `\u` takes exactly four hex digits.
                    out.push_str(&format!("\\U{code:08X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Multi-line text as a literal block, when that reproduces it exactly and reads cleanly:
/// no control characters but line feeds, no line with trailing blanks (editors strip them),
/// no leading blank or empty first line (that would need an indentation indicator), and at
/// most one final line feed.
fn literal_block(s: &str) -> Option<Vec<String>> {
    if !s.contains('\n') {
        return None;
    }
    if s.chars()
        .any(|c| (c.is_control() && c != '\n') || is_special_break_or_bom(c) || needs_escape(c))
    {
        return None;
    }
    let (body, header) = match s.strip_suffix('\n') {
        Some(body) if body.ends_with('\n') => return None,
        Some(body) => (body, "|"),
        None => (s, "|-"),
    };
    if body.is_empty() || body.starts_with([' ', '\n']) {
        return None;
    }
    let mut lines = vec![header.to_owned()];
    for line in body.split('\n') {
        if line.ends_with([' ', '\t']) {
            return None;
        }
        // Indented by the caller, relative to the key or `- ` that introduces the block.
        lines.push(line.to_owned());
    }
    // A last line that is empty would be taken as a trailing line feed and chomped.
    if body.ends_with('\n') {
        return None;
    }
    Some(lines)
}

/// Whether `s` can be written as a plain scalar and read back as the same string by YAML 1.2
/// and YAML 1.1 parsers alike.
fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.starts_with([' ', '\t']) || s.ends_with([' ', '\t']) {
        return false;
    }
    // Indicators that start something else; `-`, `?` and `:` only before a blank, but
    // quoting them always keeps the rule simple. Digits, signs and `.` may start numbers,
    // dates (YAML 1.1 timestamps) or sexagesimals (`1:20`).
    if "-?:,[]{}#&*!|>'\"%@`.+0123456789".contains(first) {
        return false;
    }
    if s.chars().any(|c| {
        c.is_control()
            || is_special_break_or_bom(c)
            || needs_escape(c)
            || c == '\u{a0}'
            || c == '\u{3000}'
    }) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if s == "<<" || s == "=" {
        return false;
    }
    !is_reserved_word(s)
}

/// Words that YAML 1.2 (core schema) or 1.1 read as null, booleans or special floats.
fn is_reserved_word(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n",
    ];
    WORDS.iter().any(|w| w.eq_ignore_ascii_case(s))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;
    use saphyr_parser::{Event, Parser, ScalarStyle};
    use serde_json::{Map, json};

    /// Reads YAML produced by the writer back into a JSON value, resolving plain scalars by
    /// the YAML 1.2 core schema, and checks that every plain string is unambiguous under
    /// YAML 1.1 too.
    fn read_back(text: &str) -> Value {
        enum Frame {
            Seq(Vec<Value>),
            Map(Map<String, Value>, Option<String>),
        }
        let mut stack: Vec<Frame> = Vec::new();
        let mut root: Option<Value> = None;
        let mut documents = 0;
        let push =
            |stack: &mut Vec<Frame>, root: &mut Option<Value>, v: Value| match stack.last_mut() {
                Some(Frame::Seq(items)) => items.push(v),
                Some(Frame::Map(map, key)) => match key.take() {
                    Some(k) => {
                        assert!(map.insert(k.clone(), v).is_none(), "duplicate key {k}");
                    }
                    None => match v {
                        Value::String(k) => *key = Some(k),
                        other => panic!("non-string key {other:?}"),
                    },
                },
                None => *root = Some(v),
            };
        for event in Parser::new_from_str(text) {
            let (event, _span) = event.unwrap_or_else(|e| panic!("YAML error {e} in\n{text}"));
            match event {
                Event::DocumentStart(_) => documents += 1,
                Event::Scalar(value, style, _, tag) => {
                    assert!(tag.is_none(), "unexpected tag");
                    let v = if style == ScalarStyle::Plain {
                        resolve_plain(&value)
                    } else {
                        Value::String(value.into_owned())
                    };
                    push(&mut stack, &mut root, v);
                }
                Event::SequenceStart(..) => stack.push(Frame::Seq(Vec::new())),
                Event::MappingStart(..) => stack.push(Frame::Map(Map::new(), None)),
                Event::SequenceEnd => match stack.pop() {
                    Some(Frame::Seq(items)) => push(&mut stack, &mut root, Value::Array(items)),
                    _ => panic!("unbalanced sequence"),
                },
                Event::MappingEnd => match stack.pop() {
                    Some(Frame::Map(map, None)) => push(&mut stack, &mut root, Value::Object(map)),
                    _ => panic!("unbalanced mapping"),
                },
                Event::Alias(_) => panic!("unexpected alias"),
                _ => {}
            }
        }
        assert_eq!(documents, 1, "exactly one document in\n{text}");
        root.expect("a value")
    }

    fn resolve_plain(s: &str) -> Value {
        match s {
            "null" | "Null" | "NULL" | "~" | "" => return Value::Null,
            "true" | "True" | "TRUE" => return Value::Bool(true),
            "false" | "False" | "FALSE" => return Value::Bool(false),
            _ => {}
        }
        if let Ok(n) = serde_json::from_str::<serde_json::Number>(s) {
            return Value::Number(n);
        }
        // A plain string must not be special under YAML 1.1 either.
        assert!(!is_reserved_word(s), "ambiguous plain scalar {s:?}");
        assert!(
            !s.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '+' || c == '-'),
            "number-like plain scalar {s:?}"
        );
        Value::String(s.to_owned())
    }

    fn round_trip(value: &Value) {
        let text = value_to_string(value).unwrap();
        assert_eq!(&read_back(&text), value, "YAML was:\n{text}");
    }

    #[test]
    fn ambiguous_strings_are_quoted_and_round_trip() {
        let tricky = [
            "yes",
            "No",
            "ON",
            "off",
            "y",
            "N",
            "null",
            "~",
            "true",
            "False",
            "",
            " ",
            " lead",
            "trail ",
            "a: b",
            "a #b",
            "a:",
            "#x",
            "- x",
            "-x",
            "?x",
            ":x",
            "[x]",
            "{x}",
            "*x",
            "&x",
            "!x",
            "|x",
            ">x",
            "'x",
            "\"x",
            "%x",
            "@x",
            "`x",
            "05515000",
            "2022-08-31",
            "2021-10",
            "1:20",
            "3.14",
            "1e5",
            "+1",
            "-1",
            ".inf",
            ".NaN",
            "0x1F",
            "0o17",
            "<<",
            "=",
            "it's",
            "a\tb",
            "tab\t",
            "\u{85}",
            "\u{feff}bom",
            "nbsp\u{a0}",
            "back\\slash",
            "quote\"d",
            "MIT License ",
            "GPL v3",
            "--",
            "München?",
            "Amt für Bürger-, Ratsservice",
        ];
        for s in tricky {
            round_trip(&json!({ "k": s, "list": [s], s: 1 }));
        }
    }

    #[test]
    fn plain_output_is_clean() {
        let value = json!({
            "id": "giess-den-kiez",
            "name": "Gieß den Kiez",
            "license": "MIT",
            "admitted_on": "2022-04-28",
            "technologies": ["AWS", "Docker"],
            "links": {"homepage": "https://giessdenkiez.de/"},
            "needs": [{"kind": "technical", "supported_by": []}, {"kind": "content", "supported_by": [{"partner": "gruenflaechenamt"}]}],
            "eur": 300.0,
            "empty": {}
        });
        let text = value_to_string(&value).unwrap();
        assert_eq!(
            text,
            "admitted_on: '2022-04-28'\nempty: {}\neur: 300.0\nid: giess-den-kiez\nlicense: MIT\n\
             links:\n  homepage: https://giessdenkiez.de/\nname: Gieß den Kiez\n\
             needs:\n  - kind: technical\n    supported_by: []\n  - kind: content\n    supported_by:\n      - partner: gruenflaechenamt\n\
             technologies:\n  - AWS\n  - Docker\n"
        );
        round_trip(&value);
    }

    #[test]
    fn multi_line_text_uses_literal_blocks_when_faithful() {
        let value = json!({"d": "Zeile eins\n\nZeile drei"});
        let text = value_to_string(&value).unwrap();
        assert_eq!(text, "d: |-\n  Zeile eins\n\n  Zeile drei\n");
        round_trip(&value);
        let value = json!({"d": "ends with newline\n"});
        assert_eq!(
            value_to_string(&value).unwrap(),
            "d: |\n  ends with newline\n"
        );
        round_trip(&value);
        for s in [
            "two newlines\n\n",
            "\nleading newline",
            " leading space\nx",
            "trailing space \nx",
            "cr\r\nlf",
            "x\n",
            "\n",
            "a\n  indented\n# not a comment\n- not a list",
        ] {
            round_trip(&json!({ "d": s, "l": [s, [s]], "m": [{"a": s, "b": s}] }));
        }
    }

    #[test]
    fn nesting_and_scalars_round_trip() {
        round_trip(&json!(null));
        round_trip(&json!("top"));
        round_trip(&json!("multi\nline top"));
        round_trip(&json!([]));
        round_trip(&json!({}));
        round_trip(&json!([[1, [2, []]], {"a": {"b": {"c": [{}]}}}, [{"x": ["y\nz"]}]]));
        round_trip(&json!({"n": [-1, 0, 18446744073709551615u64, 1.5e-7, 1e300]}));
        round_trip(&json!({"long": "x".repeat(5000)}));
        let long_key = "k".repeat(1500);
        round_trip(&json!({ long_key: {"a": 1} }));
    }

    #[test]
    fn only_yaml_1_2_printable_characters_are_written_raw() {
        for s in [
            "del\u{7f}",
            "c1\u{80}\u{9b}",
            "nel\u{85}",
            "ls\u{2028}ps\u{2029}",
            "nonchar\u{fffe}\u{ffff}\u{fdd0}",
            "astral nonchar \u{1fffe} \u{10ffff}",
            "esc\u{1b}[2J",
            "multi\nline\u{7f}",
        ] {
            let value = json!({ "s": s, "l": [s] });
            let text = value_to_string(&value).unwrap();
            let raw: Vec<char> = text
                .chars()
                .filter(|&c| !crate::charset::is_publishable(c) && c != '\n')
                .collect();
            assert!(raw.is_empty(), "{s:?} written raw as {raw:?} in {text:?}");
            round_trip(&value);
        }
        assert_eq!(double_quoted("\u{1fffe}"), "\"\\U0001FFFE\"");
    }

    #[test]
    fn refuses_values_nested_too_deeply() {
        let mut value = json!(1);
        for _ in 0..(MAX_DEPTH + 5) {
            value = json!([value]);
        }
        assert!(matches!(value_to_string(&value), Err(EmitError::TooDeep)));
    }

    #[test]
    fn serialises_model_records() {
        let partner = crate::model::Partner {
            id: "stadtarchiv-muenster".into(),
            name: "Stadtarchiv Münster".into(),
            kind: crate::model::PartnerKind::PublicBody,
            description: None,
            sectors: vec![],
            region: Some("05515000".into()),
            website: None,
            contacts: vec![],
        };
        let text = to_string(&partner).unwrap();
        assert_eq!(
            text,
            "id: stadtarchiv-muenster\nname: Stadtarchiv Münster\nkind: public-body\nregion: '05515000'\n"
        );
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            (-1e6f64..1e6).prop_map(|f| json!(f)),
            "\\PC{0,12}".prop_map(Value::String),
            "[a-z0-9 :#'\"\\-\n\t\\\\.,?]{0,16}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec(("\\PC{0,8}", inner), 0..5)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_json_round_trips(value in arb_json()) {
            let text = value_to_string(&value).unwrap();
            prop_assert_eq!(read_back(&text), value);
        }
    }
}

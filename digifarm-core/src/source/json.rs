//! JSON parsing (strict) and pointer positions.

use serde_json::Value;

use super::{ParseError, Pos, PosMap, push_pointer};
use crate::diagnostic::Code;
use crate::json_tree::{self, Tree};

/// Parses one JSON document strictly (see the [module docs](super)).
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = super::parse_strict(&mut de).and_then(|v| de.end().map(|()| v));
    value.map_err(|e| error(text, &e))
}

fn error(text: &str, e: &serde_json::Error) -> ParseError {
    let message = e.to_string();
    // serde_json appends " at line L column C"; keep the message without it.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m)
        .to_owned();
    ParseError {
        code: super::value::code_of_message(&message, Code::JsonSyntax),
        message,
        pos: error_position(text, e.line(), e.column()),
    }
}

/// Where serde_json's error is, in characters: it counts a column in bytes (those read on
/// the line, the offending one included), every other position here in characters. The
/// offending byte's offset, read back as a position, is the character it belongs to.
fn error_position(text: &str, line: usize, byte_column: usize) -> Pos {
    let line_start = match line {
        0 | 1 => Some(0),
        n => text.match_indices('\n').nth(n - 2).map(|(i, _)| i + 1),
    };
    match line_start {
        Some(start) => Pos::of_offset(text, start + byte_column.saturating_sub(1)),
        None => Pos::new(line.max(1), byte_column.max(1)),
    }
}

/// The positions of every value in a JSON text (for object members: of the key). Built from
/// the positioned tree the importer uses too; malformed text yields what precedes the error
/// (positions are only asked for after a successful parse).
pub fn positions(text: &str) -> PosMap {
    let mut map = PosMap::new();
    if let Ok(root) = json_tree::parse(text, super::MAX_DEPTH + 1) {
        map.insert(
            String::new(),
            Pos::new(root.line as usize, root.column as usize),
        );
        let mut pointer = String::new();
        walk(&root.value, &mut pointer, &mut map);
    }
    map
}

/// The position of the value at `pointer` in a JSON text (for object members: of the key),
/// or of its nearest ancestor that exists: what [`super::lookup`] finds in [`positions`],
/// reading only the path to it (a finding needs one position, not every value's).
pub fn position(text: &str, pointer: &str) -> Option<Pos> {
    json_tree::position_of(text, pointer).map(|(line, column)| Pos { line, column })
}

fn walk(tree: &Tree, pointer: &mut String, map: &mut PosMap) {
    match tree {
        Tree::Object(members) => {
            for m in members {
                let len = pointer.len();
                push_pointer(pointer, &m.key);
                map.entry(pointer.clone())
                    .or_insert(Pos::new(m.line as usize, m.column as usize));
                walk(&m.value.value, pointer, map);
                pointer.truncate(len);
            }
        }
        Tree::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                push_pointer(pointer, &i.to_string());
                map.entry(pointer.clone())
                    .or_insert(Pos::new(item.line as usize, item.column as usize));
                walk(&item.value, pointer, map);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// serde_json counts bytes; a column here counts characters, as everywhere else.
    #[test]
    fn error_columns_count_characters() {
        let e = parse(r#"{"id": "x", "title": "Münsterüüü", "summary": }"#).unwrap_err();
        assert_eq!((e.pos.line, e.pos.column), (1, 47));
        let e = parse("{\"a\": \"ü\",\n \"ä\": 1, \"ä\": 2}").unwrap_err();
        assert_eq!(e.code, Code::DuplicateKey);
        assert_eq!(e.pos.line, 2);
        let ascii = parse("{\"b\": \"u\",\n \"a\": 1, \"a\": 2}").unwrap_err();
        assert_eq!(e.pos, ascii.pos, "{e:?} {ascii:?}");
        // An offending character of several bytes is one column.
        let e = parse("[1, ü]").unwrap_err();
        assert_eq!((e.pos.line, e.pos.column), (1, 5));
        let e = parse("[\"ä\", ü]").unwrap_err();
        assert_eq!((e.pos.line, e.pos.column), (1, 7));
    }

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
    fn one_pointer_is_found_as_in_the_map_of_all_positions() {
        let text =
            "{\n  \"a\": 1,\n  \"b\": [true, {\"c/d\": null, \"e~f\": [0]}],\n  \"é\": \"x\"\n}";
        let map = positions(text);
        for pointer in [
            "",
            "/a",
            "/a/x",
            "/b",
            "/b/0",
            "/b/1",
            "/b/01",
            "/b/7",
            "/b/-",
            "/b/1/c~1d",
            "/b/1/e~0f/0",
            "/b/1/e~0f/1",
            "/b/1/c/d",
            "/é",
            "/missing/deeper",
            "no-slash",
        ] {
            assert_eq!(
                position(text, pointer),
                super::super::lookup(&map, pointer),
                "{pointer}"
            );
        }
        assert_eq!(position(text, "/b/1/e~0f/0"), Some(Pos::new(3, 37)));
        assert_eq!(position(" \n ", ""), None);
    }

    /// Any JSON value, written compactly or spread over lines.
    fn json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i32>().prop_map(serde_json::Value::from),
            ".{0,6}".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
                proptest::collection::btree_map("[a-c/~é\"]{0,3}", inner, 0..5)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Every pointer into `value`, and some that go one step further or miss.
    fn pointers(value: &serde_json::Value, at: &str, out: &mut Vec<String>) {
        out.push(at.to_owned());
        out.push(format!("{at}/nothing"));
        match value {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    let mut p = at.to_owned();
                    push_pointer(&mut p, k);
                    pointers(v, &p, out);
                }
            }
            serde_json::Value::Array(items) => {
                out.push(format!("{at}/{}", items.len()));
                out.push(format!("{at}/00"));
                for (i, v) in items.iter().enumerate() {
                    pointers(v, &format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    proptest! {
        #[test]
        fn one_position_is_what_the_map_of_all_positions_gives(value in json(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            let map = positions(&text);
            let mut all = Vec::new();
            pointers(&value, "", &mut all);
            for pointer in all {
                prop_assert_eq!(position(&text, &pointer), super::super::lookup(&map, &pointer), "{} in {}", pointer, text);
            }
        }
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

//! TOML parsing (the city config `digifarm.toml`) into JSON values, with positions.

use serde_json::Value;

use super::{LineIndex, ParseError, Pos, PosMap, push_pointer};
use crate::diagnostic::Code;

/// Parses a TOML document strictly (non-finite numbers are errors).
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let deserializer = ::toml::Deserializer::parse(text).map_err(|e| error(text, &e))?;
    super::parse_strict(deserializer).map_err(|e| error(text, &e))
}

fn error(text: &str, e: &::toml::de::Error) -> ParseError {
    let message = e.message().trim().to_owned();
    ParseError {
        code: super::value::code_of_message(&message, Code::TomlSyntax),
        message,
        pos: e
            .span()
            .map_or(Pos::new(1, 1), |s| Pos::of_offset(text, s.start)),
    }
}

/// The positions of every value in a TOML text (for table members: of the key).
pub fn positions(text: &str) -> PosMap {
    let mut map = PosMap::new();
    let (root, _errors) = ::toml::de::DeTable::parse_recoverable(text);
    map.insert(String::new(), Pos::new(1, 1));
    let mut pointer = String::new();
    let index = LineIndex::new(text);
    walk_table(&index, root.get_ref(), &mut pointer, &mut map);
    map
}

fn walk_table(
    text: &LineIndex<'_>,
    table: &::toml::de::DeTable<'_>,
    pointer: &mut String,
    map: &mut PosMap,
) {
    for (key, value) in table {
        let len = pointer.len();
        push_pointer(pointer, key.get_ref());
        map.entry(pointer.clone())
            .or_insert(text.pos(key.span().start));
        walk_value(text, value.get_ref(), pointer, map);
        pointer.truncate(len);
    }
}

fn walk_value(
    text: &LineIndex<'_>,
    value: &::toml::de::DeValue<'_>,
    pointer: &mut String,
    map: &mut PosMap,
) {
    match value {
        ::toml::de::DeValue::Table(t) => walk_table(text, t, pointer, map),
        ::toml::de::DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                push_pointer(pointer, &i.to_string());
                map.entry(pointer.clone())
                    .or_insert(text.pos(item.span().start));
                walk_value(text, item.get_ref(), pointer, map);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_locates() {
        let text = "[city]\nname = \"Münster\"\nags = \"05515000\"\n\n[[license.pending]]\nproject = \"x\"\n";
        let v = parse(text).unwrap();
        assert_eq!(v["city"]["name"], "Münster");
        let map = positions(text);
        assert_eq!(map["/city/ags"], Pos::new(3, 1));
        assert_eq!(map["/license/pending/0/project"], Pos::new(6, 1));
        assert_eq!(
            parse("[matching.weights]\nskills = nan\n")
                .unwrap_err()
                .code,
            Code::InvalidNumber
        );
        assert_eq!(
            parse("a = 1\na = 2\n").unwrap_err().code,
            Code::DuplicateKey
        );
        let e = parse("city = [\n").unwrap_err();
        assert_eq!(e.code, Code::TomlSyntax);
    }
}

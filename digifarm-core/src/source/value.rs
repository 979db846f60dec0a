//! A strict `serde_json::Value` deserializer: rejects duplicate keys, nesting deeper than
//! [`MAX_DEPTH`](super::MAX_DEPTH) and non-finite numbers. Works with any serde data format
//! (JSON, TOML); the format attaches positions to the errors.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::MAX_DEPTH;

pub(crate) const DUPLICATE_KEY: &str = "duplicate key";
pub(crate) const TOO_DEEP: &str = "nested more deeply than";
pub(crate) const NOT_FINITE: &str = "is not a finite number";

/// TOML hands datetimes to visitors as a one-entry map under this key. The value keeps that
/// shape (`{"$__toml_private_datetime": "2022-08-31"}`), so that a datetime where text
/// belongs is a `wrong-type` (found a TOML date/time) as a number is, never silently text.
pub(crate) const TOML_DATETIME: &str = "$__toml_private_datetime";

/// The datetime text of a TOML datetime kept as a value.
pub(crate) fn toml_datetime(value: &Value) -> Option<&str> {
    match value {
        Value::Object(map) if map.len() == 1 => map.get(TOML_DATETIME)?.as_str(),
        _ => None,
    }
}

/// Deserializes a strict [`Value`] from any serde deserializer.
pub fn parse_strict<'de, D: de::Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
    Strict { depth: 0 }.deserialize(deserializer)
}

#[derive(Clone, Copy)]
struct Strict {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl Strict {
    fn deeper<E: de::Error>(self) -> Result<Strict, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom(format!("{TOO_DEEP} {MAX_DEPTH} levels")));
        }
        Ok(Strict {
            depth: self.depth + 1,
        })
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("`{v}` {NOT_FINITE}")))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = self.deeper()?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inner = self.deeper()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(inner)?;
            if key == TOML_DATETIME && out.is_empty() {
                if let Value::String(s) = value {
                    return drain_datetime(map, s);
                }
                return Err(de::Error::custom("malformed datetime"));
            }
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("{DUPLICATE_KEY} `{key}`")));
            }
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

fn drain_datetime<'de, A: MapAccess<'de>>(mut map: A, s: String) -> Result<Value, A::Error> {
    while map.next_key::<de::IgnoredAny>()?.is_some() {
        map.next_value::<de::IgnoredAny>()?;
    }
    let mut marker = Map::new();
    marker.insert(TOML_DATETIME.to_owned(), Value::String(s));
    Ok(Value::Object(marker))
}

/// Which diagnostic code a strict-parse error message stands for.
pub(crate) fn code_of_message(message: &str, syntax: crate::Code) -> crate::Code {
    if message.contains(DUPLICATE_KEY) {
        crate::Code::DuplicateKey
    } else if message.contains(TOO_DEEP) || message.contains("recursion limit exceeded") {
        crate::Code::TooDeep
    } else if message.contains(NOT_FINITE)
        // serde_json's and the TOML parser's words for a literal beyond f64 (`1e999`).
        || message.contains("number out of range")
        || message.contains("floating-point number overflowed")
    {
        crate::Code::InvalidNumber
    } else {
        syntax
    }
}

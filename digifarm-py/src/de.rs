//! The fast path from Python objects to the typed model: a serde `Deserializer` that reads
//! dicts, lists and scalars directly, without building a JSON value first.
//!
//! It is strict and says nothing about *why* something fails: any error only means "take the
//! authoritative path" (Python → JSON value → JSON Schema → serde, see `value.rs`), which
//! produces the diagnostics. So the fast path may reject more than the schema does, never
//! less; what serde accepts but the schema forbids is checked afterwards in `fastpath.rs`.
//!
//! Only JSON types are read: `dict` (string keys), `list`/`tuple`, `str`, `int`, finite
//! `float`, `bool` and `None`.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

/// "Not on the fast path." The authoritative path explains why.
#[derive(Debug)]
pub(crate) struct Reject;

impl std::fmt::Display for Reject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not on the fast path")
    }
}

impl std::error::Error for Reject {}

impl de::Error for Reject {
    fn custom<T: std::fmt::Display>(_msg: T) -> Self {
        Reject
    }
}

type Result<T> = std::result::Result<T, Reject>;

/// Hashes integers (object addresses, cached `str` hashes) by one multiplication; SipHash
/// would cost more than the lookup saves.
#[derive(Default)]
struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_isize(&mut self, n: isize) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type IntMap<K, V> = HashMap<K, V, BuildHasherDefault<IntHasher>>;

/// Field names and enum values seen during one call, so that a key is decoded once, not once
/// per record. Under the limited API of Python 3.9 a `str` can only be read by encoding it
/// into a new `bytes` object; a record has dozens of keys, so this cache is most of the
/// speed. Keys are found by object identity (literal keys are interned), then by the `str`'s
/// cached hash and equality (keys made by `json.loads` are new objects with equal content).
#[derive(Default)]
pub(crate) struct Strings<'py> {
    /// Decoded text and the object it came from (kept alive so addresses stay unique).
    texts: Vec<(Bound<'py, PyString>, Box<str>)>,
    by_address: IntMap<usize, u32>,
    by_hash: IntMap<isize, Vec<u32>>,
    /// Objects whose address is in `by_address` but not in `texts`, kept alive.
    aliases: Vec<Bound<'py, PyString>>,
    /// Current nesting depth; self-referential containers must not recurse forever.
    depth: usize,
}

/// Bounds the cache: identifiers of a schema are few; anything beyond is decoded each time.
const MAX_TEXTS: usize = 4096;
const MAX_ALIASES: usize = 1 << 16;

impl<'py> Strings<'py> {
    /// Starts a new record.
    pub(crate) fn reset_depth(&mut self) {
        self.depth = 0;
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > digifarm_core::source::MAX_DEPTH {
            Err(Reject)
        } else {
            Ok(())
        }
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// The text of `s`, decoded at most once per distinct content.
    fn get(&mut self, s: &Bound<'py, PyString>) -> Result<TextRef> {
        if !s.is_exact_instance_of::<PyString>() {
            // A subclass may override `__hash__`/`__eq__` with Python code; read it plainly.
            return Ok(TextRef::Owned(s.to_cow().map_err(|_| Reject)?.into_owned()));
        }
        let address = s.as_ptr() as usize;
        if let Some(&i) = self.by_address.get(&address) {
            return Ok(TextRef::Cached(i));
        }
        let hash = s.hash().map_err(|_| Reject)?;
        if let Some(candidates) = self.by_hash.get(&hash) {
            for &i in candidates {
                if let Some((known, _)) = self.texts.get(i as usize)
                    && known.as_any().eq(s.as_any()).map_err(|_| Reject)?
                {
                    if self.aliases.len() < MAX_ALIASES {
                        self.aliases.push(s.clone());
                        self.by_address.insert(address, i);
                    }
                    return Ok(TextRef::Cached(i));
                }
            }
        }
        let text = s.to_cow().map_err(|_| Reject)?;
        if self.texts.len() >= MAX_TEXTS {
            return Ok(TextRef::Owned(text.into_owned()));
        }
        let i = u32::try_from(self.texts.len()).map_err(|_| Reject)?;
        self.texts.push((s.clone(), text.into()));
        self.by_address.insert(address, i);
        self.by_hash.entry(hash).or_default().push(i);
        Ok(TextRef::Cached(i))
    }

    fn text<'s>(&'s self, r: &'s TextRef) -> &'s str {
        match r {
            TextRef::Cached(i) => self.texts.get(*i as usize).map_or("", |(_, t)| t),
            TextRef::Owned(s) => s,
        }
    }
}

enum TextRef {
    Cached(u32),
    Owned(String),
}

/// Deserializes one Python object.
pub(crate) struct De<'a, 'py> {
    obj: Bound<'py, PyAny>,
    strings: &'a mut Strings<'py>,
}

impl<'a, 'py> De<'a, 'py> {
    pub(crate) fn new(obj: Bound<'py, PyAny>, strings: &'a mut Strings<'py>) -> Self {
        De { obj, strings }
    }

    fn owned_string(&self) -> Result<String> {
        let s = self.obj.cast::<PyString>().map_err(|_| Reject)?;
        Ok(s.to_cow().map_err(|_| Reject)?.into_owned())
    }

    fn float(&self) -> Result<f64> {
        let v = if let Ok(f) = self.obj.cast_exact::<PyFloat>() {
            f.value()
        } else if self.obj.is_instance_of::<PyInt>() && !self.obj.is_instance_of::<PyBool>() {
            // Integers the JSON path would read as floats too.
            self.obj.extract::<f64>().map_err(|_| Reject)?
        } else if let Ok(f) = self.obj.cast::<PyFloat>() {
            f.value()
        } else {
            return Err(Reject);
        };
        if v.is_finite() { Ok(v) } else { Err(Reject) }
    }

    fn int(&self) -> Result<&Bound<'py, PyInt>> {
        if self.obj.is_instance_of::<PyBool>() {
            return Err(Reject);
        }
        self.obj.cast::<PyInt>().map_err(|_| Reject)
    }

    fn seq_items(&self) -> Result<Vec<Bound<'py, PyAny>>> {
        if let Ok(list) = self.obj.cast::<PyList>() {
            Ok(list.iter().collect())
        } else if let Ok(tuple) = self.obj.cast::<PyTuple>() {
            Ok(tuple.iter().collect())
        } else {
            Err(Reject)
        }
    }
}

/// Whether `s` is a full date `YYYY-MM-DD`, as the JSON Schema `date` format requires; chrono
/// alone is more lenient (`2024-1-5`, `+2024-01-05`).
fn is_full_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

macro_rules! ints {
    ($($method:ident => $visit:ident, $t:ty;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            let v: $t = self.int()?.extract().map_err(|_| Reject)?;
            visitor.$visit(v)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for De<'_, '_> {
    type Error = Reject;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let obj = &self.obj;
        if obj.is_none() {
            visitor.visit_unit()
        } else if obj.is_exact_instance_of::<PyString>() {
            let s = self.owned_string()?;
            visitor.visit_string(s)
        } else if obj.is_instance_of::<PyDict>() {
            self.deserialize_map(visitor)
        } else if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
            self.deserialize_seq(visitor)
        } else if obj.is_instance_of::<PyBool>() {
            visitor.visit_bool(obj.is_truthy().map_err(|_| Reject)?)
        } else if obj.is_instance_of::<PyInt>() {
            match obj.extract::<i64>() {
                Ok(v) => visitor.visit_i64(v),
                Err(_) => visitor.visit_u64(obj.extract::<u64>().map_err(|_| Reject)?),
            }
        } else if obj.is_instance_of::<PyFloat>() {
            visitor.visit_f64(self.float()?)
        } else if obj.is_instance_of::<PyString>() {
            let s = self.owned_string()?;
            visitor.visit_string(s)
        } else {
            Err(Reject)
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let b = self.obj.cast::<PyBool>().map_err(|_| Reject)?;
        visitor.visit_bool(b.is_true())
    }

    ints! {
        deserialize_i8 => visit_i8, i8;
        deserialize_i16 => visit_i16, i16;
        deserialize_i32 => visit_i32, i32;
        deserialize_i64 => visit_i64, i64;
        deserialize_u8 => visit_u8, u8;
        deserialize_u16 => visit_u16, u16;
        deserialize_u32 => visit_u32, u32;
        deserialize_u64 => visit_u64, u64;
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f64(self.float()?)
    }

    fn deserialize_char<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Reject)
    }

    /// The model's only borrowed-string user is `NaiveDate`; see [`is_full_date`].
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let s = self.owned_string()?;
        if !is_full_date(&s) {
            return Err(Reject);
        }
        visitor.visit_str(&s)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let s = self.owned_string()?;
        visitor.visit_string(s)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Reject)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Reject)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.obj.is_none() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.obj.is_none() {
            visitor.visit_unit()
        } else {
            Err(Reject)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let items = self.seq_items()?;
        self.strings.enter()?;
        let mut seq = Seq {
            items: items.into_iter(),
            strings: self.strings,
        };
        let value = visitor.visit_seq(&mut seq)?;
        seq.strings.leave();
        Ok(value)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let dict = self.obj.cast::<PyDict>().map_err(|_| Reject)?;
        self.strings.enter()?;
        let mut map = Map {
            iter: dict.iter(),
            value: None,
            strings: self.strings,
        };
        let value = visitor.visit_map(&mut map)?;
        if map.iter.next().is_some() {
            return Err(Reject);
        }
        map.strings.leave();
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        // The model's enums are unit variants written as strings.
        let s = self.obj.cast::<PyString>().map_err(|_| Reject)?;
        let text = self.strings.get(s)?;
        let variant = self.strings.text(&text);
        visitor.visit_enum(variant.into_deserializer())
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let s = self.obj.cast::<PyString>().map_err(|_| Reject)?;
        let text = self.strings.get(s)?;
        visitor.visit_str(self.strings.text(&text))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }
}

struct Seq<'a, 'py> {
    items: std::vec::IntoIter<Bound<'py, PyAny>>,
    strings: &'a mut Strings<'py>,
}

impl<'de> de::SeqAccess<'de> for &mut Seq<'_, '_> {
    type Error = Reject;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        match self.items.next() {
            Some(item) => seed.deserialize(De::new(item, self.strings)).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Map<'a, 'py> {
    iter: pyo3::types::iter::BoundDictIterator<'py>,
    value: Option<Bound<'py, PyAny>>,
    strings: &'a mut Strings<'py>,
}

impl<'de> de::MapAccess<'de> for &mut Map<'_, '_> {
    type Error = Reject;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.iter.next() {
            Some((key, value)) => {
                self.value = Some(value);
                let key = key.cast_into::<PyString>().map_err(|_| Reject)?;
                seed.deserialize(Key {
                    key,
                    strings: self.strings,
                })
                .map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let value = self.value.take().ok_or(Reject)?;
        seed.deserialize(De::new(value, self.strings))
    }
}

/// A dict key: a field name (through the cache) or a map key (a language code).
struct Key<'a, 'py> {
    key: Bound<'py, PyString>,
    strings: &'a mut Strings<'py>,
}

impl<'de> de::Deserializer<'de> for Key<'_, '_> {
    type Error = Reject;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let text = self.strings.get(&self.key)?;
        visitor.visit_str(self.strings.text(&text))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

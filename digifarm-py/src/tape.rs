//! The fast path from Python objects to the typed model, in two halves.
//!
//! 1. With the GIL ([`TapeWriter`]): walk the dicts, lists and scalars and append them to a
//!    compact byte tape — no allocation per value, field names decoded once per call.
//! 2. Without the GIL, on the pool ([`TapeReader`]): a serde `Deserializer` over the tape
//!    builds the typed `Project`; when it fails, the same tape becomes a JSON value for the
//!    authoritative path (JSON Schema, which explains the problem).
//!
//! Only JSON types go on the tape: `dict` with `str` keys, `list`/`tuple`, `str`, `int`
//! (64 bits), finite `float`, `bool`, `None`. Anything else is refused by the writer and the
//! record takes the authoritative path from the Python object (`value.rs`), which reports
//! it. Nesting deeper than the core's limit is refused too (self-referential containers).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use digifarm_core::source::MAX_DEPTH;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const INT: u8 = 3;
const UINT: u8 = 4;
const FLOAT: u8 = 5;
const STR: u8 = 6;
const LIST: u8 = 7;
const MAP: u8 = 8;

/// Records as a stream of operations (`ops`) and the text of all their strings (`text`),
/// stored apart so that the text is checked to be UTF-8 once per chunk rather than once per
/// string (perf: per-string checks were the largest single cost of the pool threads).
#[derive(Default)]
pub(crate) struct Tape {
    pub(crate) ops: Vec<u8>,
    pub(crate) text: Vec<u8>,
}

impl Tape {
    pub(crate) fn with_capacity(ops: usize, text: usize) -> Self {
        Tape {
            ops: Vec::with_capacity(ops),
            text: Vec::with_capacity(text),
        }
    }

    fn push(&mut self, op: u8) {
        self.ops.push(op);
    }

    fn extend(&mut self, bytes: &[u8]) {
        self.ops.extend_from_slice(bytes);
    }
}

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

/// Hashes object addresses and cached `str` hashes by one multiplication.
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

/// Dict keys seen during one call, decoded once: a record has dozens of keys, and even the
/// UTF-8 a `str` keeps costs a call through the limited API.
/// Keys are found by object identity (literal keys are interned), then by the `str`'s cached
/// hash and equality (keys made by `json.loads` are new objects with equal content).
#[derive(Default)]
pub(crate) struct Keys<'py> {
    texts: Vec<(Bound<'py, PyString>, Box<[u8]>)>,
    by_address: IntMap<usize, u32>,
    by_hash: IntMap<isize, Vec<u32>>,
    /// Objects whose address is in `by_address` but not in `texts`, kept alive so that
    /// addresses stay unique while the cache lives.
    aliases: Vec<Bound<'py, PyString>>,
}

const MAX_KEYS: usize = 4096;
const MAX_ALIASES: usize = 1 << 16;

impl<'py> Keys<'py> {
    /// Appends the UTF-8 of key `s` to `out` as a tape string.
    fn write(&mut self, s: &Bound<'py, PyString>, out: &mut Tape) -> Result<()> {
        if !s.is_exact_instance_of::<PyString>() {
            // A subclass may override `__hash__`/`__eq__` with Python code; read it plainly.
            return write_str(s, out);
        }
        let address = s.as_ptr() as usize;
        if let Some(&i) = self.by_address.get(&address) {
            return self.emit(i, out);
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
                    return self.emit(i, out);
                }
            }
        }
        if self.texts.len() >= MAX_KEYS {
            return write_str(s, out);
        }
        let text = s.to_str().map_err(|_| Reject)?;
        let i = u32::try_from(self.texts.len()).map_err(|_| Reject)?;
        self.texts.push((s.clone(), text.as_bytes().into()));
        self.by_address.insert(address, i);
        self.by_hash.entry(hash).or_default().push(i);
        self.emit(i, out)
    }

    fn emit(&self, i: u32, out: &mut Tape) -> Result<()> {
        let (_, bytes) = self.texts.get(i as usize).ok_or(Reject)?;
        push_str_bytes(bytes, out)
    }
}

fn push_len(n: usize, out: &mut Tape) -> Result<()> {
    let n = u32::try_from(n).map_err(|_| Reject)?;
    out.extend(&n.to_le_bytes());
    Ok(())
}

fn push_str_bytes(bytes: &[u8], out: &mut Tape) -> Result<()> {
    out.push(STR);
    push_len(out.text.len(), out)?;
    push_len(bytes.len(), out)?;
    out.text.extend_from_slice(bytes);
    Ok(())
}

fn write_str(s: &Bound<'_, PyString>, out: &mut Tape) -> Result<()> {
    // The string's own UTF-8, without a new `bytes` object (about 13 % of the bulk
    // validation): an ASCII string is its UTF-8; for any other CPython computes it once and
    // keeps it in the string object for the string's lifetime (memory the caller's strings
    // then hold).
    // Lone surrogates cannot be encoded: refused, and reported by the authoritative path.
    let text = s.to_str().map_err(|_| Reject)?;
    push_str_bytes(text.as_bytes(), out)
}

/// Appends Python records to a tape.
pub(crate) struct TapeWriter<'py> {
    keys: Keys<'py>,
}

impl<'py> TapeWriter<'py> {
    pub(crate) fn new() -> Self {
        TapeWriter {
            keys: Keys::default(),
        }
    }

    /// Appends `obj` to `out`; on refusal `out` is left as it was.
    pub(crate) fn write(&mut self, obj: &Bound<'py, PyAny>, out: &mut Tape) -> bool {
        let (ops, text) = (out.ops.len(), out.text.len());
        if self.value(obj, 0, out).is_ok() {
            true
        } else {
            out.ops.truncate(ops);
            out.text.truncate(text);
            false
        }
    }

    fn value(&mut self, obj: &Bound<'py, PyAny>, depth: usize, out: &mut Tape) -> Result<()> {
        if obj.is_exact_instance_of::<PyString>() {
            return write_str(obj.cast::<PyString>().map_err(|_| Reject)?, out);
        }
        if let Ok(dict) = obj.cast::<PyDict>() {
            if depth >= MAX_DEPTH {
                return Err(Reject);
            }
            out.push(MAP);
            push_len(dict.len(), out)?;
            let mut n = 0;
            for (key, value) in dict.iter() {
                let key = key.cast::<PyString>().map_err(|_| Reject)?;
                self.keys.write(key, out)?;
                self.value(&value, depth + 1, out)?;
                n += 1;
            }
            // A dict that changed size while being read is not a record to trust.
            return if n == dict.len() { Ok(()) } else { Err(Reject) };
        }
        if obj.is_none() {
            out.push(NULL);
            return Ok(());
        }
        if let Ok(list) = obj.cast::<PyList>() {
            if depth >= MAX_DEPTH {
                return Err(Reject);
            }
            out.push(LIST);
            let items: Vec<Bound<'py, PyAny>> = list.iter().collect();
            push_len(items.len(), out)?;
            for item in &items {
                self.value(item, depth + 1, out)?;
            }
            return Ok(());
        }
        if let Ok(b) = obj.cast::<PyBool>() {
            out.push(if b.is_true() { TRUE } else { FALSE });
            return Ok(());
        }
        if obj.is_instance_of::<PyInt>() {
            if let Ok(v) = obj.extract::<i64>() {
                out.push(INT);
                out.extend(&v.to_le_bytes());
            } else {
                let v = obj.extract::<u64>().map_err(|_| Reject)?;
                out.push(UINT);
                out.extend(&v.to_le_bytes());
            }
            return Ok(());
        }
        if let Ok(f) = obj.cast::<PyFloat>() {
            let v = f.value();
            if !v.is_finite() {
                return Err(Reject);
            }
            out.push(FLOAT);
            out.extend(&v.to_le_bytes());
            return Ok(());
        }
        if let Ok(s) = obj.cast::<PyString>() {
            return write_str(s, out);
        }
        if let Ok(tuple) = obj.cast::<PyTuple>() {
            if depth >= MAX_DEPTH {
                return Err(Reject);
            }
            out.push(LIST);
            push_len(tuple.len(), out)?;
            for item in tuple.iter() {
                self.value(&item, depth + 1, out)?;
            }
            return Ok(());
        }
        Err(Reject)
    }
}

/// Reads one value from a tape; a serde `Deserializer`.
pub(crate) struct TapeReader<'t> {
    tape: &'t [u8],
    /// The chunk's text, checked to be UTF-8 once.
    text: &'t str,
    pos: usize,
    /// Refuse borrowed strings that are not full dates (see [`is_full_date`]): on for the
    /// typed model, off for JSON values (whose map keys are read as borrowed strings).
    strict_dates: bool,
}

impl<'t> TapeReader<'t> {
    /// A reader for the typed model.
    pub(crate) fn new(tape: &'t [u8], text: &'t str) -> Self {
        TapeReader {
            tape,
            text,
            pos: 0,
            strict_dates: true,
        }
    }

    /// A reader for `serde_json::Value`.
    pub(crate) fn for_json(tape: &'t [u8], text: &'t str) -> Self {
        TapeReader {
            tape,
            text,
            pos: 0,
            strict_dates: false,
        }
    }

    fn peek(&self) -> Result<u8> {
        self.tape.get(self.pos).copied().ok_or(Reject)
    }

    fn tag(&mut self) -> Result<u8> {
        let t = self.peek()?;
        self.pos += 1;
        Ok(t)
    }

    fn bytes8(&mut self) -> Result<[u8; 8]> {
        let b = self.tape.get(self.pos..self.pos + 8).ok_or(Reject)?;
        self.pos += 8;
        b.try_into().map_err(|_| Reject)
    }

    fn len(&mut self) -> Result<usize> {
        let b = self.tape.get(self.pos..self.pos + 4).ok_or(Reject)?;
        self.pos += 4;
        let n = u32::from_le_bytes(b.try_into().map_err(|_| Reject)?);
        Ok(n as usize)
    }

    /// The text of a string whose tag was read.
    fn str_body(&mut self) -> Result<&'t str> {
        let start = self.len()?;
        let n = self.len()?;
        // `get` checks the char boundaries; the text as a whole is UTF-8 already.
        self.text.get(start..start + n).ok_or(Reject)
    }

    fn string(&mut self) -> Result<&'t str> {
        if self.tag()? != STR {
            return Err(Reject);
        }
        self.str_body()
    }

    fn number(&mut self) -> Result<f64> {
        match self.tag()? {
            INT => Ok(i64::from_le_bytes(self.bytes8()?) as f64),
            UINT => Ok(u64::from_le_bytes(self.bytes8()?) as f64),
            FLOAT => Ok(f64::from_le_bytes(self.bytes8()?)),
            _ => Err(Reject),
        }
    }

    fn integer<T: TryFrom<i64> + TryFrom<u64>>(&mut self) -> Result<T> {
        match self.tag()? {
            INT => T::try_from(i64::from_le_bytes(self.bytes8()?)).map_err(|_| Reject),
            UINT => T::try_from(u64::from_le_bytes(self.bytes8()?)).map_err(|_| Reject),
            _ => Err(Reject),
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
            let v: $t = self.integer()?;
            visitor.$visit(v)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for &mut TapeReader<'de> {
    type Error = Reject;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.tag()? {
            NULL => visitor.visit_unit(),
            FALSE => visitor.visit_bool(false),
            TRUE => visitor.visit_bool(true),
            INT => visitor.visit_i64(i64::from_le_bytes(self.bytes8()?)),
            UINT => visitor.visit_u64(u64::from_le_bytes(self.bytes8()?)),
            FLOAT => visitor.visit_f64(f64::from_le_bytes(self.bytes8()?)),
            STR => visitor.visit_borrowed_str(self.str_body()?),
            LIST => {
                let n = self.len()?;
                visitor.visit_seq(Items { r: self, left: n })
            }
            MAP => {
                let n = self.len()?;
                visitor.visit_map(Items { r: self, left: n })
            }
            _ => Err(Reject),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.tag()? {
            FALSE => visitor.visit_bool(false),
            TRUE => visitor.visit_bool(true),
            _ => Err(Reject),
        }
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
        visitor.visit_f64(self.number()?)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f64(self.number()?)
    }

    fn deserialize_char<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Reject)
    }

    /// The model's only borrowed-string user is `NaiveDate`; see [`is_full_date`].
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let s = self.string()?;
        if self.strict_dates && !is_full_date(s) {
            return Err(Reject);
        }
        visitor.visit_borrowed_str(s)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_borrowed_str(self.string()?)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Reject)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Reject)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.peek()? == NULL {
            self.pos += 1;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.tag()? {
            NULL => visitor.visit_unit(),
            _ => Err(Reject),
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
        if self.tag()? != LIST {
            return Err(Reject);
        }
        let n = self.len()?;
        visitor.visit_seq(Items { r: self, left: n })
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
        if self.tag()? != MAP {
            return Err(Reject);
        }
        let n = self.len()?;
        visitor.visit_map(Items { r: self, left: n })
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
        let s = self.string()?;
        visitor.visit_enum(s.into_deserializer())
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_borrowed_str(self.string()?)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip()?;
        visitor.visit_unit()
    }
}

impl TapeReader<'_> {
    fn skip(&mut self) -> Result<()> {
        match self.tag()? {
            NULL | FALSE | TRUE => Ok(()),
            INT | UINT | FLOAT => self.bytes8().map(|_| ()),
            STR => self.str_body().map(|_| ()),
            LIST => {
                for _ in 0..self.len()? {
                    self.skip()?;
                }
                Ok(())
            }
            MAP => {
                for _ in 0..self.len()? {
                    self.skip()?;
                    self.skip()?;
                }
                Ok(())
            }
            _ => Err(Reject),
        }
    }
}

/// The items of a list, or the key/value pairs of a map.
struct Items<'r, 't> {
    r: &'r mut TapeReader<'t>,
    left: usize,
}

impl<'de> de::SeqAccess<'de> for Items<'_, 'de> {
    type Error = Reject;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.r).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

impl<'de> de::MapAccess<'de> for Items<'_, 'de> {
    type Error = Reject;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.r).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(&mut *self.r)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

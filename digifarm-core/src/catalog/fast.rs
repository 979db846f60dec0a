//! The typed fast path for JSON records.
//!
//! Most records in a catalog are valid. For them, going through a `serde_json::Value`, the
//! JSON Schema validator and a second conversion into the model costs several times more than
//! deserializing the model directly. So JSON text is first deserialized straight into the
//! model and checked against the schema's string constraints (patterns and lengths, which
//! serde does not know); only a record that fails this goes the full way through the JSON
//! Schema, which then produces the diagnostics. The JSON Schema stays the definition of
//! validity: `tests/fast_path.rs` checks on thousands of valid and mutated records that the
//! fast path accepts nothing the schema rejects.

use crate::model::{
    Contact, Links, LocalizedText, Need, Partner, Project, RecordKind, SupportOffer,
};

use super::RecordValue;

/// Deserializes `text` as a record of `kind` if it is valid; `None` means "take the full path".
pub(crate) fn accept(kind: RecordKind, text: &str) -> Option<RecordValue> {
    // Characters that cannot be published (raw, or possibly behind a `\u` escape) are found
    // by the full path.
    if !shape_ok(text) || text.contains("\\u") || crate::charset::find_unpublishable(text).is_some()
    {
        return None;
    }
    match kind {
        RecordKind::Project => {
            let p: Project = serde_json::from_str(text).ok()?;
            project_ok(&p).then(|| RecordValue::Project(Box::new(p)))
        }
        RecordKind::Partner => {
            let p: Partner = serde_json::from_str(text).ok()?;
            partner_ok(&p).then(|| RecordValue::Partner(Box::new(p)))
        }
        RecordKind::Offer => {
            let o: SupportOffer = serde_json::from_str(text).ok()?;
            offer_ok(&o).then(|| RecordValue::Offer(Box::new(o)))
        }
    }
}

/// Fields whose value is a struct in the model: serde also accepts a struct written as a
/// JSON array (its fields by position), which the schema rejects.
const STRUCT_FIELDS: [&[u8]; 5] = [b"links", b"origin", b"deployment", b"capacity", b"complete"];

/// Fields whose value is a unit enum: serde also accepts `{"variant": null}`, which the
/// schema rejects.
const ENUM_FIELDS: [&[u8]; 8] = [
    b"status",
    b"lifecycle",
    b"complexity",
    b"priority",
    b"kind",
    b"mode",
    b"from",
    b"to",
];

/// Rejects, by one scan outside string literals, the shapes serde accepts but the schema
/// does not: a record that is not an object, an array directly inside an array (the model
/// has no lists of lists; a list element that is an array is a struct written positionally),
/// a struct field written as an array, and an enum field written as an object. A rejection
/// only means the record takes the full path.
fn shape_ok(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    let skip_ws = |mut i: usize| {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        i
    };
    i = skip_ws(i);
    if b.get(i) != Some(&b'{') {
        return false;
    }
    // The last string literal seen, which is the key when a ':' follows.
    let mut last_string: &[u8] = &[];
    // The last structural character before the current position.
    let mut prev = 0u8;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                last_string = b.get(start..i.min(b.len())).unwrap_or_default();
                prev = b'"';
            }
            b'[' => {
                // In valid JSON a comma inside an object is followed by a key, so `[` after a
                // comma, like `[` after `[`, is an array inside an array.
                if prev == b'[' || prev == b',' {
                    return false;
                }
                prev = b'[';
            }
            b':' => {
                let next = skip_ws(i + 1);
                match b.get(next) {
                    Some(b'[') if STRUCT_FIELDS.contains(&last_string) => return false,
                    Some(b'{') if ENUM_FIELDS.contains(&last_string) => return false,
                    _ => {}
                }
                prev = b':';
            }
            c @ (b'{' | b'}' | b']' | b',') => prev = c,
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => prev = 0,
        }
        i += 1;
    }
    true
}

fn len_in(s: &str, min: usize, max: usize) -> bool {
    // Byte length bounds the character count from above; count only when it matters.
    if s.len() < min {
        return false;
    }
    s.len() <= max || (min..=max).contains(&s.chars().count())
}

/// `^[a-z0-9]+(-[a-z0-9]+)*$`, 1 to 80 characters.
fn slug(s: &str) -> bool {
    len_in(s, 1, 80)
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// `^[a-z]+(-[a-z]+)*$`
fn kind_tag(s: &str) -> bool {
    !s.is_empty()
        && s.split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|c| c.is_ascii_lowercase()))
}

/// `^https?://[^\s\x00-\x1F\x7F-\x9F]+$`
fn http(s: &str) -> bool {
    ["http://", "https://"].iter().any(|p| url_rest(s, p))
}

/// `s` is `prefix` followed by one or more characters that are neither white space nor
/// control characters. Only printable ASCII is accepted here (a subset: the schema's `\s`
/// also holds characters such as U+FEFF that Rust does not call white space); any other
/// link takes the full path.
fn url_rest(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix)
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_graphic()))
}

/// `^[a-z]{2}(-[A-Z]{2})?$`
fn lang(s: &str) -> bool {
    let b = s.as_bytes();
    (b.len() == 2 || (b.len() == 5 && b[2] == b'-' && b[3..].iter().all(u8::is_ascii_uppercase)))
        && b[..2].iter().all(u8::is_ascii_lowercase)
}

/// `^[0-9]{4}(-(0[1-9]|1[0-2])(-[0-3][0-9])?)?$`
fn started(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let month_ok = || matches!((b[5], b[6]), (b'0', b'1'..=b'9') | (b'1', b'0'..=b'2'));
    match b.len() {
        4 => digits(0..4),
        7 => digits(0..4) && b[4] == b'-' && month_ok(),
        10 => {
            digits(0..4)
                && b[4] == b'-'
                && month_ok()
                && b[7] == b'-'
                && matches!(b[8], b'0'..=b'3')
                && b[9].is_ascii_digit()
        }
        _ => false,
    }
}

fn text_ok(t: &LocalizedText) -> bool {
    match t {
        LocalizedText::Plain(_) => true,
        LocalizedText::Localized(map) => map.keys().all(|k| lang(k)),
    }
}

fn opt_text_ok(t: Option<&LocalizedText>) -> bool {
    t.is_none_or(text_ok)
}

fn contacts_ok(contacts: &[Contact]) -> bool {
    contacts.iter().all(|c| !c.name.is_empty())
}

fn links_ok(l: &Links) -> bool {
    l.homepage.as_deref().is_none_or(http)
        && l.info.as_deref().is_none_or(http)
        && l.source
            .as_deref()
            .is_none_or(|s| http(s) || url_rest(s, "git://") || url_rest(s, "ssh://"))
}

fn need_ok(n: &Need) -> bool {
    kind_tag(&n.kind) && opt_text_ok(n.description.as_ref())
}

pub(crate) fn project_ok(p: &Project) -> bool {
    slug(&p.id)
        && len_in(&p.name, 1, 200)
        && len_in(&p.license, 1, 1000)
        && text_ok(&p.summary)
        && opt_text_ok(p.description.as_ref())
        && opt_text_ok(p.status_note.as_ref())
        && p.origin
            .as_ref()
            .and_then(|o| o.started.as_deref())
            .is_none_or(started)
        && links_ok(&p.links)
        && p.needs.iter().all(need_ok)
        && contacts_ok(&p.contacts)
}

pub(crate) fn partner_ok(p: &Partner) -> bool {
    slug(&p.id)
        && len_in(&p.name, 1, 200)
        && p.website.as_deref().is_none_or(http)
        && opt_text_ok(p.description.as_ref())
        && contacts_ok(&p.contacts)
}

pub(crate) fn offer_ok(o: &SupportOffer) -> bool {
    slug(&o.id) && kind_tag(&o.kind) && opt_text_ok(o.description.as_ref())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::{Value, json};

    use super::accept;
    use crate::model::RecordKind;
    use crate::schema::{SchemaKind, validator};
    use crate::synth::{self, SplitMix64};

    /// Every node's pointer in `v`.
    fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        match v {
            Value::Object(m) => m
                .iter()
                .for_each(|(k, c)| pointers(c, format!("{at}/{k}"), out)),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, c)| pointers(c, format!("{at}/{i}"), out)),
            _ => {}
        }
    }

    fn replacements(old: &Value) -> Vec<Value> {
        let mut r = vec![
            json!(1),
            json!(1.5),
            json!(-1),
            json!(0),
            json!("x"),
            json!(""),
            Value::Null,
            json!(true),
            json!([]),
            json!({}),
            json!(["a"]),
            json!([[]]),
            json!({"live": null}),
            json!("Bad Id"),
            json!("2022-1-5"),
            json!("2022-02-30"),
            json!("ftp://x"),
            json!("DE"),
            json!("a b"),
            json!("2021-13"),
            json!("y".repeat(300)),
            json!([old.clone()]),
            json!({"de": 1}),
            json!({"DE": "x"}),
            json!("content "),
            json!("-a"),
            json!("a--b"),
        ];
        if let Value::Object(m) = old {
            r.push(Value::Array(m.values().cloned().collect()));
            let mut extra = m.clone();
            extra.insert("unknown_field".into(), json!(1));
            r.push(Value::Object(extra));
            for k in m.keys() {
                let mut fewer = m.clone();
                fewer.remove(k);
                r.push(Value::Object(fewer));
            }
        }
        r
    }

    fn schema_accepts(kind: RecordKind, v: &Value) -> bool {
        let ok = validator(SchemaKind::from(kind)).unwrap().is_valid(v);
        ok && match kind {
            RecordKind::Project => {
                serde_json::from_value::<crate::model::Project>(v.clone()).is_ok()
            }
            RecordKind::Partner => {
                serde_json::from_value::<crate::model::Partner>(v.clone()).is_ok()
            }
            RecordKind::Offer => {
                serde_json::from_value::<crate::model::SupportOffer>(v.clone()).is_ok()
            }
        }
    }

    #[test]
    fn fast_path_accepts_nothing_the_schema_rejects() {
        let cat = synth::catalog(11, 60, 20, 40);
        let mut records: Vec<(RecordKind, Value)> = Vec::new();
        records.extend(
            cat.projects
                .iter()
                .map(|p| (RecordKind::Project, serde_json::to_value(p).unwrap())),
        );
        records.extend(
            cat.partners
                .iter()
                .map(|p| (RecordKind::Partner, serde_json::to_value(p).unwrap())),
        );
        records.extend(
            cat.offers
                .iter()
                .map(|o| (RecordKind::Offer, serde_json::to_value(o).unwrap())),
        );
        let mut rng = SplitMix64::new(5);
        let (mut cases, mut fast_rejected_valid) = (0usize, 0usize);
        for (kind, record) in &records {
            let text = serde_json::to_string(record).unwrap();
            assert!(
                accept(*kind, &text).is_some(),
                "a valid record must take the fast path: {text}"
            );
            let mut ptrs = Vec::new();
            pointers(record, String::new(), &mut ptrs);
            for _ in 0..40 {
                let at = &ptrs[(rng.next_u64() % ptrs.len() as u64) as usize];
                let old = record.pointer(at).unwrap().clone();
                let options = replacements(&old);
                let new = options[(rng.next_u64() % options.len() as u64) as usize].clone();
                let mut mutated = record.clone();
                *mutated.pointer_mut(at).unwrap() = new;
                let text = serde_json::to_string(&mutated).unwrap();
                let fast = accept(*kind, &text).is_some();
                let schema = schema_accepts(*kind, &mutated);
                assert!(
                    !fast || schema,
                    "fast path accepted what the schema rejects at {at}: {text}"
                );
                fast_rejected_valid += usize::from(schema && !fast);
                cases += 1;
            }
        }
        assert!(cases > 4000);
        // The fast path may be more conservative, but not often on mutations the schema allows.
        assert!(
            fast_rejected_valid * 10 < cases,
            "{fast_rejected_valid} of {cases}"
        );
    }
}

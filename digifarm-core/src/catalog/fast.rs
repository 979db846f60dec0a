//! The typed fast path for JSON records.
//!
//! Most records in a catalog are valid. For them, going through a `serde_json::Value`, the
//! JSON Schema validator and a second conversion into the model costs several times more than
//! deserializing the model directly. So JSON text is first deserialized straight into the
//! model and checked against the schema's string constraints (patterns and lengths, which
//! serde does not know; [`crate::model::constraints`] states them once for the schemas and
//! both fast paths); only a record that fails this goes the full way through the JSON
//! Schema, which then produces the diagnostics. The JSON Schema stays the definition of
//! validity: the tests below check on thousands of valid and mutated records that the
//! fast path accepts nothing the schema rejects.

use crate::model::constraints::{offer_ok, partner_ok, project_ok};
use crate::model::{Partner, Project, RecordKind, SupportOffer};

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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::{Value, json};

    use super::accept;
    use crate::model::RecordKind;
    use crate::schema::{SchemaKind, validator};
    use crate::synth::{self, SplitMix64};

    /// serde keeps the last of two equal keys in a map, and its derived structs refuse them:
    /// either way the fast path must not accept a record the full path reports as
    /// `duplicate-key`.
    #[test]
    fn a_key_given_twice_takes_the_full_path() {
        let base = r#"{"id":"x","name":"X","summary":"S","status":"live","lifecycle":"proposed","license":"MIT""#;
        let valid = format!(
            r#"{base},"software":{{"documentation":{{"de":"https://a.example/"}},"features":{{"de":["a"]}}}}}}"#
        );
        assert!(accept(RecordKind::Project, &valid).is_some());
        for twice in [
            r#""software":{"documentation":{"de":"https://a.example/","de":"https://b.example/"}}"#,
            r#""software":{"api_documentation":{"de":"https://a.example/","de":"https://b.example/"}}"#,
            r#""software":{"features":{"de":["a"],"de":["b"]}}"#,
            r#""software":{"roadmap":"https://a.example/","roadmap":"https://b.example/"}"#,
            r#""description":{"de":"a","de":"b"}"#,
            r#""links":{"source":"https://a.example/","source":"https://b.example/"}"#,
            r#""name":"Y""#,
        ] {
            let text = format!("{base},{twice}}}");
            assert!(accept(RecordKind::Project, &text).is_none(), "{text}");
        }
    }

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

    /// `schema` with its `$ref` followed.
    fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => root.pointer(r.trim_start_matches('#')).unwrap(),
            None => schema,
        }
    }

    /// A valid value for `schema` with every optional part present (an option's value, a
    /// localized text's map, one element per list), and in `found` the pointer and schema of
    /// every string or key set that a pattern or length constrains.
    fn full(root: &Value, schema: &Value, at: &str, found: &mut Vec<(String, Value)>) -> Value {
        use crate::model::constraints::*;
        let schema = resolve(root, schema);
        if let Some(branches) = schema.get("anyOf").or(schema.get("oneOf")) {
            let branch = branches
                .as_array()
                .unwrap()
                .iter()
                .rev()
                .find(|b| resolve(root, b).get("type") != Some(&json!("null")))
                .unwrap();
            return full(root, branch, at, found);
        }
        if let Some(values) = schema.get("enum") {
            return values[0].clone();
        }
        if let Some(value) = schema.get("const") {
            return value.clone();
        }
        let ty = match schema.get("type") {
            Some(Value::Array(types)) => types.iter().find(|t| *t != "null").unwrap(),
            Some(t) => t,
            None => panic!("no type at {at}: {schema}"),
        };
        match ty.as_str().unwrap() {
            "object" => {
                let mut map = serde_json::Map::new();
                if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                    for (key, sub) in properties {
                        map.insert(key.clone(), full(root, sub, &format!("{at}/{key}"), found));
                    }
                } else if let Some(values) = schema.get("additionalProperties") {
                    map.insert("de".into(), full(root, values, &format!("{at}/de"), found));
                }
                if schema.get("propertyNames").is_some() {
                    found.push((at.to_string(), schema.clone()));
                }
                Value::Object(map)
            }
            "array" => json!([full(root, &schema["items"], &format!("{at}/0"), found)]),
            "string" => {
                if ["pattern", "minLength", "maxLength"]
                    .iter()
                    .any(|k| schema.get(k).is_some())
                {
                    found.push((at.to_string(), schema.clone()));
                }
                let example = match schema.get("pattern").and_then(Value::as_str) {
                    Some(RECORD_ID_PATTERN) => "ms/full-record",
                    Some(TAG_PATTERN) => "technical",
                    Some(HTTP_URL_PATTERN) => "https://example.org/full",
                    Some(SOURCE_URL_PATTERN) => "https://example.org/full.git",
                    Some(STARTED_PATTERN) => "2019-05",
                    Some(other) => panic!("no example for the pattern {other} at {at}"),
                    None if schema.get("format") == Some(&json!("date")) => "2024-01-01",
                    None => "x",
                };
                json!(example)
            }
            "integer" => json!(1),
            "number" => json!(1.5),
            "boolean" => json!(true),
            other => panic!("type {other} at {at}"),
        }
    }

    /// Values that break the constraint of `schema` (a string's or a key set's).
    fn violations(schema: &Value) -> Vec<Value> {
        if schema.get("propertyNames").is_some() {
            return ["DE", "de_DE", "deu", "de-de", "d"]
                .iter()
                .map(|k| json!({ *k: "x" }))
                .collect();
        }
        let mut out: Vec<Value> = [
            "",
            "X",
            "a b",
            "-a",
            "a-",
            "a--b",
            "a_b",
            "ä",
            "1",
            "ftp://x",
            "https://",
            "https://a b",
            "http://a\u{a0}b",
            "git@github.com:x",
            "2019-13",
            "2019-1",
            "19",
            "DE",
            "/a",
            "a/",
            "a/b/c",
        ]
        .iter()
        .map(|s| json!(s))
        .collect();
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
            out.push(json!("x".repeat(max as usize + 1)));
            out.push(json!("ä".repeat(max as usize + 1)));
        }
        out
    }

    /// Every constraint the generated schemas hold, found by walking them, is checked by the
    /// fast path: a record that breaks it is never accepted. A constraint added to the model
    /// without its check in `model::constraints` fails here.
    #[test]
    fn every_constraint_of_the_schemas_is_checked_by_the_fast_path() {
        for kind in RecordKind::ALL {
            let schema = crate::schema::json_schema(SchemaKind::from(kind));
            let mut found = Vec::new();
            let record = full(&schema, &schema, "", &mut found);
            let text = serde_json::to_string(&record).unwrap();
            assert!(schema_accepts(kind, &record), "{text}");
            assert!(accept(kind, &text).is_some(), "{text}");
            assert!(!found.is_empty());
            for (at, constraint) in &found {
                let mut broken = 0;
                for bad in violations(constraint) {
                    let mut mutated = record.clone();
                    *mutated.pointer_mut(at).unwrap() = bad.clone();
                    if schema_accepts(kind, &mutated) {
                        continue;
                    }
                    let text = serde_json::to_string(&mutated).unwrap();
                    assert!(
                        accept(kind, &text).is_none(),
                        "the fast path accepted {bad} at {at} of a {kind:?}"
                    );
                    broken += 1;
                }
                assert!(
                    broken > 0,
                    "no value broke the constraint at {at}: {constraint}"
                );
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

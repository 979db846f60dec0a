//! From a parsed JSON value to a typed record: JSON Schema first (every violation, mapped to a
//! stable code), then serde.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{CityConfig, Partner, Project, RecordKind, SupportOffer};
use crate::schema::{self, SchemaKind};

/// A typed record of any kind.
#[derive(Debug, Clone)]
pub enum RecordValue {
    /// A project.
    Project(Box<Project>),
    /// A partner.
    Partner(Box<Partner>),
    /// A support offer.
    Offer(Box<SupportOffer>),
}

/// Checks `value` against the schema of `kind` and converts it. Problems are appended to
/// `diagnostics` with pointers relative to the record and no file or position yet.
pub fn check_value(
    kind: RecordKind,
    value: Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<RecordValue> {
    character_rule(&value, diagnostics);
    if !value.is_object() {
        diagnostics.push(
            Diagnostic::new(
                Code::WrongType,
                "",
                "",
                format!(
                    "a {kind} record must be a mapping of fields, found {}",
                    type_name(&value)
                ),
            )
            .with_help(format!("see `digifarm schema {kind}` for the fields")),
        );
        return None;
    }
    if !schema_check(kind.into(), &value, diagnostics) {
        return None;
    }
    match kind {
        RecordKind::Project => {
            convert(value, diagnostics).map(|p| RecordValue::Project(Box::new(p)))
        }
        RecordKind::Partner => {
            convert(value, diagnostics).map(|p| RecordValue::Partner(Box::new(p)))
        }
        RecordKind::Offer => convert(value, diagnostics).map(|o| RecordValue::Offer(Box::new(o))),
    }
}

/// The typed record from a schema-valid value; a conversion error (a constraint the schema
/// cannot express) becomes a diagnostic.
fn convert<T: serde::de::DeserializeOwned>(
    value: Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<T> {
    serde_json::from_value(value)
        .map_err(|e| {
            diagnostics.push(Diagnostic::new(
                Code::SchemaViolation,
                "",
                "",
                e.to_string(),
            ))
        })
        .ok()
}

/// Checks `value` against the city config schema and converts it. Problems are appended to
/// `diagnostics` with pointers relative to the config and no file or position yet.
pub fn check_config(value: Value, diagnostics: &mut Vec<Diagnostic>) -> Option<CityConfig> {
    character_rule(&value, diagnostics);
    if !schema_check(SchemaKind::Config, &value, diagnostics) {
        return None;
    }
    convert(value, diagnostics)
}

/// Checks and converts a stored health record (`health/<id>.yaml`), with the same
/// diagnostics as records get.
pub(crate) fn check_health(
    value: Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<crate::model::HealthRecord> {
    if !schema_check(SchemaKind::Health, &value, diagnostics) {
        return None;
    }
    convert(value, diagnostics)
}

/// Checks and converts a proposal form, with the same diagnostics as records get.
pub(crate) fn check_proposal(
    value: Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<crate::model::Proposal> {
    character_rule(&value, diagnostics);
    if !schema_check(SchemaKind::Proposal, &value, diagnostics) {
        return None;
    }
    convert(value, diagnostics)
}

/// Every text (string value or key) of `value` that holds a character that cannot be
/// published (a control character outside YAML 1.2's printable set, or a Unicode
/// noncharacter) is an `invalid-character` finding: such text would break the Atom feed
/// (XML), publiccode.yml (YAML) or a terminal, whatever escaping the writers do.
fn character_rule(value: &Value, diagnostics: &mut Vec<Diagnostic>) {
    fn walk(value: &Value, pointer: &mut String, out: &mut Vec<Diagnostic>) {
        match value {
            Value::String(s) => check(s, pointer, out),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    crate::source::push_pointer(pointer, &i.to_string());
                    walk(item, pointer, out);
                    pointer.truncate(len);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    let len = pointer.len();
                    crate::source::push_pointer(pointer, key);
                    check(key, pointer, out);
                    walk(item, pointer, out);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }
    fn check(s: &str, pointer: &str, out: &mut Vec<Diagnostic>) {
        if let Some((_, c)) = crate::charset::find_unpublishable(s) {
            let what = if crate::charset::is_noncharacter(c) {
                "a Unicode noncharacter"
            } else {
                "a control character"
            };
            out.push(
                Diagnostic::new(
                    Code::InvalidCharacter,
                    "",
                    pointer.to_owned(),
                    format!(
                        "the text holds U+{:04X}, {what}, which cannot be published",
                        u32::from(c)
                    ),
                )
                .with_help("remove it; line breaks and tabs are allowed"),
            );
        }
    }
    let mut pointer = String::new();
    walk(value, &mut pointer, diagnostics);
}

/// Runs the JSON Schema of `kind`; returns whether `value` is valid.
fn schema_check(kind: SchemaKind, value: &Value, diagnostics: &mut Vec<Diagnostic>) -> bool {
    let Some(validator) = schema::validator(kind) else {
        diagnostics.push(Diagnostic::new(
            Code::SchemaViolation,
            "",
            "",
            format!(
                "internal error: the {} schema does not compile",
                kind.name()
            ),
        ));
        return false;
    };
    if validator.is_valid(value) {
        return true;
    }
    let before = diagnostics.len();
    for error in validator.iter_errors(value) {
        push_schema_error(kind, value, &error, diagnostics);
    }
    // A value of the wrong type also fails its enum: one finding (the type) is enough.
    let wrong_type: Vec<String> = diagnostics[before..]
        .iter()
        .filter(|d| d.code == Code::WrongType.as_str())
        .map(|d| d.pointer.clone())
        .collect();
    if !wrong_type.is_empty() {
        let mut found = diagnostics.split_off(before);
        found.retain(|d| {
            !(d.code == Code::InvalidValue.as_str() && wrong_type.contains(&d.pointer))
        });
        diagnostics.extend(found);
    }
    if diagnostics.len() == before {
        diagnostics.push(Diagnostic::new(
            Code::SchemaViolation,
            "",
            "",
            "the record violates its schema",
        ));
    }
    false
}

fn type_name(v: &Value) -> &'static str {
    if crate::source::toml_datetime(v).is_some() {
        return "a TOML date/time";
    }
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn type_kind_name(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(t) => t.to_string(),
        TypeKind::Multiple(ts) => {
            let names: Vec<String> = ts.iter().map(|t| t.to_string()).collect();
            names.join(" or ")
        }
    }
}

/// `invalid-value` for a value that is not one of an enum's `options`, with the closest one
/// as a hint.
fn enum_diagnostic(options: &Value, instance: &Value, shown: &str, pointer: &str) -> Diagnostic {
    let allowed: Vec<&str> = options
        .as_array()
        .map_or_else(Vec::new, |a| a.iter().filter_map(Value::as_str).collect());
    let mut d = Diagnostic::new(
        Code::InvalidValue,
        "",
        pointer,
        format!("{shown} is not one of: {}", allowed.join(", ")),
    );
    if let Some(best) = instance
        .as_str()
        .and_then(|s| closest(s, allowed.iter().copied()))
    {
        d = d.with_help(format!("did you mean `{best}`?"));
    }
    d
}

/// The alternative of an `anyOf`/`oneOf` whose every error lies inside the value at
/// `pointer`: the one whose shape the value has.
fn deeper_branch<'e, 'a>(
    context: &'e [Vec<jsonschema::ValidationError<'a>>],
    pointer: &str,
) -> Option<&'e [jsonschema::ValidationError<'a>]> {
    context
        .iter()
        .find(|branch| {
            !branch.is_empty()
                && branch
                    .iter()
                    .all(|e| e.instance_path().as_str().len() > pointer.len())
        })
        .map(Vec::as_slice)
}

fn push_schema_error(
    kind: SchemaKind,
    record: &Value,
    error: &jsonschema::ValidationError<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let pointer = error.instance_path().as_str().to_owned();
    let instance = record.pointer(&pointer).unwrap_or(&Value::Null);
    let shown = short(instance);
    let d = match error.kind() {
        ValidationErrorKind::AdditionalProperties { .. }
            if crate::source::toml_datetime(instance).is_some() =>
        {
            // A TOML datetime where a table belongs.
            Diagnostic::new(
                Code::WrongType,
                "",
                pointer,
                format!("expected a table, found a TOML date/time ({shown})"),
            )
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for key in unexpected {
                let mut p = pointer.clone();
                crate::source::push_pointer(&mut p, key);
                let mut d =
                    Diagnostic::new(Code::UnknownField, "", p, format!("unknown field `{key}`"));
                if let Some(best) = closest(key, field_names(kind)) {
                    d = d.with_help(format!("did you mean `{best}`?"));
                } else {
                    d = d.with_help(format!(
                        "see `digifarm schema {}` for the fields",
                        kind.name()
                    ));
                }
                diagnostics.push(d);
            }
            return;
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            Diagnostic::new(
                Code::MissingField,
                "",
                pointer,
                format!("missing required field `{name}`"),
            )
        }
        ValidationErrorKind::Type { kind: expected } => {
            let mut d = Diagnostic::new(
                Code::WrongType,
                "",
                pointer,
                format!(
                    "expected {}, found {} ({shown})",
                    type_kind_name(expected),
                    type_name(instance)
                ),
            );
            if crate::source::toml_datetime(instance).is_some() {
                d = d.with_help("quote it to write text: `key = \"…\"`");
            } else if let Some(s) = instance.as_str() {
                if ["yes", "no", "on", "off", "y", "n"].contains(&s.to_ascii_lowercase().as_str()) {
                    d = d.with_help("YAML 1.2 reads yes/no/on/off as text: write true or false");
                } else if s.trim().parse::<f64>().is_ok() {
                    d = d.with_help("remove the quotes to write a number");
                }
            }
            d
        }
        ValidationErrorKind::AnyOf { context }
            if context.iter().flatten().any(|e| {
                matches!(e.kind(), ValidationErrorKind::Enum { .. })
                    && e.instance_path().as_str() == pointer
            }) =>
        {
            // An optional enum (`anyOf: [{enum}, null]`, e.g. a support status): the value
            // is not one of the allowed ones.
            let options = context
                .iter()
                .flatten()
                .find_map(|e| match e.kind() {
                    ValidationErrorKind::Enum { options } => Some(options.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            enum_diagnostic(&options, instance, &shown, &pointer)
        }
        ValidationErrorKind::Enum { options } => {
            enum_diagnostic(options, instance, &shown, &pointer)
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context }
            if deeper_branch(context, &pointer).is_some() =>
        {
            // The value has the shape of one alternative (an optional `origin` is a
            // mapping) and fails inside it: what fails there, where it fails, not "expected
            // one of the alternatives" at the value.
            for e in deeper_branch(context, &pointer).unwrap_or_default() {
                push_schema_error(kind, record, e, diagnostics);
            }
            return;
        }
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
            Diagnostic::new(
                Code::WrongType,
                "",
                pointer,
                format!(
                    "expected text or a mapping from language code to text, found {} ({shown})",
                    type_name(instance)
                ),
            )
            .with_help("write `summary: Text` or `summary: {de: Text, en: Text}`")
        }
        ValidationErrorKind::Pattern { .. }
        | ValidationErrorKind::Format { .. }
        | ValidationErrorKind::MinLength { .. }
        | ValidationErrorKind::MaxLength { .. }
        | ValidationErrorKind::PropertyNames { .. } => {
            let mut d =
                Diagnostic::new(Code::InvalidFormat, "", pointer.clone(), error.to_string());
            let field = pointer.rsplit('/').next().unwrap_or("");
            if matches!(field, "id" | "partner") || pointer.ends_with("/partner") {
                d = d.with_help("ids are lower-case slugs: letters, digits and single hyphens");
            } else if let ValidationErrorKind::Format { format } = error.kind()
                && format == "date"
            {
                d = d.with_help("write dates as YYYY-MM-DD");
            } else if field == "started" {
                d = d.with_help("write the start as YYYY, YYYY-MM or YYYY-MM-DD");
            }
            d
        }
        ValidationErrorKind::Minimum { .. }
        | ValidationErrorKind::Maximum { .. }
        | ValidationErrorKind::ExclusiveMinimum { .. }
        | ValidationErrorKind::ExclusiveMaximum { .. } => {
            Diagnostic::new(Code::OutOfRange, "", pointer, error.to_string())
        }
        _ => Diagnostic::new(Code::SchemaViolation, "", pointer, error.to_string()),
    };
    diagnostics.push(d);
}

fn short(v: &Value) -> String {
    let s = match crate::source::toml_datetime(v) {
        Some(datetime) => datetime.to_owned(),
        None => v.to_string(),
    };
    if s.chars().count() > 40 {
        let cut: String = s.chars().take(37).collect();
        format!("{cut}…")
    } else {
        s
    }
}

/// Every property name that appears anywhere in the schema of `kind`.
fn field_names(kind: SchemaKind) -> impl Iterator<Item = &'static str> {
    static NAMES: OnceLock<[BTreeSet<String>; SchemaKind::ALL.len()]> = OnceLock::new();
    let all = NAMES.get_or_init(|| {
        SchemaKind::ALL.map(|k| {
            let mut names = BTreeSet::new();
            collect_properties(&schema::json_schema(k), &mut names);
            names
        })
    });
    let i = SchemaKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    all[i].iter().map(String::as_str)
}

fn collect_properties(schema: &Value, names: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                names.extend(props.keys().cloned());
            }
            map.values().for_each(|v| collect_properties(v, names));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_properties(v, names)),
        _ => {}
    }
}

/// The candidate closest to `word` by edit distance, if close enough to be a typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    // Typos are suggested for words of identifier length from short lists (keys, enum
    // values, a city's categories): the edit distance costs the product of the lengths, and
    // a finding must cost the same whatever a stranger's catalog holds. The longest list is
    // the project schema's field names (79 with the `software` group).
    const MAX_CHARS: usize = 40;
    const MAX_CANDIDATES: usize = 128;
    if word.chars().count() > MAX_CHARS {
        return None;
    }
    let candidates: Vec<&str> = candidates.take(MAX_CANDIDATES + 1).collect();
    if candidates.len() > MAX_CANDIDATES {
        return None;
    }
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| c.chars().count() <= MAX_CHARS)
        .map(|c| (edit_distance(&word, &c.to_lowercase()), c))
        .filter(|(d, c)| {
            let c = c.to_lowercase();
            let common = word
                .chars()
                .zip(c.chars())
                .take_while(|(a, b)| a == b)
                .count();
            *d <= (c.chars().count().max(word.chars().count()) / 3).max(1) || common >= 3
        })
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

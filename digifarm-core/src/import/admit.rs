//! Records from outside the catalog (an importer plugin's output) admitted into a catalog
//! only after exactly the checks a record file gets: the JSON Schema of its kind (with the
//! id pattern) and the typed model, then the semantic rules of `digifarm validate`, run over
//! the target catalog with the new records in it. A record that fails any of them, whose id
//! cannot be a file name, or whose id the importer returned twice is not admitted; every
//! problem is a [`Diagnostic`].
//!
//! ```
//! use digifarm_core::catalog::Catalog;
//! use digifarm_core::import::admit::{Incoming, admit};
//! use serde_json::json;
//!
//! let incoming = Incoming {
//!     projects: vec![
//!         json!({"id": "radwege", "name": "Radwege", "summary": "Karte", "status": "live",
//!                "lifecycle": "proposed", "license": "MIT"}),
//!         json!({"id": "../../x", "name": "X", "summary": "x", "status": "live",
//!                "lifecycle": "proposed", "license": "MIT"}),
//!     ],
//!     ..Incoming::default()
//! };
//! let admitted = admit(incoming, &Catalog::default(), digifarm_core::validate::today());
//! assert_eq!(admitted.projects.len(), 1);
//! assert_eq!(admitted.diagnostics[0].code, "invalid-format");
//! assert_eq!(admitted.diagnostics[0].pointer, "/projects/1/id");
//! ```

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use serde_json::Value;

use crate::catalog::{self, Catalog, RecordValue};
use crate::diagnostic::{Code, Diagnostic, Severity, printable};
use crate::model::{Partner, Project, RecordKind, SupportOffer};

/// Longest message of a finding about an incoming record, in characters.
const MAX_MESSAGE: usize = 1000;

/// Records as an importer returned them: JSON values with the model's field names.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    /// Projects.
    pub projects: Vec<Value>,
    /// Partners.
    pub partners: Vec<Value>,
    /// Support offers.
    pub offers: Vec<Value>,
}

/// What was admitted, and why the rest was not.
#[derive(Debug, Clone, Default)]
pub struct Admitted {
    /// The projects that passed every check, in input order.
    pub projects: Vec<Project>,
    /// The partners that passed.
    pub partners: Vec<Partner>,
    /// The offers that passed.
    pub offers: Vec<SupportOffer>,
    /// Every finding about an incoming record: errors for those not admitted, warnings and
    /// infos for admitted ones. `file` is empty; `pointer` points into the incoming lists
    /// (`/projects/3/license`); the message names the record.
    pub diagnostics: Vec<Diagnostic>,
}

impl Admitted {
    /// Whether any finding is an error (a record was not admitted).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// One incoming record that passed its schema.
struct Candidate {
    kind: RecordKind,
    /// Index in its incoming list.
    index: usize,
    id: String,
    record: RecordValue,
}

fn slot(kind: RecordKind) -> usize {
    match kind {
        RecordKind::Project => 0,
        RecordKind::Partner => 1,
        RecordKind::Offer => 2,
    }
}

/// A finding about incoming record `index` of `kind`, its pointer and message placed.
fn about(kind: RecordKind, index: usize, id: &str, mut d: Diagnostic) -> Diagnostic {
    let id = printable(id, 80);
    let message = if d.is_error() {
        format!("{kind} `{id}` is not imported: {}", d.message)
    } else {
        format!("{kind} `{id}`: {}", d.message)
    };
    d.message = printable(&message, MAX_MESSAGE).into_owned();
    d.help = d.help.map(|h| printable(&h, MAX_MESSAGE).into_owned());
    d.pointer = format!(
        "/{}/{index}{}",
        kind.dir_name(),
        printable(&d.pointer, MAX_MESSAGE)
    );
    d.file = String::new();
    d.line = 0;
    d.column = 0;
    d
}

/// Checks `incoming` for admission into `target` (a loaded catalog, or
/// `Catalog::default()` for a new one): the schema and model of each record, that its id
/// can be a file name (`catalog::write::record_path`), that the importer returned the id
/// once, and the semantic rules of `validate` over `target` with the records in it (in
/// place of the records in the files they would replace: `<kind dir>/<id>.yaml` below the
/// target's root). References between incoming records count only among admitted ones.
/// `today` dates the staleness and future-date rules, which only warn.
pub fn admit(incoming: Incoming, target: &Catalog, today: NaiveDate) -> Admitted {
    let mut diagnostics = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut seen: HashMap<(RecordKind, String), usize> = HashMap::new();
    let lists = [
        (RecordKind::Project, incoming.projects),
        (RecordKind::Partner, incoming.partners),
        (RecordKind::Offer, incoming.offers),
    ];
    for (kind, values) in lists {
        for (index, value) in values.into_iter().enumerate() {
            let id = match value.get("id") {
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            let mut found = Vec::new();
            control_characters(&value, &mut String::new(), &mut found);
            if !found.is_empty() {
                diagnostics.extend(found.into_iter().map(|d| about(kind, index, &id, d)));
                continue;
            }
            let Some(record) = catalog::check_value(kind, value, &mut found) else {
                diagnostics.extend(found.into_iter().map(|d| about(kind, index, &id, d)));
                continue;
            };
            let size = match &record {
                RecordValue::Project(p) => crate::yaml_emit::to_string(&**p).map(|s| s.len()),
                RecordValue::Partner(p) => crate::yaml_emit::to_string(&**p).map(|s| s.len()),
                RecordValue::Offer(o) => crate::yaml_emit::to_string(&**o).map(|s| s.len()),
            }
            .unwrap_or(usize::MAX);
            if size as u64 > crate::source::MAX_RECORD_BYTES {
                diagnostics.push(about(
                    kind,
                    index,
                    &id,
                    Diagnostic::new(
                        Code::FileTooLarge,
                        "",
                        "",
                        format!(
                            "its record file would have {size} bytes; the limit is {}",
                            crate::source::MAX_RECORD_BYTES
                        ),
                    ),
                ));
                continue;
            }
            if let Err(e) = catalog::write::record_path(kind, &id) {
                diagnostics.push(about(
                    kind,
                    index,
                    &id,
                    Diagnostic::new(Code::InvalidFormat, "", "/id", e.to_string())
                        .with_help("ids are lower-case slugs: letters, digits and single hyphens"),
                ));
                continue;
            }
            if let Some(first) = seen.get(&(kind, id.clone())) {
                diagnostics.push(about(
                    kind,
                    index,
                    &id,
                    Diagnostic::new(
                        Code::DuplicateId,
                        "",
                        "/id",
                        format!(
                            "the importer returned the {kind} id `{id}` twice (first at /{}/{first}); neither replaces the other",
                            kind.dir_name()
                        ),
                    )
                    .with_help("ids must be unique within their kind"),
                ));
                continue;
            }
            seen.insert((kind, id.clone()), index);
            candidates.push(Candidate {
                kind,
                index,
                id,
                record,
            });
        }
    }

    // The target without the records that the incoming ones would replace on disk.
    let mut base = target.clone();
    for kind in RecordKind::ALL {
        let replaced = |i: usize| -> bool {
            let id = match kind {
                RecordKind::Project => base_id(&target.projects, i, |p| &p.id),
                RecordKind::Partner => base_id(&target.partners, i, |p| &p.id),
                RecordKind::Offer => base_id(&target.offers, i, |o| &o.id),
            };
            let Some(id) = id else { return false };
            if !seen.contains_key(&(kind, id.to_owned())) {
                return false;
            }
            match (&target.root, target.record_file(kind, i)) {
                (Some(root), Some(file)) => catalog::write::record_path(kind, id)
                    .is_ok_and(|relative| Path::new(file) == root.join(relative)),
                // An in-memory target: the incoming record takes the place of its namesake.
                (None, _) => true,
                (Some(_), None) => false,
            }
        };
        let keep: Vec<bool> = (0..count(target, kind)).map(|i| !replaced(i)).collect();
        base.retain_records(kind, |i| keep.get(i).copied().unwrap_or(true));
    }
    let offsets = [base.projects.len(), base.partners.len(), base.offers.len()];

    // The semantic rules, again after each round of refusals: a record may lean on one that
    // was refused (a project's support by a refused partner).
    let mut live: Vec<Candidate> = candidates;
    loop {
        let mut combined = base.clone();
        for c in &live {
            match &c.record {
                RecordValue::Project(p) => combined.projects.push((**p).clone()),
                RecordValue::Partner(p) => combined.partners.push((**p).clone()),
                RecordValue::Offer(o) => combined.offers.push((**o).clone()),
            }
        }
        // Position k of a kind in `combined` → position in `live`.
        let mut by_slot: [Vec<usize>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        for (i, c) in live.iter().enumerate() {
            by_slot[slot(c.kind)].push(i);
        }
        let mut findings: Vec<Vec<Diagnostic>> = live.iter().map(|_| Vec::new()).collect();
        for d in crate::validate::validate(&combined, today) {
            let Some(kind) = d
                .file
                .strip_prefix('<')
                .and_then(|f| f.strip_suffix('>'))
                .and_then(RecordKind::from_dir_name)
            else {
                continue;
            };
            let Some((k, rest)) = split_index(&d.pointer).map(|(k, r)| (k, r.to_owned())) else {
                continue;
            };
            let Some(&i) = k
                .checked_sub(offsets[slot(kind)])
                .and_then(|k| by_slot[slot(kind)].get(k))
            else {
                continue;
            };
            let mut d = d;
            d.pointer = rest;
            if let Some(f) = findings.get_mut(i) {
                f.push(d);
            }
        }
        let refused: Vec<bool> = findings
            .iter()
            .map(|f| f.iter().any(|d| d.severity == Severity::Error))
            .collect();
        let done = !refused.contains(&true);
        let mut next = Vec::new();
        for ((c, found), refuse) in live.into_iter().zip(findings).zip(refused) {
            if refuse || done {
                diagnostics.extend(found.into_iter().map(|d| about(c.kind, c.index, &c.id, d)));
            }
            if !refuse {
                next.push(c);
            }
        }
        live = next;
        if done {
            break;
        }
    }

    let mut admitted = Admitted::default();
    for c in live {
        match c.record {
            RecordValue::Project(p) => admitted.projects.push(*p),
            RecordValue::Partner(p) => admitted.partners.push(*p),
            RecordValue::Offer(o) => admitted.offers.push(*o),
        }
    }
    diagnostics.sort_by_key(|d| pointer_order(&d.pointer));
    admitted.diagnostics = diagnostics;
    admitted
}

/// Whether `c` has no place in catalog text: a control character other than tab and line
/// feed, or one that reorders or breaks what a reader sees (see
/// [`crate::diagnostic::is_unprintable`]).
fn is_forbidden(c: char) -> bool {
    c != '\t' && c != '\n' && crate::diagnostic::is_unprintable(c)
}

/// An `invalid-format` finding for each string (keys included) in `value` that holds a
/// character [`is_forbidden`] in catalog text: terminal escapes, carriage returns,
/// bidirectional overrides.
fn control_characters(value: &Value, pointer: &mut String, out: &mut Vec<Diagnostic>) {
    fn report(out: &mut Vec<Diagnostic>, pointer: &str, text: &str) {
        if let Some(c) = text.chars().find(|c| is_forbidden(*c)) {
            out.push(
                Diagnostic::new(
                    Code::InvalidFormat,
                    "",
                    pointer,
                    format!(
                        "the text holds the control character U+{:04X}, which has no place in a catalog",
                        u32::from(c)
                    ),
                )
                .with_help("remove terminal escapes, carriage returns and bidirectional overrides"),
            );
        }
    }
    match value {
        Value::String(s) => report(out, pointer, s),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                control_characters(item, pointer, out);
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                if key.chars().any(is_forbidden) {
                    // Reported at the mapping: the key cannot be shown in a pointer.
                    report(out, pointer, key);
                    continue;
                }
                let len = pointer.len();
                crate::source::push_pointer(pointer, key);
                control_characters(item, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

fn base_id<T>(items: &[T], i: usize, id: impl Fn(&T) -> &String) -> Option<&str> {
    items.get(i).map(|item| id(item).as_str())
}

fn count(catalog: &Catalog, kind: RecordKind) -> usize {
    match kind {
        RecordKind::Project => catalog.projects.len(),
        RecordKind::Partner => catalog.partners.len(),
        RecordKind::Offer => catalog.offers.len(),
    }
}

/// `/12/license` → (12, `/license`).
fn split_index(pointer: &str) -> Option<(usize, &str)> {
    let rest = pointer.strip_prefix('/')?;
    let (index, rest) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    Some((index.parse().ok()?, rest))
}

/// Findings in the order of the incoming lists: projects, partners, offers, by index.
fn pointer_order(pointer: &str) -> (usize, usize) {
    let mut parts = pointer.trim_start_matches('/').splitn(3, '/');
    let kind = match parts.next() {
        Some("projects") => 0,
        Some("partners") => 1,
        _ => 2,
    };
    let index = parts
        .next()
        .and_then(|i| i.parse().ok())
        .unwrap_or(usize::MAX);
    (kind, index)
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).expect("date")
    }

    fn project(id: &str) -> Value {
        json!({"id": id, "name": "P", "summary": "s", "status": "live",
               "lifecycle": "proposed", "license": "MIT"})
    }

    fn codes(a: &Admitted) -> Vec<(String, String)> {
        a.diagnostics
            .iter()
            .map(|d| (d.code.to_string(), d.pointer.clone()))
            .collect()
    }

    #[test]
    fn schema_id_and_duplicates() {
        let mut empty_name = project("leer");
        empty_name["name"] = json!("");
        let incoming = Incoming {
            projects: vec![
                project("ok"),
                project("ｐｒｏｊｅｃｔ"),
                project("/tmp/x"),
                empty_name,
                project("ms/x"),
                project("ok"),
                json!("not a record"),
            ],
            ..Incoming::default()
        };
        let a = admit(incoming, &Catalog::default(), today());
        let ids: Vec<&str> = a.projects.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["ok"]);
        assert_eq!(
            codes(&a),
            [
                ("invalid-format".into(), "/projects/1/id".into()),
                ("invalid-format".into(), "/projects/2/id".into()),
                ("invalid-format".into(), "/projects/3/name".into()),
                ("invalid-format".into(), "/projects/4/id".into()),
                ("duplicate-id".into(), "/projects/5/id".into()),
                ("wrong-type".into(), "/projects/6".into()),
            ]
        );
        assert!(a.diagnostics.iter().all(Diagnostic::is_error));
        assert!(
            a.diagnostics[0]
                .message
                .starts_with("project `ｐｒｏｊｅｃｔ` is not imported: "),
            "{}",
            a.diagnostics[0].message
        );
        assert!(
            a.diagnostics[3].message.contains("cannot be a file name"),
            "{}",
            a.diagnostics[3].message
        );
    }

    #[test]
    fn a_record_too_large_for_its_file_is_refused() {
        let mut big = project("gross");
        big["summary"] = json!("x".repeat(9 << 20));
        let a = admit(
            Incoming {
                projects: vec![big, project("klein")],
                ..Incoming::default()
            },
            &Catalog::default(),
            today(),
        );
        assert_eq!(a.projects.len(), 1);
        assert_eq!(codes(&a), [("file-too-large".into(), "/projects/0".into())]);
    }

    #[test]
    fn semantic_errors_refuse_warnings_keep() {
        let mut bad_licence = project("lizenz");
        bad_licence["license"] = json!("NOASSERTION");
        let mut dangling = project("haengt");
        dangling["needs"] = json!([{"kind": "technical", "priority": "low",
                                   "supported_by": [{"partner": "fehlt"}]}]);
        let mut leaning = project("lehnt");
        leaning["needs"] = json!([{"kind": "technical", "priority": "low",
                                  "supported_by": [{"partner": "kaputt"}]}]);
        let mut future = project("zukunft");
        future["last_reviewed"] = json!("2030-01-01");
        let incoming = Incoming {
            projects: vec![bad_licence, dangling, leaning, future],
            // A partner whose description lacks the default language: refused, and the
            // project that leans on it with it.
            partners: vec![json!({"id": "kaputt", "name": "K", "kind": "company",
                                  "description": {"en": "only English"}})],
            ..Incoming::default()
        };
        let a = admit(incoming, &Catalog::default(), today());
        let ids: Vec<&str> = a.projects.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["zukunft"]);
        assert!(a.partners.is_empty());
        assert_eq!(
            codes(&a),
            [
                ("license-missing".into(), "/projects/0/license".into()),
                (
                    "dangling-reference".into(),
                    "/projects/1/needs/0/supported_by/0/partner".into()
                ),
                (
                    "dangling-reference".into(),
                    "/projects/2/needs/0/supported_by/0/partner".into()
                ),
                ("date-in-future".into(), "/projects/3/last_reviewed".into()),
                (
                    "missing-default-language".into(),
                    "/partners/0/description".into()
                ),
            ]
        );
        assert_eq!(a.diagnostics[3].severity, Severity::Warning);
        assert_eq!(
            a.diagnostics[3].message,
            "project `zukunft`: 2030-01-01 lies in the future (today is 2026-11-26)"
        );
    }

    #[test]
    fn references_to_the_target_and_replaced_records() {
        let target = Catalog::from_records(
            crate::model::CityConfig::default(),
            Vec::new(),
            vec![
                serde_json::from_value(json!({"id": "citeq", "name": "citeq",
                                              "kind": "public-body"}))
                .expect("partner"),
            ],
            Vec::new(),
        );
        let mut supported = project("gestuetzt");
        supported["needs"] = json!([{"kind": "technical", "priority": "low",
                                    "supported_by": [{"partner": "citeq"}]}]);
        let incoming = Incoming {
            projects: vec![supported],
            // Replaces its namesake in an in-memory target: no duplicate.
            partners: vec![json!({"id": "citeq", "name": "citeq neu", "kind": "public-body"})],
            ..Incoming::default()
        };
        let a = admit(incoming, &target, today());
        assert_eq!(codes(&a), Vec::<(String, String)>::new());
        assert_eq!((a.projects.len(), a.partners.len()), (1, 1));
    }
}

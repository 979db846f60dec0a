//! Reading a parsed YAML or JSON value with diagnostics that point at line and column:
//! type checks, unknown keys with a suggestion, values from a fixed list, and the partners an
//! importer creates on the way.

use serde_json::{Map, Value};

use super::Import;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{Partner, PartnerKind};
use crate::source::{self, Pos, PosMap};

pub(super) struct Ctx<'a> {
    pub file: &'a str,
    pub positions: PosMap,
    pub out: Import,
}

pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

pub(super) fn child(pointer: &str, key: &str) -> String {
    let mut p = pointer.to_owned();
    source::push_pointer(&mut p, key);
    p
}

impl Ctx<'_> {
    pub(super) fn pos(&self, pointer: &str) -> Pos {
        source::lookup(&self.positions, pointer).unwrap_or(Pos { line: 1, column: 1 })
    }

    pub(super) fn push(
        &mut self,
        code: Code,
        pointer: &str,
        message: String,
        help: Option<String>,
    ) {
        let pos = self.pos(pointer);
        let mut d = Diagnostic::new(code, self.file, pointer, message).at(pos.line, pos.column);
        d.help = help;
        self.out.diagnostics.push(d);
    }

    pub(super) fn unmapped(&mut self, pointer: &str, what: &str, severity: Severity) {
        let pos = self.pos(pointer);
        self.out.diagnostics.push(
            Diagnostic::new(
                Code::ImportUnmapped,
                self.file,
                pointer,
                format!("{what} has no place in the digifarm model and was not imported"),
            )
            .with_severity(severity)
            .at(pos.line, pos.column),
        );
    }

    pub(super) fn wrong_type(&mut self, pointer: &str, expected: &str, found: &Value) {
        let (code, help) = match found {
            Value::String(s)
                if expected == "a boolean"
                    && matches!(
                        s.to_ascii_lowercase().as_str(),
                        "yes" | "no" | "on" | "off" | "y" | "n"
                    ) =>
            {
                (
                    Code::Yaml11Boolean,
                    Some(format!(
                        "`{s}` is a boolean only in YAML 1.1; write `{}`",
                        matches!(s.to_ascii_lowercase().as_str(), "yes" | "on" | "y")
                    )),
                )
            }
            Value::Number(n) if expected == "a string" => {
                (Code::WrongType, Some(format!("quote it: \"{n}\"")))
            }
            _ => (Code::WrongType, None),
        };
        let message = format!("expected {expected}, found {}", type_name(found));
        self.push(code, pointer, message, help);
    }

    pub(super) fn string<'v>(
        &mut self,
        map: &'v Map<String, Value>,
        pointer: &str,
        key: &str,
    ) -> Option<&'v str> {
        match map.get(key)? {
            Value::String(s) => Some(s),
            other => {
                self.wrong_type(&child(pointer, key), "a string", other);
                None
            }
        }
    }

    pub(super) fn partner(
        &mut self,
        name: &str,
        website: Option<&str>,
        kind_hint: PartnerKind,
        pointer: &str,
    ) -> String {
        let id = super::slugify(name);
        if !self.out.partners.iter().any(|p| p.id == id) {
            let kind = guess_kind(name).unwrap_or_else(|| {
                self.push(
                    Code::PartnerKindUnknown,
                    pointer,
                    format!(
                        "the kind of partner `{name}` is not stated; `{}` was assumed",
                        kind_hint.as_str()
                    ),
                    Some("check `kind` in the partner file".to_owned()),
                );
                kind_hint
            });
            self.out.partners.push(Partner {
                id: id.clone(),
                name: name.to_owned(),
                kind,
                description: None,
                sectors: Vec::new(),
                region: None,
                website: website
                    .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
                    .map(str::to_owned),
                contacts: Vec::new(),
            });
        }
        id
    }
}

pub(super) fn guess_kind(name: &str) -> Option<PartnerKind> {
    let n = name.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| n.contains(w));
    if has(&[
        "stadt ",
        "stadt-",
        "city of",
        "comune",
        "gemeinde",
        "ministerium",
        "ministry",
        "amt",
        "bund",
        "regione",
        "municipality",
        "government",
        "landkreis",
        "kreis ",
    ]) {
        Some(PartnerKind::PublicBody)
    } else if has(&["universit", "hochschule", "institut", "college"]) {
        Some(PartnerKind::Academic)
    } else if has(&["stiftung", "foundation", "fondazione"]) {
        Some(PartnerKind::Foundation)
    } else if has(&[" e.v", "verein", "association", "associazione"]) {
        Some(PartnerKind::Association)
    } else if has(&[
        "gmbh", " ag", "inc", "ltd", "s.r.l", "srl", "s.p.a", "spa", "ug ",
    ]) {
        Some(PartnerKind::Company)
    } else {
        None
    }
}

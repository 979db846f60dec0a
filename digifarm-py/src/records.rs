//! Records from Python: single and bulk project validation, and typed records for catalogs.

use chrono::NaiveDate;
use digifarm_core::catalog::{RecordValue, check_config, check_value};
use digifarm_core::license::{Checker, Policy};
use digifarm_core::model::{CityConfig, Project, RecordKind, constraints};
use digifarm_core::{Diagnostic, diagnostic, validate};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use serde::Deserialize;
use serde_json::Value;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, mpsc};
use std::thread;

use crate::errors::catalog_error;

use crate::tape::{Tape, TapeReader, TapeWriter};
use crate::value::{to_json, type_name};

/// Projects read from Python, before the rules run: one tape and a slot per record.
#[derive(Default)]
pub(crate) struct Chunk {
    tape: Tape,
    slots: Vec<Slot>,
}

enum Slot {
    /// On the tape, in this byte range.
    Tape(usize, usize),
    /// Refused by the tape: the JSON value for the authoritative path, with what the
    /// conversion found.
    Json(Value, Vec<Diagnostic>),
}

impl Chunk {
    fn len(&self) -> usize {
        self.slots.len()
    }

    /// Reads one project dict: onto the tape when it can, else as a JSON value.
    pub(crate) fn push<'py>(&mut self, dict: &Bound<'py, PyDict>, writer: &mut TapeWriter<'py>) {
        let start = self.tape.ops.len();
        if writer.write(dict.as_any(), &mut self.tape) {
            self.slots.push(Slot::Tape(start, self.tape.ops.len()));
        } else {
            let mut diagnostics = Vec::new();
            let value = to_json(dict.as_any(), &mut diagnostics);
            self.slots.push(Slot::Json(value, diagnostics));
        }
    }

    /// Validates every record: the findings per record, in order.
    pub(crate) fn check(self, cx: &Context) -> Vec<Vec<Diagnostic>> {
        let Tape { ops, text } = self.tape;
        // Python encoded every string as UTF-8, so this holds; if it did not, every record
        // would find its strings missing and take the authoritative path.
        let text = std::str::from_utf8(&text).unwrap_or_default();
        // One licence checker per chunk: it caches verdicts, and catalogs repeat a handful of
        // expressions.
        let mut checker = Checker::new(cx.policy.clone());
        self.slots
            .into_iter()
            .map(|slot| match slot {
                Slot::Tape(start, end) => {
                    check_tape(ops.get(start..end).unwrap_or(&[]), text, cx, &mut checker)
                }
                Slot::Json(value, conversion) => {
                    let mut out = Vec::new();
                    let project = authoritative(value, conversion, &mut out);
                    finish(project, cx, &mut checker, out)
                }
            })
            .collect()
    }
}

/// The `dict` that `obj` must be, or a `TypeError` naming `what`.
pub(crate) fn expect_dict<'a, 'py>(
    obj: &'a Bound<'py, PyAny>,
    what: &str,
) -> PyResult<&'a Bound<'py, PyDict>> {
    obj.cast::<PyDict>()
        .map_err(|_| PyTypeError::new_err(format!("{what} must be a dict, not {}", type_name(obj))))
}

/// The items of a list or tuple (or any other iterable but `str`, `bytes` and `dict`), or a
/// `TypeError`.
pub(crate) fn expect_items<'py>(
    obj: &Bound<'py, PyAny>,
    what: &str,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if let Ok(list) = obj.cast::<PyList>() {
        return Ok(list.iter().collect());
    }
    if let Ok(tuple) = obj.cast::<PyTuple>() {
        return Ok(tuple.iter().collect());
    }
    let wrong = || {
        PyTypeError::new_err(format!(
            "{what} must be a list of dicts, not {}",
            type_name(obj)
        ))
    };
    if obj.is_instance_of::<PyDict>()
        || obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<pyo3::types::PyBytes>()
    {
        return Err(wrong());
    }
    obj.try_iter()
        .map_err(|_| wrong())?
        .collect::<PyResult<Vec<_>>>()
}

/// Everything the rules need besides the record.
pub(crate) struct Context {
    pub config: CityConfig,
    pub policy: Policy,
    pub today: NaiveDate,
}

impl Context {
    pub(crate) fn new(config: CityConfig, today: NaiveDate) -> Self {
        let policy = Policy::from_config(&config.license);
        Context {
            config,
            policy,
            today,
        }
    }
}

/// Validates one project from the tape: typed by serde when it can, else through the JSON
/// Schema, then the rules that need no other record. The result is in stable order.
fn check_tape(tape: &[u8], text: &str, cx: &Context, checker: &mut Checker) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let project = match Project::deserialize(&mut TapeReader::new(tape, text)) {
        Ok(p) if constraints::project_ok(&p) => Some(Box::new(p)),
        Ok(p) => {
            // Serde read it but a pattern or length fails: let the schema explain.
            let value = serde_json::to_value(&p).unwrap_or(Value::Null);
            authoritative(value, Vec::new(), &mut out)
        }
        Err(_) => {
            let value =
                Value::deserialize(&mut TapeReader::for_json(tape, text)).unwrap_or(Value::Null);
            authoritative(value, Vec::new(), &mut out)
        }
    };
    finish(project, cx, checker, out)
}

fn finish(
    project: Option<Box<Project>>,
    cx: &Context,
    checker: &mut Checker,
    mut out: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if let Some(p) = project {
        validate::check_project(&p, &cx.config, checker, cx.today, &mut out);
    }
    if out.len() > 1 {
        diagnostic::sort(&mut out);
    }
    out
}

fn authoritative(
    value: Value,
    conversion: Vec<Diagnostic>,
    out: &mut Vec<Diagnostic>,
) -> Option<Box<Project>> {
    let mut schema = Vec::new();
    let record = check_value(RecordKind::Project, value, &mut schema);
    // A value JSON cannot hold became `null`; the schema's complaint about that `null` would
    // only repeat the conversion's finding.
    schema.retain(|d| !conversion.iter().any(|c| c.pointer == d.pointer));
    let failed = !conversion.is_empty();
    out.extend(conversion);
    out.extend(schema);
    match record {
        Some(RecordValue::Project(p)) if !failed => Some(p),
        _ => None,
    }
}

/// Checks entries on the thread pool while more are being read: entries are sent in chunks;
/// [`Pipeline::finish`] waits for all and returns the findings in input order.
pub(crate) struct Pipeline {
    cx: Arc<Context>,
    chunk: Chunk,
    start: usize,
    sent: usize,
    tx: mpsc::Sender<(usize, thread::Result<Vec<Vec<Diagnostic>>>)>,
    rx: mpsc::Receiver<(usize, thread::Result<Vec<Vec<Diagnostic>>>)>,
    total: usize,
}

/// Large enough that sending costs nothing per record, small enough that the pool starts
/// early and the tail after the last record is short.
const CHUNK: usize = 1024;

impl Pipeline {
    pub(crate) fn new(cx: Arc<Context>, total: usize) -> Self {
        let (tx, rx) = mpsc::channel();
        Pipeline {
            cx,
            chunk: Chunk::default(),
            start: 0,
            sent: 0,
            tx,
            rx,
            total,
        }
    }

    pub(crate) fn push<'py>(&mut self, dict: &Bound<'py, PyDict>, writer: &mut TapeWriter<'py>) {
        self.chunk.push(dict, writer);
        if self.chunk.len() == CHUNK {
            self.send();
        }
    }

    fn send(&mut self) {
        // The next tape will be about as large as this one: reserve it at once rather than
        // copying it over and over while it grows.
        let grow = |n: usize| n + n / 8;
        let next = Chunk {
            tape: Tape::with_capacity(
                grow(self.chunk.tape.ops.len()),
                grow(self.chunk.tape.text.len()),
            ),
            slots: Vec::with_capacity(CHUNK),
        };
        let chunk = std::mem::replace(&mut self.chunk, next);
        let start = self.start;
        self.start += chunk.len();
        self.sent += 1;
        let cx = Arc::clone(&self.cx);
        let tx = self.tx.clone();
        rayon::spawn(move || {
            // A panic in a spawned task would abort the process; report it instead.
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| chunk.check(&cx)));
            // The receiver is gone only when reading failed; nobody needs the result then.
            let _ = tx.send((start, result));
        });
    }

    /// Waits for every chunk; the findings per record, in input order.
    pub(crate) fn finish(mut self) -> PyResult<Vec<Vec<Diagnostic>>> {
        if self.chunk.len() > 0 {
            self.send();
        }
        let mut parts: Vec<(usize, Vec<Vec<Diagnostic>>)> = Vec::with_capacity(self.sent);
        for _ in 0..self.sent {
            let (start, result) = self.rx.recv().map_err(|_| {
                PyRuntimeError::new_err("internal error: a validation task vanished")
            })?;
            let part = result
                .map_err(|_| PyRuntimeError::new_err("internal error: validation panicked"))?;
            parts.push((start, part));
        }
        parts.sort_by_key(|(start, _)| *start);
        let mut out = Vec::with_capacity(self.total);
        for (_, part) in parts {
            out.extend(part);
        }
        Ok(out)
    }
}

/// A city config from a Python dict (`None`: the defaults).
pub(crate) fn read_config(
    py: Python<'_>,
    config: Option<&Bound<'_, PyAny>>,
) -> PyResult<CityConfig> {
    let Some(config) = config.filter(|c| !c.is_none()) else {
        return Ok(CityConfig::default());
    };
    let dict = expect_dict(config, "config")?;
    let mut diagnostics = Vec::new();
    let value = to_json(dict.as_any(), &mut diagnostics);
    let parsed = check_config(value, &mut diagnostics);
    match parsed {
        Some(c) if diagnostics.is_empty() => Ok(c),
        _ => {
            for d in &mut diagnostics {
                d.file = "<config>".to_owned();
            }
            Err(catalog_error(
                py,
                format!("the city config is invalid: {}", summary(&diagnostics)),
                diagnostics,
            ))
        }
    }
}

/// `today` from a `datetime.date` (`None`: this machine's date).
pub(crate) fn read_today(today: Option<&Bound<'_, PyAny>>) -> PyResult<NaiveDate> {
    let Some(today) = today.filter(|t| !t.is_none()) else {
        return Ok(validate::today());
    };
    let wrong = || {
        PyTypeError::new_err(format!(
            "today must be a datetime.date, not {}",
            type_name(today)
        ))
    };
    let iso: String = today
        .call_method0("isoformat")
        .and_then(|s| s.extract())
        .map_err(|_| wrong())?;
    NaiveDate::parse_from_str(iso.get(..10).unwrap_or(&iso), "%Y-%m-%d").map_err(|_| wrong())
}

/// The first diagnostic's message, and how many more there are.
pub(crate) fn summary(diagnostics: &[Diagnostic]) -> String {
    match diagnostics {
        [] => "no details".to_owned(),
        [d] => describe(d),
        [d, rest @ ..] => format!("{} (and {} more)", describe(d), rest.len()),
    }
}

fn describe(d: &Diagnostic) -> String {
    let place = format!("{}{}", d.file, d.pointer);
    if place.is_empty() {
        format!("{}: {}", d.code, d.message)
    } else {
        format!("{place}: {}: {}", d.code, d.message)
    }
}

/// Reads and schema-checks the records of one kind for a catalog (authoritative path only:
/// building a catalog is not the hot loop). Findings get the file `<projects>` (etc.) and a
/// pointer starting with the record's index.
pub(crate) fn read_records(
    kind: RecordKind,
    items: &[Bound<'_, PyAny>],
    diagnostics: &mut Vec<Diagnostic>,
) -> PyResult<Vec<RecordValue>> {
    let mut records = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let dict = expect_dict(item, &format!("{}[{i}]", kind.dir_name()))?;
        let mut found = Vec::new();
        let value = to_json(dict.as_any(), &mut found);
        let converted = found.is_empty();
        let mut schema = Vec::new();
        let record = check_value(kind, value, &mut schema);
        schema.retain(|d| !found.iter().any(|c| c.pointer == d.pointer));
        found.extend(schema);
        for mut d in found {
            d.file = format!("<{}>", kind.dir_name());
            d.pointer.insert_str(0, &format!("/{i}"));
            diagnostics.push(d);
        }
        if let (Some(r), true) = (record, converted) {
            records.push(r);
        }
    }
    Ok(records)
}

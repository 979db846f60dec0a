//! Python objects ↔ JSON values. Python → JSON is the authoritative path for records: every
//! value a JSON document could not hold becomes a diagnostic, then the core runs the JSON
//! Schema and serde on the result, exactly as for a file.

use digifarm_core::source::{MAX_DEPTH, push_pointer};
use digifarm_core::{Code, Diagnostic};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// The Python type name of `obj`, for messages.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "object".to_owned(), |n| n.to_string())
}

/// Converts `obj` to a JSON value; what JSON cannot hold is reported in `diagnostics`
/// (pointers relative to `obj`) and replaced by `null`.
pub(crate) fn to_json(obj: &Bound<'_, PyAny>, diagnostics: &mut Vec<Diagnostic>) -> Value {
    let mut pointer = String::new();
    convert(obj, &mut pointer, 0, diagnostics)
}

fn convert(
    obj: &Bound<'_, PyAny>,
    pointer: &mut String,
    depth: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Value {
    if obj.is_none() {
        return Value::Null;
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Value::Bool(b.is_true());
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(v) = obj.extract::<i64>() {
            return Value::from(v);
        }
        if let Ok(v) = obj.extract::<u64>() {
            return Value::from(v);
        }
        // Beyond 64 bits: JSON readers take such numbers as floats.
        if let Some(n) = obj.extract::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
        diagnostics.push(Diagnostic::new(
            Code::OutOfRange,
            "",
            pointer.clone(),
            "the integer is too large",
        ));
        return Value::Null;
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return match Number::from_f64(f.value()) {
            Some(n) => Value::Number(n),
            None => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidNumber,
                        "",
                        pointer.clone(),
                        format!("{} is not a finite number", f.value()),
                    )
                    .with_help("write a finite number, or leave the field out"),
                );
                Value::Null
            }
        };
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return match s.to_cow() {
            Ok(text) => Value::String(text.into_owned()),
            Err(_) => {
                diagnostics.push(Diagnostic::new(
                    Code::InvalidUtf8,
                    "",
                    pointer.clone(),
                    "the text cannot be encoded as UTF-8 (lone surrogate)",
                ));
                Value::Null
            }
        };
    }
    let is_dict = obj.is_instance_of::<PyDict>();
    let is_seq = obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>();
    if (is_dict || is_seq) && depth >= MAX_DEPTH {
        diagnostics.push(
            Diagnostic::new(
                Code::TooDeep,
                "",
                pointer.clone(),
                format!("the data is nested more than {MAX_DEPTH} levels deep"),
            )
            .with_help("catalog records need only a few levels of nesting"),
        );
        return Value::Null;
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (key, value) in dict.iter() {
            let Ok(key) = key.cast::<PyString>() else {
                diagnostics.push(
                    Diagnostic::new(
                        Code::WrongType,
                        "",
                        pointer.clone(),
                        format!(
                            "keys must be text, found {} key {}",
                            type_name(&key),
                            key.repr()
                                .map_or_else(|_| "?".to_owned(), |r| r.to_string())
                        ),
                    )
                    .with_help("use str keys, as in JSON"),
                );
                continue;
            };
            let key = key
                .to_cow()
                .map_or_else(|_| String::new(), |k| k.into_owned());
            let len = pointer.len();
            push_pointer(pointer, &key);
            let v = convert(&value, pointer, depth + 1, diagnostics);
            pointer.truncate(len);
            map.insert(key, v);
        }
        return Value::Object(map);
    }
    if is_seq {
        let items: Vec<Bound<'_, PyAny>> = if let Ok(list) = obj.cast::<PyList>() {
            list.iter().collect()
        } else if let Ok(tuple) = obj.cast::<PyTuple>() {
            tuple.iter().collect()
        } else {
            Vec::new()
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let len = pointer.len();
            pointer.push('/');
            pointer.push_str(&i.to_string());
            out.push(convert(item, pointer, depth + 1, diagnostics));
            pointer.truncate(len);
        }
        return Value::Array(out);
    }
    let type_name = type_name(obj);
    let help = if matches!(type_name.as_str(), "date" | "datetime") {
        "write dates as text: `d.isoformat()`"
    } else {
        "use only dict, list, str, int, float, bool and None, as in JSON"
    };
    diagnostics.push(
        Diagnostic::new(
            Code::WrongType,
            "",
            pointer.clone(),
            format!("a `{type_name}` cannot appear in a record"),
        )
        .with_help(help),
    );
    Value::Null
}

/// Converts a JSON value to Python objects.
pub(crate) fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(PyString::intern(py, k), to_python(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

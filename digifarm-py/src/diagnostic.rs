//! `digifarm.Diagnostic`: one finding, as in `digifarm validate --format json`.

use digifarm_core::Diagnostic;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// One finding about a record or a catalog.
///
/// Attributes: ``code`` (stable kebab-case, e.g. ``"license-invalid"``), ``severity``
/// (``"error"``, ``"warning"`` or ``"info"``), ``file`` (empty for records given from
/// Python), ``line`` and ``column`` (1-based; 0 when unknown), ``pointer`` (JSON pointer into
/// the record), ``message`` and ``help`` (a fix, or ``None``).
///
/// >>> import digifarm
/// >>> d = digifarm.validate_project({"id": "x", "name": "X", "summary": "s",
/// ...     "status": "live", "lifecycle": "proposed", "license": "GPL v3"})[0]
/// >>> (d.code, d.severity, d.pointer)
/// ('license-invalid', 'error', '/license')
#[pyclass(
    frozen,
    eq,
    hash,
    get_all,
    module = "digifarm._digifarm",
    name = "Diagnostic"
)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyDiagnostic {
    code: String,
    severity: &'static str,
    file: String,
    line: u32,
    column: u32,
    pointer: String,
    message: String,
    help: Option<String>,
}

impl From<Diagnostic> for PyDiagnostic {
    fn from(d: Diagnostic) -> Self {
        PyDiagnostic {
            code: d.code.into_owned(),
            severity: d.severity.as_str(),
            file: d.file,
            line: d.line,
            column: d.column,
            pointer: d.pointer,
            message: d.message,
            help: d.help,
        }
    }
}

#[pymethods]
impl PyDiagnostic {
    /// Whether the severity is ``"error"``.
    #[getter]
    fn is_error(&self) -> bool {
        self.severity == "error"
    }

    /// The finding as a plain dict with the keys of ``digifarm validate --format json``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("code", &self.code)?;
        d.set_item("severity", self.severity)?;
        d.set_item("file", &self.file)?;
        d.set_item("line", self.line)?;
        d.set_item("column", self.column)?;
        d.set_item("pointer", &self.pointer)?;
        d.set_item("message", &self.message)?;
        d.set_item("help", &self.help)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let r = |s: &str| -> PyResult<String> {
            Ok(pyo3::types::PyString::new(py, s).repr()?.to_string())
        };
        let help = match &self.help {
            Some(h) => r(h)?,
            None => "None".to_owned(),
        };
        Ok(format!(
            "Diagnostic(code={}, severity={}, file={}, line={}, column={}, pointer={}, message={}, help={help})",
            r(&self.code)?,
            r(self.severity)?,
            r(&self.file)?,
            self.line,
            self.column,
            r(&self.pointer)?,
            r(&self.message)?,
        ))
    }

    /// ``file:line:column: severity[code] pointer: message``, the parts that are known.
    fn __str__(&self) -> String {
        let mut place = self.file.clone();
        if self.line > 0 {
            if !place.is_empty() {
                place.push(':');
            }
            place.push_str(&format!("{}:{}", self.line, self.column));
        }
        if !self.pointer.is_empty() {
            if !place.is_empty() {
                place.push(' ');
            }
            place.push_str(&self.pointer);
        }
        let mut s = if place.is_empty() {
            format!("{}[{}]: {}", self.severity, self.code, self.message)
        } else {
            format!(
                "{place}: {}[{}]: {}",
                self.severity, self.code, self.message
            )
        };
        if let Some(help) = &self.help {
            s.push_str(&format!(" (help: {help})"));
        }
        s
    }
}

/// Converts core diagnostics into a Python list of `Diagnostic`.
pub(crate) fn to_list<'py>(
    py: Python<'py>,
    diagnostics: Vec<Diagnostic>,
) -> PyResult<Bound<'py, pyo3::types::PyList>> {
    let items = diagnostics
        .into_iter()
        .map(|d| Bound::new(py, PyDiagnostic::from(d)))
        .collect::<PyResult<Vec<_>>>()?;
    pyo3::types::PyList::new(py, items)
}

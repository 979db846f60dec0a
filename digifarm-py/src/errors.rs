//! The exceptions: `DigifarmError` is the base; `CatalogError` is also a `ValueError` and
//! carries the diagnostics; I/O problems are the built-in `OSError` subclasses
//! (`FileNotFoundError`, `PermissionError`, …) with `filename` set.

use digifarm_core::Diagnostic;
use pyo3::exceptions::{PyException, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

pyo3::create_exception!(
    digifarm,
    DigifarmError,
    PyException,
    "Base class of the errors digifarm raises (besides OSError and TypeError)."
);

static CATALOG_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

const CATALOG_ERROR_DOC: &str = "Records that do not form a valid catalog.\n\n\
It is a ValueError; `diagnostics` lists every problem found (a list of Diagnostic).";

/// `CatalogError(DigifarmError, ValueError)`: two bases, which `create_exception!` cannot
/// express, so the class is made by calling `type`.
pub(crate) fn catalog_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    CATALOG_ERROR
        .get_or_try_init(py, || {
            let bases = PyTuple::new(
                py,
                [
                    py.get_type::<DigifarmError>().into_any(),
                    py.get_type::<PyValueError>().into_any(),
                ],
            )?;
            let namespace = PyDict::new(py);
            namespace.set_item("__module__", "digifarm")?;
            namespace.set_item("__doc__", CATALOG_ERROR_DOC)?;
            let class = py
                .get_type::<PyType>()
                .call1(("CatalogError", bases, namespace))?;
            Ok::<_, PyErr>(class.cast_into::<PyType>()?.unbind())
        })
        .map(|t| t.bind(py))
}

/// A `CatalogError` with `message` and `diagnostics`.
pub(crate) fn catalog_error(
    py: Python<'_>,
    message: String,
    diagnostics: Vec<Diagnostic>,
) -> PyErr {
    let make = || -> PyResult<PyErr> {
        let class = catalog_error_type(py)?;
        let list = crate::diagnostic::to_list(py, diagnostics)?;
        let error = class.call1((message,))?;
        error.setattr("diagnostics", list)?;
        Ok(PyErr::from_value(error))
    };
    make().unwrap_or_else(|e| e)
}

/// The `OSError` subclass for a catalog path that cannot be read.
pub(crate) fn load_error(py: Python<'_>, error: &digifarm_core::catalog::Error) -> PyErr {
    use digifarm_core::catalog::Error;
    let (errno, message, path) = match error {
        Error::NotFound { path } => (
            Some(2),
            "No such file or directory".to_owned(),
            path.to_string_lossy().into_owned(),
        ),
        Error::Io { path, source } => (
            source.raw_os_error(),
            source.to_string(),
            path.to_string_lossy().into_owned(),
        ),
        other => (None, other.to_string(), String::new()),
    };
    let make = || -> PyResult<PyErr> {
        let class = py.get_type::<PyOSError>();
        // OSError(errno, strerror, filename) picks the subclass from errno.
        let error = match errno {
            Some(errno) => class.call1((errno, message.clone(), path.clone()))?,
            None => class.call1((format!("{path}: {message}"),))?,
        };
        Ok(PyErr::from_value(error))
    };
    make().unwrap_or_else(|e| e)
}

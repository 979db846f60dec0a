//! Python bindings of digifarm: the native module `digifarm._digifarm`, re-exported by the
//! pure-Python package `digifarm` (`python/digifarm/__init__.py`).
//!
//! Pure-Rust work (loading files, validating many records, catalog rules) runs without the
//! GIL; reading Python objects needs it. Bulk validation copies dicts onto a compact tape with
//! the GIL and deserializes the typed model from it on the pool (`tape.rs`), falling back to
//! the JSON-value path that explains problems (`value.rs` + the core's JSON Schema checks)
//! only for records that need it.

use digifarm_core::schema::{SchemaKind, json_schema};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// Validation allocates many small strings on several threads; glibc's allocator spent a
/// fifth of the bulk validation time in malloc/free (perf), mimalloc much less.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod catalog;
mod diagnostic;
mod errors;
mod license;
mod records;
mod tape;
mod value;

use records::{Context, expect_dict, expect_items, read_config, read_today};

/// Validates one project record (a dict shaped like a project YAML/JSON file).
///
/// Returns every finding as a list of :class:`Diagnostic` (empty when the record is clean):
/// schema problems (missing or unknown fields, wrong types, formats) and the rules that need
/// no other record (licence, languages, amounts, dates, admission, staleness). References to
/// partners and offers need the catalog: see :meth:`Catalog.validate`. ``config`` is a city
/// config dict (like ``digifarm.toml``); ``today`` a ``datetime.date``.
///
/// Raises ``TypeError`` when ``record`` is not a dict, ``CatalogError`` when ``config`` is
/// invalid.
///
/// >>> import digifarm
/// >>> digifarm.validate_project({"id": "radwege", "name": "Radwege", "summary": "Karte",
/// ...     "status": "live", "lifecycle": "proposed", "license": "MIT"})
/// []
/// >>> [d.code for d in digifarm.validate_project({"id": "radwege", "name": "Radwege"})]
/// ['missing-field', 'missing-field', 'missing-field', 'missing-field']
#[pyfunction]
#[pyo3(signature = (record, /, *, config=None, today=None))]
fn validate_project<'py>(
    py: Python<'py>,
    record: &Bound<'py, PyAny>,
    config: Option<&Bound<'py, PyAny>>,
    today: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let dict = expect_dict(record, "validate_project() record")?;
    let cx = Context::new(read_config(py, config)?, read_today(today)?);
    let mut chunk = records::Chunk::default();
    chunk.push(dict, &mut tape::TapeWriter::new());
    let diagnostics = py.detach(|| chunk.check(&cx)).pop().unwrap_or_default();
    diagnostic::to_list(py, diagnostics)
}

/// Validates many project records at once: the same findings as :func:`validate_project`,
/// one list per record, in input order.
///
/// Records are read from Python (with the GIL), then validated on all cores without it.
/// Raises ``TypeError`` when ``records`` is not a list (or other iterable) of dicts; the
/// message names the index of the first item that is not a dict.
///
/// >>> import digifarm
/// >>> ok = {"id": "a", "name": "A", "summary": "s", "status": "idea",
/// ...       "lifecycle": "proposed", "license": "MIT"}
/// >>> result = digifarm.validate_projects([ok, dict(ok, license="GPL v3")])
/// >>> [[d.code for d in r] for r in result]
/// [[], ['license-invalid']]
#[pyfunction]
#[pyo3(signature = (records, /, *, config=None, today=None))]
fn validate_projects<'py>(
    py: Python<'py>,
    records: &Bound<'py, PyAny>,
    config: Option<&Bound<'py, PyAny>>,
    today: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let items = expect_items(records, "validate_projects() records")?;
    let cx = std::sync::Arc::new(Context::new(read_config(py, config)?, read_today(today)?));
    // Reading Python objects needs the GIL and runs on this thread; checking the records
    // read so far runs meanwhile on the pool, chunk by chunk, without the GIL.
    let mut pipeline = records::Pipeline::new(cx, items.len());
    let mut writer = tape::TapeWriter::new();
    for (i, item) in items.iter().enumerate() {
        let dict = item.cast::<PyDict>().map_err(|_| {
            PyTypeError::new_err(format!(
                "validate_projects() records[{i}] must be a dict, not {}",
                value::type_name(item)
            ))
        })?;
        pipeline.push(dict, &mut writer);
    }
    drop(writer);
    drop(items);
    let results = py.detach(|| pipeline.finish())?;
    // One list per record: for 100k records, Python's cyclic GC would otherwise run full
    // collections over everything alive (the caller's records included) while the result
    // is built. Nothing else can run meanwhile (the GIL is held throughout), so pausing the
    // collector is invisible to other threads.
    let _paused = GcPause::new(py);
    let out = PyList::empty(py);
    for diagnostics in results {
        out.append(diagnostic::to_list(py, diagnostics)?)?;
    }
    Ok(out)
}

/// Disables Python's cyclic garbage collector until dropped, if it was enabled.
struct GcPause<'py>(Option<Bound<'py, PyModule>>);

impl<'py> GcPause<'py> {
    fn new(py: Python<'py>) -> Self {
        let gc = py.import("gc").ok().filter(|gc| {
            gc.call_method0("isenabled")
                .and_then(|e| e.is_truthy())
                .unwrap_or(false)
                && gc.call_method0("disable").is_ok()
        });
        GcPause(gc)
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        if let Some(gc) = &self.0 {
            // Re-enabling cannot fail in CPython; should it, the collector stays off, which
            // is safe (memory is still freed by reference counting).
            let _ = gc.call_method0("enable");
        }
    }
}

/// The JSON Schema (Draft 2020-12) of ``kind``: ``"project"``, ``"partner"``, ``"offer"``
/// or ``"config"``, as published in ``digifarm-core/schemas/``.
///
/// Raises ``ValueError`` for another kind.
///
/// >>> import digifarm
/// >>> s = digifarm.schema("project")
/// >>> s["title"], sorted(s["required"])
/// ('digifarm project', ['id', 'license', 'lifecycle', 'name', 'status', 'summary'])
#[pyfunction]
fn schema<'py>(py: Python<'py>, kind: &str) -> PyResult<Bound<'py, PyAny>> {
    let kind: SchemaKind = kind.parse().map_err(PyValueError::new_err)?;
    value::to_python(py, &json_schema(kind))
}

/// The native part of the `digifarm` package.
#[pymodule]
fn _digifarm(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_function(wrap_pyfunction!(catalog::load_catalog, m)?)?;
    m.add_function(wrap_pyfunction!(validate_project, m)?)?;
    m.add_function(wrap_pyfunction!(validate_projects, m)?)?;
    m.add_function(wrap_pyfunction!(schema, m)?)?;
    m.add_function(wrap_pyfunction!(license::check_license, m)?)?;
    m.add_function(wrap_pyfunction!(license::normalize_license, m)?)?;
    m.add_class::<license::PyLicenseVerdict>()?;
    m.add_class::<license::PyNormalizedLicense>()?;
    m.add_class::<catalog::PyCatalog>()?;
    m.add_class::<diagnostic::PyDiagnostic>()?;
    m.add("DigifarmError", py.get_type::<errors::DigifarmError>())?;
    m.add("CatalogError", errors::catalog_error_type(py)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

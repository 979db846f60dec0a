//! `digifarm.Catalog`: a loaded or assembled catalog.

use digifarm_core::catalog::{self, Catalog, LoadOptions, RecordValue};
use digifarm_core::model::RecordKind;
use digifarm_core::{Diagnostic, diagnostic, validate};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyType};
use serde::Serialize;

use crate::errors::{catalog_error, load_error};
use crate::records::{expect_items, read_config, read_records, read_today, summary};

/// A catalog: the city config, projects (with their needs), partners and support offers.
///
/// Get one with :func:`digifarm.load_catalog` or :meth:`Catalog.from_records`. A catalog is
/// immutable and safe to share between threads.
///
/// >>> import digifarm
/// >>> cat = digifarm.Catalog.from_records(projects=[{"id": "radwege", "name": "Radwege",
/// ...     "summary": "Karte", "status": "live", "lifecycle": "proposed", "license": "MIT"}])
/// >>> [p["id"] for p in cat.projects()]
/// ['radwege']
#[pyclass(frozen, module = "digifarm._digifarm", name = "Catalog")]
pub(crate) struct PyCatalog {
    inner: Catalog,
    /// What loading found (parse and schema problems), reported again by `validate()`.
    load_diagnostics: Vec<Diagnostic>,
}

fn records_to_python<'py, T: Serialize>(
    py: Python<'py>,
    records: &[T],
    include_private: bool,
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for record in records {
        // pythonize keeps the fields in model order, as in the record files.
        let object = pythonize::pythonize(py, record)
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        if !include_private
            && let Ok(dict) = object.cast::<PyDict>()
            && dict.contains("contacts")?
        {
            dict.del_item("contacts")?;
        }
        list.append(object)?;
    }
    Ok(list)
}

#[pymethods]
impl PyCatalog {
    /// Builds a catalog from plain dicts, shaped like the YAML/JSON record files.
    ///
    /// Raises ``CatalogError`` (a ``ValueError``) when a record or the config violates its
    /// schema; ``.diagnostics`` lists every problem, with ``file`` ``"<projects>"``,
    /// ``"<partners>"``, ``"<offers>"`` or ``"<config>"`` and a pointer that starts with the
    /// record's index. Raises ``TypeError`` when an argument is not a list of dicts.
    /// Cross-record rules (references, duplicate ids) are checked by :meth:`validate`.
    ///
    /// >>> import digifarm
    /// >>> cat = digifarm.Catalog.from_records(
    /// ...     projects=[{"id": "a", "name": "A", "summary": "s", "status": "idea",
    /// ...                "lifecycle": "proposed", "license": "MIT"}],
    /// ...     partners=[{"id": "p", "name": "P", "kind": "company"}],
    /// ...     offers=[{"id": "o", "partner": "p", "kind": "technical"}],
    /// ...     config={"city": {"name": "Münster", "ags": "05515000"}})
    /// >>> cat
    /// Catalog(projects=1, partners=1, offers=1)
    #[classmethod]
    #[pyo3(signature = (projects=None, partners=None, offers=None, config=None))]
    fn from_records(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        projects: Option<&Bound<'_, PyAny>>,
        partners: Option<&Bound<'_, PyAny>>,
        offers: Option<&Bound<'_, PyAny>>,
        config: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyCatalog> {
        let config = read_config(py, config)?;
        let mut diagnostics = Vec::new();
        let mut lists: [Vec<RecordValue>; 3] = Default::default();
        for ((kind, arg), out) in RecordKind::ALL
            .into_iter()
            .zip([projects, partners, offers])
            .zip(lists.iter_mut())
        {
            if let Some(arg) = arg.filter(|a| !a.is_none()) {
                let items = expect_items(arg, kind.dir_name())?;
                *out = read_records(kind, &items, &mut diagnostics)?;
            }
        }
        if !diagnostics.is_empty() {
            diagnostic::sort(&mut diagnostics);
            return Err(catalog_error(
                py,
                format!(
                    "{} record problem(s): {}",
                    diagnostics.len(),
                    summary(&diagnostics)
                ),
                diagnostics,
            ));
        }
        let [p, pa, o] = lists;
        let projects = p
            .into_iter()
            .filter_map(|r| match r {
                RecordValue::Project(p) => Some(*p),
                _ => None,
            })
            .collect();
        let partners = pa
            .into_iter()
            .filter_map(|r| match r {
                RecordValue::Partner(p) => Some(*p),
                _ => None,
            })
            .collect();
        let offers = o
            .into_iter()
            .filter_map(|r| match r {
                RecordValue::Offer(o) => Some(*o),
                _ => None,
            })
            .collect();
        Ok(PyCatalog {
            inner: Catalog::from_records(config, projects, partners, offers),
            load_diagnostics: Vec::new(),
        })
    }

    /// Every finding about the catalog, as ``digifarm validate`` reports it: what loading
    /// found (parse and schema problems) and the semantic rules (references, duplicate ids,
    /// dates, languages, licences, staleness). ``today`` (a ``datetime.date``, default: this
    /// machine's date) is the reference for staleness and future dates.
    ///
    /// >>> import digifarm
    /// >>> cat = digifarm.Catalog.from_records(projects=[{"id": "a", "name": "A",
    /// ...     "summary": "s", "status": "idea", "lifecycle": "proposed", "license": "MIT",
    /// ...     "needs": [{"kind": "technical", "supported_by": [{"partner": "nobody"}]}]}])
    /// >>> [(d.code, d.pointer) for d in cat.validate()]
    /// [('dangling-reference', '/0/needs/0/supported_by/0/partner')]
    #[pyo3(signature = (today=None))]
    fn validate<'py>(
        &self,
        py: Python<'py>,
        today: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let today = read_today(today)?;
        let catalog = &self.inner;
        let loaded = &self.load_diagnostics;
        let diagnostics = py.detach(move || {
            let mut all = loaded.clone();
            all.extend(validate::validate(catalog, today));
            diagnostic::sort(&mut all);
            all
        });
        crate::diagnostic::to_list(py, diagnostics)
    }

    /// The projects as dicts (the record file format). Contacts are personal data: the
    /// ``contacts`` key is left out unless ``include_private=True``.
    ///
    /// >>> import digifarm
    /// >>> cat = digifarm.Catalog.from_records(projects=[{"id": "a", "name": "A",
    /// ...     "summary": "s", "status": "idea", "lifecycle": "proposed", "license": "MIT",
    /// ...     "contacts": [{"name": "Erika Mustermann"}]}])
    /// >>> "contacts" in cat.projects()[0], "contacts" in cat.projects(include_private=True)[0]
    /// (False, True)
    #[pyo3(signature = (*, include_private=false))]
    fn projects<'py>(
        &self,
        py: Python<'py>,
        include_private: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        records_to_python(py, &self.inner.projects, include_private)
    }

    /// The partners as dicts; ``contacts`` only with ``include_private=True``.
    ///
    /// >>> import digifarm
    /// >>> digifarm.Catalog.from_records(partners=[{"id": "p", "name": "P",
    /// ...     "kind": "association"}]).partners()
    /// [{'id': 'p', 'name': 'P', 'kind': 'association'}]
    #[pyo3(signature = (*, include_private=false))]
    fn partners<'py>(
        &self,
        py: Python<'py>,
        include_private: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        records_to_python(py, &self.inner.partners, include_private)
    }

    /// The support offers as dicts (offers hold no personal data).
    ///
    /// >>> import digifarm
    /// >>> digifarm.Catalog.from_records(offers=[{"id": "o", "partner": "p",
    /// ...     "kind": "financial", "budget_eur_per_year": 5000}]).offers()[0]["budget_eur_per_year"]
    /// 5000.0
    fn offers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        records_to_python(py, &self.inner.offers, true)
    }

    /// The city config as a dict (defaults filled in), shaped like ``digifarm.toml``.
    ///
    /// >>> import digifarm
    /// >>> digifarm.Catalog.from_records().config["city"]["languages"]
    /// ['de', 'en']
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        pythonize::pythonize(py, &self.inner.config)
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
    }

    fn __repr__(&self) -> String {
        format!(
            "Catalog(projects={}, partners={}, offers={})",
            self.inner.projects.len(),
            self.inner.partners.len(),
            self.inner.offers.len()
        )
    }
}

/// Loads a catalog directory (``digifarm.toml``, ``projects/``, ``partners/``,
/// ``offers/``) or a single record file (YAML, JSON, JSON Lines).
///
/// Problems inside files (syntax, schema) do not raise: they are kept and reported by
/// :meth:`Catalog.validate`, with file, line and column. A path that does not exist raises
/// ``FileNotFoundError``; one that cannot be read raises another ``OSError`` subclass. The
/// files are read and parsed without holding the GIL.
///
/// >>> import digifarm, tempfile, pathlib
/// >>> root = pathlib.Path(tempfile.mkdtemp())
/// >>> (root / "projects").mkdir()
/// >>> _ = (root / "projects" / "radwege.yaml").write_text(
/// ...     "id: radwege\nname: Radwege\nsummary: Karte\nstatus: live\n"
/// ...     "lifecycle: proposed\nlicense: MIT\n")
/// >>> cat = digifarm.load_catalog(root)
/// >>> [p["id"] for p in cat.projects()]
/// ['radwege']
#[pyfunction]
pub(crate) fn load_catalog(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<PyCatalog> {
    let path: std::path::PathBuf = path.extract().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(format!(
            "load_catalog() path must be a str or os.PathLike, not {}",
            crate::value::type_name(path)
        ))
    })?;
    let loaded = py.detach(|| catalog::load(&path, &LoadOptions::default()));
    match loaded {
        Ok(loaded) => Ok(PyCatalog {
            inner: loaded.catalog,
            load_diagnostics: loaded.diagnostics,
        }),
        Err(e) => Err(load_error(py, &e)),
    }
}

//! `digifarm.Catalog`: a loaded or assembled catalog.

use digifarm_core::catalog::{self, Catalog, LoadOptions, RecordValue};
use digifarm_core::matching::{Matcher, NeedId};
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

    /// The projects as dicts (the record file format). What names people is personal data
    /// and left out unless ``include_private=True``: ``contacts``, the admission
    /// ``attestations`` and reviewers' ``approvals``, and the dated ``history`` of support
    /// entries (their status and commitment stay).
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
        if include_private {
            return records_to_python(py, &self.inner.projects, true);
        }
        let public: Vec<digifarm_core::model::Project> = self
            .inner
            .projects
            .iter()
            .map(|p| {
                let mut p = p.clone();
                p.contacts.clear();
                p.attestations.clear();
                p.approvals.clear();
                for n in &mut p.needs {
                    for s in &mut n.supported_by {
                        s.history.clear();
                    }
                }
                p
            })
            .collect();
        records_to_python(py, &public, false)
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

    /// The needs that want help, in project order: ``[{"project", "need", "kind"}]``
    /// (``need`` is the index in the project's ``needs``). A need wants help while no partner
    /// has agreed to support it or supports it (``supported_by`` entries with status
    /// ``agreed`` or ``active``; an entry without status is active); projects that are
    /// archived, rejected or retired are left out.
    ///
    /// >>> import digifarm
    /// >>> wanted = digifarm.Catalog.from_records(projects=[{"id": "a", "name": "A",
    /// ...     "summary": "s", "status": "live", "lifecycle": "admitted", "license": "MIT",
    /// ...     "needs": [{"kind": "content"}, {"kind": "technical",
    /// ...         "supported_by": [{"partner": "p", "status": "suggested"}]}]}]).help_wanted()
    /// >>> [(w["project"], w["need"], w["kind"]) for w in wanted]
    /// [('a', 0, 'content'), ('a', 1, 'technical')]
    fn help_wanted<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let projects = &self.inner.projects;
        let mut needs: Vec<digifarm_core::matching::NeedId> =
            digifarm_core::matching::help_wanted(projects)
                .into_values()
                .flatten()
                .collect();
        needs.sort();
        let rows: Vec<serde_json::Value> = needs
            .into_iter()
            .filter_map(|n| {
                let p = projects.get(n.project)?;
                Some(serde_json::json!({
                    "project": p.id, "need": n.need, "kind": p.needs.get(n.need)?.kind,
                }))
            })
            .collect();
        pythonize::pythonize(py, &rows)
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
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

    /// The best offers for a project's needs, with explanations.
    ///
    /// Ranks the offers that can meet each need of project ``project_id`` that wants help (or
    /// only need ``need_index``, an index into the project's ``needs``), best first, at most
    /// ``top`` per need. Hard constraints (kind, validity on ``today``, region or remote,
    /// capacity, the partner's licence requirement) exclude offers; the score in [0, 1] is
    /// explained term by term. Runs without the GIL.
    ///
    /// Raises ``KeyError`` for an unknown project, ``IndexError`` for a need index out of
    /// range, ``ValueError`` when ``top`` is below 1, and ``CatalogError`` when the city's
    /// matching weights are invalid.
    ///
    /// >>> import digifarm
    /// >>> cat = digifarm.Catalog.from_records(
    /// ...     projects=[{"id": "baeume", "name": "Bäume", "summary": "Karte", "status": "live",
    /// ...         "lifecycle": "admitted", "license": "MIT",
    /// ...         "needs": [{"kind": "technical", "skills": ["python"]}]}],
    /// ...     partners=[{"id": "citeq", "name": "citeq", "kind": "public-body"}],
    /// ...     offers=[{"id": "citeq-hosting", "partner": "citeq", "kind": "technical",
    /// ...         "skills": ["python"], "remote": True}])
    /// >>> [o["offer"] for r in cat.rank("baeume") for o in r["offers"]]
    /// ['citeq-hosting']
    #[pyo3(signature = (project_id, need_index=None, top=10, today=None))]
    fn rank<'py>(
        &self,
        py: Python<'py>,
        project_id: &str,
        need_index: Option<usize>,
        top: usize,
        today: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let today = read_today(today)?;
        if top == 0 {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "top must be at least 1",
            ));
        }
        let catalog = &self.inner;
        let Some(project) = catalog.projects.iter().position(|p| p.id == project_id) else {
            return Err(pyo3::exceptions::PyKeyError::new_err(format!(
                "no project with id `{project_id}`"
            )));
        };
        let needs = &catalog.projects[project].needs;
        if let Some(i) = need_index
            && i >= needs.len()
        {
            return Err(pyo3::exceptions::PyIndexError::new_err(format!(
                "project `{project_id}` has {} needs; need_index {i} is out of range",
                needs.len()
            )));
        }
        let result: Result<serde_json::Value, Box<Diagnostic>> = py.detach(|| {
            let matcher = Matcher::for_catalog(catalog, today)?;
            let wanted: Vec<usize> = match need_index {
                Some(i) => vec![i],
                None => (0..needs.len()).filter(|&i| needs[i].wants_help()).collect(),
            };
            let rankings: Vec<serde_json::Value> = wanted
                .into_iter()
                .map(|need| {
                    let id = NeedId { project, need };
                    let offers: Vec<serde_json::Value> = matcher
                        .rank_offers(id, top)
                        .into_iter()
                        .map(|r| {
                            let o = &catalog.offers[r.offer];
                            serde_json::json!({
                                "offer": o.id, "partner": o.partner, "score": r.score,
                                "explanation": matcher.explain(id, r.offer).and_then(Result::ok),
                            })
                        })
                        .collect();
                    serde_json::json!({
                        "project": project_id, "need": need, "kind": needs[need].kind, "offers": offers,
                    })
                })
                .collect();
            Ok(serde_json::Value::Array(rankings))
        });
        to_python(py, result)
    }

    /// The assignment of offers to open needs with the highest total score that respects
    /// every constraint and each offer's capacity: exact and deterministic (ties broken by
    /// id). Needs already supported keep their supporter. Returns
    /// ``{"assignment": [{"project", "need", "offer", "partner", "score"}], "total_score",
    /// "unmatched": [{"project", "need"}]}``. Runs without the GIL; raises ``CatalogError``
    /// when the matching weights are invalid.
    ///
    /// >>> import digifarm
    /// >>> cat = digifarm.Catalog.from_records(
    /// ...     projects=[{"id": "baeume", "name": "Bäume", "summary": "Karte", "status": "live",
    /// ...         "lifecycle": "admitted", "license": "MIT",
    /// ...         "needs": [{"kind": "technical", "skills": ["python"]}]}],
    /// ...     partners=[{"id": "citeq", "name": "citeq", "kind": "public-body"}],
    /// ...     offers=[{"id": "citeq-hosting", "partner": "citeq", "kind": "technical",
    /// ...         "skills": ["python"], "remote": True}])
    /// >>> [(a["project"], a["need"], a["offer"]) for a in cat.assign()["assignment"]]
    /// [('baeume', 0, 'citeq-hosting')]
    #[pyo3(signature = (today=None))]
    fn assign<'py>(
        &self,
        py: Python<'py>,
        today: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let today = read_today(today)?;
        let catalog = &self.inner;
        let result: Result<serde_json::Value, Box<Diagnostic>> = py.detach(|| {
            let assignment = Matcher::for_catalog(catalog, today)?.assign();
            let need = |id: NeedId| (catalog.projects[id.project].id.as_str(), id.need);
            let pairs: Vec<serde_json::Value> = assignment
                .pairs
                .iter()
                .map(|r| {
                    let (project, need) = need(r.need);
                    let o = &catalog.offers[r.offer];
                    serde_json::json!({"project": project, "need": need, "offer": o.id, "partner": o.partner, "score": r.score})
                })
                .collect();
            let unmatched: Vec<serde_json::Value> = assignment
                .unmatched
                .iter()
                .map(|&id| {
                    let (project, need) = need(id);
                    serde_json::json!({"project": project, "need": need})
                })
                .collect();
            Ok(serde_json::json!({"assignment": pairs, "total_score": assignment.total_score, "unmatched": unmatched}))
        });
        to_python(py, result)
    }

    /// Exports the catalog to ``out_dir`` (a directory, or a file for one-file formats) and
    /// returns the paths written.
    ///
    /// ``format`` is one of ``json``, ``jsonl``, ``csv``, ``markdown``, ``jsonld``, ``atom``,
    /// ``html``, ``publiccode`` — the same files, checked the same way, as ``digifarm export``
    /// (both call the core's one validate-then-export). Contact data is only written with
    /// ``include_private=True``, which ``html``, ``atom`` and ``jsonld`` refuse
    /// (``ValueError``). A catalog with validation errors is not exported (``CatalogError``
    /// with the diagnostics), nor a ``publiccode`` export with a project that yields no valid
    /// publiccode.yml (``ValueError`` naming each such project and its fixes) unless
    /// ``skip_invalid=True``; ``publiccode_version`` is the version of the standard to write
    /// (``"0"``, the current one, or ``"0.7"``, ``"0.5"``, ``"0.4"``, ``"0.3"``, ``"0.2"``).
    /// ``public_only`` gives json, jsonl and csv the publishing formats' filter; ``base_url``
    /// is where the site will be published (sitemap and feed links). What the reader should
    /// know (projects skipped, publiccode.yml notes, a site lacking its legal pages) is
    /// issued as ``UserWarning`` once the files are written. Writes are atomic; a non-empty
    /// output directory or an existing file needs ``force=True`` (else ``FileExistsError``).
    /// Runs without the GIL.
    ///
    /// >>> import digifarm, tempfile, pathlib
    /// >>> cat = digifarm.Catalog.from_records(projects=[{"id": "radwege", "name": "Radwege",
    /// ...     "summary": "Karte", "status": "live", "lifecycle": "proposed", "license": "MIT"}])
    /// >>> out = pathlib.Path(tempfile.mkdtemp()) / "projects.md"
    /// >>> [pathlib.Path(p).name for p in cat.export("markdown", out)]
    /// ['projects.md']
    #[pyo3(signature = (
        format, out_dir, *, lang=None, include_private=false, csv_dialect="excel", force=false,
        today=None, skip_invalid=false, publiccode_version="0", public_only=false, base_url=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn export<'py>(
        &self,
        py: Python<'py>,
        format: &str,
        out_dir: std::path::PathBuf,
        lang: Option<String>,
        include_private: bool,
        csv_dialect: &str,
        force: bool,
        today: Option<&Bound<'py, PyAny>>,
        skip_invalid: bool,
        publiccode_version: &str,
        public_only: bool,
        base_url: Option<String>,
    ) -> PyResult<Vec<String>> {
        use digifarm_core::export::{self, Notice, PublishError};
        let value_error = |e: String| pyo3::exceptions::PyValueError::new_err(e);
        let today = read_today(today)?;
        let format: export::Format = format.parse().map_err(value_error)?;
        let csv_dialect = match csv_dialect {
            "excel" => export::CsvDialect::Excel,
            "rfc4180" => export::CsvDialect::Rfc4180,
            other => {
                return Err(value_error(format!(
                    "unknown csv_dialect `{other}` (expected excel or rfc4180)"
                )));
            }
        };
        let publiccode_version = digifarm_core::publiccode::Version::writable(publiccode_version)
            .map_err(|e| value_error(format!("publiccode_version {e}")))?;
        let options = export::Options {
            lang,
            include_private,
            csv_dialect,
            base_url,
            publiccode_version,
            skip_invalid,
            public_only,
            today: Some(today),
            assets: None,
        };
        let catalog = &self.inner;
        let loaded = &self.load_diagnostics;
        let mut notices = Vec::new();
        let outcome = py.detach(|| {
            let mut all = loaded.clone();
            all.extend(validate::validate(catalog, today));
            let report = validate::Report::new(catalog, all);
            export::publish(
                catalog,
                &report,
                format,
                &options,
                &out_dir,
                &export::WriteOptions { force },
                &mut |n| notices.push(n),
            )
            .map_err(|e| Box::new((e, report)))
        });
        let warn = |message: String| -> PyResult<()> {
            let message = std::ffi::CString::new(message.replace('\0', " "))
                .map_err(|e| value_error(e.to_string()))?;
            PyErr::warn(
                py,
                &py.get_type::<pyo3::exceptions::PyUserWarning>(),
                &message,
                1,
            )
        };
        let (error, report) = match outcome {
            Ok(published) => {
                // Said once the files are written; a failed export raises its own error.
                for notice in notices {
                    match notice {
                        Notice::PubliccodeWarning { project, warning } => {
                            warn(format!("{project}: {warning}"))?;
                        }
                        Notice::PubliccodeSkipped(refused) => warn(format!(
                            "skipped {} project(s) that cannot be exported as a valid publiccode.yml: {}",
                            refused.len(),
                            refused
                                .iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join("; ")
                        ))?,
                        Notice::PortalGaps(gaps) => {
                            for d in gaps {
                                warn(format!(
                                    "the exported site lacks what [portal] in digifarm.toml should give it: {}:{}:{}: {}",
                                    d.file, d.line, d.column, d.message
                                ))?;
                            }
                        }
                    }
                }
                return Ok(published
                    .paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect());
            }
            Err(failed) => *failed,
        };
        let message = error.to_string();
        Err(match error {
            PublishError::Invalid => catalog_error(py, message, report.diagnostics),
            PublishError::ImagesUnreadable(findings)
            | PublishError::ImagesUnpublishable(findings) => catalog_error(py, message, findings),
            PublishError::PubliccodeRefused { refused, version } => value_error(format!(
                "{} project(s) cannot be exported as a valid publiccode.yml {version}; nothing was written (fix them, or use skip_invalid=True):\n{}",
                refused.len(),
                refused
                    .iter()
                    .map(|r| format!("  {r}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            )),
            PublishError::Write(
                export::WriteError::NotEmpty(_) | export::WriteError::Exists(_),
            ) => pyo3::exceptions::PyFileExistsError::new_err(message),
            PublishError::Write(export::WriteError::OverlapsInput(_)) => value_error(message),
            PublishError::Write(_) => pyo3::exceptions::PyOSError::new_err(message),
            _ => value_error(message),
        })
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

fn to_python<'py>(
    py: Python<'py>,
    result: Result<serde_json::Value, Box<Diagnostic>>,
) -> PyResult<Bound<'py, PyAny>> {
    match result {
        Ok(value) => pythonize::pythonize(py, &value)
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string())),
        Err(d) => Err(catalog_error(
            py,
            format!("matching cannot run: {}", d.message),
            vec![*d],
        )),
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

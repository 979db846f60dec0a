//! `check_license` and `normalize_license`: the core's licence engine from Python.

use digifarm_core::license::{self, Policy};
use digifarm_core::model::LicensePolicyKind;
use digifarm_core::{Code, Diagnostic};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;

/// The verdict on one SPDX licence expression under a policy.
///
/// Attributes: ``input`` (as given), ``valid_expression`` (it parses as SPDX), ``normalized``
/// (canonical form, or ``None``), ``allowed`` (the policy admits it) and ``findings``
/// (a list of :class:`Diagnostic`: ``pointer`` is empty; ``line`` 1 and ``column`` the 1-based
/// character position in the expression of the term to blame, both 0 for the whole).
///
/// >>> import digifarm
/// >>> v = digifarm.check_license("MIT AND SSPL-1.0")
/// >>> v.valid_expression, v.allowed, [(f.code, f.column) for f in v.findings]
/// (True, False, [('license-not-allowed', 9)])
#[pyclass(
    frozen,
    get_all,
    module = "digifarm._digifarm",
    name = "LicenseVerdict"
)]
pub(crate) struct PyLicenseVerdict {
    input: String,
    valid_expression: bool,
    normalized: Option<String>,
    allowed: bool,
    findings: Py<PyList>,
}

#[pymethods]
impl PyLicenseVerdict {
    fn __repr__(&self) -> String {
        format!(
            "LicenseVerdict(input={:?}, valid_expression={}, normalized={:?}, allowed={})",
            self.input,
            if self.valid_expression {
                "True"
            } else {
                "False"
            },
            self.normalized,
            if self.allowed { "True" } else { "False" }
        )
    }
}

/// Candidate SPDX expressions for a free-text licence.
///
/// Attributes: ``input``, ``candidates`` (``(expression, confidence)`` pairs, most likely
/// first; empty when the text is not recognised) and ``ambiguous`` (the text allows several
/// readings and a person must choose, e.g. "GPL v3": ``-only`` or ``-or-later``?).
///
/// >>> import digifarm
/// >>> n = digifarm.normalize_license("Apache License, Version 2.0")
/// >>> n.candidates[0][0], n.ambiguous
/// ('Apache-2.0', False)
/// >>> sorted(e for e, _ in digifarm.normalize_license("GPL v3").candidates)
/// ['GPL-3.0-only', 'GPL-3.0-or-later']
#[pyclass(
    frozen,
    get_all,
    module = "digifarm._digifarm",
    name = "NormalizedLicense"
)]
pub(crate) struct PyNormalizedLicense {
    input: String,
    candidates: Vec<(String, f64)>,
    ambiguous: bool,
}

#[pymethods]
impl PyNormalizedLicense {
    fn __repr__(&self) -> String {
        format!(
            "NormalizedLicense(input={:?}, candidates={:?}, ambiguous={})",
            self.input,
            self.candidates,
            if self.ambiguous { "True" } else { "False" }
        )
    }
}

/// Checks an SPDX licence expression against a licence policy: ``"osi"``, ``"fsf"``,
/// ``"osi-or-fsf"`` (the default) or ``"osi-and-fsf"``. Each finding says which term
/// failed and why (deprecated ids, content licences for code, ``LicenseRef-*``, …).
///
/// Raises ``ValueError`` for an unknown policy.
///
/// >>> import digifarm
/// >>> digifarm.check_license("gpl-3.0-or-later").normalized
/// 'GPL-3.0-or-later'
/// >>> [f.code for f in digifarm.check_license("GPL v3").findings]
/// ['license-invalid']
#[pyfunction]
#[pyo3(signature = (expr, policy = "osi-or-fsf"))]
pub(crate) fn check_license(
    py: Python<'_>,
    expr: &str,
    policy: &str,
) -> PyResult<PyLicenseVerdict> {
    let kind: LicensePolicyKind = policy.parse().map_err(PyValueError::new_err)?;
    let verdict = license::check(expr, &Policy::new(kind));
    let findings = verdict
        .findings
        .into_iter()
        .map(|f| {
            let column = f.span.as_ref().map_or(0, |span| {
                let before = expr.get(..span.start).unwrap_or("");
                u32::try_from(before.chars().count() + 1).unwrap_or(0)
            });
            let mut d = Diagnostic::new(Code::LicenseInvalid, "", "", f.message);
            d.code = f.code.as_str().into();
            d.severity = f.severity;
            d.help = f.help;
            d.line = u32::from(column > 0);
            d.column = column;
            d
        })
        .collect();
    Ok(PyLicenseVerdict {
        input: verdict.input,
        valid_expression: verdict.valid_expression,
        normalized: verdict.normalized,
        allowed: verdict.allowed,
        findings: crate::diagnostic::to_list(py, findings)?.unbind(),
    })
}

/// Turns what people write ("MIT License ", "GPL v3", "Apache License, Version 2.0") into
/// candidate SPDX expressions. Unrecognised text gives no candidate rather than a guess.
///
/// >>> import digifarm
/// >>> digifarm.normalize_license("MIT License ").candidates[0][0]
/// 'MIT'
/// >>> digifarm.normalize_license("dual-licensed under the EUPL v1.2 and AGPLv3").ambiguous
/// True
#[pyfunction]
pub(crate) fn normalize_license(text: &str) -> PyNormalizedLicense {
    let n = license::normalize(text);
    PyNormalizedLicense {
        input: n.input,
        candidates: n
            .candidates
            .into_iter()
            .map(|c| (c.expression, c.confidence))
            .collect(),
        ambiguous: n.ambiguous,
    }
}

"""check_license and normalize_license: the core's licence engine from Python."""

from __future__ import annotations

from typing import Any

import pytest

import digifarm


def test_allowed_expression() -> None:
    v = digifarm.check_license("MIT OR Apache-2.0")
    assert isinstance(v, digifarm.LicenseVerdict)
    assert (v.input, v.valid_expression, v.normalized, v.allowed) == (
        "MIT OR Apache-2.0",
        True,
        "MIT OR Apache-2.0",
        True,
    )
    assert v.findings == []
    assert repr(v).startswith("LicenseVerdict(input=\"MIT OR Apache-2.0\"")


def test_refused_term_is_located() -> None:
    v = digifarm.check_license("MIT AND SSPL-1.0")
    assert v.valid_expression and not v.allowed
    [f] = v.findings
    assert (f.code, f.severity, f.line, f.column, f.pointer) == ("license-not-allowed", "error", 1, 9, "")
    assert "SSPL-1.0" in f.message


def test_free_text_is_invalid_with_a_suggestion() -> None:
    v = digifarm.check_license("GPL v3")
    assert not v.valid_expression and not v.allowed and v.normalized is None
    assert [f.code for f in v.findings] == ["license-invalid"]


@pytest.mark.parametrize(
    "policy, allowed",
    [("osi", False), ("fsf", True), ("osi-or-fsf", True), ("osi-and-fsf", False)],
)
def test_policies(policy: str, allowed: bool) -> None:
    # WTFPL is FSF-free but not OSI-approved.
    assert digifarm.check_license("WTFPL", policy=policy).allowed is allowed  # type: ignore[arg-type]


def test_unknown_policy_is_value_error() -> None:
    with pytest.raises(ValueError, match="unknown licence policy `permissive`"):
        digifarm.check_license("MIT", policy="permissive")  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [None, 3, ["MIT"]])
def test_check_license_rejects_non_strings(bad: Any) -> None:
    with pytest.raises(TypeError):
        digifarm.check_license(bad)
    with pytest.raises(TypeError):
        digifarm.normalize_license(bad)


def test_normalize_license() -> None:
    n = digifarm.normalize_license("Apache License, Version 2.0")
    assert isinstance(n, digifarm.NormalizedLicense)
    assert n.input == "Apache License, Version 2.0"
    assert n.candidates[0][0] == "Apache-2.0" and not n.ambiguous
    gpl = digifarm.normalize_license("GPL v3")
    assert gpl.ambiguous
    assert sorted(e for e, _ in gpl.candidates) == ["GPL-3.0-only", "GPL-3.0-or-later"]
    assert all(0.0 <= c <= 1.0 for _, c in gpl.candidates)
    unknown = digifarm.normalize_license("do what you want, mostly")
    assert unknown.candidates == [] and not unknown.ambiguous
    assert "NormalizedLicense(input=" in repr(unknown)

"""validate_project and validate_projects: findings, fast and authoritative paths, bad input."""

from __future__ import annotations

import collections
import datetime
from typing import Any, Dict, Iterator

import pytest

import digifarm


def codes(diagnostics: list) -> list:
    return [d.code for d in diagnostics]


def test_valid_project_has_no_findings(project: Dict[str, Any], today: datetime.date) -> None:
    assert digifarm.validate_project(project, today=today) == []


def test_diagnostic_attributes(project: Dict[str, Any], today: datetime.date) -> None:
    project["license"] = "GPL v3"
    [d] = digifarm.validate_project(project, today=today)
    assert isinstance(d, digifarm.Diagnostic)
    assert (d.code, d.severity, d.file, d.line, d.column, d.pointer) == (
        "license-invalid",
        "error",
        "",
        0,
        0,
        "/license",
    )
    assert "GPL v3" in d.message
    assert d.is_error
    assert d.to_dict() == {
        "code": "license-invalid",
        "severity": "error",
        "file": "",
        "line": 0,
        "column": 0,
        "pointer": "/license",
        "message": d.message,
        "help": d.help,
    }
    assert str(d).startswith("/license: error[license-invalid]: ")
    assert repr(d).startswith("Diagnostic(code='license-invalid'")
    # Frozen, comparable and hashable.
    assert d == digifarm.validate_project(project, today=today)[0]
    assert len({d, digifarm.validate_project(project, today=today)[0]}) == 1
    with pytest.raises(AttributeError):
        d.code = "x"  # type: ignore[misc]


def test_missing_fields_are_all_reported() -> None:
    found = digifarm.validate_project({"id": "x"})
    assert sorted((d.code, d.message) for d in found) == [
        ("missing-field", "missing required field `license`"),
        ("missing-field", "missing required field `lifecycle`"),
        ("missing-field", "missing required field `name`"),
        ("missing-field", "missing required field `status`"),
        ("missing-field", "missing required field `summary`"),
    ]


def test_unknown_field_suggests_the_right_name(project: Dict[str, Any]) -> None:
    project["licence"] = project.pop("license")
    found = digifarm.validate_project(project)
    unknown = [d for d in found if d.code == "unknown-field"]
    assert [(d.pointer, d.help) for d in unknown] == [("/licence", "did you mean `license`?")]


def test_wrong_types_and_values(project: Dict[str, Any]) -> None:
    project["status"] = "alive"
    project["needs"][0]["hours_per_month"] = "4"
    project["categories"] = "umwelt"
    found = {d.pointer: d for d in digifarm.validate_project(project)}
    assert found["/status"].code == "invalid-value"
    assert found["/status"].help == "did you mean `live`?"
    assert found["/needs/0/hours_per_month"].code == "wrong-type"
    assert found["/needs/0/hours_per_month"].help == "remove the quotes to write a number"
    assert found["/categories"].code == "wrong-type"


def test_formats_and_patterns(project: Dict[str, Any]) -> None:
    project["id"] = "Baum Kataster"
    project["last_reviewed"] = "2026-6-1"
    project["links"] = {"homepage": "www.example.org"}
    project["summary"] = {"DE": "Bäume"}
    found = {(d.code, d.pointer) for d in digifarm.validate_project(project)}
    assert ("invalid-format", "/id") in found
    assert ("invalid-format", "/last_reviewed") in found
    assert ("invalid-format", "/links/homepage") in found
    assert ("invalid-format", "/summary/DE") in found or ("wrong-type", "/summary") in found


def test_semantic_rules_run_without_catalog(project: Dict[str, Any], today: datetime.date) -> None:
    project["summary"] = {"en": "English only"}
    project["needs"][0]["hours_per_month"] = -3
    project["needs"][0]["kind"] = "legal"
    project["license"] = "CC-BY-NC-4.0"
    project["last_reviewed"] = "2020-01-01"
    found = {(d.code, d.pointer) for d in digifarm.validate_project(project, today=today)}
    assert found >= {
        ("missing-default-language", "/summary"),
        ("amount-not-positive", "/needs/0/hours_per_month"),
        ("unknown-need-kind", "/needs/0/kind"),
        ("license-not-allowed", "/license"),
        ("stale-listing", "/last_reviewed"),
    }
    # References need the catalog: a lone project does not report them.
    assert not any(code == "dangling-reference" for code, _ in found)


def test_config_changes_the_rules(project: Dict[str, Any], today: datetime.date) -> None:
    project["needs"][0]["kind"] = "legal"
    config = {"city": {"name": "Münster"}, "need_kinds": ["legal"], "categories": ["verkehr"]}
    found = codes(digifarm.validate_project(project, config=config, today=today))
    assert found == ["unknown-category"]


def test_invalid_config_raises_catalog_error(project: Dict[str, Any]) -> None:
    with pytest.raises(digifarm.CatalogError) as info:
        digifarm.validate_project(project, config={"city": {"ags": "123"}, "colour": 1})
    assert {(d.code, d.pointer) for d in info.value.diagnostics} == {
        ("invalid-format", "/city/ags"),
        ("unknown-field", "/colour"),
    }
    assert all(d.file == "<config>" for d in info.value.diagnostics)
    assert "the city config is invalid" in str(info.value)


def test_today_controls_staleness(project: Dict[str, Any]) -> None:
    project["last_reviewed"] = "2026-06-01"
    assert codes(digifarm.validate_project(project, today=datetime.date(2026, 7, 1))) == []
    assert codes(digifarm.validate_project(project, today=datetime.date(2028, 7, 1))) == [
        "stale-listing"
    ]
    # datetime.datetime is a date too.
    assert codes(digifarm.validate_project(project, today=datetime.datetime(2026, 7, 1, 12))) == []


def test_non_json_values_are_diagnostics(project: Dict[str, Any]) -> None:
    project["admitted_on"] = datetime.date(2025, 3, 1)
    project["technologies"] = {"python"}
    project["needs"][0]["hours_per_month"] = float("nan")
    project["links"] = {1: "https://example.org"}
    found = {(d.code, d.pointer): d for d in digifarm.validate_project(project)}
    assert found[("wrong-type", "/admitted_on")].help == "write dates as text: `d.isoformat()`"
    assert "`set`" in found[("wrong-type", "/technologies")].message
    assert ("invalid-number", "/needs/0/hours_per_month") in found
    assert "keys must be text" in found[("wrong-type", "/links")].message


def test_tuples_and_dict_subclasses_are_accepted(project: Dict[str, Any], today: datetime.date) -> None:
    project["technologies"] = ("python", "leaflet")
    ordered = collections.OrderedDict(project)
    assert digifarm.validate_project(ordered, today=today) == []


def test_bools_are_not_numbers(project: Dict[str, Any]) -> None:
    project["needs"][0]["hours_per_month"] = True
    assert [(d.code, d.pointer) for d in digifarm.validate_project(project)] == [
        ("wrong-type", "/needs/0/hours_per_month")
    ]


def test_self_referential_data_is_too_deep(project: Dict[str, Any]) -> None:
    loop: Dict[str, Any] = {}
    loop["de"] = loop
    project["summary"] = loop
    found = codes(digifarm.validate_project(project))
    assert "too-deep" in found


@pytest.mark.parametrize("bad", [None, 42, "id: x", ["a"], ("a",)])
def test_validate_project_rejects_non_dicts(bad: Any) -> None:
    with pytest.raises(TypeError, match=r"validate_project\(\) record must be a dict, not "):
        digifarm.validate_project(bad)


def test_validate_project_rejects_bad_today(project: Dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="today must be a datetime.date, not str"):
        digifarm.validate_project(project, today="2026-01-01")  # type: ignore[arg-type]


def test_validate_projects_matches_validate_project(project: Dict[str, Any], today: datetime.date) -> None:
    bad = dict(project, license="Apache 2")
    missing = {"id": "only-id"}
    results = digifarm.validate_projects([project, bad, missing, project], today=today)
    assert len(results) == 4
    assert results[0] == [] and results[3] == []
    assert results[1] == digifarm.validate_project(bad, today=today)
    assert results[2] == digifarm.validate_project(missing, today=today)
    assert codes(results[1]) == ["license-invalid"]


def test_validate_projects_accepts_iterables(project: Dict[str, Any], today: datetime.date) -> None:
    assert digifarm.validate_projects((p for p in [project] * 3), today=today) == [[], [], []]
    assert digifarm.validate_projects((), today=today) == []


def test_validate_projects_in_bulk(project: Dict[str, Any], today: datetime.date) -> None:
    records = []
    for i in range(5000):
        r = dict(project, id=f"project-{i}")
        if i % 7 == 0:
            r["license"] = "MIT License"
        records.append(r)
    results = digifarm.validate_projects(records, today=today)
    invalid = [i for i, found in enumerate(results) if found]
    assert invalid == list(range(0, 5000, 7))
    assert all(codes(results[i]) == ["license-invalid"] for i in invalid)


@pytest.mark.parametrize(
    "bad, message",
    [
        (42, "validate_projects() records must be a list of dicts, not int"),
        ({"id": "x"}, "validate_projects() records must be a list of dicts, not dict"),
        ("abc", "validate_projects() records must be a list of dicts, not str"),
        (None, "validate_projects() records must be a list of dicts, not NoneType"),
    ],
)
def test_validate_projects_rejects_non_lists(bad: Any, message: str) -> None:
    with pytest.raises(TypeError) as info:
        digifarm.validate_projects(bad)
    assert str(info.value) == message


def test_validate_projects_names_the_non_dict_item(project: Dict[str, Any]) -> None:
    with pytest.raises(TypeError) as info:
        digifarm.validate_projects([project, project, "not a record"])
    assert str(info.value) == "validate_projects() records[2] must be a dict, not str"


def test_validate_projects_leaves_the_garbage_collector_as_it_was(project: Dict[str, Any]) -> None:
    import gc

    assert gc.isenabled()
    digifarm.validate_projects([project] * 10)
    assert gc.isenabled()
    gc.disable()
    try:
        digifarm.validate_projects([project] * 10)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_odd_python_values(project: Dict[str, Any], today: datetime.date) -> None:
    class Key(str):
        def __hash__(self) -> int:
            return 1

    class Text(str):
        pass

    record = {Key(k): v for k, v in project.items()}
    record[Key("name")] = Text("Baumkataster")
    assert digifarm.validate_project(record, today=today) == []
    project["name"] = "Baum\udc80kataster"
    project["needs"][0]["hours_per_month"] = 10**40
    found = {(d.code, d.pointer) for d in digifarm.validate_project(project, today=today)}
    assert found == {("invalid-utf8", "/name")}


def test_a_failing_iterable_raises_its_own_error(project: Dict[str, Any]) -> None:
    def records() -> Iterator[Dict[str, Any]]:
        yield project
        raise RuntimeError("source broke")

    with pytest.raises(RuntimeError, match="source broke"):
        digifarm.validate_projects(records())

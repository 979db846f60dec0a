"""Catalogs: loading from disk, building from dicts, records as dicts, validation, errors."""

from __future__ import annotations

import datetime
import os
import pathlib
from typing import Any, Dict

import pytest

import digifarm


def test_records_as_dicts_omit_what_names_people() -> None:
    cat = digifarm.Catalog.from_records(
        projects=[
            {
                "id": "a",
                "name": "A",
                "summary": "s",
                "status": "live",
                "lifecycle": "admitted",
                "license": "MIT",
                "attestations": [{"criterion": "gdpr", "by": "Erika Mustermann", "date": "2026-01-02"}],
                "approvals": [{"by": "Max Mustermann", "date": "2026-01-03"}],
                "needs": [
                    {
                        "kind": "technical",
                        "supported_by": [
                            {
                                "partner": "p",
                                "status": "active",
                                "since": "2026-02-01",
                                "history": [
                                    {"date": "2026-01-20", "to": "suggested", "by": "Erika Mustermann"},
                                    {"date": "2026-02-01", "from": "suggested", "to": "active", "by": "Max Mustermann"},
                                ],
                            }
                        ],
                    }
                ],
            }
        ],
        partners=[{"id": "p", "name": "P", "kind": "association"}],
    )
    [public] = cat.projects()
    assert "attestations" not in public and "approvals" not in public
    [entry] = public["needs"][0]["supported_by"]
    assert entry["status"] == "active" and entry["since"] == "2026-02-01"
    assert "history" not in entry
    assert "Mustermann" not in repr(public)
    [private] = cat.projects(include_private=True)
    assert private["attestations"][0]["by"] == "Erika Mustermann"
    assert private["approvals"][0]["by"] == "Max Mustermann"
    assert len(private["needs"][0]["supported_by"][0]["history"]) == 2


def test_load_catalog_directory(catalog_dir: pathlib.Path, today: datetime.date) -> None:
    cat = digifarm.load_catalog(catalog_dir)
    assert repr(cat) == "Catalog(projects=1, partners=1, offers=1)"
    assert cat.validate(today=today) == []
    assert cat.config["city"] == {"name": "Münster", "ags": "05515000", "languages": ["de", "en"]}
    # str paths work as well as PathLike.
    assert repr(digifarm.load_catalog(str(catalog_dir))) == repr(cat)


def test_records_as_dicts_omit_contacts(catalog_dir: pathlib.Path) -> None:
    cat = digifarm.load_catalog(catalog_dir)
    [project] = cat.projects()
    assert project["id"] == "baumkataster"
    assert project["summary"] == {"de": "Alle Stadtbäume auf einer Karte", "en": "Every city tree on a map"}
    assert [n["kind"] for n in project["needs"]] == ["content", "technical", "financial"]
    assert project["needs"][2]["eur_per_year"] == 1200.0
    assert "contacts" not in project
    assert "contacts" not in cat.partners()[0]
    [private] = cat.projects(include_private=True)
    assert private["contacts"] == [{"name": "Erika Mustermann", "email": "erika@example.org"}]
    assert cat.partners(include_private=True)[0]["contacts"] == [{"name": "Max Mustermann"}]
    assert cat.offers() == [
        {
            "id": "citeq-hosting",
            "partner": "citeq",
            "kind": "technical",
            "skills": ["hosting"],
            "capacity": {},
        }
    ]


def test_load_diagnostics_have_positions(catalog_dir: pathlib.Path, today: datetime.date) -> None:
    (catalog_dir / "projects" / "kaputt.yaml").write_text(
        "id: kaputt\nname: Kaputt\nsummary: s\nstatus: live\nlifecycle: proposed\nlicense: GPL v3\n",
        encoding="utf-8",
    )
    (catalog_dir / "partners" / "leer.yaml").write_text("", encoding="utf-8")
    cat = digifarm.load_catalog(catalog_dir)
    found = {(d.code, pathlib.Path(d.file).name, d.line, d.column) for d in cat.validate(today=today)}
    assert ("license-invalid", "kaputt.yaml", 6, 1) in found
    assert ("empty-file", "leer.yaml", 1, 1) in found


def test_load_single_record_file(tmp_path: pathlib.Path, today: datetime.date) -> None:
    path = tmp_path / "projects.jsonl"
    path.write_text(
        '{"id": "a", "name": "A", "summary": "s", "status": "idea", "lifecycle": "proposed", "license": "MIT"}\n'
        '{"id": "b", "name": "B", "summary": "s", "status": "idea", "lifecycle": "proposed"}\n',
        encoding="utf-8",
    )
    cat = digifarm.load_catalog(path)
    assert [p["id"] for p in cat.projects()] == ["a"]
    [d] = cat.validate(today=today)
    assert (d.code, d.line, d.message) == ("missing-field", 2, "missing required field `license`")


def test_missing_path_is_file_not_found(tmp_path: pathlib.Path) -> None:
    missing = tmp_path / "nothing-here"
    with pytest.raises(FileNotFoundError) as info:
        digifarm.load_catalog(missing)
    assert info.value.filename == str(missing)
    assert isinstance(info.value, OSError)


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root reads anything")
def test_unreadable_directory_is_permission_error(tmp_path: pathlib.Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        with pytest.raises(PermissionError):
            digifarm.load_catalog(locked)
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize("bad, name", [(None, "NoneType"), (42, "int"), (["a"], "list")])
def test_load_catalog_rejects_non_paths(bad: Any, name: str) -> None:
    with pytest.raises(TypeError) as info:
        digifarm.load_catalog(bad)
    assert str(info.value) == f"load_catalog() path must be a str or os.PathLike, not {name}"


def test_from_records_and_validate(
    project: Dict[str, Any], partner: Dict[str, Any], offer: Dict[str, Any], today: datetime.date
) -> None:
    cat = digifarm.Catalog.from_records(
        projects=[project], partners=[partner], offers=[offer], config={"city": {"name": "Münster"}}
    )
    assert cat.validate(today=today) == []
    project2 = dict(project, id="zweites")
    project2["needs"] = [{"kind": "technical", "supported_by": [{"partner": "nobody"}]}]
    cat = digifarm.Catalog.from_records(projects=[project, project2, project], partners=[partner], offers=[offer])
    found = [(d.code, d.file, d.pointer) for d in cat.validate(today=today)]
    assert ("dangling-reference", "<projects>", "/1/needs/0/supported_by/0/partner") in found
    assert ("duplicate-id", "<projects>", "/2/id") in found


def test_from_records_defaults() -> None:
    cat = digifarm.Catalog.from_records()
    assert repr(cat) == "Catalog(projects=0, partners=0, offers=0)"
    assert cat.projects() == [] and cat.partners() == [] and cat.offers() == []
    assert cat.config["license"]["policy"] == "osi-or-fsf"


def test_from_records_raises_catalog_error_with_every_problem(project: Dict[str, Any]) -> None:
    broken = dict(project)
    del broken["name"]
    with pytest.raises(digifarm.CatalogError) as info:
        digifarm.Catalog.from_records(
            projects=[project, broken],
            partners=[{"id": "p", "name": "P", "kind": "bank"}],
            offers=[{"id": "o", "partner": "p"}],
        )
    error = info.value
    assert isinstance(error, ValueError) and isinstance(error, digifarm.DigifarmError)
    assert sorted((d.file, d.code, d.pointer) for d in error.diagnostics) == [
        ("<offers>", "missing-field", "/0"),
        ("<partners>", "invalid-value", "/0/kind"),
        ("<projects>", "missing-field", "/1"),
    ]
    assert str(error).startswith("3 record problem(s): ")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"projects": 42}, "projects must be a list of dicts, not int"),
        ({"partners": {"id": "p"}}, "partners must be a list of dicts, not dict"),
        ({"offers": ["o"]}, "offers[0] must be a dict, not str"),
        ({"projects": [None]}, "projects[0] must be a dict, not NoneType"),
        ({"config": ["x"]}, "config must be a dict, not list"),
    ],
)
def test_from_records_type_errors(kwargs: Dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError) as info:
        digifarm.Catalog.from_records(**kwargs)
    assert str(info.value) == message


def test_catalog_validate_rejects_bad_today() -> None:
    with pytest.raises(TypeError, match="today must be a datetime.date, not int"):
        digifarm.Catalog.from_records().validate(today=3)  # type: ignore[arg-type]


def test_catalog_is_immutable() -> None:
    cat = digifarm.Catalog.from_records()
    with pytest.raises(AttributeError):
        cat.config = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        digifarm.Catalog()  # type: ignore[call-arg]

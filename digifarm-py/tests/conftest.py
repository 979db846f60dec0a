"""Shared fixtures: valid records and a small catalog on disk."""

from __future__ import annotations

import copy
import datetime
import pathlib
import textwrap
from typing import Any, Callable, Dict

import pytest

TODAY = datetime.date(2026, 9, 1)

PROJECT: Dict[str, Any] = {
    "id": "baumkataster",
    "name": "Baumkataster Münster",
    "summary": {"de": "Alle Stadtbäume auf einer Karte", "en": "Every city tree on a map"},
    "status": "in-development",
    "lifecycle": "admitted",
    "admitted_on": "2025-03-01",
    "last_reviewed": "2026-06-01",
    "categories": ["umwelt"],
    "technologies": ["python", "leaflet"],
    "links": {"source": "https://github.com/example/baumkataster"},
    "license": "EUPL-1.2",
    "needs": [
        {"kind": "content", "skills": ["botanik"], "hours_per_month": 4},
        {"kind": "technical", "supported_by": [{"partner": "citeq", "offer": "citeq-hosting"}]},
    ],
    "contacts": [{"name": "Erika Mustermann", "email": "erika@example.org"}],
}

PARTNER: Dict[str, Any] = {
    "id": "citeq",
    "name": "citeq",
    "kind": "public-body",
    "region": "05515000",
    "contacts": [{"name": "Max Mustermann", "role": "Ansprechpartner"}],
}

OFFER: Dict[str, Any] = {
    "id": "citeq-hosting",
    "partner": "citeq",
    "kind": "technical",
    "skills": ["hosting"],
    "capacity": {"projects": 3, "hours_per_month": 20},
}

CONFIG: Dict[str, Any] = {"city": {"name": "Münster", "ags": "05515000", "languages": ["de", "en"]}}


@pytest.fixture
def project() -> Dict[str, Any]:
    return copy.deepcopy(PROJECT)


@pytest.fixture
def partner() -> Dict[str, Any]:
    return copy.deepcopy(PARTNER)


@pytest.fixture
def offer() -> Dict[str, Any]:
    return copy.deepcopy(OFFER)


@pytest.fixture
def today() -> datetime.date:
    return TODAY


def write_catalog(root: pathlib.Path) -> pathlib.Path:
    """A small valid catalog: one project with a help-wanted need, one partner, one offer."""
    (root / "projects").mkdir(parents=True)
    (root / "partners").mkdir()
    (root / "offers").mkdir()
    (root / "digifarm.toml").write_text(
        '[city]\nname = "Münster"\nags = "05515000"\nlanguages = ["de", "en"]\n', encoding="utf-8"
    )
    (root / "projects" / "baumkataster.yaml").write_text(
        textwrap.dedent(
            """\
            id: baumkataster
            name: Baumkataster Münster
            summary:
              de: Alle Stadtbäume auf einer Karte
              en: Every city tree on a map
            status: in-development
            lifecycle: admitted
            admitted_on: 2025-03-01
            last_reviewed: 2026-06-01
            links:
              source: https://github.com/example/baumkataster
            license: EUPL-1.2
            needs:
              - kind: content
                description: Baumarten prüfen
                skills: [botanik]
              - kind: technical
                supported_by:
                  - partner: citeq
                    offer: citeq-hosting
              - kind: financial
                eur_per_year: 1200
            contacts:
              - name: Erika Mustermann
                email: erika@example.org
            """
        ),
        encoding="utf-8",
    )
    (root / "partners" / "citeq.yaml").write_text(
        "id: citeq\nname: citeq\nkind: public-body\nregion: '05515000'\n"
        "contacts:\n  - name: Max Mustermann\n",
        encoding="utf-8",
    )
    (root / "offers" / "citeq-hosting.yaml").write_text(
        "id: citeq-hosting\npartner: citeq\nkind: technical\nskills: [hosting]\n", encoding="utf-8"
    )
    return root


@pytest.fixture
def catalog_dir(tmp_path: pathlib.Path) -> pathlib.Path:
    return write_catalog(tmp_path / "catalog")


@pytest.fixture
def make_catalog_dir(tmp_path: pathlib.Path) -> Callable[[str], pathlib.Path]:
    def make(name: str) -> pathlib.Path:
        return write_catalog(tmp_path / name)

    return make

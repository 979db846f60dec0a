"""Write digifarm plugins in Python.

A plugin is a class that implements one kind::

    from digifarm_plugin import Validator, Diagnostic

    class GermanSummary(Validator):
        def validate(self, city, projects):
            return [Diagnostic.warning(p.id, "summary-short", "/summary", "too short")
                    for p in projects if len(p.summary) == 0]

and ``digifarm-plugin build app.py --id german-summary`` turns the module into a
WebAssembly component (with componentize-py) plus its ``plugin.toml``.

| kind | implement | gets | returns |
|---|---|---|---|
| validator | ``validate(self, city, projects)`` | :class:`City`, list of :class:`Project` | list of :class:`Diagnostic` |
| scorer | ``score(self, city, candidates)`` | :class:`City`, list of :class:`Candidate` | list of :class:`Score` or floats, one per candidate |
| exporter | ``export(self, catalog)`` | :class:`Catalog` | :class:`ExportOutput` |
| importer | ``import_records(self, media_type, data)`` | str, bytes | :class:`ImportOutput` |

An exception raised by the plugin becomes its error (the host reports ``plugin-failed`` with
the message); so does output of the wrong shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Union

from . import host
from .records import (
    Candidate,
    Capacity,
    Catalog,
    City,
    Deployment,
    Links,
    Need,
    Offer,
    Origin,
    Partner,
    Project,
    ScorerBatch,
    SupportRef,
    Text,
)

__version__ = "0.1.0"
#: The `digifarm:plugin` interface version this SDK builds against.
API_VERSION = "0.1.0"

SEVERITIES = ("error", "warning", "info")


@dataclass
class Diagnostic:
    """A finding. ``subject``: the id of the project it is about; ``code``: kebab-case (the
    host shows it as ``<plugin-id>/<code>``); ``pointer``: a JSON pointer into the record
    (``/links/source``) or empty; ``severity``: ``"error"``, ``"warning"`` or ``"info"``."""

    subject: str
    code: str
    severity: str
    pointer: str
    message: str
    help: Optional[str] = None

    @classmethod
    def error(cls, subject: str, code: str, pointer: str, message: str, help: Optional[str] = None) -> "Diagnostic":
        return cls(subject, code, "error", pointer, message, help)

    @classmethod
    def warning(cls, subject: str, code: str, pointer: str, message: str, help: Optional[str] = None) -> "Diagnostic":
        return cls(subject, code, "warning", pointer, message, help)

    @classmethod
    def info(cls, subject: str, code: str, pointer: str, message: str, help: Optional[str] = None) -> "Diagnostic":
        return cls(subject, code, "info", pointer, message, help)

    def with_help(self, help: str) -> "Diagnostic":
        self.help = help
        return self


@dataclass
class ScoreTerm:
    """One term of a score, explained."""

    name: str
    value: float
    explanation: str


@dataclass
class Score:
    """A scorer's score for one candidate: ``value`` in [0, 1], with its terms."""

    value: float
    terms: List[ScoreTerm] = field(default_factory=list)


@dataclass
class ExportOutput:
    """What an exporter produced: its bytes and their media type."""

    media_type: str
    data: bytes


@dataclass
class ImportOutput:
    """What an importer produced (records as in :mod:`digifarm_plugin.records`)."""

    projects: List[Project] = field(default_factory=list)
    partners: List[Partner] = field(default_factory=list)
    offers: List[Offer] = field(default_factory=list)
    diagnostics: List[Diagnostic] = field(default_factory=list)


class Validator:
    """A batch of projects in, findings out."""

    kind = "validator"

    def validate(self, city: City, projects: List[Project]) -> List[Diagnostic]:
        raise NotImplementedError


class Scorer:
    """A batch of need/offer candidates in, one score in [0, 1] per candidate out."""

    kind = "scorer"

    def score(self, city: City, candidates: List[Candidate]) -> List[Union[Score, float]]:
        raise NotImplementedError


class Exporter:
    """The catalog's public data in, bytes and a media type out."""

    kind = "exporter"

    def export(self, catalog: Catalog) -> ExportOutput:
        raise NotImplementedError


class Importer:
    """Bytes and their media type in, records out."""

    kind = "importer"

    def import_records(self, media_type: str, data: bytes) -> ImportOutput:
        raise NotImplementedError


KINDS = {"validator": Validator, "scorer": Scorer, "exporter": Exporter, "importer": Importer}

__all__ = [
    "API_VERSION", "Candidate", "Capacity", "Catalog", "City", "Deployment", "Diagnostic",
    "ExportOutput", "Exporter", "ImportOutput", "Importer", "KINDS", "Links", "Need", "Offer",
    "Origin", "Partner", "Project", "Score", "ScoreTerm", "Scorer", "ScorerBatch", "SupportRef",
    "Text", "Validator", "host",
]

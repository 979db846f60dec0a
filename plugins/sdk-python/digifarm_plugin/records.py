"""The records a plugin sees: public fields only, named as in the WIT records of
``digifarm:plugin@0.1.0`` and the Rust SDK's views (``hours_per_month``, ``supported_by``).

Absent optional values are ``None``; lists are Python lists; localized texts are lists of
:class:`Text` (``lang`` is empty for the catalog's default language); dates are ISO 8601
strings (``"2024-05-01"``); enum values are the catalog's kebab-case words
(``"in-development"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional


@dataclass(slots=True)
class Text:
    """One language version of a text."""

    lang: str
    value: str


@dataclass(slots=True)
class Links:
    homepage: Optional[str] = None
    source: Optional[str] = None
    info: Optional[str] = None


@dataclass(slots=True)
class Origin:
    city: Optional[str] = None
    community: Optional[str] = None
    started: Optional[str] = None


@dataclass(slots=True)
class SupportRef:
    """A partner (and optionally one of its offers) that supports a need."""

    partner: str
    offer: Optional[str] = None
    since: Optional[str] = None


@dataclass(slots=True)
class Need:
    """Something a project needs; ``supported_by`` empty: it still wants help."""

    kind: str
    description: List[Text] = field(default_factory=list)
    skills: List[str] = field(default_factory=list)
    hours_per_month: Optional[float] = None
    eur_per_year: Optional[float] = None
    priority: str = "normal"
    since: Optional[str] = None
    supported_by: List[SupportRef] = field(default_factory=list)


@dataclass(slots=True)
class Deployment:
    mode: str
    cities: List[str] = field(default_factory=list)


@dataclass(slots=True)
class Project:
    id: str
    name: str
    summary: List[Text] = field(default_factory=list)
    description: List[Text] = field(default_factory=list)
    status: str = "idea"
    status_since: Optional[str] = None
    lifecycle: str = "proposed"
    categories: List[str] = field(default_factory=list)
    software_type: Optional[str] = None
    complexity: Optional[str] = None
    technologies: List[str] = field(default_factory=list)
    origin: Optional[Origin] = None
    admitted_on: Optional[str] = None
    links: Links = field(default_factory=Links)
    license: str = ""
    deployment: Optional[Deployment] = None
    needs: List[Need] = field(default_factory=list)
    last_reviewed: Optional[str] = None


@dataclass(slots=True)
class Partner:
    id: str
    name: str
    kind: str
    sectors: List[str] = field(default_factory=list)
    region: Optional[str] = None
    website: Optional[str] = None


@dataclass(slots=True)
class Capacity:
    projects: Optional[int] = None
    hours_per_month: Optional[float] = None


@dataclass(slots=True)
class Offer:
    id: str
    partner: str
    kind: str
    description: List[Text] = field(default_factory=list)
    skills: List[str] = field(default_factory=list)
    topics: List[str] = field(default_factory=list)
    regions: List[str] = field(default_factory=list)
    remote: bool = False
    capacity: Capacity = field(default_factory=Capacity)
    budget_eur_per_year: Optional[float] = None
    license_requirement: Optional[str] = None
    valid_from: Optional[str] = None
    valid_until: Optional[str] = None


@dataclass(slots=True)
class City:
    """The city running the catalog."""

    name: str
    ags: Optional[str] = None
    languages: List[str] = field(default_factory=list)
    website: Optional[str] = None


@dataclass(slots=True)
class Catalog:
    """What an exporter gets: the catalog's public data."""

    city: City
    projects: List[Project] = field(default_factory=list)
    partners: List[Partner] = field(default_factory=list)
    offers: List[Offer] = field(default_factory=list)


@dataclass(slots=True)
class Candidate:
    """One need of one project and an offer (with its partner) that could meet it."""

    project: Project
    need_index: int
    need: Need
    offer: Offer
    partner: Partner


@dataclass(slots=True)
class ScorerBatch:
    """A scorer's input as encoded: records plus candidates as index quadruples
    ``(project, need_index, offer, partner)``."""

    projects: List[Project] = field(default_factory=list)
    partners: List[Partner] = field(default_factory=list)
    offers: List[Offer] = field(default_factory=list)
    candidates: List[tuple] = field(default_factory=list)

    def resolve(self) -> List[Candidate]:
        """The candidates with their records; an index outside the batch raises ValueError."""
        out = []
        for i, (p, n, o, pa) in enumerate(self.candidates):
            try:
                project = self.projects[p]
                out.append(Candidate(project, n, project.needs[n], self.offers[o], self.partners[pa]))
            except IndexError:
                raise ValueError(f"candidate {i} refers to a record not in the batch") from None
        return out

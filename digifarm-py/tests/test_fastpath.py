"""The fast path (dicts read straight into the typed model) and the authoritative path (JSON
value → JSON Schema → serde) must agree: a record is valid by one iff valid by the other,
and problems are reported identically. `Catalog.from_records` always takes the
authoritative path, `validate_project` takes the fast one when it can."""

from __future__ import annotations

import copy
import datetime
import random
from typing import Any, Dict, Iterator, List, Tuple

import pytest

import digifarm

SCHEMA_CODES = {
    "missing-field",
    "unknown-field",
    "wrong-type",
    "invalid-value",
    "invalid-format",
    "out-of-range",
    "schema-violation",
    "invalid-number",
    "too-deep",
}

# Values that probe the edges of every constraint the schema has beyond serde's types.
PROBES: List[Tuple[Tuple[Any, ...], List[Any]]] = [
    (("id",), ["a", "a-b", "a--b", "-a", "a-", "A", "a_b", "ä", "x" * 80, "x" * 81, "", 1, "ms/a", "ms/a/b", "/a", "a/"]),
    (("name",), ["N", "", "x" * 200, "x" * 201, "ü" * 200, None]),
    (("license",), ["MIT", "", "x" * 1000, "x" * 1001, "GPL v3", " MIT "]),
    (("summary",), ["s", "", {"de": "x"}, {"de-CH": "x"}, {"DE": "x"}, {"de-ch": "x"}, {"deu": "x"}, {"de": 1}, {}, [], None]),
    (("description",), [None, "d", {"en": "d"}, {"e": "d"}]),
    (("status",), ["live", "Live", "alive", None, 1]),
    (("lifecycle",), ["admitted", "in-review", "in_review", ""]),
    (("admitted_on",), ["2025-03-01", "2025-3-1", "+2025-03-01", "2025-02-30", "2025-03-01T00:00", 20250301, None]),
    (("last_reviewed",), ["2024-02-29", "2023-02-29", " 2024-02-28", "2024-02-28\n"]),
    (("links",), [{}, {"homepage": "https://x"}, {"homepage": "ftp://x"}, {"source": "git://x"}, {"source": "ssh://x"}, {"source": "git@github.com:x"}, {"info": "http://x"}, {"homepage": "https://a b"}, {"homepage": "https://"}, {"info": "http://a\u00a0b"}, {"source": "git://a\tb"}, {"source": "ssh://"}, {"homepage": None}, None, {"wiki": "https://x"}]),
    (("origin",), [{"started": "2019"}, {"started": "2019-13"}, {"started": "2019-00"}, {"started": "2019-12-39"}, {"started": "2019-12-40"}, {"started": "19"}, {"city": "Münster"}, {"started": 2019}]),
    (("categories",), [[], ["umwelt"], "umwelt", [1], ["a", "a"]]),
    (("complexity",), ["low", "very-high", "very high", None]),
    (("deployment",), [{"mode": "per-city"}, {"mode": "central", "cities": ["Münster"]}, {"mode": "everywhere"}, {}]),
    (("history",), [[], [{"date": "2024-01-01", "to": "admitted"}], [{"date": "2024-1-1", "to": "admitted"}], [{"to": "admitted"}]]),
    (("contacts",), [[], [{"name": "E"}], [{"name": ""}], [{"name": "E", "public": "yes"}], [{"email": "x@y"}]]),
    (("needs", 0, "kind"), ["content", "legal", "Legal", "a-b", "a--b", "", "a1"]),
    (("needs", 0, "hours_per_month"), [1, 1.5, 0, -1, "1", True, None, 10**30, float("inf")]),
    (("needs", 0, "priority"), ["high", "urgent", None]),
    (("needs", 0, "since"), ["2024-01-01", "2024-01-1"]),
    (("needs", 0, "supported_by"), [[], [{"partner": "p"}], [{"partner": "p", "since": "x"}], [{"offer": "o"}], [{"partner": "p", "extra": 1}]]),
    (("needs", 0, "description"), [{"de": "x"}, {"x": "y"}]),
    (("status_note",), ["n", {"de": "n"}, {"DE": "n"}]),
    (("image",), ["images/a.png", "", "x" * 300, "x" * 301, "ü" * 300]),
    (("image_alt",), ["Bild", {"de": "Bild"}, {"DE": "Bild"}, {"de_DE": "Bild"}]),
    (("attestations",), [[], [{"criterion": "gdpr", "by": "E", "date": "2024-01-01"}], [{"criterion": "GDPR", "by": "E", "date": "2024-01-01"}], [{"criterion": "gdpr", "by": "", "date": "2024-01-01"}], [{"criterion": "a--b", "by": "E", "date": "2024-01-01"}]]),
]

BASE: Dict[str, Any] = {
    "id": "base",
    "name": "Base",
    "summary": "s",
    "status": "idea",
    "lifecycle": "proposed",
    "license": "MIT",
    "needs": [{"kind": "technical"}],
}


def set_path(record: Dict[str, Any], path: Tuple[Any, ...], value: Any) -> None:
    target: Any = record
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def cases() -> Iterator[Dict[str, Any]]:
    for path, values in PROBES:
        for value in values:
            record = copy.deepcopy(BASE)
            set_path(record, path, value)
            yield record
    rng = random.Random(5)
    for _ in range(300):
        record = copy.deepcopy(BASE)
        for path, values in rng.sample(PROBES, 3):
            set_path(record, path, copy.deepcopy(rng.choice(values)))
        yield record


def authoritative(record: Dict[str, Any]) -> List[Tuple[str, str, str]]:
    """Schema findings of the authoritative path, pointers relative to the record."""
    try:
        digifarm.Catalog.from_records(projects=[record])
    except digifarm.CatalogError as e:
        return sorted((d.code, d.pointer[len("/0"):], d.message) for d in e.diagnostics)
    return []


@pytest.mark.parametrize("record", list(cases()))
def test_fast_and_authoritative_paths_agree(record: Dict[str, Any]) -> None:
    today = datetime.date(2026, 9, 1)
    fast = digifarm.validate_project(record, today=today)
    expected = authoritative(record)
    if expected:
        got = sorted((d.code, d.pointer, d.message) for d in fast if d.code in SCHEMA_CODES)
        assert got == expected
        # Rules on the typed model run only on records that pass the schema.
        assert all(d.code in SCHEMA_CODES for d in fast)
    else:
        assert not [d for d in fast if d.code in SCHEMA_CODES]
    assert digifarm.validate_projects([record], today=today) == [fast]

"""Validate 100k project dicts three ways, side by side on the same data, and print records/s
and ratios.

* digifarm: ``digifarm.validate_projects(records)`` — schema and per-record rules (licence
  SPDX/policy, languages, amounts, dates, staleness), end to end from Python dicts to a list
  of diagnostics per record;
* pydantic v2: ``Project.model_validate(record)`` per record, for a model equivalent to our
  JSON Schema (same fields, enums, patterns, lengths, ``extra="forbid"``; lax mode, so it
  coerces ``"4"`` to ``4.0`` where the schema refuses; no licence or semantic rules);
* jsonschema: ``Draft202012Validator`` with ``digifarm-core/schemas/project.schema.json``
  and format checking, ``iter_errors`` per record (all errors, like digifarm). It is slow,
  so it runs on the first ``--jsonschema-records`` records (default 5,000) and is reported
  per record.

The records are generated deterministically (seeded ``random``) with realistic variety:
plain and localized texts, one to three needs, optional fields, and about 3 % invalid records
(free-text licences, unknown statuses, bad ids, unknown fields).

Usage: python bench/compare_validate.py [--records N] [--jsonschema-records N] [--repeat N]
Requires: pip install ./digifarm-py pydantic jsonschema
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import pathlib
import platform
import random
import time
from typing import Any, Callable, Dict, List, Literal, Optional, Union

import digifarm

TODAY = datetime.date(2026, 9, 1)
SCHEMA = pathlib.Path(__file__).resolve().parents[2] / "digifarm-core" / "schemas" / "project.schema.json"

CATEGORIES = ["umwelt", "verkehr", "kultur", "bildung", "soziales", "verwaltung", "gesundheit", "sport"]
TECHNOLOGIES = ["python", "django", "react", "vue", "leaflet", "postgresql", "rust", "kotlin", "swift", "php", "wordpress", "openstreetmap"]
SKILLS = ["python", "design", "ux", "botanik", "geodaten", "texte", "übersetzung", "hosting", "android", "ios", "datenschutz", "fotografie"]
LICENSES = ["MIT", "Apache-2.0", "GPL-3.0-only", "GPL-3.0-or-later", "AGPL-3.0-or-later", "EUPL-1.2", "BSD-3-Clause", "MPL-2.0", "LGPL-2.1-or-later", "MIT OR Apache-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0"]
BAD_LICENSES = ["GPL v3", "MIT License", "Apache 2", "--"]
WORDS = "stadt karte daten bürger rad weg baum park müll schule kita bus bahn wetter luft wasser energie markt kultur archiv".split()
SLUG_WORDS = "stadt karte daten buerger rad weg baum park muell schule kita bus bahn wetter luft wasser energie markt".split()


def generate(n: int, seed: int = 42) -> List[Dict[str, Any]]:
    rng = random.Random(seed)

    def words(k: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(k))

    def text() -> Any:
        if rng.random() < 0.5:
            return words(rng.randint(4, 12)).capitalize()
        return {"de": words(rng.randint(4, 12)).capitalize(), "en": words(rng.randint(4, 12)).capitalize()}

    def date(start_year: int = 2019) -> str:
        d = datetime.date(start_year, 1, 1) + datetime.timedelta(days=rng.randint(0, (TODAY - datetime.date(start_year, 1, 1)).days))
        return d.isoformat()

    records = []
    for i in range(n):
        lifecycle = rng.choice(["proposed", "in-review", "admitted", "admitted", "sustained", "rejected"])
        r: Dict[str, Any] = {
            "id": f"{rng.choice(SLUG_WORDS)}-{rng.choice(SLUG_WORDS)}-{i}",
            "name": words(rng.randint(1, 3)).title(),
            "summary": text(),
            "status": rng.choice(["idea", "in-development", "live", "live", "paused", "broken"]),
            "lifecycle": lifecycle,
            "license": rng.choice(LICENSES),
            "categories": rng.sample(CATEGORIES, rng.randint(1, 3)),
            "technologies": rng.sample(TECHNOLOGIES, rng.randint(0, 4)),
            "links": {"source": f"https://github.com/example/project-{i}"},
            "last_reviewed": date(2025),
        }
        if rng.random() < 0.5:
            r["description"] = text()
        if rng.random() < 0.4:
            r["links"]["homepage"] = f"https://project-{i}.example.org"
        if lifecycle in ("admitted", "sustained"):
            r["admitted_on"] = date(2021)
        if rng.random() < 0.3:
            r["origin"] = {"city": "Münster", "community": "Code for Münster", "started": str(rng.randint(2015, 2020))}
        if rng.random() < 0.3:
            r["complexity"] = rng.choice(["low", "medium", "high", "very-high"])
        needs = []
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(["content", "technical", "financial"])
            need: Dict[str, Any] = {"kind": kind, "skills": rng.sample(SKILLS, rng.randint(0, 3))}
            if kind == "financial":
                need["eur_per_year"] = float(rng.randrange(500, 20000, 100))
            else:
                need["hours_per_month"] = rng.randint(2, 40)
            if rng.random() < 0.5:
                need["description"] = text()
            if rng.random() < 0.3:
                need["priority"] = rng.choice(["low", "high", "critical"])
            if rng.random() < 0.3:
                need["supported_by"] = [{"partner": f"partner-{rng.randint(1, 50)}", "since": date(2023)}]
            needs.append(need)
        r["needs"] = needs
        if rng.random() < 0.2:
            r["contacts"] = [{"name": words(2).title(), "email": f"kontakt{i}@example.org"}]
        # About 3 % invalid records, of four kinds.
        roll = rng.random()
        if roll < 0.015:
            r["license"] = rng.choice(BAD_LICENSES)
        elif roll < 0.02:
            r["status"] = "alive"
        elif roll < 0.025:
            r["id"] = f"Project {i}"
        elif roll < 0.03:
            r["homepage"] = "https://misplaced.example.org"
        records.append(r)
    return records


def pydantic_model() -> Any:
    from typing_extensions import Annotated

    from pydantic import BaseModel, ConfigDict, Field

    Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=80)]
    Kind = Annotated[str, Field(pattern=r"^[a-z]+(-[a-z]+)*$")]
    Lang = Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]
    Text = Union[str, Dict[Lang, str]]
    Http = Annotated[str, Field(pattern=r"^https?://")]
    Lifecycle = Literal["proposed", "in-review", "admitted", "rejected", "sustained", "retired", "archived"]

    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid")

    class SupportRef(Strict):
        partner: str
        offer: Optional[str] = None
        since: Optional[datetime.date] = None

    class Need(Strict):
        kind: Kind
        description: Optional[Text] = None
        skills: List[str] = []
        hours_per_month: Optional[float] = None
        eur_per_year: Optional[float] = None
        priority: Literal["low", "medium", "high", "critical"] = "medium"
        since: Optional[datetime.date] = None
        supported_by: List[SupportRef] = []

    class Decision(Strict):
        date: datetime.date
        from_: Optional[Lifecycle] = Field(None, alias="from")
        to: Lifecycle
        by: Optional[str] = None
        reason: Optional[str] = None

    class Origin(Strict):
        city: Optional[str] = None
        community: Optional[str] = None
        started: Optional[Annotated[str, Field(pattern=r"^[0-9]{4}(-(0[1-9]|1[0-2])(-[0-3][0-9])?)?$")]] = None

    class Links(Strict):
        homepage: Optional[Http] = None
        source: Optional[Annotated[str, Field(pattern=r"^(https?|git|ssh)://")]] = None
        info: Optional[Http] = None

    class Deployment(Strict):
        mode: Literal["per-city", "central"]
        cities: List[str] = []

    class Contact(Strict):
        name: Annotated[str, Field(min_length=1)]
        role: Optional[str] = None
        email: Optional[str] = None
        phone: Optional[str] = None
        public: bool = False

    class Project(Strict):
        id: Slug
        name: Annotated[str, Field(min_length=1, max_length=200)]
        summary: Text
        description: Optional[Text] = None
        status: Literal["idea", "in-development", "live", "paused", "broken", "archived"]
        status_note: Optional[Text] = None
        status_since: Optional[datetime.date] = None
        lifecycle: Lifecycle
        history: List[Decision] = []
        categories: List[str] = []
        software_type: Optional[str] = None
        complexity: Optional[Literal["low", "medium", "high", "very-high"]] = None
        technologies: List[str] = []
        origin: Optional[Origin] = None
        admitted_on: Optional[datetime.date] = None
        links: Links = Links()
        license: Annotated[str, Field(min_length=1, max_length=1000)]
        license_note: Optional[str] = None
        deployment: Optional[Deployment] = None
        needs: List[Need] = []
        contacts: List[Contact] = []
        last_reviewed: Optional[datetime.date] = None
        image: Optional[str] = None

    return Project


CPU: Dict[str, float] = {}


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple:
    """Best wall-clock time of `repeat` runs; the CPU time (all threads) of that run is kept
    in CPU[fn.__name__ or id]."""
    best, result, cpu = float("inf"), None, 0.0
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        elapsed = time.perf_counter() - start
        if elapsed < best:
            best, cpu = elapsed, time.process_time() - start_cpu
    CPU["last"] = cpu
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--jsonschema-records", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    records = generate(args.records)
    print(f"{len(records)} project dicts, ~{len(json.dumps(records)) // len(records)} bytes of JSON each; "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    rows = []

    t, results = best_of(args.repeat, lambda: digifarm.validate_projects(records, today=TODAY))
    invalid = sum(1 for r in results if any(d.is_error for d in r))
    rows.append(("digifarm.validate_projects", len(records), t, invalid, CPU["last"]))

    try:
        from pydantic import ValidationError

        Project = pydantic_model()

        def pyd() -> int:
            bad = 0
            validate = Project.model_validate
            for r in records:
                try:
                    validate(r)
                except ValidationError:
                    bad += 1
            return bad

        t, bad = best_of(args.repeat, pyd)
        rows.append(("pydantic v2 Project.model_validate", len(records), t, bad, CPU["last"]))
    except ImportError:
        print("pydantic not installed: skipped")

    try:
        import jsonschema

        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        subset = records[: args.jsonschema_records]

        def js_all() -> int:
            return sum(1 for r in subset if list(validator.iter_errors(r)))

        t, bad = best_of(1, js_all)
        rows.append(("jsonschema Draft202012Validator.iter_errors", len(subset), t, bad, CPU["last"]))
    except ImportError:
        print("jsonschema not installed: skipped")

    base = rows[0][2] / rows[0][1]
    print(f"{'validator':44} {'records':>8} {'µs/record':>10} {'records/s':>12} {'× digifarm':>11} {'CPU µs/rec':>11} {'invalid':>8}")
    for name, n, t, bad, cpu in rows:
        per = t / n
        print(f"{name:44} {n:8d} {per * 1e6:10.2f} {n / t:12,.0f} {per / base:11.1f} {cpu / n * 1e6:11.2f} {bad:8d}")
    print("µs/record and records/s: wall clock, best of --repeat runs. × digifarm: how many times longer "
          "than digifarm per record. CPU µs/rec: process CPU time (all threads) of that run. invalid: "
          "records with at least one error (pydantic and jsonschema do not check SPDX licences).")


if __name__ == "__main__":
    main()

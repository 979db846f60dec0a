"""Where a Python validator's time goes, in plain CPython (no component): the SDK's walk over
an encoded batch, the Münster admission rules on the lazily decoded records, and the same
rules on records built beforehand (what typed WIT records give a plugin).

    python3 plugins/sdk-python/bench/lazy_records.py [PROJECTS]

Prints microseconds per project, best of 20 rounds over one batch (default 1,000 projects
with one to three needs, German text with umlauts, and some findings of each rule).
Inside a component the same code runs two to three times slower; the ratios carry over.
"""

import random
import sys
import time
from pathlib import Path

here = Path(__file__).resolve().parent
sys.path.insert(0, str(here.parent))
sys.path.insert(0, str(here.parents[1] / "examples-python" / "muenster-admission"))

from digifarm_plugin import codec, host  # noqa: E402
from digifarm_plugin.records import (  # noqa: E402
    City, Deployment, Links, Need, Origin, Project, SupportRef, Text,
)
import muenster_admission  # noqa: E402


def project(rng: random.Random, i: int) -> Project:
    needs = [
        Need(
            kind=rng.choice(["technical", "content", "financial"]),
            description=[Text("de", "Hilfe bei der Umsetzung für Münster"), Text("en", "help with the roll-out")],
            skills=["python", "ux"],
            hours_per_month=10.0,
            priority="high",
            since="2024-01-01",
            supported_by=[SupportRef(f"p{rng.randint(0, 600):04d}", "o1", "2024-02-02") for _ in range(rng.randint(0, 2))],
        )
        for _ in range(rng.randint(1, 3))
    ]
    return Project(
        id=f"proj-{i}",
        name=f"Projekt {i} für Münster",
        summary=[Text("de", "Eine kurze Zusammenfassung über Bürgerbeteiligung in Münster"), Text("en", "A short summary")],
        description=[Text("de", "Längere Beschreibung " * 10)],
        status="in-development",
        status_since="2024-01-01",
        lifecycle=rng.choice(["admitted", "proposed", "sustained"]),
        categories=["mobility", "participation"],
        software_type="standalone/web",
        complexity="medium",
        technologies=["python", "django", "postgres"],
        origin=Origin(city=rng.choice(["Münster", "Berlin", "Muenster"]), community="CodeforMS", started="2022-05-01"),
        admitted_on="2023-01-01",
        links=Links(homepage="https://example.org", source=rng.choice(["https://github.com/example/project", "http://example.org/src", None])),
        license=rng.choice(["MIT", "EUPL-1.2", "LicenseRef-proprietary"]),
        deployment=Deployment("saas", rng.choice([["Münster", "Köln"], ["Köln"]])),
        needs=needs,
        last_reviewed="2025-01-01",
    )


def per_project(f, n: int, rounds: int = 20) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - started)
    return best * 1e6 / n


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rng = random.Random(1)
    projects = [project(rng, i) for i in range(n)]
    data, strings = codec.encode_projects(projects)
    host.local.licenses.update({"MIT": True, "EUPL-1.2": True})
    host.local.config["city_partners"] = "p0001,p0002"
    city = City("Münster", None, ["de"], None)
    rules = muenster_admission.MuensterAdmission()
    lazy = rules.validate(city, codec.decode_projects(data, strings))
    eager = rules.validate(city, projects)
    # The comparison means something only if every rule finds something.
    codes = {d.code for d in lazy}
    if lazy != eager or codes != {"city-link", "source-repository", "license-not-open"}:
        sys.exit(f"the rules found {len(lazy)} on lazy and {len(eager)} on prebuilt records, codes {sorted(codes)}: "
                 "expected the same findings, of every rule")
    indexed, _ = codec.encode_projects(projects, indexed=True)
    if rules.validate(city, codec.decode_projects(indexed, strings)) != eager:
        sys.exit("the rules found something else on records decoded from the indexed input")
    built = per_project(lambda: rules.validate(city, projects), n)
    print(f"{n} projects ({len(data):,} bytes of records, {len(strings):,} characters of text), {len(lazy)} findings")
    print(f"  rules on records built beforehand   {built:6.2f} µs per project")
    for version, input in (("1, walked", data), ("2, indexed", indexed)):
        walk = per_project(lambda: codec.decode_projects(input, strings), n)
        both = per_project(lambda: rules.validate(city, codec.decode_projects(input, strings)), n)
        print(f"encoding version {version} ({len(input):,} bytes):")
        print(f"  decode_projects (walk or index)     {walk:6.2f} µs per project")
        print(f"  decode + rules on lazy records      {both:6.2f} µs per project")
        print(f"  reading fields lazily               {both - walk - built:6.2f} µs per project")


if __name__ == "__main__":
    main()

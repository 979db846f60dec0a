"""List the needs that want help (no partner has agreed to support them) and write them to CSV.

Usage: python examples/python/help_wanted.py [CATALOG_DIR] [OUT_CSV]

Defaults: the Münster catalog in examples/muenster and help_wanted.csv in the current
directory. The CSV uses `;` and a UTF-8 byte-order mark so that Excel with German settings
opens it correctly. Exit status 1 when the catalog has errors.
"""

from __future__ import annotations

import csv
import pathlib
import sys
from typing import Any, Dict, List

import digifarm

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_CATALOG = HERE.parent / "muenster"
COLUMNS = ["project", "project_name", "need", "kind", "priority", "description", "skills", "hours_per_month", "eur_per_year"]


def text(value: Any, language: str) -> str:
    """Localized text in `language` (plain strings are already in the default language)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(language) or next(iter(value.values()), "")


def help_wanted(catalog: digifarm.Catalog) -> List[Dict[str, Any]]:
    language = catalog.config["city"]["languages"][0]
    rows = []
    projects = {p["id"]: p for p in catalog.projects()}
    # The library decides what wants help (no agreed or active support), as everywhere else.
    for wanted in catalog.help_wanted():
        project = projects[wanted["project"]]
        i = wanted["need"]
        need = project["needs"][i]
        rows.append(
            {
                "project": project["id"],
                "project_name": project["name"],
                "need": i,
                "kind": need["kind"],
                "priority": need.get("priority", "medium"),
                "description": text(need.get("description"), language),
                "skills": ", ".join(need.get("skills", [])),
                "hours_per_month": need.get("hours_per_month", ""),
                "eur_per_year": need.get("eur_per_year", ""),
            }
        )
    return rows


def main(argv: List[str]) -> int:
    root = pathlib.Path(argv[1]) if len(argv) > 1 else DEFAULT_CATALOG
    out = pathlib.Path(argv[2]) if len(argv) > 2 else pathlib.Path("help_wanted.csv")
    catalog = digifarm.load_catalog(root)
    errors = [d for d in catalog.validate() if d.is_error]
    for d in errors:
        print(d, file=sys.stderr)
    rows = help_wanted(catalog)
    with out.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    for row in rows:
        print(f"{row['project']}: {row['kind']} ({row['priority']}) {row['description']}".rstrip())
    print(f"{len(rows)} needs want help; written to {out}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

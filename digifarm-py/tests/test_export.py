"""Export from Python: the same files as `digifarm export`, contacts only when asked."""

from __future__ import annotations

import json
import pathlib
import shutil

import pytest

import digifarm

MUENSTER = pathlib.Path(__file__).resolve().parents[2] / "examples" / "muenster"
MARKER = "zz-private-marker-zz"

PROJECT = {
    "id": "radwege", "name": "Radwege", "summary": "Karte der Radwege", "status": "live",
    "lifecycle": "admitted", "license": "MIT", "links": {"source": "https://example.org/radwege.git"},
    "last_reviewed": "2026-10-01", "needs": [{"kind": "technical", "skills": ["python"]}],
    "contacts": [{"name": MARKER, "email": f"{MARKER}@example.org", "phone": MARKER, "role": MARKER}],
    # What a valid publiccode.yml needs beyond the rest of the record.
    "description": "Eine Karte aller Radwege der Stadt mit ihrem Zustand: wer einen Schaden sieht, meldet ihn, "
    "und das Tiefbauamt sieht auf einen Blick, wo es als Nächstes ausbessern sollte.",
    "software": {"kind": "standalone/web", "platforms": ["web"], "features": {"de": ["Karte der Radwege"]},
                 "localisation_ready": False, "available_languages": ["de"]},
}


def test_export_json_round_trips(tmp_path: pathlib.Path) -> None:
    cat = digifarm.load_catalog(MUENSTER)
    written = cat.export("json", tmp_path / "out")
    assert {pathlib.Path(p).name for p in written} >= {"digifarm.toml", "projects.json"}
    again = digifarm.load_catalog(tmp_path / "out")
    assert [p["id"] for p in again.projects()] == [p["id"] for p in cat.projects()]


def test_html_site_and_force(tmp_path: pathlib.Path) -> None:
    cat = digifarm.load_catalog(MUENSTER)
    out = tmp_path / "site"
    written = cat.export("html", out)
    assert (out / "index.html").is_file() and len(written) > 7
    with pytest.raises(FileExistsError, match="not empty"):
        cat.export("html", out)
    assert cat.export("html", out, force=True)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "markdown", "jsonld", "atom", "html", "publiccode"])
def test_contacts_never_leak_without_include_private(tmp_path: pathlib.Path, fmt: str) -> None:
    cat = digifarm.Catalog.from_records(projects=[PROJECT])
    for path in cat.export(fmt, tmp_path / fmt):
        data = pathlib.Path(path).read_bytes()
        assert MARKER.encode() not in data, path


def test_include_private_is_explicit_and_refused_for_public_formats(tmp_path: pathlib.Path) -> None:
    cat = digifarm.Catalog.from_records(projects=[PROJECT])
    [path] = [p for p in cat.export("jsonl", tmp_path / "j", include_private=True) if p.endswith("projects.jsonl")]
    assert json.loads(pathlib.Path(path).read_text().splitlines()[0])["contacts"][0]["name"] == MARKER
    for fmt in ["html", "atom", "jsonld"]:
        with pytest.raises(ValueError, match="refused"):
            cat.export(fmt, tmp_path / fmt, include_private=True)


def test_bad_arguments_and_invalid_catalogs(tmp_path: pathlib.Path) -> None:
    cat = digifarm.Catalog.from_records(projects=[PROJECT])
    with pytest.raises(ValueError, match="unknown export format `pdf`"):
        cat.export("pdf", tmp_path / "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="csv_dialect"):
        cat.export("csv", tmp_path / "x", csv_dialect="tsv")  # type: ignore[arg-type]
    broken = dict(PROJECT, needs=[{"kind": "technical", "supported_by": [{"partner": "nobody"}]}])
    with pytest.raises(digifarm.CatalogError) as info:
        digifarm.Catalog.from_records(projects=[broken]).export("json", tmp_path / "y")
    assert [d.code for d in info.value.diagnostics] == ["dangling-reference"]
    assert not (tmp_path / "y").exists()


def test_export_never_writes_into_its_catalog(tmp_path: pathlib.Path) -> None:
    cat_dir = tmp_path / "cat"
    shutil.copytree(MUENSTER, cat_dir)
    before = sorted((p, p.read_bytes()) for p in cat_dir.rglob("*") if p.is_file())
    cat = digifarm.load_catalog(cat_dir)
    for out in (cat_dir, cat_dir / "projects", cat_dir / "site", tmp_path):
        with pytest.raises(ValueError, match="inputs are never modified"):
            cat.export("json", out, force=True)
    assert before == sorted((p, p.read_bytes()) for p in cat_dir.rglob("*") if p.is_file())

"""Export from Python: the same files as `digifarm export`, contacts only when asked."""

from __future__ import annotations

import datetime
import json
import pathlib
import re
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


def test_publiccode_refuses_or_skips_what_is_not_valid_as_the_cli_does(tmp_path: pathlib.Path) -> None:
    # Münster's data lacks what the standard requires for some projects (features, languages,
    # software type): `validate` predicts each as publiccode-export-invalid.
    cat = digifarm.load_catalog(MUENSTER)
    today = datetime.date(2026, 11, 26)
    to_fix = sorted(
        d.message.split("`")[1] for d in cat.validate(today=today) if d.code == "publiccode-export-invalid"
    )
    assert to_fix
    strict = tmp_path / "strict"
    with pytest.raises(ValueError, match="cannot be exported as a valid publiccode.yml") as info:
        cat.export("publiccode", strict, today=today)
    for project in to_fix:
        assert f"  {project}:" in str(info.value), project
    assert "skip_invalid=True" in str(info.value)
    assert not strict.exists()

    lenient = tmp_path / "lenient"
    with pytest.warns(UserWarning, match=r"skipped \d+ project\(s\)") as caught:
        written = cat.export("publiccode", lenient, today=today, skip_invalid=True)
    skipped = next(str(w.message) for w in caught if "skipped" in str(w.message))
    for project in to_fix:
        assert project in skipped, project
    # Every listed project is either written or named as skipped (Münster's data has none that
    # the standard accepts as it is, so none may be written here).
    ids = {pathlib.Path(p).parent.name for p in written if p.endswith("publiccode.yml")}
    assert not ids & set(to_fix)
    count = int(re.search(r"skipped (\d+) project", skipped).group(1))  # type: ignore[union-attr]
    assert count >= len(to_fix) and count + len(ids) <= len(cat.projects())
    assert not any((lenient / project).exists() for project in to_fix)


def test_publiccode_version_and_base_url_are_the_clis_options(tmp_path: pathlib.Path) -> None:
    cat = digifarm.Catalog.from_records(projects=[PROJECT])
    [path] = cat.export("publiccode", tmp_path / "v04", publiccode_version="0.4")
    [version] = [line for line in pathlib.Path(path).read_text().splitlines() if line.startswith("publiccodeYmlVersion:")]
    assert version.split(":", 1)[1].strip().strip("'\"") == "0.4", version
    with pytest.raises(ValueError, match="publiccode_version `0.1`"):
        cat.export("publiccode", tmp_path / "v01", publiccode_version="0.1")  # type: ignore[arg-type]
    written = cat.export("html", tmp_path / "site", base_url="https://digifarm.example.org/")
    sitemap = next(p for p in written if p.endswith("sitemap.xml"))
    assert "https://digifarm.example.org/" in pathlib.Path(sitemap).read_text()


def test_a_site_without_its_legal_pages_is_exported_with_a_warning(tmp_path: pathlib.Path) -> None:
    # from_records has no [portal]: no Impressum, privacy or accessibility page.
    cat = digifarm.Catalog.from_records(projects=[PROJECT])
    with pytest.warns(UserWarning, match=r"lacks what \[portal\]"):
        written = cat.export("html", tmp_path / "site")
    assert any(p.endswith("index.html") for p in written)

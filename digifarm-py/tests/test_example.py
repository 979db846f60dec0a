"""examples/python/help_wanted.py runs and writes the help-wanted needs as CSV."""

from __future__ import annotations

import csv
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "python" / "help_wanted.py"


def run(catalog: pathlib.Path, out: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(EXAMPLE), str(catalog), str(out)], capture_output=True, text=True, timeout=120
    )


def read_csv(path: pathlib.Path) -> list:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def test_help_wanted_on_a_small_catalog(catalog_dir: pathlib.Path, tmp_path: pathlib.Path) -> None:
    out = tmp_path / "help.csv"
    result = run(catalog_dir, out)
    assert result.returncode == 0, result.stderr
    rows = read_csv(out)
    assert [(r["project"], r["need"], r["kind"]) for r in rows] == [
        ("baumkataster", "0", "content"),
        ("baumkataster", "2", "financial"),
    ]
    assert rows[0]["description"] == "Baumarten prüfen"
    assert rows[0]["skills"] == "botanik"
    assert rows[1]["eur_per_year"] == "1200.0"
    assert out.read_bytes().startswith(b"\xef\xbb\xbfproject;project_name;")
    assert "2 needs want help" in result.stdout


def test_help_wanted_reports_catalog_errors(catalog_dir: pathlib.Path, tmp_path: pathlib.Path) -> None:
    (catalog_dir / "partners" / "citeq.yaml").unlink()
    result = run(catalog_dir, tmp_path / "help.csv")
    assert result.returncode == 1
    assert "dangling-reference" in result.stderr


@pytest.mark.skipif(not (REPO / "examples" / "muenster").is_dir(), reason="examples/muenster not in this checkout yet")
def test_help_wanted_on_muenster(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "help.csv"
    result = run(REPO / "examples" / "muenster", out)
    assert result.returncode == 0, result.stderr
    rows = read_csv(out)
    assert rows, "the Münster catalog has needs that want help"
    assert all(r["kind"] for r in rows)

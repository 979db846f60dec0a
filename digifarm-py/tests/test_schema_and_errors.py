"""digifarm.schema, the exception hierarchy and the package surface."""

from __future__ import annotations

import json
import pathlib

import pytest

import digifarm

SCHEMAS = pathlib.Path(__file__).resolve().parents[2] / "digifarm-core" / "schemas"


@pytest.mark.parametrize("kind", ["project", "partner", "offer", "config"])
def test_schema_is_the_published_one(kind: str) -> None:
    published = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert digifarm.schema(kind) == published


@pytest.mark.parametrize("bad", ["projects", "Project", ""])
def test_schema_rejects_unknown_kinds(bad: str) -> None:
    with pytest.raises(ValueError, match="unknown schema"):
        digifarm.schema(bad)  # type: ignore[arg-type]


def test_schema_rejects_non_strings() -> None:
    with pytest.raises(TypeError):
        digifarm.schema(1)  # type: ignore[arg-type]


def test_exception_hierarchy() -> None:
    assert issubclass(digifarm.DigifarmError, Exception)
    assert issubclass(digifarm.CatalogError, digifarm.DigifarmError)
    assert issubclass(digifarm.CatalogError, ValueError)
    assert digifarm.CatalogError.__module__ == "digifarm"
    assert digifarm.DigifarmError.__module__ == "digifarm"
    assert digifarm.CatalogError.__doc__ and "diagnostics" in digifarm.CatalogError.__doc__


def test_all_names_exist_and_are_documented() -> None:
    assert sorted(digifarm.__all__) == sorted(set(digifarm.__all__))
    for name in digifarm.__all__:
        obj = getattr(digifarm, name)
        if name != "__version__":
            assert obj.__doc__, name
    assert digifarm.__version__.count(".") == 2


def test_py_typed_marker_is_installed() -> None:
    package = pathlib.Path(digifarm.__file__).parent
    assert (package / "py.typed").exists()
    assert (package / "_digifarm.pyi").exists()

"""The hand-written stubs match the native module (mypy's stubtest), and every docstring
example of the native module runs."""

from __future__ import annotations

import doctest
import inspect
import os
import pathlib
import re
import subprocess
import sys
import types

import pytest

import digifarm
import digifarm._digifarm as native


def test_stubtest(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("mypy", reason="scripts/test-python.sh installs mypy")
    # Run from a directory without a `digifarm` folder, so the installed package is checked.
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "digifarm._digifarm"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "MYPY_FORCE_COLOR": "0"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_stub_names_match_the_module() -> None:
    """The same check without mypy: every public name of the module is in the stub and the
    other way round."""
    stub = (pathlib.Path(native.__file__).parent / "_digifarm.pyi").read_text(encoding="utf-8")
    declared = set(re.findall(r"^(?:def |class )?([A-Za-z_]\w*)\b", stub, re.MULTILINE))
    declared -= {"import", "from"}
    public = {n for n in dir(native) if not n.startswith("_")}
    assert public == {n for n in declared if not n.startswith("_")}
    assert set(native.__all__) <= public | {"__version__"}


def docstring_owners() -> list:
    owners = []
    for name in sorted(dir(native)):
        obj = getattr(native, name)
        if name.startswith("__"):
            continue
        owners.append((name, obj))
        if isinstance(obj, type):
            for attr, member in sorted(vars(obj).items()):
                if not attr.startswith("_"):
                    owners.append((f"{name}.{attr}", member))
    return owners


@pytest.mark.parametrize("name, obj", docstring_owners(), ids=lambda v: v if isinstance(v, str) else "")
def test_docstring_examples_run(name: str, obj: object) -> None:
    doc = inspect.getdoc(obj) or ""
    if isinstance(obj, (types.BuiltinFunctionType, types.MethodDescriptorType, classmethod)) or callable(obj):
        assert doc, f"{name} has no docstring"
    if ">>>" not in doc:
        return
    parser = doctest.DocTestParser()
    test = parser.get_doctest(doc, {"digifarm": digifarm}, name, None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} example(s) of {name} failed"


def test_every_public_callable_has_an_example() -> None:
    for name in ["load_catalog", "validate_project", "validate_projects", "schema", "Catalog", "Diagnostic"]:
        assert ">>>" in (getattr(native, name).__doc__ or ""), name
    for method in ["from_records", "validate", "projects", "partners", "offers"]:
        assert ">>>" in (getattr(native.Catalog, method).__doc__ or ""), method

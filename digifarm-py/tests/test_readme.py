"""Runs every ```python block of the repository's README.md and of digifarm-py/README.md.

Blocks of one file run in order in one namespace, from the repository root (so paths such as
`examples/muenster` work as written)."""

from __future__ import annotations

import os
import pathlib
import re
from typing import List

import pytest

PY_DIR = pathlib.Path(__file__).resolve().parents[1]
REPO = PY_DIR.parent
READMES = [REPO / "README.md", PY_DIR / "README.md"]
BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def python_blocks(path: pathlib.Path) -> List[str]:
    if not path.exists():
        return []
    return BLOCK.findall(path.read_text(encoding="utf-8"))


def test_the_package_readme_has_examples() -> None:
    assert len(python_blocks(PY_DIR / "README.md")) >= 3


@pytest.mark.parametrize("readme", READMES, ids=lambda p: str(p.relative_to(REPO)))
def test_readme_python_blocks_run(readme: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(readme)
    if not blocks:
        pytest.skip(f"{readme.name} has no ```python blocks yet")
    monkeypatch.chdir(REPO)
    namespace: dict = {"__name__": "__readme__"}
    for i, block in enumerate(blocks, 1):
        code = compile(block, f"{readme.relative_to(REPO)} block {i}", "exec")
        exec(code, namespace)  # noqa: S102 - running the documentation is the point
    assert os.getcwd() == str(REPO)

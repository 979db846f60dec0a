#!/usr/bin/env bash
# Builds and tests the Python bindings the way a new user gets them: a fresh virtualenv,
# `pip install ./digifarm-py` (maturin builds the extension), then pytest.
# Idempotent; runs from any directory. Exits non-zero on any failure.
#
# Environment: PYTHON (default python3), DIGIFARM_PY_VENV (default target/py-venv).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"
venv="${DIGIFARM_PY_VENV:-$repo/target/py-venv}"

rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "maturin>=1.9.4,<2" "pytest>=8" mypy
# The contract: a plain pip install of the directory works. Cargo's target directory is the
# workspace's, so rebuilding after a change is incremental.
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}" \
    "$venv/bin/python" -m pip install --quiet "$repo/digifarm-py"
cd "$repo/digifarm-py"
# importlib mode and no cache: the tests import the installed package, never ./python.
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"

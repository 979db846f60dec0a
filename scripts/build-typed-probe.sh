#!/usr/bin/env bash
# Builds the two Python components of the probe world `typed-validator`
# (plugins/digifarm-plugin-host/benches/typed-probe/): the Münster admission rules and a
# validator that returns at once, both receiving the projects as typed WIT records. The bench
# `typed_world` measures them next to the same rules through the encoded world
# (scripts/bench-typed-world.sh runs both). Writes target/typed-probe/*.wasm; uses the
# virtualenv of scripts/build-plugins-python.sh (target/venv-plugins-python, or
# DIGIFARM_PLUGIN_VENV), creating it if needed, with the SDK and its componentize-py. Exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${DIGIFARM_PLUGIN_VENV:-$root/target/venv-plugins-python}"
probe="$root/plugins/digifarm-plugin-host/benches/typed-probe"
out="$root/target/typed-probe"

if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
# The same componentize-py as the SDK's plugins are built with.
"$venv/bin/pip" install --quiet --disable-pip-version-check "$root/plugins/sdk-python"
mkdir -p "$out"
for app in typed_muenster typed_noop; do
    # componentize-py would otherwise add the whole virtualenv to the component's path.
    env -u VIRTUAL_ENV "$venv/bin/componentize-py" -d "$probe/wit" -w typed-validator \
        componentize "$app" -p "$probe" -o "$out/$app.wasm.partial"
    mv "$out/$app.wasm.partial" "$out/$app.wasm"
    echo "built $out/$app.wasm ($(stat -c %s "$out/$app.wasm") bytes)"
done

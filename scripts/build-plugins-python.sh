#!/usr/bin/env bash
# Builds the Python example and test plugins (plugins/examples-python/) with the Python SDK
# (plugins/sdk-python/, whose `digifarm-plugin build` runs componentize-py) and assembles
# each in plugins/examples/dist/<id>/{<id>.wasm,plugin.toml}, beside the Rust plugins. First
# runs the SDK's own unit tests (plain Python, no component). Installs what it needs in a
# virtualenv (target/venv-plugins-python; override with DIGIFARM_PLUGIN_VENV). Idempotent;
# runs from any directory; exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${DIGIFARM_PLUGIN_VENV:-$root/target/venv-plugins-python}"
examples="$root/plugins/examples-python"
dist="$root/plugins/examples/dist"

if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "$root/plugins/sdk-python"

echo "==> Python SDK: unit tests (codec round trip, records, build errors)"
(cd "$root/plugins/sdk-python" && "$venv/bin/python" -m unittest discover -s tests -q)

echo "==> building the Python plugins (componentize-py)"
build() { # DIR MODULE ID [build options…]
    local dir="$1" module="$2" id="$3"
    shift 3
    local out="$dist/$id"
    rm -rf "$out"
    mkdir -p "$out"
    "$venv/bin/digifarm-plugin" build "$examples/$dir/$module.py" --id "$id" --out "$out" "$@"
    mv "$out/$id.plugin.toml" "$out/plugin.toml"
}
build muenster-admission muenster_admission muenster-admission-py \
    --name "DIGIFARM Münster admission criteria (Python)" --memory-mb 64 --timeout-ms 2000
build local-first local_first local-first-py --name "Local partners first (Python)" --memory-mb 64 --timeout-ms 2000
build conformance conformance_py conformance-py --name "SDK conformance (Python)" --memory-mb 128 --timeout-ms 10000
build hostile hostile_py hostile-py --name "Hostile test plugin (Python)"
build civic-json civic_json civic-json-py --name "civic.json importer (Python)" --memory-mb 64 --timeout-ms 2000

#!/usr/bin/env bash
# Builds the JavaScript example and test plugins (plugins/examples-js/) with the JavaScript SDK
# (plugins/sdk-js/, whose `digifarm-plugin build` bundles with esbuild and runs
# componentize-qjs, or componentize-js for the StarlingMonkey builds) and assembles each in plugins/examples/dist/<id>/{<id>.wasm,plugin.toml},
# beside the Rust plugins. Installs the SDK's pinned npm dependencies (`npm ci`), builds, then
# runs the SDK's unit tests (`node --test`). Prints each build's time and wasm size.
# Needs Node.js 20+ and npm; no Rust. Idempotent; runs from any directory; exits non-zero on
# any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sdk="$root/plugins/sdk-js"
examples="$root/plugins/examples-js"
dist="$root/plugins/examples/dist"

command -v node >/dev/null || { echo "error: node (Node.js 20+) is not installed" >&2; exit 1; }
command -v npm >/dev/null || { echo "error: npm is not installed" >&2; exit 1; }
node_major="$(node -p 'process.versions.node.split(".")[0]')"
(( node_major >= 20 )) || { echo "error: Node.js 20+ needed, found $(node --version)" >&2; exit 1; }

echo "==> JavaScript SDK: npm ci"
(cd "$sdk" && npm ci --no-audit --no-fund --loglevel=error)

echo "==> building the JavaScript plugins (esbuild + componentize-qjs, or componentize-js)"
build() { # DIR ID [build options…]
    local dir="$1" id="$2"
    shift 2
    local out="$dist/$id" start end
    rm -rf "$out"
    mkdir -p "$out"
    start="$(date +%s%N)"
    node "$sdk/bin/digifarm-plugin.js" build "$examples/$dir/app.js" --id "$id" --out "$out" \
        --manifest-name plugin.toml --quiet "$@"
    end="$(date +%s%N)"
    [[ -f "$out/$id.wasm" && -f "$out/plugin.toml" ]] || { echo "error: $id was not built" >&2; exit 1; }
    printf '    %-22s %6.1f s  %9d bytes\n' "$id" "$(( (end - start) / 1000000 ))e-3" "$(wc -c <"$out/$id.wasm")"
}
build rss-feed rss-feed --name "RSS feed of projects looking for support (JavaScript)" \
    --description "An RSS 2.0 feed of the projects whose needs want help"
build muenster-admission muenster-admission-js --name "DIGIFARM Münster admission criteria (JavaScript)" \
    --description "A link to the city, a source repository, an open-source licence"
build conformance conformance-js --name "SDK conformance (JavaScript)" \
    --description "Re-encodes the catalog with the JS SDK's codec"
build hostile hostile-js --name "Hostile test plugin (JavaScript)" \
    --description "Misbehaves as the config key mode says"
build local-first local-first-js --name "Local partners first (JavaScript)" \
    --description "Boosts offers from partners in the project's own city"
build civic-json civic-json-js --name "civic.json importer (JavaScript)" \
    --description "Reads civic.json files (BetaNYC and DCgov variants)"

# The same plugins with the StarlingMonkey engine (`--backend starlingmonkey`, the engine with
# the web platform and WASI capabilities): the admission rules (agree with Rust;
# benchmarked), the conformance exporter and the hostile plugin.
build muenster-admission muenster-admission-sm --backend starlingmonkey \
    --name "DIGIFARM Münster admission criteria (JavaScript, StarlingMonkey)" \
    --description "A link to the city, a source repository, an open-source licence"
build conformance conformance-sm --backend starlingmonkey --name "SDK conformance (JavaScript, StarlingMonkey)" \
    --description "Re-encodes the catalog with the JS SDK's codec"
build hostile hostile-sm --backend starlingmonkey --name "Hostile test plugin (JavaScript, StarlingMonkey)" \
    --description "Misbehaves as the config key mode says"

echo "==> JavaScript SDK: unit tests (node --test)"
(cd "$sdk" && node --test test/)

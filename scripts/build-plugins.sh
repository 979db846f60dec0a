#!/usr/bin/env bash
# Builds the example and hostile plugins for wasm32-wasip2 and assembles them, each with its
# manifest and the hash of the module built here, in plugins/examples/dist/ (what
# DIGIFARM_PLUGINS_DIR points the host's and the CLI's plugin tests at). Installs the target.
# Idempotent; runs from any directory; exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
examples="$root/plugins/examples"
dist="$examples/dist"
plugins=(muenster-admission local-first atom-feed civic-json hostile hostile-importer hostile-scorer hostile-exporter conformance)

rustup target add wasm32-wasip2 >/dev/null

echo "==> building plugins (release, wasm32-wasip2)"
cargo build --release --target wasm32-wasip2 --manifest-path "$examples/Cargo.toml"

# shellcheck source=scripts/sha256.sh
source "$root/scripts/sha256.sh"

echo "==> assembling $dist"
for name in "${plugins[@]}"; do
    wasm="$examples/target/wasm32-wasip2/release/${name//-/_}.wasm"
    [[ -f "$wasm" ]] || { echo "error: $wasm was not built" >&2; exit 1; }
    mkdir -p "$dist/$name"
    cp "$wasm" "$dist/$name/$name.wasm"
    hash="$(sha256 "$dist/$name/$name.wasm")"
    sed "s/^sha256 = .*/sha256 = \"$hash\"/" "$examples/$name/plugin.toml" >"$dist/$name/plugin.toml"
    echo "    $name  $hash  $(wc -c <"$dist/$name/$name.wasm") bytes"
done

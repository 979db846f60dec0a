#!/usr/bin/env bash
# Builds the example and hostile plugins for wasm32-wasip2 (scripts/build-plugins.sh; the
# Python and JavaScript ones with scripts/build-plugins-{python,js}.sh), checks the tutorials
# (scripts/test-plugin-tutorial{,-python,-js}.sh) and runs the plugin host's tests and the
# CLI's plugin tests against the built plugins. Idempotent; runs from any directory; exits
# non-zero on any failure. With DIGIFARM_REQUIRE_PLUGINS=1 the tests fail, rather than skip,
# when a built plugin is missing. (scripts/test-all.sh runs the same parts, with the plugins
# built before its one `cargo test --workspace`.)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build-plugins.sh"
"$root/scripts/build-plugins-python.sh"
"$root/scripts/build-plugins-js.sh"
"$root/scripts/test-plugin-tutorial.sh"
"$root/scripts/test-plugin-tutorial-python.sh"
"$root/scripts/test-plugin-tutorial-js.sh"

echo "==> host and CLI tests against the built plugins"
export DIGIFARM_PLUGINS_DIR="$root/plugins/examples/dist"
export DIGIFARM_REQUIRE_PLUGINS=1
cargo test --manifest-path "$root/Cargo.toml" -p digifarm-plugin-host
cargo test --manifest-path "$root/Cargo.toml" -p digifarm-cli --test plugins
echo "==> plugin tests passed"

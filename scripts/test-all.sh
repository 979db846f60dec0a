#!/usr/bin/env bash
# Every test of digifarm, as CI runs it: formatting, lints, the Rust tests (unit, integration,
# bad input, the Münster example), the runnable examples, the Python package, the release
# artefacts (static binary and wheel), the WASM plugins through the host, the fuzz targets and
# the HTML portal in headless Chromium. Installs what it needs (Rust targets and toolchains,
# pip packages in virtualenvs, npm packages, Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."

# The test builds carry no debugger information (a failed assertion or panic still names its
# file and line, which the binary keeps without it) and keep no incremental state, which a
# fresh machine never reuses. Each of the ~60 test and example binaries links wasmtime and
# Cranelift: with line tables they were ~0.5 GB each and target/ reached 35 GB on a clean run,
# more than a CI runner's disk had free; without, it stays under a third of that. Set these
# yourself to override (CARGO_PROFILE_DEV_DEBUG=line-tables-only for backtraces with lines).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-0}"
export CARGO_PROFILE_TEST_DEBUG="${CARGO_PROFILE_TEST_DEBUG:-0}"
# The release builds here (the Python extension, the plugins) need no debugger information
# either; Cargo.toml keeps it in the release profile for profiling benchmarks.
export CARGO_PROFILE_RELEASE_DEBUG="${CARGO_PROFILE_RELEASE_DEBUG:-0}"

steps=0
started=$SECONDS
step_started=$SECONDS
step() {
    if ((steps > 0)); then
        printf '    (%d s)\n' $((SECONDS - step_started))
    fi
    steps=$((steps + 1))
    step_started=$SECONDS
    printf '\n==> %s\n' "$*"
}

# What the disk has free at the start and what the build used at the end, for a failure that
# says "No space left on device".
df -h . | sed 's/^/disk: /'

step "toolchain components"
rustup component add rustfmt clippy >/dev/null

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "WASM plugins: build the example and hostile plugins for wasm32-wasip2 (scripts/build-plugins.sh)"
./scripts/build-plugins.sh

step "WASM plugins in Python: the SDK's unit tests, then the example, conformance and hostile plugins (scripts/build-plugins-python.sh: componentize-py in a virtualenv)"
./scripts/build-plugins-python.sh

step "WASM plugins in JavaScript: the SDK's unit tests, then the example, conformance and hostile plugins (scripts/build-plugins-js.sh: componentize-qjs and componentize-js from npm)"
./scripts/build-plugins-js.sh

# The plugin host's and the CLI's plugin tests in the one `cargo test` below run against the
# plugins just built, and fail rather than skip when one is missing.
export DIGIFARM_PLUGINS_DIR="$PWD/plugins/examples/dist"
export DIGIFARM_REQUIRE_PLUGINS=1

step "cargo test (the plugin tests against the plugins just built)"
cargo test --workspace

# The command and the example as `cargo test --workspace` just built them (`cargo run -p`
# would resolve the crates' features for one package alone and build everything again).
target_dir="${CARGO_TARGET_DIR:-target}"
digifarm_bin="$(cd "$target_dir/debug" && pwd)/digifarm"

step "examples: the Münster catalog validates"
"$digifarm_bin" validate examples/muenster --format json >/dev/null

step "examples: the Münster catalog's stored health data (refresh --offline, no request)"
"$digifarm_bin" refresh examples/muenster --offline >/dev/null

step "examples: embedding the library (validate, check a proposal, publish the site, match)"
"$target_dir/debug/examples/validate_catalog" examples/muenster >/dev/null
"$target_dir/debug/examples/validate_proposal" examples/muenster examples/proposals/lastenrad-muenster.yaml >/dev/null
site_dir="$(mktemp -d)"
"$target_dir/debug/examples/export_site" examples/muenster "$site_dir/site" >/dev/null
rm -rf "$site_dir"
"$target_dir/debug/examples/match_needs" examples/muenster >/dev/null

step "WASM plugins: the tutorial in plugins/README.md builds and runs (scripts/test-plugin-tutorial.sh)"
DIGIFARM_BIN="$digifarm_bin" ./scripts/test-plugin-tutorial.sh

step "WASM plugins: the Python and JavaScript walkthroughs in plugins/README.md, from an empty folder (scripts/test-plugin-tutorial-python.sh, scripts/test-plugin-tutorial-js.sh)"
DIGIFARM_BIN="$digifarm_bin" ./scripts/test-plugin-tutorial-python.sh
DIGIFARM_BIN="$digifarm_bin" ./scripts/test-plugin-tutorial-js.sh

# The static binary's release build is the longest build here, and the Python extension's is
# the second; built one after the other, each leaves a core idle through its single-crate
# stretches, so they build side by side (different target and profile: no shared lock).
step "python bindings: pip install ./digifarm-py in a fresh virtualenv, pytest (the static binary builds alongside)"
mkdir -p "$target_dir"
binary_log="$target_dir/dist-binary.log"
# Its own session, so that a failed step stops the whole build (cargo and rustc with it).
DIST_SKIP_WHEEL=1 setsid -w ./scripts/dist.sh >"$binary_log" 2>&1 &
binary_pid=$!
trap 'kill -- -"$binary_pid" 2>/dev/null || true' EXIT
./scripts/test-python.sh

step "release artefacts: static musl binary and abi3 wheel (scripts/dist.sh), checked without the build's libraries"
if ! wait "$binary_pid"; then
    cat "$binary_log" >&2
    echo "the static binary's build failed (log above: $binary_log)" >&2
    exit 1
fi
trap - EXIT
cat "$binary_log"
DIST_SKIP_BINARY=1 ./scripts/dist.sh
./scripts/test-dist.sh

step "fuzzing: every cargo-fuzz target, 20,000 inputs each from a fixed seed, one per core at a time (nightly toolchain)"
./scripts/fuzz.sh

step "HTML portal in a real browser (Debian chromium, headless, axe-core); propose.wasm rebuilt and compared"
DIGIFARM_BIN="$digifarm_bin" ./scripts/test-browser.sh

# Every step above stops the run on failure (set -e), so reaching this line means all passed.
printf '    (%d s)\n' $((SECONDS - step_started))
echo
du -sh "$target_dir" fuzz/target 2>/dev/null | sed 's/^/disk used: /' || true
echo "steps: $steps passed, 0 failed, in $((SECONDS - started)) s"

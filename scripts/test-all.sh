#!/usr/bin/env bash
# Every test of digifarm, as CI runs it: formatting, lints, the Rust tests (unit, integration,
# bad input, the Münster example), the runnable examples, the Python package, the release
# artefacts (static binary and wheel), the WASM plugins through the host, the fuzz targets and
# the HTML portal in headless Chromium. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

# The test builds carry line tables only (a panic's backtrace still names file and line) and
# keep no incremental state, which a fresh machine never reuses. With full debug information
# and incremental state, target/ reached 28 GB on a clean run and filled a CI runner's disk;
# this way it stays near a third of that and links faster. Set these yourself to override.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"
export CARGO_PROFILE_TEST_DEBUG="${CARGO_PROFILE_TEST_DEBUG:-line-tables-only}"
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

step "toolchain components"
rustup component add rustfmt clippy >/dev/null

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test"
cargo test --workspace

# The command and the example as `cargo test --workspace` just built them (`cargo run -p`
# would resolve the crates' features for one package alone and build everything again).
target_dir="${CARGO_TARGET_DIR:-target}"

step "examples: the Münster catalog validates"
"$target_dir/debug/digifarm" validate examples/muenster --format json >/dev/null

step "examples: the Münster catalog's stored health data (refresh --offline, no request)"
"$target_dir/debug/digifarm" refresh examples/muenster --offline >/dev/null

step "examples: embedding the library (validate, check a proposal, publish the site, match)"
"$target_dir/debug/examples/validate_catalog" examples/muenster >/dev/null
"$target_dir/debug/examples/validate_proposal" examples/muenster examples/proposals/lastenrad-muenster.yaml >/dev/null
site_dir="$(mktemp -d)"
"$target_dir/debug/examples/export_site" examples/muenster "$site_dir/site" >/dev/null
rm -rf "$site_dir"
"$target_dir/debug/examples/match_needs" examples/muenster >/dev/null

step "python bindings: pip install ./digifarm-py in a fresh virtualenv, pytest"
./scripts/test-python.sh

step "release artefacts: static musl binary and abi3 wheel (scripts/dist.sh), checked without the build's libraries"
./scripts/dist.sh
./scripts/test-dist.sh

step "WASM plugins: build the example and hostile plugins for wasm32-wasip2, run them through the host"
./scripts/test-plugins.sh

step "fuzzing: every cargo-fuzz target, 20,000 inputs each from a fixed seed (nightly toolchain)"
./scripts/fuzz.sh

step "HTML portal in a real browser (Debian chromium, headless, axe-core); propose.wasm rebuilt and compared"
./scripts/test-browser.sh

# Every step above stops the run on failure (set -e), so reaching this line means all passed.
printf '    (%d s)\n' $((SECONDS - step_started))
echo
echo "steps: $steps passed, 0 failed, in $((SECONDS - started)) s"

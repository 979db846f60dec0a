#!/usr/bin/env bash
# Builds the propose page's WebAssembly module (crate digifarm-wasm: the proposal checks of
# `digifarm propose`, licence engine included) for wasm32-unknown-unknown and compares it
# byte for byte with the committed digifarm-core/src/export/html/propose.wasm, the file every
# HTML export writes into the site. The build is reproducible: release profile `wasm`
# (opt-level z, LTO, one codegen unit, no debug info, stripped), the locked dependencies and
# source paths remapped (`/cargo/…`, `/digifarm/…`), so the same toolchain gives the same
# bytes on any machine.
#
#   scripts/build-wasm.sh           build and check (exit 1 when the committed file differs)
#   scripts/build-wasm.sh --bless   build and replace the committed file
#
# Installs the wasm32-unknown-unknown target with rustup if missing. Idempotent; runs from
# any directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
committed="digifarm-core/src/export/html/propose.wasm"
built="target/wasm32-unknown-unknown/wasm/digifarm_wasm.wasm"

rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || rustup target add wasm32-unknown-unknown
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
cargo_home="$(cd "$cargo_home" && pwd -P)"
here="$(pwd -P)"
flags="[\"--cfg\", \"getrandom_backend=\\\"custom\\\"\", \"--remap-path-prefix=$cargo_home=/cargo\", \"--remap-path-prefix=$here=/digifarm\"]"
cargo build --locked --quiet -p digifarm-wasm --profile wasm --target wasm32-unknown-unknown \
    --config "target.wasm32-unknown-unknown.rustflags=$flags"

if grep -qa -e "$cargo_home" -e "$here" "$built"; then
    echo "build-wasm: $built still contains a local path; the build is not reproducible" >&2
    exit 1
fi
size=$(wc -c <"$built")
echo "build-wasm: $built: $size bytes ($(gzip -9 -c "$built" | wc -c) gzipped), $(rustc -V)"

if [[ "${1:-}" == "--bless" ]]; then
    cp "$built" "$committed"
    echo "build-wasm: wrote $committed"
elif cmp -s "$built" "$committed"; then
    echo "build-wasm: $committed is what the source builds"
else
    echo "build-wasm: $committed differs from what the source builds (sha256 $(sha256sum "$committed" | cut -c1-16) committed, $(sha256sum "$built" | cut -c1-16) built with $(rustc -V))." >&2
    echo "build-wasm: after changing digifarm-core or digifarm-wasm, run scripts/build-wasm.sh --bless and commit the file" >&2
    exit 1
fi

#!/usr/bin/env bash
# Release artefacts for people without a Rust toolchain, written to dist/:
#
#   digifarm-<version>-x86_64-unknown-linux-musl.tar.gz   the `digifarm` command, statically
#       linked (musl), stripped, with README.md and the licence texts; runs on any x86_64 Linux
#   digifarm-<version>-cp310-abi3-<platform>.whl           the Python package (abi3: one wheel
#       for CPython 3.10 and every later version)
#
# Installs what it needs: the musl target (rustup), musl-gcc (Debian's musl-tools, for the
# C parts of mimalloc, ring and zstd), maturin in a virtualenv under target/.
# Environment: DIST_DIR (default dist), DIST_SKIP_WHEEL=1 (binary only), DIST_SKIP_BINARY=1
# (wheel only).
set -euo pipefail
# shellcheck source=scripts/dist-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/dist-env.sh"
mkdir -p "$dist"

if [ "${DIST_SKIP_BINARY:-0}" != 1 ]; then
    rustup target add "$target" >/dev/null
    if ! command -v musl-gcc >/dev/null; then
        sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq musl-tools >/dev/null
    fi

    echo "==> static binary: cargo build --profile dist --target $target"
    cargo build --locked --quiet --profile dist --target "$target" -p digifarm-cli
    binary="target/$target/dist/digifarm"

    stage="$(mktemp -d)"
    trap 'rm -rf "$stage"' EXIT
    mkdir "$stage/$name"
    cp "$binary" "$stage/$name/digifarm"
    cp README.md LICENSE-EUPL-1.2 LICENSE-MIT "$stage/$name/"
    # Reproducible archive: fixed order, owner and modification time.
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2022-09-01 00:00Z' \
        -C "$stage" -czf "$dist/$name.tar.gz" "$name"
    (cd "$dist" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
    printf '    %s: binary %s bytes, archive %s bytes\n' "$name" \
        "$(stat -c %s "$binary")" "$(stat -c %s "$dist/$name.tar.gz")"
fi

if [ "${DIST_SKIP_WHEEL:-0}" != 1 ]; then
    echo "==> Python wheel: maturin build --release"
    venv="$repo/target/dist-venv"
    [ -x "$venv/bin/maturin" ] || {
        python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --upgrade pip
        "$venv/bin/python" -m pip install --quiet "maturin>=1.9.4,<2"
    }
    rm -f "$dist"/digifarm-*.whl
    "$venv/bin/maturin" build --quiet --release --locked -m digifarm-py/Cargo.toml --out "$dist" \
        --interpreter python3
    ls "$dist"/digifarm-*.whl
fi

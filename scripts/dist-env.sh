# Names shared by scripts/dist.sh and scripts/test-dist.sh (sourced, not run): the release
# target, the workspace version, the output directory and the archive's name.
# shellcheck shell=bash
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
target=x86_64-unknown-linux-musl
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
dist="${DIST_DIR:-$repo/dist}"
name="digifarm-$version-$target"

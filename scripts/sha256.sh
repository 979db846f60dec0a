# sha256 FILE: the file's SHA-256 in hex, with sha256sum (Linux) or shasum (macOS). Sourced by
# the plugin scripts (a plugin's manifest pins the hash of its module).
# shellcheck shell=bash
sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    else
        shasum -a 256 "$1" | cut -d' ' -f1
    fi
}

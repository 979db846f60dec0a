#!/usr/bin/env bash
# Tests the static HTML portal in a real headless browser (Debian's chromium driven by
# playwright-core): exports a catalog, clicks the filters, opens a profile page, writes
# target/browser/index.png. Idempotent; installs what is missing; exits non-zero on failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ ! -x /usr/bin/chromium ]; then
    echo "test-browser: installing chromium" >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "test-browser: node and npm are needed (Node 20 or newer)" >&2
    exit 2
fi

(
    cd tests/browser
    if [ -f package-lock.json ]; then
        npm ci --no-audit --no-fund --loglevel=error
    else
        npm install --no-audit --no-fund --loglevel=error
    fi
)

cargo build --quiet -p digifarm-cli
DIGIFARM_BIN="$root/target/debug/digifarm" node tests/browser/test_portal.mjs

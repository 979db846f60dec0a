#!/usr/bin/env bash
# Tests the static HTML portal in a real headless browser (Debian's chromium driven by
# playwright-core, axe-core for accessibility) served by a local HTTP server: exports the
# Münster example, the portal fixture and a merged catalog, and runs tests/browser/
# test_portal.mjs (filters, keyboard, axe-core at 390 and 1280 px, the proposal round trip,
# links). First rebuilds the propose page's WebAssembly module and checks that the committed
# one is what the source builds (scripts/build-wasm.sh). Idempotent; installs what is
# missing; exits non-zero on failure. DIGIFARM_DOCS_SCREENSHOTS=1 also rewrites the
# screenshots in docs/. Then checks the statistics chart and the printed A4 report
# (test_stats.mjs).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# A DIGIFARM_BIN given relative to where the script was started.
if [[ -n "${DIGIFARM_BIN:-}" && "$DIGIFARM_BIN" != /* ]]; then
    DIGIFARM_BIN="$PWD/$DIGIFARM_BIN"
fi
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

"$root/scripts/build-wasm.sh"

# DIGIFARM_BIN: a `digifarm` already built (scripts/test-all.sh passes the one its
# `cargo test --workspace` built); otherwise it is built here.
if [[ -z "${DIGIFARM_BIN:-}" ]]; then
    cargo build --quiet -p digifarm-cli
    DIGIFARM_BIN="$root/target/debug/digifarm"
fi
export DIGIFARM_BIN
timeout 900 node tests/browser/test_portal.mjs
# The council's figures: chart labels inside the viewBox, the HTML report on one A4 page.
timeout 300 node tests/browser/test_stats.mjs

#!/usr/bin/env bash
# The main job on the Münster example catalog: validate it, then (exit code permitting) match
# and export it. Output goes to target/muenster/.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet -p digifarm-cli
digifarm=target/release/digifarm
out=target/muenster
mkdir -p "$out"

echo "==> digifarm validate examples/muenster"
"$digifarm" validate examples/muenster

echo
echo "==> digifarm match examples/muenster --assign"
"$digifarm" match examples/muenster --assign

echo
echo "==> digifarm export examples/muenster --format html --out $out/site"
"$digifarm" export examples/muenster --format html --out "$out/site" --force
echo "==> digifarm export examples/muenster --format json --out $out/json"
"$digifarm" export examples/muenster --format json --out "$out/json" --force
echo "==> digifarm export examples/muenster --format csv --out $out/csv"
"$digifarm" export examples/muenster --format csv --out "$out/csv" --force
echo
echo "The portal is at $out/site/index.html (open it in a browser; it needs no server)."

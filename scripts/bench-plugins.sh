#!/usr/bin/env bash
# Runs the plugin benchmark (validator path on 100k projects in batches of 1,000, plugin vs
# the same rules natively; plugin load cold vs cached) and prints per-record figures next to
# the targets (≤ 2 µs per record per plugin; cached load ≤ 5 ms). Builds the plugins first.
# The Python and JavaScript validators are measured too when built
# (scripts/build-plugins-python.sh, scripts/build-plugins-js.sh).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${DIGIFARM_BENCH_PROJECTS:-100000}"

rustup target add wasm32-wasip2 >/dev/null
# Build and assemble the plugins (tests are skipped here: only the build part is needed).
cargo build --release --target wasm32-wasip2 --manifest-path "$root/plugins/examples/Cargo.toml" -p muenster-admission -p hostile -p local-first
for name in muenster-admission hostile local-first; do
    dist="$root/plugins/examples/dist/$name"
    mkdir -p "$dist"
    cp "$root/plugins/examples/target/wasm32-wasip2/release/${name//-/_}.wasm" "$dist/$name.wasm"
    hash="$(sha256sum "$dist/$name.wasm" | cut -d' ' -f1)"
    sed "s/^sha256 = .*/sha256 = \"$hash\"/" "$root/plugins/examples/$name/plugin.toml" >"$dist/plugin.toml"
done

DIGIFARM_BENCH_PROJECTS="$n" DIGIFARM_PLUGINS_DIR="$root/plugins/examples/dist" \
    cargo bench --manifest-path "$root/Cargo.toml" -p digifarm-plugin-host --bench validator

python3 - "$root/target/criterion" "$n" <<'PY'
import json, sys, os
base, n = sys.argv[1], int(sys.argv[2])
def mean(*parts):
    with open(os.path.join(base, *parts, "new", "estimates.json")) as f:
        return json.load(f)["mean"]["point_estimate"]  # ns
plugin, native = mean("validator", "plugin"), mean("validator", "native")
try:
    noop = mean("validator", "plugin-noop")
except OSError:
    noop = None
cold, cached = mean("load", "cold"), mean("load", "cached")
print(f"\nvalidator, {n} projects in batches of 1,000")
print(f"  plugin   {plugin/1e6:9.1f} ms  {plugin/n/1e3:6.2f} µs/record")
print(f"  native   {native/1e6:9.1f} ms  {native/n/1e3:6.2f} µs/record")
if noop is not None:
    print(f"  no-op    {noop/1e6:9.1f} ms  {noop/n/1e3:6.2f} µs/record   (records moved in, nothing checked)")
print(f"  overhead                {(plugin-native)/n/1e3:6.2f} µs/record   (target ≤ 2 µs)   plugin/native = {plugin/native:.1f}x")
try:
    sp, sn = mean("scorer", "plugin"), mean("scorer", "native")
    m = n // 5
    print(f"scorer (local-first), {m} candidates in batches of 1,000")
    print(f"  plugin   {sp/1e6:9.1f} ms  {sp/m/1e3:6.2f} µs/candidate")
    print(f"  native   {sn/1e6:9.1f} ms  {sn/m/1e3:6.2f} µs/candidate")
    print(f"  overhead                {(sp-sn)/m/1e3:6.2f} µs/candidate")
except OSError:
    pass
for lang in ("python", "javascript", "javascript-starlingmonkey"):
    try:
        t = mean("validator", lang)
    except OSError:
        continue
    line = f"  {lang:25} {t/1e6:9.1f} ms  {t/n/1e3:6.2f} µs/record   {t/plugin:5.1f}x the Rust plugin (target ≤ 10x)"
    try:
        line += f"; no-op {mean('validator', lang + '-noop')/n/1e3:.2f} µs/record"
        line += f"; load cached {mean('load', lang + '-cached')/1e6:.1f} ms"
    except OSError:
        pass
    print(line)
print(f"load")
print(f"  cold     {cold/1e6:9.2f} ms")
print(f"  cached   {cached/1e6:9.2f} ms   (target ≤ 5 ms)   cold/cached = {cold/cached:.0f}x")
PY

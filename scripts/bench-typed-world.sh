#!/usr/bin/env bash
# Measures which contract serves a Python plugin better: the encoded input of every world, or
# the typed WIT records (the bench `typed_world` of digifarm-plugin-host, see its header).
# Builds what it needs: the Rust plugin, the Python plugins (scripts/build-plugins-python.sh,
# whose virtualenv and componentize-py then build the two components of the probe world in
# target/typed-probe/), runs the bench and prints each variant per record and against the
# Rust plugin. DIGIFARM_BENCH_PROJECTS changes the 20,000 projects.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${DIGIFARM_BENCH_PROJECTS:-20000}"

rustup target add wasm32-wasip2 >/dev/null
cargo build --release --target wasm32-wasip2 --manifest-path "$root/plugins/examples/Cargo.toml" -p muenster-admission
dist="$root/plugins/examples/dist/muenster-admission"
mkdir -p "$dist"
cp "$root/plugins/examples/target/wasm32-wasip2/release/muenster_admission.wasm" "$dist/muenster-admission.wasm"
hash="$(sha256sum "$dist/muenster-admission.wasm" | cut -d' ' -f1)"
sed "s/^sha256 = .*/sha256 = \"$hash\"/" "$root/plugins/examples/muenster-admission/plugin.toml" >"$dist/plugin.toml"
bash "$root/scripts/build-plugins-python.sh"

# The probe components: the SDK's example validator and a validator that returns at once,
# receiving the projects as typed WIT records.
venv="${DIGIFARM_PLUGIN_VENV:-$root/target/venv-plugins-python}"
probe="$root/plugins/digifarm-plugin-host/benches/typed-probe"
out="$root/target/typed-probe"
mkdir -p "$out"
for app in typed_muenster typed_noop; do
    # componentize-py would otherwise add the whole virtualenv to the component's path.
    env -u VIRTUAL_ENV "$venv/bin/componentize-py" -d "$probe/wit" -w typed-validator \
        componentize "$app" -p "$probe" -p "$root/plugins/sdk-python" \
        -p "$root/plugins/examples-python/muenster-admission" -o "$out/$app.wasm.partial"
    mv "$out/$app.wasm.partial" "$out/$app.wasm"
done

DIGIFARM_BENCH_PROJECTS="$n" DIGIFARM_PLUGINS_DIR="$root/plugins/examples/dist" DIGIFARM_REQUIRE_PLUGINS=1 \
    cargo bench --manifest-path "$root/Cargo.toml" -p digifarm-plugin-host --bench typed_world

python3 - "$root/target/criterion/typed-world" "$n" <<'PY'
import json, os, sys
base, n = sys.argv[1], int(sys.argv[2])
def mean(name):
    with open(os.path.join(base, name, "new", "estimates.json")) as f:
        return json.load(f)["mean"]["point_estimate"] / n / 1e3  # µs per record
rust = mean("rust-encoded")
print(f"\nper record, {n} projects in batches of 1,000 (× the Rust plugin)")
for name in ("rust-encoded", "python-encoded", "python-typed", "python-encoded-noop", "python-typed-noop"):
    v = mean(name)
    print(f"  {name:20} {v:8.2f} µs  {v / rust:6.1f}×")
PY

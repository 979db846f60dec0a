#!/usr/bin/env bash
# The plugin tutorial in plugins/README.md, as a reader follows it: its Cargo.toml, code and
# manifest are cut out of the README, built for wasm32-wasip2 against the SDK, and the plugin
# runs through `digifarm validate` on a copy of the Münster catalog, where it must report the
# one short German summary planted there. Environment: DIGIFARM_BIN, the `digifarm` to run
# (default: `cargo run -p digifarm-cli`). Exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
examples="$root/plugins/examples"
rustup target add wasm32-wasip2 >/dev/null

# shellcheck source=scripts/sha256.sh
source "$root/scripts/sha256.sh"

echo "==> the tutorial in plugins/README.md: its crate, code and manifest build and run"
tut="$examples/target/tutorial"
rm -rf "$tut"
mkdir -p "$tut/src"
python3 - "$root/plugins/README.md" "$tut" "$root/plugins/digifarm-plugin-sdk" <<'PY'
import re, sys
readme, out, sdk = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(readme, encoding="utf-8").read()
def block(after, lang):
    start = text.index(after)
    m = re.compile(r"```" + lang + r"\n(.*?)```", re.S).search(text, start)
    return m.group(1)
cargo = block("`plugins/examples/german-summary/Cargo.toml`:", "toml")
assert "digifarm-plugin-sdk.workspace = true" in cargo, "the tutorial's Cargo.toml changed"
cargo = cargo.replace("digifarm-plugin-sdk.workspace = true", f'digifarm-plugin-sdk = {{ path = "{sdk}" }}')
open(f"{out}/Cargo.toml", "w").write(cargo + "\n[workspace]\n")
open(f"{out}/src/lib.rs", "w").write(block("`plugins/examples/german-summary/src/lib.rs`:", "rust"))
open(f"{out}/plugin.toml.in", "w").write(block("**5. Write the manifest**", "toml"))
PY
CARGO_TARGET_DIR="$examples/target" cargo build --release --target wasm32-wasip2 --manifest-path "$tut/Cargo.toml"
mkdir -p "$tut/dist"
cp "$examples/target/wasm32-wasip2/release/german_summary.wasm" "$tut/dist/german-summary.wasm"
sed "s/^sha256 = .*/sha256 = \"$(sha256 "$tut/dist/german-summary.wasm")\"/" "$tut/plugin.toml.in" >"$tut/dist/plugin.toml"
if [[ -n "${DIGIFARM_BIN:-}" ]]; then
    digifarm=("$DIGIFARM_BIN")
else
    digifarm=(cargo run --quiet --manifest-path "$root/Cargo.toml" -p digifarm-cli --)
fi
"${digifarm[@]}" plugin info "$tut/dist/german-summary.wasm"
# A catalog with one short German summary: the tutorial's rule must find exactly that.
copy="$tut/catalog"
cp -r "$root/examples/muenster" "$copy"
python3 - "$copy/projects/data-inspire-me.yaml" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
text, n = re.subn(r"(?m)^summary:.*(\n  .*)*", "summary:\n  de: Kurz", text, count=1)
assert n == 1, "no summary in " + path
open(path, "w", encoding="utf-8").write(text)
PY
set +e
"${digifarm[@]}" validate "$copy" --today 2026-11-26 --plugin "$tut/dist/german-summary.wasm" --format json >"$tut/report.json"
status=$?
set -e
python3 - "$tut/report.json" "$status" <<'PY'
import json, sys
report, status = json.load(open(sys.argv[1])), int(sys.argv[2])
codes = [d["code"] for d in report["diagnostics"]]
assert "plugin-failed" not in codes, report
mine = [d for d in report["diagnostics"] if d["code"].startswith("german-summary/")]
assert [d["code"] for d in mine] == ["german-summary/summary-short"], mine
assert mine[0]["line"] > 0, mine
assert status == 0, f"warnings only, yet exit {status}"
print(f"    tutorial plugin: {mine[0]['file']}:{mine[0]['line']} {mine[0]['code']}")
PY

#!/usr/bin/env bash
# The JavaScript walkthrough in plugins/README.md ("Write a validator in JavaScript"), as a
# reader follows it from an empty folder: npm installs the SDK (step 1), the module cut out of
# the README (step 2), its check under Node.js (step 3), the build command exactly as written
# (step 4), the grant appended to a copy of the Münster catalog's digifarm.toml
# (step 5) and `digifarm validate` (step 6), which must report exactly the one short German
# summary planted there. Prints how long each step took. Environment: DIGIFARM_BIN, the
# `digifarm` to run (default: `cargo run -p digifarm-cli`). Exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tut="$root/plugins/examples/target/tutorial-js"
rm -rf "$tut"
mkdir -p "$tut"
cd "$tut"
started=$SECONDS
lap=$SECONDS
took() {
    printf '    %-42s %3d s\n' "$1" $((SECONDS - lap))
    lap=$SECONDS
}

echo "==> the JavaScript tutorial in plugins/README.md, from an empty folder"
python3 - "$root/plugins/README.md" "$tut" <<'PY'
import re, sys
readme, out = sys.argv[1], sys.argv[2]
text = open(readme, encoding="utf-8").read()
text = text[text.index("## Write a validator in JavaScript"):]
text = text[:text.index("\n## ", 5)]
def block(after, lang, nth=0):
    start = text.index(after)
    blocks = re.compile(r"```" + lang + r"\n(.*?)```", re.S).finditer(text, start)
    for _ in range(nth):
        next(blocks)
    return next(blocks).group(1)
install = block("**1. Install the SDK**", "sh")
assert "path/to/digifarm/plugins/sdk-js" in install, "the install step changed"
open(f"{out}/step1.sh", "w").write(install)
open(f"{out}/german-summary.js", "w").write(block("`german-summary.js`:", "js"))
open(f"{out}/check.mjs", "w").write(block("`check.mjs`:", "js"))
open(f"{out}/step3.sh", "w").write(block("`check.mjs`:", "sh"))
open(f"{out}/step4.sh", "w").write(block("**4. Build**", "sh"))
open(f"{out}/grant.toml", "w").write(block("**5. Grant**", "toml"))
open(f"{out}/step6.sh", "w").write(block("**6. Run**", "sh"))
PY
# Step 1 names the SDK by a placeholder path; the checkout is here.
sed -i "s#path/to/digifarm/plugins/sdk-js#$root/plugins/sdk-js#" step1.sh
sed -i "s#^npm install #npm install --no-audit --no-fund --loglevel=error #" step1.sh
bash -euo pipefail step1.sh >/dev/null
took "1. npm installs the SDK"
bash -euo pipefail step3.sh
took "3. the rule under Node.js"
bash -euo pipefail step4.sh
[[ -f dist/german-summary.wasm && -f dist/german-summary.plugin.toml ]]
took "4. digifarm-plugin build"

if [[ -n "${DIGIFARM_BIN:-}" ]]; then
    digifarm=("$DIGIFARM_BIN")
else
    digifarm=(cargo run --quiet --manifest-path "$root/Cargo.toml" -p digifarm-cli --)
fi
"${digifarm[@]}" plugin info dist/german-summary.wasm
cp -r "$root/examples/muenster" catalog
mkdir -p catalog/plugins
cp dist/german-summary.wasm dist/german-summary.plugin.toml catalog/plugins/
printf '\n' >>catalog/digifarm.toml
cat grant.toml >>catalog/digifarm.toml
# One short German summary: the rule must find exactly that.
python3 - catalog/projects/data-inspire-me.yaml <<'PY'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
text, n = re.subn(r"(?m)^summary:.*(\n  .*)*", "summary:\n  de: Kurz", text, count=1)
assert n == 1, "no summary in " + path
open(path, "w", encoding="utf-8").write(text)
PY
grep -qx 'digifarm validate catalog/' step6.sh
set +e
"${digifarm[@]}" validate catalog/ --today 2026-11-26 --format json >report.json
status=$?
set -e
took "6. digifarm validate (compiles the plugin)"
python3 - report.json "$status" <<'PY'
import json, sys
report, status = json.load(open(sys.argv[1])), int(sys.argv[2])
codes = [d["code"] for d in report["diagnostics"]]
assert "plugin-failed" not in codes, [d for d in report["diagnostics"] if d["code"] == "plugin-failed"]
mine = [d for d in report["diagnostics"] if d["code"].startswith("german-summary/")]
assert [(d["code"], d["file"].rsplit("/", 1)[-1]) for d in mine] == [
    ("german-summary/summary-short", "data-inspire-me.yaml")], mine
assert mine[0]["line"] > 0, mine
assert "fewer than 10 characters" in mine[0]["message"], mine
assert status == 0, f"warnings only, yet exit {status}"
print(f"    tutorial plugin: {mine[0]['file']}:{mine[0]['line']} {mine[0]['code']}")
PY
"${digifarm[@]}" validate catalog/ --today 2026-11-26 --format json >/dev/null || true
took "6. again, from the compiled cache"
echo "    from an empty folder to a running plugin: $((SECONDS - started)) s"

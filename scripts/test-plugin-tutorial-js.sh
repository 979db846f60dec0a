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
# shellcheck source=scripts/tutorial-lib.sh
source "$root/scripts/tutorial-lib.sh"

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
# The SDK's decoder reads encoding version 3; the manifest asks the host for it.
grep -qx 'encoding = 3' dist/german-summary.plugin.toml
took "4. digifarm-plugin build"

run_tutorial_plugin

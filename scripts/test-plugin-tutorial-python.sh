#!/usr/bin/env bash
# The Python walkthrough in plugins/README.md ("Write a validator in Python"), as a reader
# follows it from an empty folder: a fresh virtualenv with the SDK (step 1), the module cut
# out of the README (step 2), its plain-Python check (step 3), the build command exactly as
# written (step 4), the grant appended to a copy of the Münster catalog's digifarm.toml
# (step 5) and `digifarm validate` (step 6), which must report exactly the one short German
# summary planted there. Prints how long each step took. Environment: DIGIFARM_BIN, the
# `digifarm` to run (default: `cargo run -p digifarm-cli`). Exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tut="$root/plugins/examples/target/tutorial-python"
rm -rf "$tut"
mkdir -p "$tut"
cd "$tut"
# shellcheck source=scripts/tutorial-lib.sh
source "$root/scripts/tutorial-lib.sh"

echo "==> the Python tutorial in plugins/README.md, from an empty folder"
python3 - "$root/plugins/README.md" "$tut" <<'PY'
import re, sys
readme, out = sys.argv[1], sys.argv[2]
text = open(readme, encoding="utf-8").read()
text = text[text.index("## Write a validator in Python"):]
text = text[:text.index("\n## ", 5)]
def block(after, lang):
    start = text.index(after)
    m = re.compile(r"```" + lang + r"\n(.*?)```", re.S).search(text, start)
    return m.group(1)
install = block("**1. Install the SDK**", "sh")
assert "./plugins/sdk-python" in install, "the install step changed"
open(f"{out}/step1.sh", "w").write(install)
open(f"{out}/german_summary.py", "w").write(block("`german_summary.py`:", "python"))
open(f"{out}/step3.py", "w").write(block("**3. Try it in plain Python**", "python"))
open(f"{out}/step4.sh", "w").write(block("**4. Build**", "sh"))
open(f"{out}/grant.toml", "w").write(block("**5. Grant**", "toml"))
open(f"{out}/step6.sh", "w").write(block("**6. Run**", "sh"))
PY
# Step 1 names the SDK relative to the repository root; the folder here is elsewhere.
sed -i "s#\./plugins/sdk-python#$root/plugins/sdk-python#" step1.sh
bash -euo pipefail step1.sh >/dev/null
took "1. virtualenv + pip install the SDK"
.venv/bin/python step3.py
took "3. the rule in plain Python"
bash -euo pipefail step4.sh
[[ -f dist/german-summary.wasm && -f dist/german-summary.plugin.toml ]]
# The SDK's decoder reads encoding version 2; the manifest asks the host for it.
grep -qx 'encoding = 2' dist/german-summary.plugin.toml
took "4. digifarm-plugin build"

run_tutorial_plugin

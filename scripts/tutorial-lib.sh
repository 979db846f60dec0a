# Shared by scripts/test-plugin-tutorial-python.sh and -js.sh, sourced after `root` and the
# current directory (the tutorial's empty folder) are set: `took` prints how long a step
# took; `run_tutorial_plugin` does the walkthroughs' common steps 5 and 6 with the plugin
# built in dist/: copies Münster's catalog, plants one short German summary, appends the
# README's grant (grant.toml) to digifarm.toml, checks that step6.sh is the README's one
# command, runs `digifarm validate` and requires exactly the planted finding, then runs it
# again from the compiled cache. Environment: DIGIFARM_BIN, the `digifarm` to run (default:
# `cargo run -p digifarm-cli`).

started=$SECONDS
lap=$SECONDS
took() {
    printf '    %-42s %3d s\n' "$1" $((SECONDS - lap))
    lap=$SECONDS
}

run_tutorial_plugin() {
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
}

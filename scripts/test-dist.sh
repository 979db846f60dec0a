#!/usr/bin/env bash
# Checks the release artefacts of scripts/dist.sh the way a city without a Rust toolchain
# uses them:
#   - the tarball holds the binary, README.md and both licence texts;
#   - the binary is static (no program interpreter, `ldd` finds no libraries) and runs with
#     an empty environment; as root it also runs in a chroot that holds nothing but the
#     binary and a catalog, so not one library of the build machine is reachable;
#   - from that binary: init → validate → match → export, as the CI templates run it;
#   - the wheel installs with pip into a fresh virtualenv from the file alone (no index, binary
#     only, so nothing is compiled) and passes a smoke test.
# Run scripts/dist.sh first. Exits non-zero on any failure.
set -euo pipefail
# shellcheck source=scripts/dist-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/dist-env.sh"
fail() { echo "test-dist: $*" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "==> tarball contents"
(cd "$dist" && sha256sum --quiet -c "$name.tar.gz.sha256") || fail "checksum does not match"
listing="$(tar -tzf "$dist/$name.tar.gz" | sort | tr '\n' ' ')"
expected="$name/ $name/LICENSE-EUPL-1.2 $name/LICENSE-MIT $name/README.md $name/digifarm "
[ "$listing" = "$expected" ] || fail "tarball holds: $listing; expected: $expected"
tar -xzf "$dist/$name.tar.gz" -C "$work"
bin="$work/$name/digifarm"

echo "==> the binary is static"
command -v readelf >/dev/null || fail "readelf (binutils) is needed for these checks"
program_headers="$(readelf -lW "$bin")" || fail "readelf cannot read the binary"
dynamic="$(readelf -dW "$bin")" || fail "readelf cannot read the binary"
sections="$(readelf -SW "$bin")" || fail "readelf cannot read the binary"
[[ $program_headers == *"Program Headers"* ]] || fail "no program headers: not an executable"
[[ $program_headers != *INTERP* ]] || fail "the binary asks for a program interpreter"
[[ $dynamic != *NEEDED* ]] || fail "the binary needs shared libraries"
[[ $sections != *.debug_info* && $sections != *.symtab* ]] || fail "the binary is not stripped"
ldd_out="$(ldd "$bin" 2>&1 || true)"
case "$ldd_out" in
    *"statically linked"* | *"not a dynamic executable"*) ;;
    *) fail "ldd reports libraries: $ldd_out" ;;
esac
echo "    $(stat -c %s "$bin") bytes; ldd: $(echo "$ldd_out" | head -n 1 | xargs)"

echo "==> it runs with an empty environment"
got="$(env -i "$bin" --version)"
[ "$got" = "digifarm $version" ] || fail "--version printed: $got"
env -i "$bin" validate examples/muenster >/dev/null

chroot="$(command -v chroot || true)"
# chroot needs CAP_SYS_CHROOT: try it on the host's own root first.
if [ "$(id -u)" -eq 0 ] && [ -n "$chroot" ] && "$chroot" / true 2>/dev/null; then
    echo "==> it runs in a chroot holding only the binary and a catalog"
    root="$work/root"
    mkdir -p "$root"
    cp "$bin" "$root/digifarm"
    cp -r examples/muenster "$root/muenster"
    env -i "$chroot" "$root" /digifarm validate /muenster >/dev/null
    env -i "$chroot" "$root" /digifarm match /muenster --assign >/dev/null
    env -i "$chroot" "$root" /digifarm export /muenster --format html --out /site >/dev/null \
        2>"$work/export.log" || { cat "$work/export.log" >&2; fail "export failed in the chroot"; }
    [ -f "$root/site/index.html" ] || fail "no portal written in the chroot"
else
    echo "    (no chroot here (not root, or not permitted): skipped; the checks above still hold)"
fi

echo "==> init → validate → match → export with the static binary"
(
    cd "$work"
    env -i "$bin" init stadt --city "Münster" --ags 05515000 >/dev/null
    env -i "$bin" validate stadt >/dev/null
    env -i "$bin" match stadt --assign >/dev/null
    # Its warnings (the legal pages of [portal] are still to be filled in) are expected.
    env -i "$bin" export stadt --format html --out portal >/dev/null 2>export.log \
        || { cat export.log >&2; fail "export of the new catalog failed"; }
    [ -f portal/index.html ] || fail "no portal"
)

if [ "${DIST_SKIP_WHEEL:-0}" = 1 ]; then
    echo "    (DIST_SKIP_WHEEL=1: no wheel to check)"
else
    shopt -s nullglob
    wheels=("$dist"/digifarm-"$version"-cp310-abi3-*.whl)
    shopt -u nullglob
    [ "${#wheels[@]}" -eq 1 ] || fail "expected one abi3 wheel in $dist, found ${#wheels[@]}"
    echo "==> the wheel installs from the file alone and works"
    python="${PYTHON:-python3}"
    "$python" -m venv "$work/venv"
    # No index and binary only: pip installs the file as it is or fails; it never builds.
    "$work/venv/bin/python" -m pip install --quiet --no-index --only-binary :all: "${wheels[0]}"
    (
        cd "$work"
        "$work/venv/bin/python" - "$repo/examples/muenster" <<'PY'
import sys
import digifarm

catalog = digifarm.load_catalog(sys.argv[1])
diagnostics = catalog.validate()
assert not any(d.is_error for d in diagnostics), [d.to_dict() for d in diagnostics if d.is_error]
assert len(catalog.projects()) == 7, len(catalog.projects())
assert "contacts" not in str(catalog.projects()), "private contacts in the public view"
assignment = catalog.assign()
assert assignment, assignment
verdict = digifarm.check_license("GPL-3.0-or-later")
assert verdict.allowed
print(f"    digifarm {digifarm.__version__} from the wheel: {len(diagnostics)} findings, 7 projects")
PY
    )
fi
echo "dist: all checks passed"

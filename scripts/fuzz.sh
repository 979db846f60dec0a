#!/usr/bin/env bash
# Fuzzing digifarm-core with cargo-fuzz (libFuzzer): the YAML, JSON and TOML parsers, the
# catalog loader with every validation rule, the SPDX parser and normaliser, the
# publiccode.yml check and importer, the CSV and civic.json importers, and a plugin call's
# encoded input through the shared record codec (fuzz/fuzz_targets).
# Installs what it needs: the nightly toolchain (rustup; only the fuzz build uses it, the
# product builds on stable) and cargo-fuzz. Each target starts from a seed corpus made of the
# repository's examples and test fixtures.
#
# The invariants every target checks: no panic (a panic is a crash libFuzzer reports with the
# input), no hang or quadratic blow-up (an input over FUZZ_TIMEOUT seconds fails), bounded
# memory (-rss_limit_mb), and per target: parsers keep positions inside the text, the JSON
# parser agrees with serde_json, an SPDX canonical form is a fixed point, a publiccode.yml the
# check accepts also imports, and a catalog that validates without an error passes the
# published JSON Schema.
#
#   scripts/fuzz.sh                       every target, 20,000 inputs each from seed 1, at most
#                                         60 s each (the test command's run: deterministic, so
#                                         it finds in CI what it finds here)
#   FUZZ_SECONDS=3600 scripts/fuzz.sh     a long run: an hour per target, random seed, no
#                                         limit on inputs
#   scripts/fuzz.sh catalog publiccode    only these targets
#   FUZZ_JOBS=1 scripts/fuzz.sh           one target at a time (default: one per core)
#   FUZZ_PROFILE=release FUZZ_SANITIZER=address FUZZ_SECONDS=3600 scripts/fuzz.sh
#                                         optimised and with AddressSanitizer (slower to
#                                         build, more executions per second)
#
# Findings are written to fuzz/artifacts/<target>/; replay one with
# `cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>`. The corpus grows in
# target/fuzz-corpus/<target> and is kept between runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ -n "${FUZZ_SECONDS:-}" ]]; then
    seconds="$FUZZ_SECONDS"; runs="${FUZZ_RUNS:--1}"; seed="${FUZZ_SEED:-0}"
else
    seconds=60; runs="${FUZZ_RUNS:-20000}"; seed="${FUZZ_SEED:-1}"
fi
timeout="${FUZZ_TIMEOUT:-10}"
profile="${FUZZ_PROFILE:-dev}"
sanitizer="${FUZZ_SANITIZER:-none}"
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    targets=(yaml json toml catalog spdx publiccode csv plugin_input)
fi

# libFuzzer itself is C++ (built by the libfuzzer-sys crate).
if ! command -v c++ >/dev/null 2>&1; then
    echo "fuzz: installing a C++ compiler" >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y g++
fi
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
if ! cargo fuzz --version 2>/dev/null | grep -q '0.13.1'; then
    cargo install cargo-fuzz --locked --version 0.13.1
fi

build_flags=(-s "$sanitizer")
[[ "$profile" == "dev" ]] && build_flags+=(--dev)
(cd fuzz && cargo +nightly fuzz build "${build_flags[@]}")

# Seed corpora from the examples and the test fixtures.
seed() {
    local target="$1"; shift
    local dir="target/fuzz-corpus/$target"
    mkdir -p "$dir"
    local f
    for f in "$@"; do
        [[ -f "$f" ]] || continue
        case "$target" in
            # The catalog target's first byte picks the format: 0 YAML, 1 JSON, 2 JSON Lines.
            catalog)
                local sel
                case "$f" in *.jsonl) sel='\x02' ;; *.json) sel='\x01' ;; *) sel='\x00' ;; esac
                { printf "$sel"; cat "$f"; } >"$dir/seed-$(sha256sum "$f" | cut -c1-16)"
                ;;
            *) cp "$f" "$dir/seed-$(sha256sum "$f" | cut -c1-16)" ;;
        esac
    done
}
shopt -s nullglob globstar
for target in "${targets[@]}"; do
    case "$target" in
        yaml) seed yaml examples/**/*.yaml digifarm-cli/tests/fixtures/**/*.yaml digifarm-core/tests/fixtures/**/*.yml ;;
        json) seed json digifarm-core/schemas/*.json digifarm-cli/tests/fixtures/**/*.json digifarm-core/tests/fixtures/**/*.json ;;
        toml) seed toml examples/**/*.toml digifarm-cli/tests/fixtures/**/*.toml digifarm-core/tests/fixtures/**/*.toml ;;
        catalog) seed catalog examples/muenster/projects/*.yaml digifarm-cli/tests/fixtures/**/projects/*.yaml digifarm-cli/tests/fixtures/**/projects/*.json digifarm-cli/tests/fixtures/**/*.jsonl ;;
        spdx)
            mkdir -p target/fuzz-corpus/spdx
            i=0
            for e in "MIT" "EUPL-1.2 OR MIT" "GPL-3.0-or-later WITH Classpath-exception-2.0" \
                "(Apache-2.0 AND BSD-3-Clause) OR LGPL-2.1-only" "AGPL-3.0+" "CC-BY-4.0" \
                "NOASSERTION" "LicenseRef-stadt-ms" "GNU GPL v3" "Apache 2" "mit license" \
                "GPL-2.0-only AND (MIT OR ISC)" "DocumentRef-x:LicenseRef-y"; do
                printf '%s' "$e" >"target/fuzz-corpus/spdx/seed-$i"; i=$((i + 1))
            done
            ;;
        publiccode) seed publiccode digifarm-core/tests/fixtures/publiccode/**/*.yml ;;
        # No seeds: the codec's layout is small enough for libFuzzer to find from nothing.
        plugin_input) mkdir -p target/fuzz-corpus/plugin_input ;;
        csv) seed csv digifarm-cli/tests/fixtures/**/*.csv digifarm-core/tests/fixtures/**/*.csv digifarm-cli/tests/fixtures/**/*civic*.json ;;
        *) echo "fuzz: unknown target $target" >&2; exit 2 ;;
    esac
done

# One libFuzzer process per target, as many at a time as the machine has cores (FUZZ_JOBS):
# each process is single-threaded, and each target's time limit stays what it was.
run_target() {
    local target="$1"
    mkdir -p "fuzz/artifacts/$target"
    local log="target/fuzz-corpus/$target.log" start found verdict
    start=$(date +%s)
    # -fork=0: one process; -close_fd_mask=3 keeps the target's own output out of the log.
    if (cd fuzz && cargo +nightly fuzz run "${build_flags[@]}" "$target" \
            "../target/fuzz-corpus/$target" -- \
            -runs="$runs" -seed="$seed" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 \
            -max_len=65536 -close_fd_mask=3 -print_final_stats=1) >"$log" 2>&1; then
        verdict="no finding"; found=0
    else
        verdict="FOUND A DEFECT (fuzz/artifacts/$target/, log $log)"; found=1
    fi
    local executed cov corpus
    executed=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo "?")
    corpus=$(find "target/fuzz-corpus/$target" -type f | wc -l)
    printf 'fuzz: %-12s %4ss  %9s inputs  coverage %5s  corpus %5s  %s\n' \
        "$target" "$(( $(date +%s) - start ))" "$executed" "$cov" "$corpus" "$verdict" \
        >"target/fuzz-corpus/$target.summary"
    return "$found"
}

jobs="${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}"
if ! [[ "$jobs" =~ ^[0-9]+$ ]] || ((jobs < 1)); then
    echo "fuzz: FUZZ_JOBS must be a whole number of at least 1, not \`$jobs\`" >&2
    exit 2
fi
pids=()
for target in "${targets[@]}"; do
    while (( $(jobs -rp | wc -l) >= jobs )); do wait -n || true; done
    rm -f "target/fuzz-corpus/$target.summary"
    run_target "$target" &
    pids+=("$!")
done
failed=0
for i in "${!targets[@]}"; do
    target="${targets[$i]}"
    found=0
    wait "${pids[$i]}" || found=1
    cat "target/fuzz-corpus/$target.summary" 2>/dev/null || echo "fuzz: $target: no summary written"
    if [[ $found -ne 0 ]]; then
        failed=1
        log="target/fuzz-corpus/$target.log"
        grep -v -e '^"' -e '^#' "$log" | grep -B2 -A12 -e panicked -e 'ERROR: libFuzzer' >&2 || tail -40 "$log" >&2
    fi
done
exit "$failed"

#!/usr/bin/env bash
# Builds the fuzz targets (cargo-fuzz, libFuzzer with AddressSanitizer, on the stable
# toolchain through RUSTC_BOOTSTRAP=1; all of them unless exactly one is named) and runs each for a bounded time from its seeded
# corpus, two at a time, then prints one Markdown row per target. Exits 1 if any target
# found a crash, a timeout or an out-of-memory; the inputs are in fuzz/artifacts/TARGET/.
#
# Usage: fuzz/run.sh [TARGET...]            (default: every target)
#   FUZZ_SECONDS=20   time per target
#   FUZZ_JOBS=2       targets run at once
#   FUZZ_KEEP_GOING=1 fork mode: keep fuzzing after a crash and collect every one (long runs)
set -euo pipefail

FUZZ="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$FUZZ")"
SECONDS_PER_TARGET="${FUZZ_SECONDS:-20}"
JOBS="${FUZZ_JOBS:-2}"
KEEP_GOING="${FUZZ_KEEP_GOING:-0}"
export RUSTC_BOOTSTRAP=1

command -v cargo-fuzz >/dev/null || {
    echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked --version 0.13.2" >&2
    exit 2
}

cd "$ROOT"
mapfile -t targets < <(if [ "$#" -gt 0 ]; then printf '%s\n' "$@"; else cargo fuzz list; fi)
mkdir -p "$FUZZ/target"
# Optimised, with debug assertions and overflow checks (cargo-fuzz's default), and ASan.
build=(cargo fuzz build)
[ "$#" -eq 1 ] && build+=("$1")
if ! "${build[@]}" >"$FUZZ/target/build.log" 2>&1; then
    cat "$FUZZ/target/build.log" >&2
    exit 1
fi
bash "$FUZZ/seed.sh" >/dev/null

LOGS="$FUZZ/target/logs"
mkdir -p "$LOGS"

# run TARGET: fuzzes one target into its log; its exit status is libFuzzer's.
run() {
    local target="$1"
    local binary="$FUZZ/target/x86_64-unknown-linux-gnu/release/$target"
    local options=(
        "-max_total_time=$SECONDS_PER_TARGET"
        -max_len=16384          # big enough for real manifests, small enough to stay fast
        -timeout=10             # one input taking longer is a hang
        -rss_limit_mb=2048      # one input using more is a memory blow-up
        -print_final_stats=1
        "-artifact_prefix=$FUZZ/artifacts/$target/"
    )
    [ -f "$FUZZ/dict/$target.dict" ] && options+=("-dict=$FUZZ/dict/$target.dict")
    if [ "$KEEP_GOING" = 1 ]; then
        options+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    fi
    mkdir -p "$FUZZ/artifacts/$target"
    "$binary" "${options[@]}" "$FUZZ/corpus/$target" >"$LOGS/$target.log" 2>&1
}

pids=()
names=()
status=0
for target in "${targets[@]}"; do
    run "$target" &
    pids+=("$!")
    names+=("$target")
    if [ "${#pids[@]}" -ge "$JOBS" ]; then
        wait "${pids[0]}" || status=1
        pids=("${pids[@]:1}")
    fi
done
for pid in "${pids[@]}"; do
    wait "$pid" || status=1
done

echo "| target | seconds | executions | exec/s | coverage (edges) | features | corpus | crashes |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for target in "${targets[@]}"; do
    log="$LOGS/$target.log"
    # Plain mode: "#N\tDONE cov: C ft: F corp: K/..."; fork mode: "#N: cov: C ft: F corp: K".
    # libFuzzer separates the count from the event with a tab.
    stats="$(grep -E '^#[0-9]+:?[[:space:]]' "$log" | tail -n 1 || true)"
    execs="$(sed -E 's/^#([0-9]+).*/\1/' <<<"$stats")"
    field() { grep -oE "$1: [0-9]+" <<<"$stats" | cut -d' ' -f2 || true; }
    cov="$(field cov)"
    ft="$(field ft)"
    corp="$(field corp)"
    rate="$(awk -v n="${execs:-0}" -v s="$SECONDS_PER_TARGET" 'BEGIN { printf "%d", n / s }')"
    crashes="$(find "$FUZZ/artifacts/$target" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)"
    [ "$crashes" -eq 0 ] || status=1
    echo "| $target | $SECONDS_PER_TARGET | ${execs:-?} | $rate | ${cov:-?} | ${ft:-?} | ${corp:-?} | $crashes |"
done
if [ "$status" -ne 0 ]; then
    echo "fuzzing found a problem: logs in $LOGS, inputs in $FUZZ/artifacts" >&2
    for target in "${targets[@]}"; do
        grep -m1 -B2 -A12 -E 'panicked|ERROR: (libFuzzer|AddressSanitizer)' "$LOGS/$target.log" >&2 || true
    done
fi
exit "$status"

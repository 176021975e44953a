#!/usr/bin/env bash
# Runs every hostile input of gen.py through the tollgate binary under /usr/bin/time -v,
# prints a Markdown table (exit, wall time, peak RSS, error) and checks each case against
# what it must give: its exit code, its error text, and its time and memory ceilings.
# Exits 1 if any case misses. Usage: bash bench/hostile/run.sh [path/to/tollgate]
# (default target/release/tollgate; build it with cargo build --release -p tollgate).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="$(realpath "${1:-$ROOT/target/release/tollgate}")"
[ -x "$BIN" ] || { echo "no binary at $BIN: cargo build --release -p tollgate" >&2; exit 2; }
if [ ! -x /usr/bin/time ]; then
    echo "/usr/bin/time is missing: apt-get install -y time" >&2
    exit 2
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
python3 "$HERE/gen.py" "$WORK" --shared "$ROOT/../shared/testdata"

echo "| input | exit | wall [s] | peak RSS [MiB] | error | check |"
echo "|---|---:|---:|---:|---|---|"
failed=0
while IFS=$'\t' read -r -a row; do
    name="${row[0]}" status="${row[1]}" want_exit="${row[2]}" want_error="${row[3]}"
    max_wall="${row[4]}" max_mib="${row[5]}"
    args=("${row[@]:6}")
    if [ "$status" != run ]; then
        printf '| %s | | | | | %s |\n' "$name" "$status"
        continue
    fi
    stdin=/dev/null
    command_args=()
    for arg in "${args[@]}"; do
        case "$arg" in
            "<"*) stdin="$WORK/${arg#<}" ;;
            *) command_args+=("$arg") ;;
        esac
    done
    code=0
    (cd "$WORK" && /usr/bin/time -v -o time.txt "$BIN" test --no-color "${command_args[@]}" \
        <"$stdin" >stdout.txt 2>stderr.txt) || code=$?
    wall="$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.2f", s }' "$WORK/time.txt")"
    kib="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time.txt")"
    mib="$(awk "BEGIN { printf \"%.1f\", $kib / 1024 }")"
    error="$( (grep -m1 -E '^(Error|error)' "$WORK/stderr.txt" || true) | cut -c1-160 | sed 's/|/\\|/g')"
    problems=()
    [ "$code" = "$want_exit" ] || problems+=("exit $code, expected $want_exit")
    if [ "$want_error" != - ] && ! grep -qF -- "$want_error" "$WORK/stderr.txt"; then
        problems+=("error lacks \"$want_error\"")
    fi
    if grep -qE 'panicked|overflowed its stack|fatal runtime error' "$WORK/stderr.txt"; then
        problems+=("crashed")
    fi
    awk "BEGIN { exit !($wall <= $max_wall) }" || problems+=("${wall} s > ${max_wall} s")
    awk "BEGIN { exit !($mib <= $max_mib) }" || problems+=("${mib} MiB > ${max_mib} MiB")
    if [ "${#problems[@]}" -eq 0 ]; then
        check="ok (≤ ${max_wall} s, ≤ ${max_mib} MiB)"
    else
        check="**FAIL**: $(IFS=';'; echo "${problems[*]}")"
        failed=1
        sed 's/^/    /' "$WORK/stderr.txt" | head -5 >&2
    fi
    printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$code" "$wall" "$mib" "$error" "$check"
done <"$WORK/cases.tsv"
exit "$failed"

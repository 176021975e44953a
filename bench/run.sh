#!/usr/bin/env bash
# Whole-process benchmark of `tollgate test` over generated corpora.
#
#   bash bench/run.sh
#
# 1. builds the release binary (cargo build --release -p tollgate);
# 2. generates corpora of 100, 1,000 and 10,000 Kubernetes manifest files (with
#    20, 200 and 2,000 Terraform files) with bench/gen_corpus.py in a temp dir;
# 3. times `tollgate test --policy bench/policy -o json <corpus>` with hyperfine
#    (--warmup 1 --runs 5 -i; exit code 1 only means findings), exporting
#    markdown to bench/results-<manifests>.md;
# 4. measures peak RSS with /usr/bin/time -v;
# 5. prints mean time per document (each YAML document and each .tf file is one
#    document) and writes the table to bench/results-summary.md.
#
# Environment overrides:
#   TOLLGATE_BIN=path   use this binary and skip the cargo build
#   BENCH_SIZES="100 1000 10000"   manifest counts (Terraform files = manifests / 5)
#   BENCH_RUNS=5 BENCH_WARMUP=1    hyperfine settings
#   BENCH_KEEP=1        keep the temp dir with the corpora and raw results
#   BENCH_RESULTS_DIR=dir   where results-*.md go (default bench/)
#
# Installs hyperfine and time (Debian packages) with apt-get when missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SIZES="${BENCH_SIZES:-100 1000 10000}"
RUNS="${BENCH_RUNS:-5}"
WARMUP="${BENCH_WARMUP:-1}"
POLICY="$ROOT/bench/policy"
RESULTS_DIR="${BENCH_RESULTS_DIR:-$ROOT/bench}"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

# --- tools -------------------------------------------------------------------

apt_install() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "need root or sudo to apt-get install $*"
        sudo="sudo"
    fi
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install $* by hand"
    log "installing $* with apt-get"
    $sudo apt-get -q update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get -q install -y --no-install-recommends "$@"
}

missing=()
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "${missing[@]}"
fi
command -v python3 >/dev/null 2>&1 || die "python3 is needed to generate the corpora"

# --- binary ------------------------------------------------------------------

if [ -n "${TOLLGATE_BIN:-}" ]; then
    BIN="$TOLLGATE_BIN"
    log "using $BIN (TOLLGATE_BIN set, skipping the build)"
else
    log "cargo build --release -p tollgate"
    cargo build --release -p tollgate
    BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/tollgate"
fi
[ -x "$BIN" ] || die "no executable at $BIN"
case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac

# --- work dir ----------------------------------------------------------------

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tollgate-bench.XXXXXX")"
cleanup() {
    if [ "${BENCH_KEEP:-0}" = "1" ]; then
        log "kept $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

# json_get FILE EXPR: evaluates a Python expression over the JSON document `d`.
json_get() {
    python3 - "$1" "$2" <<'PY'
import json, sys
with open(sys.argv[1]) as fh:
    d = json.load(fh)
print(eval(sys.argv[2], {"d": d}))
PY
}

# count_findings FILE: "N failures, M warnings" from conftest-style JSON output.
count_findings() {
    python3 - "$1" <<'PY'
import json, sys
try:
    with open(sys.argv[1]) as fh:
        out = json.load(fh)
    if isinstance(out, dict):
        out = out.get("results", [out])
    fails = sum(len(r.get("failures") or []) for r in out)
    warns = sum(len(r.get("warnings") or []) for r in out)
    print(f"{fails} failures, {warns} warnings in {len(out)} results")
except Exception as e:  # output shape unknown: just say so
    print(f"(could not count findings: {e})")
PY
}

SUMMARY_ROWS=""

for n in $SIZES; do
    tf=$((n / 5))
    corpus="$WORK/corpus-$n"
    log "generating $n manifests + $tf .tf files"
    python3 "$ROOT/bench/gen_corpus.py" "$corpus" --manifests "$n" --tf "$tf" \
        --summary "$WORK/corpus-$n.json"
    docs="$(json_get "$WORK/corpus-$n.json" 'd["total_documents"]')"
    files="$(json_get "$WORK/corpus-$n.json" 'd["total_files"]')"
    mbytes="$(json_get "$WORK/corpus-$n.json" 'round((d["k8s_bytes"] + d["tf_bytes"]) / 1048576, 1)')"
    log "corpus-$n: $files files, $docs documents, $mbytes MiB"

    # One checked run first: hyperfine -i would also hide real failures (exit >= 2).
    rc=0
    "$BIN" test --policy "$POLICY" -o json "$corpus" >"$WORK/output-$n.json" 2>"$WORK/stderr-$n.txt" || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
        cat "$WORK/stderr-$n.txt" >&2
        die "tollgate exited with $rc on corpus-$n"
    fi
    log "exit $rc: $(count_findings "$WORK/output-$n.json")"

    cmd="'$BIN' test --policy '$POLICY' -o json '$corpus'"
    hyperfine --warmup "$WARMUP" --runs "$RUNS" -i \
        --command-name "tollgate test ($n manifests, $tf tf, $docs docs)" \
        --export-markdown "$RESULTS_DIR/results-$n.md" \
        --export-json "$WORK/hyperfine-$n.json" \
        "$cmd"

    rc=0
    /usr/bin/time -v -o "$WORK/time-$n.txt" \
        "$BIN" test --policy "$POLICY" -o json "$corpus" >/dev/null 2>&1 || rc=$?
    [ "$rc" -le 1 ] || die "tollgate exited with $rc under /usr/bin/time on corpus-$n"
    rss_kb="$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$WORK/time-$n.txt")"

    row="$(python3 - "$WORK/hyperfine-$n.json" "$n" "$tf" "$files" "$docs" "$rss_kb" <<'PY'
import json, sys
path, n, tf, files, docs, rss_kb = sys.argv[1:]
r = json.load(open(path))["results"][0]
docs = int(docs)
mean, sd = r["mean"], r["stddev"] or 0.0
print(f"| {int(n):,} | {int(tf):,} | {int(files):,} | {docs:,} | {mean * 1e3:,.1f} ± {sd * 1e3:,.1f} "
      f"| {r['min'] * 1e3:,.1f} | {mean / docs * 1e6:,.1f} | {int(rss_kb) / 1024:,.1f} |")
PY
)"
    SUMMARY_ROWS="$SUMMARY_ROWS$row"$'\n'
done

header="| manifests | .tf files | files | documents | mean [ms] | min [ms] | per document [µs] | peak RSS [MiB] |
|---:|---:|---:|---:|---:|---:|---:|---:|"
{
    echo "# tollgate whole-process benchmark"
    echo
    echo "\`tollgate test --policy bench/policy -o json <corpus>\` (30 rules), hyperfine --warmup $WARMUP --runs $RUNS; per document = mean / documents (YAML documents + .tf files); peak RSS from /usr/bin/time -v."
    echo "Machine: $(nproc) CPUs, $(uname -sm); tollgate: $("$BIN" --version 2>/dev/null || echo unknown)."
    echo
    echo "$header"
    printf '%s' "$SUMMARY_ROWS"
} >"$RESULTS_DIR/results-summary.md"

echo
echo "$header"
printf '%s' "$SUMMARY_ROWS"
echo
log "wrote $RESULTS_DIR/results-summary.md and results-<size>.md"

#!/usr/bin/env bash
# Whole-process benchmark of Gatekeeper constraints in `tollgate test`, and of
# `tollgate gator verify` over our suites.
#
#   bash bench/gatekeeper/run.sh
#
# Builds the release binary (unless TOLLGATE_BIN is set), generates BENCH_SIZES Pods
# (default "500 2000") with bench/gatekeeper/gen_objects.py, and times with hyperfine
# (--warmup 1 --runs 5; exit code 1 only means findings):
#   tollgate test -p <the templates and constraints of testdata/gatekeeper> -o json DIR
#   tollgate gator verify testdata/gatekeeper
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SIZES="${BENCH_SIZES:-500 2000}"
command -v hyperfine >/dev/null 2>&1 || { echo "error: hyperfine is needed" >&2; exit 2; }

BIN="${TOLLGATE_BIN:-}"
if [ -z "$BIN" ]; then
    cargo build --release -p tollgate >&2
    BIN="$ROOT/target/release/tollgate"
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
POLICIES=(-p testdata/gatekeeper/inventory -p testdata/gatekeeper/namespaceselector
          -p testdata/gatekeeper/allowedrepos -p testdata/gatekeeper/disallowedtags)

for size in $SIZES; do
    python3 bench/gatekeeper/gen_objects.py "$size" "$TMP/objects-$size"
    objects=$(grep -c '^kind:' "$TMP"/objects-"$size"/*.yaml | awk -F: '{s += $2} END {print s}')
    echo "== $size Pods, $objects objects, 5 constraints"
    "$BIN" test "${POLICIES[@]}" "$TMP/objects-$size" | tail -1 || true
    hyperfine -N -i --warmup 1 --runs 5 --style basic \
        "$BIN test ${POLICIES[*]} -o json $TMP/objects-$size"
done
echo "== gator verify testdata/gatekeeper"
hyperfine -N --warmup 1 --runs 10 --style basic "$BIN gator verify testdata/gatekeeper"

#!/usr/bin/env bash
# Time and peak memory of `tollgate test` on generated hostile inputs, with the error
# each one gives. Usage: bash bench/hostile.sh [path/to/tollgate]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-$ROOT/target/release/tollgate}"
[ -x "$BIN" ] || { echo "build first: cargo build --release -p tollgate" >&2; exit 2; }
[ -x /usr/bin/time ] || { apt-get -q update && apt-get -q install -y time; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/policy"
printf 'package main\nimport rego.v1\ndeny contains "bad" if input.bad\n' > "$WORK/policy/p.rego"

python3 - "$WORK" <<'PY'
import os, sys
work = sys.argv[1]
def write(name, data, mode="w"):
    with open(os.path.join(work, name), mode) as f:
        f.write(data)
bomb = 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
for i in range(1, 10):
    bomb += f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]\n"
write("alias-bomb.yaml", bomb)
write("nested-10000.yaml", "[" * 10000 + "]" * 10000)
write("nested-10000.json", "[" * 10000 + "]" * 10000)
write("nested-10000.tf", "x = " + "[" * 10000 + "]" * 10000 + "\n")
write("invalid-utf8.yaml", b"name: caf\xe9\n", "wb")
write("nul.yaml", b"a: x\x00y\n", "wb")
with open(os.path.join(work, "huge-200mb.yaml"), "wb") as f:
    f.truncate(200 * 1024 * 1024)
PY
printf 'package main\nimport rego.v1\ndeny contains msg if {\n  n := count([x | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); x := i * j])\n  msg := sprintf("%%d", [n])\n}\n' > "$WORK/loop.rego"
echo "a: 1" > "$WORK/small.yaml"

echo "| input | exit | wall [s] | peak RSS [MiB] | error |"
echo "|---|---:|---:|---:|---|"
run() {
    local label="$1"; shift
    local code=0
    (cd "$WORK" && /usr/bin/time -f "%e %M" -o time.txt "$BIN" test --no-color "$@" >/dev/null 2>err.txt) || code=$?
    read -r wall rss < <(tail -n 1 "$WORK/time.txt")
    local err
    err="$(grep -m1 '^Error' "$WORK/err.txt" | cut -c1-140 | sed 's/|/\\|/g')"
    printf '| %s | %s | %s | %s | %s |\n' "$label" "$code" "$wall" "$(awk "BEGIN { printf \"%.1f\", $rss / 1024 }")" "$err"
}
run "YAML alias bomb (10^10 values)" alias-bomb.yaml
run "10,000-level nesting, YAML" nested-10000.yaml
run "10,000-level nesting, JSON" nested-10000.json
run "10,000-level nesting, HCL" nested-10000.tf
run "200 MB file" huge-200mb.yaml
run "invalid UTF-8" invalid-utf8.yaml
run "NUL byte in YAML" nul.yaml
run "policy that loops (10^10 iterations, default 5 s limit)" -p loop.rego small.yaml

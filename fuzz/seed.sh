#!/usr/bin/env bash
# Builds fuzz/corpus/TARGET/ from the committed seeds (fuzz/seeds/TARGET/) and the real
# fixtures of testdata/, examples/ and ../shared/testdata. Files over 64 KiB are left
# out: the fuzzer truncates inputs to -max_len anyway, and small seeds run faster.
# A corpus that already exists keeps what earlier runs found. Usage: fuzz/seed.sh
set -euo pipefail

FUZZ="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$FUZZ")"
SHARED="$ROOT/../shared/testdata"
MAX_BYTES=65536

# add TARGET FILE...: copies each file, named by its content hash as libFuzzer names
# corpus entries, so seeding twice adds nothing.
add() {
    local target="$1"; shift
    mkdir -p "$FUZZ/corpus/$target"
    local file
    for file in "$@"; do
        [ -f "$file" ] || continue
        [ "$(stat -c %s "$file")" -le "$MAX_BYTES" ] || continue
        cp "$file" "$FUZZ/corpus/$target/$(sha1sum "$file" | cut -c1-40)"
    done
}

# find_in DIR PATTERN...: files under DIR (if it exists) whose names match a pattern.
find_in() {
    local dir="$1"; shift
    [ -d "$dir" ] || return 0
    local args=() pattern
    for pattern in "$@"; do
        args+=(-o -iname "$pattern")
    done
    find "$dir" -type f \( -false "${args[@]}" \) | sort
}

for target in "$FUZZ"/seeds/*/; do
    target="$(basename "$target")"
    mapfile -t files < <(find "$FUZZ/seeds/$target" -type f | sort)
    add "$target" "${files[@]}"
done

mapfile -t yaml < <(find_in "$ROOT/testdata" '*.yaml' '*.yml'; find_in "$ROOT/examples" '*.yaml'; find_in "$SHARED" '*.yaml')
mapfile -t json < <(find_in "$ROOT/examples" '*.json'; find_in "$SHARED" '*.json')
mapfile -t hcl < <(find_in "$ROOT/testdata" '*.tf'; find_in "$ROOT/examples" '*.tf' '*.tfvars' '*.hcl')
mapfile -t docker < <(find_in "$ROOT/testdata" 'Dockerfile*'; find_in "$ROOT/examples" 'Dockerfile*')
mapfile -t toml < <(find_in "$ROOT/examples" '*.toml'; find "$ROOT" -maxdepth 2 -name Cargo.toml | sort)
mapfile -t ini < <(find_in "$ROOT/examples" '*.ini')

add yaml "${yaml[@]}" "${json[@]}"
add json "${json[@]}"
add hcl "${hcl[@]}"
add dockerfile "${docker[@]}"
add toml "${toml[@]}"
add ini "${ini[@]}"
add rule_results "${json[@]}"
add terraform_plan "${json[@]}"

mapfile -t sboms < <(find_in "$ROOT/testdata/sbom" '*.json' '*.spdx' '*.yaml' '*.yml'; find_in "$SHARED/sbom" '*.json' '*.spdx' '*.yaml' '*.yml')
mapfile -t bundles < <(find_in "$ROOT/testdata/sigstore" '*.json'; find_in "$SHARED/sigstore-conformance" 'bundle.sigstore.json')
mapfile -t reviews < <(find_in "$ROOT/testdata/admission" '*.json'; find_in "$SHARED/admission" '*.json')
add sbom "${sboms[@]}"
add sigstore_bundle "${bundles[@]}"
add dsse "${bundles[@]}"
add admission_review "${reviews[@]}"

# Terraform modules: the .tf files of each fixture directory joined by NUL bytes, the
# separator the target splits files at.
for dir in "$ROOT"/testdata/bundled/*/terraform "$ROOT"/examples/inputs/terraform; do
    [ -d "$dir" ] || continue
    joined="$(mktemp)"
    first=1
    for file in "$dir"/*.tf; do
        [ "$first" = 1 ] || printf '\0' >> "$joined"
        first=0
        cat "$file" >> "$joined"
    done
    add terraform_module "$joined"
    rm -f "$joined"
done
add terraform_module "${hcl[@]}"

for target in "$FUZZ"/corpus/*/; do
    printf '%s: %s seeds\n' "$(basename "$target")" "$(find "$target" -type f | wc -l)"
done

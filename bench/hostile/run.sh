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

# command_case ARGS...: runs tollgate with ARGS ("<FILE" is standard input) under time -v;
# sets code.
command_case() {
    local stdin=/dev/null command_args=() arg
    for arg in "$@"; do
        case "$arg" in
            "<"*) stdin="$WORK/${arg#<}" ;;
            *) command_args+=("$arg") ;;
        esac
    done
    code=0
    (cd "$WORK" && /usr/bin/time -v -o time.txt "$BIN" "${command_args[@]}" \
        <"$stdin" >stdout.txt 2>stderr.txt) || code=$?
}

# webhook_case MAX_REQUEST_BYTES BODY: serves the bundled policies over TLS on 127.0.0.1
# under time -v, posts BODY once, stops the server with SIGTERM; code is the HTTP status,
# stderr.txt gets the answer, time.txt the server's peak RSS and the request's wall time.
webhook_case() {
    local max_bytes="$1" body="$2" port i
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    [ -f "$WORK/tls.crt" ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
        -nodes -days 1 -keyout "$WORK/tls.key" -out "$WORK/tls.crt" -subj /CN=localhost \
        -addext subjectAltName=IP:127.0.0.1 2>/dev/null
    printf 'listen: 127.0.0.1:%s\ntls: {certFile: tls.crt, keyFile: tls.key}\ntimeoutSeconds: 30\nmaxRequestBytes: %s\n' \
        "$port" "$max_bytes" >"$WORK/webhook.yaml"
    /usr/bin/time -v -o "$WORK/server-time.txt" "$BIN" webhook serve --config "$WORK/webhook.yaml" \
        >"$WORK/server.log" 2>"$WORK/server.err" &
    server=$!
    trap 'pkill -P "$server" 2>/dev/null || true; rm -rf "$WORK"' EXIT
    for i in $(seq 1 300); do
        curl -skf "https://127.0.0.1:$port/readyz" >/dev/null && break
        sleep 0.1
    done
    # HTTP/1.1: over HTTP/2 curl 7.88 drops an early 413 that the server follows with
    # RST_STREAM(NO_ERROR) (RFC 9113 8.1 allows it; hyper clients, like oha, read the 413).
    code="$(curl -sk --http1.1 -o "$WORK/stderr.txt" -w '%{http_code} %{time_total}' --max-time 60 \
        -H 'Content-Type: application/json' --data-binary "@$body" \
        "https://127.0.0.1:$port/validate?timeout=30s")" || true
    # SIGTERM to the server itself (time's child), so that time reports on it.
    pkill -TERM -P "$server" || true
    wait "$server" || true
    local seconds="${code#* }"
    code="${code%% *}"
    # The request's wall time, with the server's peak RSS, in the format time -v writes.
    awk -F': ' -v s="$seconds" '/Maximum resident set size/ { print } END { printf "\tElapsed (wall clock) time (h:mm:ss or m:ss): 0:%s\n", s }' \
        "$WORK/server-time.txt" >"$WORK/time.txt"
    grep -E 'panicked|fatal runtime error' "$WORK/server.err" >>"$WORK/stderr.txt" || true
}

echo "| input | exit | wall [s] | peak RSS [MiB] | error | check |"
echo "|---|---:|---:|---:|---|---|"
failed=0
while IFS=$'\t' read -r -a row; do
    name="${row[0]}" status="${row[1]}" want_exit="${row[2]}" want_error="${row[3]}"
    max_wall="${row[4]}" max_mib="${row[5]}"
    args=("${row[@]:6}")
    if [ "$status" = webhook ]; then
        webhook_case "${args[0]}" "$WORK/${args[1]}"
    elif [ "$status" != run ]; then
        printf '| %s | | | | | %s |\n' "$name" "$status"
        continue
    else
        command_case "${args[@]}"
    fi
    wall="$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.2f", s }' "$WORK/time.txt")"
    kib="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time.txt")"
    mib="$(awk "BEGIN { printf \"%.1f\", $kib / 1024 }")"
    if [ "$status" = webhook ]; then  # the answer's message
        error="$(grep -oE '"message":"[^"]{0,140}|^[^{].{0,140}' "$WORK/stderr.txt" | head -n1 | sed 's/|/\\|/g')"
    else
        error="$( (grep -m1 -E '^(Error|error)' "$WORK/stderr.txt" || true) | cut -c1-160 | sed 's/|/\\|/g')"
    fi
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

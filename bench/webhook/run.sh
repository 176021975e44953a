#!/usr/bin/env bash
# Load benchmark of `tollgate webhook serve` with the full bundled policy set, over TLS
# with keep-alive on 127.0.0.1, at fixed request rates (oha -q), one rate after another.
#
#   cargo install oha --locked        # the load generator (crates.io)
#   bash bench/webhook/run.sh         # rates 250 500 1000 1500 2000, 20 s each
#   RATES="2000" DURATION=30s bash bench/webhook/run.sh
#   SOAK=1000000 bash bench/webhook/run.sh   # then a soak: RSS every SOAK_STEP (100,000)
#   requests at SOAK_RATE (2000) req/s
#
# Prints one Markdown row per rate: p50, p99, p99.9, achieved rate, errors, RSS after.
set -euo pipefail
cd "$(dirname "$0")/../.."

RATES=${RATES-"250 500 1000 1500 2000"}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
BODY=${BODY:-testdata/admission/real-apiserver/create-pod.json}
PORT=${PORT:-18443}
SOAK=${SOAK:-0}

command -v oha >/dev/null || { echo "oha not found: cargo install oha --locked" >&2; exit 1; }
command -v openssl >/dev/null || { echo "openssl not found (apt-get install openssl)" >&2; exit 1; }
cargo build --release -q -p tollgate
BIN=target/release/tollgate

WORK=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -keyout "$WORK/tls.key" -out "$WORK/tls.crt" -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1 2>/dev/null
cat >"$WORK/webhook.yaml" <<EOF
listen: 127.0.0.1:$PORT
tls: {certFile: tls.crt, keyFile: tls.key}
timeoutSeconds: 10
EOF
"$BIN" webhook serve --config "$WORK/webhook.yaml" >"$WORK/log.jsonl" 2>"$WORK/stderr" &
SERVER=$!
for _ in $(seq 1 300); do
  curl -skf "https://127.0.0.1:$PORT/readyz" >/dev/null && break
  sleep 0.1
done
curl -skf "https://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/stderr" >&2; exit 1; }

rss() { awk '/^VmRSS/ {printf "%.1f", $2/1024}' "/proc/$SERVER/status"; }
hwm() { awk '/^VmHWM/ {printf "%.1f", $2/1024}' "/proc/$SERVER/status"; }
URL="https://127.0.0.1:$PORT/validate?timeout=10s"
load() { # load RATE ARGS...: oha's JSON summary
  # --latency-correction: latency counts from when a request was due at the fixed rate,
  # so queueing behind a saturated server shows (no coordinated omission).
  oha --no-tui --output-format json --insecure --latency-correction -c "$CONNECTIONS" -m POST \
    -T application/json -D "$BODY" -q "$1" "${@:2}" "$URL"
}
summary() { # the Markdown row of an oha JSON result
  python3 -c '
import json, sys
r = json.load(sys.stdin)
p = r["latencyPercentiles"]; s = r["summary"]
codes = r.get("statusCodeDistribution", {})
# Requests still in flight when a timed run ends are cut by oha itself, not failed.
errors = sum(v for k, v in r.get("errorDistribution", {}).items() if k != "aborted due to deadline")
errors += sum(v for k, v in codes.items() if k != "200")
ms = lambda v: f"{v * 1000:.2f}" if v is not None else "-"
rate, p50, p99, p999 = s["requestsPerSec"], ms(p["p50"]), ms(p["p99"]), ms(p["p99.9"])
print(f"| {sys.argv[1]} | {rate:.0f} | {p50} | {p99} | {p999} | {errors} | {sys.argv[2]} |")
' "$@"
}

echo "body: $BODY ($(wc -c <"$BODY") bytes), $CONNECTIONS connections, $DURATION per rate"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
echo "RSS after start-up: $(rss) MiB"
# Warm-up: connections, allocator, regorus caches.
load 500 -z 3s >/dev/null
echo
echo "| target rate [req/s] | achieved [req/s] | p50 [ms] | p99 [ms] | p99.9 [ms] | errors | RSS after [MiB] |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for rate in $RATES; do
  load "$rate" -z "$DURATION" >"$WORK/oha.json"
  summary "$rate" "$(rss)" <"$WORK/oha.json"
done
echo
echo "peak RSS (VmHWM): $(hwm) MiB"
curl -sk "https://127.0.0.1:$PORT/metrics" | awk '/^tollgate_webhook_policy_evaluation_duration_seconds_(sum|count)/ {v[$1]=$2}
  END {s=v["tollgate_webhook_policy_evaluation_duration_seconds_sum"]; c=v["tollgate_webhook_policy_evaluation_duration_seconds_count"];
       if (c > 0) printf "policy evaluation: %d requests, mean %.3f ms\n", c, s / c * 1000}'

if [ "$SOAK" -gt 0 ]; then
  rate=${SOAK_RATE:-2000}
  echo
  echo "soak: $SOAK requests at $rate req/s"
  echo "| requests | RSS [MiB] | p99 of the step [ms] | errors |"
  echo "|---:|---:|---:|---:|"
  step=${SOAK_STEP:-100000}
  done_=0
  while [ "$done_" -lt "$SOAK" ]; do
    load "$rate" -n "$step" >"$WORK/oha.json"
    done_=$((done_ + step))
    python3 -c '
import json, sys
r = json.load(sys.stdin)
codes = r.get("statusCodeDistribution", {})
errors = sum(r.get("errorDistribution", {}).values()) + sum(v for k, v in codes.items() if k != "200")
p99 = r["latencyPercentiles"]["p99"] * 1000
print(f"| {sys.argv[1]} | {sys.argv[2]} | {p99:.2f} | {errors} |")
' "$done_" "$(rss)" <"$WORK/oha.json"
  done
  echo "peak RSS (VmHWM): $(hwm) MiB"
fi

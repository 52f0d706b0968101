#!/usr/bin/env bash
# bench/ingress.sh -- webhook accept rate and latency of `switchyard ingress` (Standard Webhooks
# signature check + publish with confirm + receipt row) beside a Hummingbird route that does
# nothing, same client (SwitchyardBench ingress-load, libcurl), same machine, same session.
#
#   bench/ingress.sh                RUNS=3, 15 s per phase
#   RUNS=1 DURATION=5 bench/ingress.sh   smoke test
#
# Per run: saturation (closed loop, CONNECTIONS=32 concurrent requests) against the do-nothing
# route, then against the ingress; then an open-loop 1,000 requests/s (RATE) against each,
# latency counted from each request's scheduled send time. Release builds in .build-bench.
# Uses the private servers of scripts/services (started if needed); the ingress publishes to
# sy.events on the default vhost, and sy.work.analysis is purged afterwards.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$HERE"
RUNS="${RUNS:-3}"
DURATION="${DURATION:-15}"
CONNECTIONS="${CONNECTIONS:-32}"
RATE="${RATE:-1000}"
OUT="${OUT:-/tmp/switchyard-bench-out/ingress-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
export BENCH_JSONL="$OUT/records.jsonl"
: >"$BENCH_JSONL"
log() { echo "[ingress.sh] $(date -u +%H:%M:%S) $*" >&2; }

command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
log "building release (switchyard, SwitchyardBench) in .build-bench"
swift build -c release --build-path .build-bench --product switchyard >&2
swift build -c release --build-path .build-bench --product SwitchyardBench >&2
BIN="$(swift build -c release --build-path .build-bench --show-bin-path)"

scripts/services up >&2
eval "$(scripts/services env)"
"$BIN/switchyard" migrate >&2
"$BIN/switchyard" topology apply >&2

SECRET="whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
SWITCHYARD_WEBHOOK_SECRET_TAVUS="$SECRET" SWITCHYARD_LOG_LEVEL=warning \
  "$BIN/switchyard" ingress --port 18080 >"$OUT/ingress.log" 2>&1 &
INGRESS=$!
"$BIN/SwitchyardBench" noop-server 18081 >"$OUT/noop.log" 2>&1 &
NOOP=$!
cleanup() {
  kill "$INGRESS" "$NOOP" 2>/dev/null || true
  wait "$INGRESS" "$NOOP" 2>/dev/null || true
  scripts/services rabbitmqctl -q purge_queue sy.work.analysis >/dev/null 2>&1 || true
}
trap cleanup EXIT
for port in 18080 18081; do
  for _ in $(seq 1 100); do curl -fsS -o /dev/null -X POST "http://127.0.0.1:$port/noop" 2>/dev/null && break
    curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break; sleep 0.1; done
done

load() { "$BIN/SwitchyardBench" ingress-load --secret "$SECRET" --duration "$DURATION" "$@" >>"$OUT/load.log"; }
for run in $(seq 1 "$RUNS"); do
  log "run $run/$RUNS: saturation ($CONNECTIONS concurrent)"
  load --label noop --url http://127.0.0.1:18081/noop --mode saturate --connections "$CONNECTIONS"
  load --label ingress --url http://127.0.0.1:18080/v1/webhooks/tavus --mode saturate --connections "$CONNECTIONS"
  log "run $run/$RUNS: open loop at $RATE requests/s"
  load --label noop --url http://127.0.0.1:18081/noop --mode rate --rate "$RATE"
  load --label ingress --url http://127.0.0.1:18080/v1/webhooks/tavus --mode rate --rate "$RATE"
done

python3 - "$BENCH_JSONL" "$RATE" <<'PY' | tee "$OUT/summary.md"
import json, statistics, sys
records = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
rate = sys.argv[2]
def values(system, scenario, metric):
    return [r["value"] for r in records if r["system"] == system and r["scenario"] == scenario and r["metric"] == metric]
rows = [("saturation (req/s)", "saturate", "requests_per_second"), ("saturation p50 (ms)", "saturate", "latency_p50"),
        ("saturation p99 (ms)", "saturate", "latency_p99"), (f"{rate}/s p50 (ms)", f"rate-{rate}", "latency_p50"),
        (f"{rate}/s p99 (ms)", f"rate-{rate}", "latency_p99"), (f"{rate}/s max (ms)", f"rate-{rate}", "latency_max"),
        ("failed requests (all phases)", None, "failures")]
print("| figure | ingress median | ingress runs | do-nothing median | do-nothing runs | ingress / do-nothing |")
print("|---|---:|---|---:|---|---:|")
for title, scenario, metric in rows:
    if scenario is None:
        ours = [sum(r["value"] for r in records if r["system"] == "ingress" and r["metric"] == metric)]
        base = [sum(r["value"] for r in records if r["system"] == "noop" and r["metric"] == metric)]
    else:
        ours, base = values("ingress", scenario, metric), values("noop", scenario, metric)
    if not ours or not base:
        continue
    mo, mb = statistics.median(ours), statistics.median(base)
    ratio = f"{mo / mb:.2f}" if mb else "-"
    print(f"| {title} | {mo:,.2f} | {' / '.join(f'{v:,.2f}' for v in ours)} | {mb:,.2f} | {' / '.join(f'{v:,.2f}' for v in base)} | {ratio} |")
PY
log "output: $OUT"

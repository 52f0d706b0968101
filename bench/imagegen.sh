#!/usr/bin/env bash
# bench/imagegen.sh -- carousel generation with the offline provider (strategy by rules, slides
# drawn locally with FreeType, stored in a blob folder): 10-slide carousels per minute with one
# and with two worker processes, render time per slide, and the fleet's overhead per slide.
#
#   bench/imagegen.sh                    CAROUSELS=12 per phase, workers 1 then 2
#   CAROUSELS=3 bench/imagegen.sh        smoke test
#
# One ingress and N `switchyard work imagegen` processes (CLI defaults) on the private servers of
# scripts/services (started if needed), release builds in .build-bench. Per phase, CAROUSELS
# generations of 10 slides are requested at once through the API; the figures come from the rows:
#   carousels/min       CAROUSELS / (last completed_at - first created_at)
#   render ms           carousel_slides.render_ms (the provider call: drawing the PNG)
#   overhead ms         per slide: (committed - picked up) - render ms: reading the rows, the
#                       blob write, the commit with its fan-in, the message plumbing
#   end to end s        per generation: completed_at - created_at (the seed's target: < 60 s)
#   pickup s            per generation: started_at - created_at (the seed's target: < 5 s)
#   progress delay ms   per live update: received by a Server-Sent Events client - written
#                       (the seed's target: < 2 s)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$HERE"
CAROUSELS="${CAROUSELS:-12}"
PORT="${PORT:-18091}"
log() { echo "[imagegen.sh] $(date -u +%H:%M:%S) $*" >&2; }

command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
log "building release (switchyard) in .build-bench"
swift build -c release --build-path .build-bench --product switchyard >&2
BIN="$(swift build -c release --build-path .build-bench --show-bin-path)"

scripts/services up >&2
eval "$(scripts/services env)"
"$BIN/switchyard" migrate >&2
"$BIN/switchyard" topology apply >&2
BLOBS="$(mktemp -d /tmp/imagegen-bench-blobs.XXXXXX)"
export SWITCHYARD_BLOB_URL="file://$BLOBS" SWITCHYARD_LOG_LEVEL=warning
RUN="img$(date +%s)"
TENANT="$("$BIN/switchyard" tenants create "$RUN")"
KEY="$("$BIN/switchyard" keys create --tenant "$TENANT")"
"$BIN/switchyard" users grant --tenant "$TENANT" --user bench --credits 100000 --daily-limit 100000 >/dev/null
API="http://127.0.0.1:$PORT"

PIDS=()
cleanup() {
  [ ${#PIDS[@]} -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$BLOBS"
}
trap cleanup EXIT
"$BIN/switchyard" ingress --port "$PORT" 2>/tmp/imagegen-bench-ingress.log & PIDS+=($!)
for _ in $(seq 1 100); do curl -fsS -o /dev/null "$API/readyz" 2>/dev/null && break; sleep 0.1; done
sql() { scripts/services psql -tAq -c "$1"; }

phase() { # phase WORKERS
  local workers=$1 label="$RUN-w$1" ids=() worker_pids=()
  for _ in $(seq 1 "$workers"); do
    "$BIN/switchyard" work imagegen 2>>"/tmp/imagegen-bench-worker.log" & worker_pids+=($!)
  done
  sleep 1
  log "phase $workers worker(s): $CAROUSELS carousels of 10 slides"
  for i in $(seq 1 "$CAROUSELS"); do
    ids+=("$(curl -fsS -X POST "$API/v1/generations" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
      -d "{\"user_id\":\"bench\",\"prompt\":\"$label carousel $i about habits that make teams faster\",\"slide_count\":10}" \
      | sed -E 's/.*"generation_id" ?: ?"([^"]+)".*/\1/')")
  done
  # One live follower: progress delay = received - written (the update's own timestamp).
  curl -fsS -N --max-time 300 "$API/v1/generations/${ids[0]}/events" -H "Authorization: Bearer $KEY" \
    | python3 -c '
import sys, json, datetime
for line in sys.stdin:
    if line.startswith("data: "):
        at = datetime.datetime.fromisoformat(json.loads(line[6:])["at"].replace("Z", "+00:00"))
        print((datetime.datetime.now(datetime.timezone.utc) - at).total_seconds() * 1000)
' >"/tmp/imagegen-bench-delay-$workers.txt" &
  local follower=$!
  local deadline=$((SECONDS + 600))
  until [ "$(sql "SELECT count(*) FROM generation_jobs WHERE prompt LIKE '$label %' AND status IN ('completed', 'failed')")" -ge "$CAROUSELS" ]; do
    [ $SECONDS -lt $deadline ] || { log "error: timed out"; exit 1; }
    sleep 0.5
  done
  wait "$follower" || true
  kill "${worker_pids[@]}" 2>/dev/null || true
  wait "${worker_pids[@]}" 2>/dev/null || true
  local delays
  delays="$(sort -n "/tmp/imagegen-bench-delay-$workers.txt" | awk '{a[NR]=$1} END {if (NR) printf "%.1f / %.1f", a[int((NR+1)/2)], a[NR]}')"
  scripts/services psql -q <<SQL
WITH g AS (SELECT * FROM generation_jobs WHERE prompt LIKE '$label %'),
     s AS (SELECT s.* FROM carousel_slides s JOIN g ON g.id = s.generation_id)
SELECT $workers AS workers, count(*) FILTER (WHERE g.status = 'completed') AS completed,
       round((count(*) / extract(epoch FROM max(g.completed_at) - min(g.created_at)) * 60)::numeric, 1) AS carousels_per_min,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM g.completed_at - g.created_at))::numeric, 2) AS end_to_end_p50_s,
       round(max(extract(epoch FROM g.completed_at - g.created_at))::numeric, 2) AS end_to_end_max_s,
       round(max(extract(epoch FROM g.started_at - g.created_at))::numeric, 2) AS pickup_max_s,
       '$delays' AS progress_delay_p50_max_ms
FROM g;
SELECT $workers AS workers, count(*) AS slides,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY s.render_ms)::numeric, 2) AS render_p50_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY s.render_ms)::numeric, 2) AS render_p99_ms,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.completed_at - s.picked_up_at) * 1000 - s.render_ms)::numeric, 2) AS overhead_p50_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM s.completed_at - s.picked_up_at) * 1000 - s.render_ms)::numeric, 2) AS overhead_p99_ms
FROM s;
SQL
}

log "commit $(git rev-parse --short HEAD), $(nproc) CPUs"
phase 1
phase 2

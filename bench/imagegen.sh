#!/usr/bin/env bash
# bench/imagegen.sh -- carousel generation with the offline provider (strategy by rules, slides
# drawn locally with FreeType, stored in a blob folder): 10-slide carousels per minute with one
# and with two worker processes, render time per slide, and the fleet's overhead per slide.
#
#   bench/imagegen.sh                    CAROUSELS=60 per burst phase, PACED=20 in the paced phase
#   CAROUSELS=6 PACED=4 bench/imagegen.sh   smoke test
#
# One ingress and `switchyard work imagegen` processes on the private servers of scripts/services
# (started if needed; a database and a broker vhost of the run's own, dropped at the end), release
# builds in .build-bench. Three phases:
#   burst-1, burst-2   CAROUSELS generations of 10 slides requested at once (as fast as curl
#                      sends them), one worker then two (CLI defaults): throughput, end to end,
#                      pickup; the machine's two cores are saturated by the renderer
#   paced              one worker with as many handler slots as renderer threads
#                      (--concurrency imagegen=2), one carousel requested every PERIOD seconds:
#                      render time and fleet overhead without queueing for the CPU
# The figures come from the rows:
#   carousels/min       carousels / (last completed_at - first created_at), the first carousel of
#                       a phase left out (it is requested before the workers start, to be
#                       followed live from its first update)
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
CAROUSELS="${CAROUSELS:-60}"
PACED="${PACED:-20}"
PERIOD="${PERIOD:-1}"
PORT="${PORT:-18091}"
log() { echo "[imagegen.sh] $(date -u +%H:%M:%S) $*" >&2; }

source bench/lib/fleet.sh
bench_build
bench_servers bench_imagegen
BLOBS="$(mktemp -d /tmp/imagegen-bench-blobs.XXXXXX)"
export SWITCHYARD_BLOB_URL="file://$BLOBS" SWITCHYARD_LOG_LEVEL=warning
bench_tenant img
"$BIN/switchyard" users grant --tenant "$TENANT" --user bench --credits 100000 --daily-limit 100000 >/dev/null
trap 'bench_stop; rm -rf "$BLOBS"' EXIT
bench_ingress "$PORT" /tmp/imagegen-bench-ingress.log

phase() { # phase NAME WORKERS COUNT PERIOD [WORKER ARGS...]
  local name=$1 workers=$2 count=$3 period=$4 label="$RUN-$1" ids=() worker_pids=()
  shift 4
  request() {
    curl -fsS -X POST "$API/v1/generations" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
      -d "{\"user_id\":\"bench\",\"prompt\":\"$label carousel $1 about habits that make teams faster\",\"slide_count\":10}" \
      | sed -E 's/.*"generation_id" ?: ?"([^"]+)".*/\1/'
  }
  log "phase $name: $workers worker(s) $*, $count carousels of 10 slides, one every ${period}s"
  # The first carousel is requested before the workers start, and followed live from then on:
  # progress delay = received by the Server-Sent Events client - written (the update's own time).
  ids+=("$(request 1)")
  curl -fsS -N --max-time 300 "$API/v1/generations/${ids[0]}/events" -H "Authorization: Bearer $KEY" \
    | python3 -c '
import sys, json, datetime
for line in sys.stdin:
    if line.startswith("data: "):
        at = datetime.datetime.fromisoformat(json.loads(line[6:])["at"].replace("Z", "+00:00"))
        if json.loads(line[6:])["status"] != "pending":
            print((datetime.datetime.now(datetime.timezone.utc) - at).total_seconds() * 1000)
' >"/tmp/imagegen-bench-delay-$name.txt" &
  local follower=$!
  sleep 1
  for _ in $(seq 1 "$workers"); do
    "$BIN/switchyard" work imagegen "$@" 2>>"/tmp/imagegen-bench-worker.log" & worker_pids+=($!)
  done
  for i in $(seq 2 "$count"); do
    [ "$period" = 0 ] || sleep "$period"
    ids+=("$(request "$i")")
  done
  local deadline=$((SECONDS + 600))
  until [ "$(sql "SELECT count(*) FROM generation_jobs WHERE prompt LIKE '$label %' AND status IN ('completed', 'failed')")" -ge "$count" ]; do
    [ $SECONDS -lt $deadline ] || { log "error: timed out"; exit 1; }
    sleep 0.5
  done
  wait "$follower" || true
  kill "${worker_pids[@]}" 2>/dev/null || true
  wait "${worker_pids[@]}" 2>/dev/null || true
  local delays
  delays="$(sort -n "/tmp/imagegen-bench-delay-$name.txt" | awk '{a[NR]=$1} END {if (NR) printf "%.1f / %.1f", a[int((NR+1)/2)], a[NR]}')"
  bench_psql <<SQL
WITH g AS (SELECT * FROM generation_jobs WHERE prompt LIKE '$label %' AND prompt NOT LIKE '$label carousel 1 %')
SELECT '$name' AS phase, count(*) FILTER (WHERE g.status = 'completed') AS completed,
       round((count(*) / extract(epoch FROM max(g.completed_at) - min(g.created_at)) * 60)::numeric, 1) AS carousels_per_min,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM g.completed_at - g.created_at))::numeric, 2) AS end_to_end_p50_s,
       round(max(extract(epoch FROM g.completed_at - g.created_at))::numeric, 2) AS end_to_end_max_s,
       round(max(extract(epoch FROM g.started_at - g.created_at))::numeric, 2) AS pickup_max_s,
       '$delays' AS progress_delay_p50_max_ms
FROM g;
WITH s AS (SELECT s.* FROM carousel_slides s JOIN generation_jobs g ON g.id = s.generation_id WHERE g.prompt LIKE '$label %')
SELECT '$name' AS phase, count(*) AS slides,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY s.render_ms)::numeric, 2) AS render_p50_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY s.render_ms)::numeric, 2) AS render_p99_ms,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.completed_at - s.picked_up_at) * 1000 - s.render_ms)::numeric, 2) AS overhead_p50_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM s.completed_at - s.picked_up_at) * 1000 - s.render_ms)::numeric, 2) AS overhead_p99_ms
FROM s;
SQL
}

log "commit $(git rev-parse --short HEAD), $(nproc) CPUs"
phase burst-1 1 "$CAROUSELS" 0
phase burst-2 2 "$CAROUSELS" 0
phase paced 1 "$PACED" "$PERIOD" --concurrency imagegen=2

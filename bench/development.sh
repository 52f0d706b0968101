#!/usr/bin/env bash
# bench/development.sh -- the development pipeline with the offline providers: conversations
# per second from webhook to `ready_to_build`, and each stage's latency and fleet overhead.
#
#   bench/development.sh                   RATE=50, 20 s at the fixed rate, 10 s of saturation
#   RATE=50 DURATION=5 bench/development.sh   smoke test
#   CAPTURE=1 bench/development.sh         also captures the fixed-rate phase's AMQP and
#                                             Postgres packets (tcpdump, tshark: installed when
#                                             missing) and prints where each conversation's time
#                                             went: broker, database or worker
#                                             (bench/development_hops.py)
#   BUILD=0 BIN=/tmp/old bench/development.sh  another build's executables (switchyard and
#                                             SwitchyardBench in the folder BIN), for A/B runs
#   QUEUES=classic bench/development.sh    the fleet on a copy of the topology with classic
#                                             queues (in the run's own vhost): a departure from
#                                             the design, to tell the fleet's cost from the
#                                             quorum queues' (default QUEUES=quorum)
#
# One ingress and one worker (`work analysis planning`, CLI defaults) on the private servers of
# scripts/services (started if needed), in a database and a vhost of the run's own
# (development_bench_<time>, development_bench_<queues>_<time>, dropped at the end): switchyard as the container image ships it
# (scripts/build-release), SwitchyardBench a release build in .build-bench. Two phases, each with
# its own conversation ids (signed conversation_ended webhooks with a realistic transcript, from
# SwitchyardBench ingress-load), after WARMUP (200) conversations at RATE that are not measured
# and a CHECKPOINT:
#   rate        RATE conversations/s for DURATION s; per-stage latency p50/p99 from the stage
#               timestamps (analysis: webhook receipt -> projects.analyzed_at; planning:
#               analyzed_at -> planned_at) and the fleet overhead = stage latency minus the
#               provider's time for that stage (api_usage.response_time_ms of the project)
#   saturate    CONNECTIONS concurrent senders for SATURATE_DURATION s; conversations/s from the
#               first webhook's receipt to the last project's planned_at
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
ROOT="$HERE"
cd "$HERE"
RATE="${RATE:-50}"
DURATION="${DURATION:-20}"
SATURATE_DURATION="${SATURATE_DURATION:-10}"
WARMUP="${WARMUP:-200}"   # conversations sent (at RATE) and waited for before the measured phases
CONNECTIONS="${CONNECTIONS:-32}"
PORT="${PORT:-18090}"
QUEUES="${QUEUES:-quorum}"
log() { echo "[development.sh] $(date -u +%H:%M:%S) $*" >&2; }

source "$ROOT/bench/lib/anchors.sh"
source "$ROOT/bench/lib/fleet.sh"
anchors_build switchyard SwitchyardBench

case "$QUEUES" in quorum|classic) ;; *) log "QUEUES: want quorum or classic, got '$QUEUES'"; exit 2 ;; esac
scripts/services up >&2
eval "$(scripts/services env)"
# A database and a broker vhost of the run's own, dropped at the end: the figures don't depend
# on the rows that earlier runs (or the demo) left in scripts/services' database, or on messages
# other tools left in its queues, as on a fresh machine.
bench_database development_bench
bench_vhost "development_bench_$QUEUES"
INGRESS="" WORKER="" TCPDUMP=""
trap 'kill ${INGRESS:+"$INGRESS"} ${WORKER:+"$WORKER"} ${TCPDUMP:+"$TCPDUMP"} 2>/dev/null || true; wait ${INGRESS:+"$INGRESS"} ${WORKER:+"$WORKER"} 2>/dev/null || true; bench_drop_vhost; bench_drop_database' EXIT
if [ "$QUEUES" = classic ]; then
  export SWITCHYARD_TOPOLOGY_FILE=/tmp/development-bench-classic-topology.yaml
  classic_topology "$ROOT/topology/switchyard.yaml" "$SWITCHYARD_TOPOLOGY_FILE"
fi
"$SWITCHYARD" migrate >&2
"$SWITCHYARD" topology apply >&2

SECRET="whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
export SWITCHYARD_WEBHOOK_SECRET_TAVUS="$SECRET" SWITCHYARD_LOG_LEVEL=warning
"$SWITCHYARD" ingress --port "$PORT" 2>/tmp/development-bench-ingress.log &
INGRESS=$!
"$SWITCHYARD" work analysis planning 2>/tmp/development-bench-worker.log &
WORKER=$!
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && break; sleep 0.1; done

wait_for() { # wait_for LABEL COUNT: until every conversation of the phase is ready_to_build
  local deadline=$((SECONDS + 300))
  until [ "$(sql "SELECT count(*) FROM projects WHERE conversation_id LIKE '$1-%' AND status = 'ready_to_build'")" -ge "$2" ]; do
    [ $SECONDS -lt $deadline ] || { log "error: timed out waiting for $1"; exit 1; }
    sleep 0.5
  done
}
load() { "$BIN/SwitchyardBench" ingress-load --url "http://127.0.0.1:$PORT/v1/webhooks/tavus" --secret "$SECRET" --transcript yes "$@"; }

RUN="dev$(date +%s)"
# Warm-up, not measured (as the anchors' latency scenario): the fleet opens its database and
# broker connections and prepares its statements on the first conversations.
log "warm-up: $WARMUP conversations at $RATE/s"
load --label "$RUN-warm" --mode rate --rate "$RATE" --duration "$(awk "BEGIN {print $WARMUP / $RATE}")" >/dev/null
wait_for "$RUN-warm" "$(sql "SELECT count(*) FROM webhook_receipts WHERE webhook_id LIKE '$RUN-warm-%'")"
sql "CHECKPOINT" >/dev/null   # an earlier run's writes don't land in this one's measurement
AMQP_PORT="$(echo "$SWITCHYARD_AMQP_URL" | sed -E 's|.*:([0-9]+)/.*|\1|')"
PG_PORT="$(echo "$SWITCHYARD_DATABASE_URL" | sed -E 's|.*:([0-9]+)/.*|\1|')"
if [ "${CAPTURE:-0}" = 1 ]; then
  command -v tshark >/dev/null && command -v tcpdump >/dev/null ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q tcpdump tshark >&2
  rm -f /tmp/development-bench.pcap
  tcpdump -i lo -s 0 -w /tmp/development-bench.pcap "tcp port $AMQP_PORT or tcp port $PG_PORT" 2>/dev/null &
  TCPDUMP=$!
  # tcpdump creates its file once the interface is open.
  for _ in $(seq 1 100); do [ -e /tmp/development-bench.pcap ] && break; sleep 0.05; done
  [ -e /tmp/development-bench.pcap ] || { log "error: tcpdump did not start"; exit 1; }
fi
log "phase rate: $RATE conversations/s for $DURATION s"
load --label "$RUN-rate" --mode rate --rate "$RATE" --duration "$DURATION" >/tmp/development-bench-rate.jsonl
SENT_RATE="$(sql "SELECT count(*) FROM webhook_receipts WHERE webhook_id LIKE '$RUN-rate-%'")"
wait_for "$RUN-rate" "$SENT_RATE"
if [ "${CAPTURE:-0}" = 1 ]; then
  kill -INT "$TCPDUMP"; wait "$TCPDUMP" || true
  TCPDUMP=""
  # The worker's own Postgres connections (local ports), to tell its queries from the ingress's.
  WORKER_PG_PORTS="$(ss -tnpH "( dport = :$PG_PORT )" | grep "pid=$WORKER," | awk '{split($4, a, ":"); print a[2]}' | paste -sd, -)"
fi

log "phase saturate: $CONNECTIONS concurrent senders for $SATURATE_DURATION s"
load --label "$RUN-sat" --mode saturate --connections "$CONNECTIONS" --duration "$SATURATE_DURATION" >/tmp/development-bench-sat.jsonl
SENT_SAT="$(sql "SELECT count(*) FROM webhook_receipts WHERE webhook_id LIKE '$RUN-sat-%'")"
wait_for "$RUN-sat" "$SENT_SAT"

log "results (commit $(git rev-parse --short HEAD), $(nproc) CPUs, $QUEUES queues)"
bench_psql <<SQL
WITH stages AS (
    SELECT p.id,
           extract(epoch FROM p.analyzed_at - r.received_at) * 1000 AS analysis_ms,
           extract(epoch FROM p.planned_at - p.analyzed_at) * 1000 AS planning_ms,
           (SELECT coalesce(sum(u.response_time_ms), 0) FROM api_usage u WHERE u.project_id = p.id AND u.endpoint LIKE '%analyse') AS analysis_provider_ms,
           (SELECT coalesce(sum(u.response_time_ms), 0) FROM api_usage u WHERE u.project_id = p.id AND u.endpoint LIKE '%plan%') AS planning_provider_ms
    FROM projects p JOIN webhook_receipts r ON r.source = 'tavus' AND r.webhook_id = p.conversation_id
    WHERE p.conversation_id LIKE '$RUN-rate-%'
)
SELECT '$RATE/s' AS load, count(*) AS conversations,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY analysis_ms)::numeric, 2) AS analysis_p50_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY analysis_ms)::numeric, 2) AS analysis_p99_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY analysis_ms - analysis_provider_ms)::numeric, 2) AS analysis_overhead_p99_ms,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY planning_ms)::numeric, 2) AS planning_p50_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY planning_ms)::numeric, 2) AS planning_p99_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY planning_ms - planning_provider_ms)::numeric, 2) AS planning_overhead_p99_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY analysis_provider_ms + planning_provider_ms)::numeric, 2) AS provider_p99_ms
FROM stages;

-- Where the planning stage's time goes (the rate phase), from the rows' own timestamps:
-- to_planner_call = analysis UPDATE -> the planner's api_usage row's created_at, the call's end
-- (the rest of the analysis commit, the follow-up's publish, the broker, the delivery, the
-- project's read, the planner); usage_to_commit = that -> the planning commit's BEGIN (the
-- handler's return, the committer); commit_to_update = BEGIN -> the UPDATE (inbox row first).
WITH planning AS (
    SELECT p.analyzed_at, p.planned_at,
           (SELECT u.created_at FROM api_usage u WHERE u.project_id = p.id AND u.endpoint LIKE '%plan%' ORDER BY u.id LIMIT 1) AS usage_at,
           (SELECT i.processed_at FROM inbox i WHERE i.consumer = 'planning' AND i.message_id = o.message_id) AS begin_at
    FROM projects p
    JOIN outbox o ON o.routing_key = 'plan.requested' AND convert_from(o.body, 'UTF8')::jsonb->>'project_id' = p.id::text
    WHERE p.conversation_id LIKE '$RUN-rate-%'
), parts AS (
    SELECT extract(epoch FROM usage_at - analyzed_at) * 1000 AS to_planner_call,
           extract(epoch FROM begin_at - usage_at) * 1000 AS usage_to_commit,
           extract(epoch FROM planned_at - begin_at) * 1000 AS commit_to_update
    FROM planning
)
SELECT 'planning parts (p50 / p99 ms)' AS stage,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY to_planner_call)::numeric, 2) || ' / '
         || round(percentile_cont(0.99) WITHIN GROUP (ORDER BY to_planner_call)::numeric, 2) AS to_planner_call,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY usage_to_commit)::numeric, 2) || ' / '
         || round(percentile_cont(0.99) WITHIN GROUP (ORDER BY usage_to_commit)::numeric, 2) AS usage_to_commit,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY commit_to_update)::numeric, 2) || ' / '
         || round(percentile_cont(0.99) WITHIN GROUP (ORDER BY commit_to_update)::numeric, 2) AS commit_to_update
FROM parts;

SELECT 'saturate' AS load, count(*) AS conversations,
       round(extract(epoch FROM max(p.planned_at) - min(r.received_at))::numeric, 2) AS seconds,
       round((count(*) / extract(epoch FROM max(p.planned_at) - min(r.received_at)))::numeric, 1) AS conversations_per_s
FROM projects p JOIN webhook_receipts r ON r.source = 'tavus' AND r.webhook_id = p.conversation_id
WHERE p.conversation_id LIKE '$RUN-sat-%';
SQL

if [ "${CAPTURE:-0}" = 1 ]; then
  log "where the rate phase's conversations spent their time (/tmp/development-bench.pcap)"
  python3 bench/development_hops.py /tmp/development-bench.pcap --amqp-port "$AMQP_PORT" --pg-port "$PG_PORT" \
    --worker-pg-ports "$WORKER_PG_PORTS"
fi

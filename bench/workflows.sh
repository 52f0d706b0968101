#!/usr/bin/env bash
# bench/workflows.sh -- the workflow engine on a 5-step `map` workflow: jobs/s and steps/s with
# one worker at the CLI defaults, and the fleet's overhead per step; then JSONPath evaluation
# beside the Python jsonpath-rfc9535 package (bench/jsonpath.sh, same run).
#
#   bench/workflows.sh                     JOBS=2000 in the burst phase, PACED=300 in the paced phase
#   JOBS=100 PACED=30 bench/workflows.sh   smoke test
#   SKIP_JSONPATH=1 bench/workflows.sh      the engine only
#
# One ingress and `switchyard work workflow` on the private servers of scripts/services (started
# if needed), release builds in .build-bench. The workflow: five `map` steps, each input_map a few
# RFC 9535 queries (a filter, wildcards, an index) over the job's input (10 items, ~1 KB) and the
# previous steps' outputs, and an output_map. Two phases:
#   burst    JOBS jobs created through the API (4 curl clients) with no worker running, then one
#            worker started (CLI defaults: 64 handler slots per core): jobs/s and steps/s =
#            jobs (or steps) / (last completed_at - first step started_at)
#   paced    the same worker, one job every PERIOD seconds from one kept-alive connection (no
#            queueing): per step k of 1..4,
#            overhead = (step k+1's message confirmed by the broker: outbox.published_at, taken
#            when the confirm arrives) - (step k's message picked up: job_steps.started_at, the
#            handler's first instant); the map itself is inside it (microseconds). Also step to
#            step = started_at(k+1) - started_at(k), which adds the broker's delivery; and created
#            to first step = the first step's started_at - the job's created_at (the API's
#            transaction start): the commit, the first message's publish, the delivery.
# Goal (issue 14): overhead p99 under 5 ms.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$HERE"
JOBS="${JOBS:-2000}"
PACED="${PACED:-300}"
PERIOD="${PERIOD:-0.02}"
PORT="${PORT:-18092}"
log() { echo "[workflows.sh] $(date -u +%H:%M:%S) $*" >&2; }

source bench/lib/fleet.sh
bench_build
bench_servers bench_workflows
export SWITCHYARD_LOG_LEVEL=warning SWITCHYARD_API_RATE=100000 SWITCHYARD_API_BURST=100000
bench_tenant wf
trap bench_stop EXIT
bench_ingress "$PORT" /tmp/workflows-bench-ingress.log

curl -fsS -X PUT "$API/v1/workflows/bench-map-5" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d '{
  "name": "Five map steps",
  "definition": {"start_step": "cheap", "steps": {
    "cheap":  {"transformer_id": "map", "input_map": {"items": "$.job_input.items[?@.price < 50]", "order": "$.job_input.order"}, "next_step": "names"},
    "names":  {"transformer_id": "map", "input_map": {"names": "$.cheap.output.items[*].name", "first": "$.cheap.output.items[0]"}, "next_step": "tagged"},
    "tagged": {"transformer_id": "map", "input_map": {"tagged": "$.job_input.items[?search(@.tag, \"^(a|b)\")].id", "names": "$.names.output.names"}, "next_step": "pick"},
    "pick":   {"transformer_id": "map", "input_map": {"last": "$.job_input.items[-1:]", "count": "$.tagged.output.tagged"}, "next_step": "report"},
    "report": {"transformer_id": "map", "input_map": {"order": "$.cheap.output.order", "first": "$.names.output.first.name", "tagged": "$.tagged.output.tagged", "last": "$.pick.output.last[0].id"}}},
   "output_map": {"order": "$.report.output.order", "first": "$.report.output.first", "tagged": "$.report.output.tagged"}}}' >/dev/null
INPUT="$(python3 -c '
import json
items = [{"id": i, "name": "item-%d" % i, "price": (i * 17) % 100, "tag": "abcd"[i % 4] + "-tag", "notes": "x" * 40} for i in range(10)]
print(json.dumps({"input": {"order": "ORDER", "items": items}}))')"

create() { # create COUNT CLIENTS LABEL
  seq 1 "$1" | xargs -P "$2" -I{} curl -fsS -o /dev/null -X POST "$API/v1/workflows/bench-map-5/jobs" \
    -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d "${INPUT/ORDER/$3-{\}}"
}
wait_for() { # wait_for LABEL COUNT
  local deadline=$((SECONDS + 900))
  until [ "$(sql "SELECT count(*) FROM jobs WHERE tenant_id = '$TENANT' AND input->>'order' LIKE '$1-%' AND status IN ('completed', 'failed')")" -ge "$2" ]; do
    [ $SECONDS -lt $deadline ] || { log "error: timed out"; exit 1; }
    sleep 0.5
  done
}

log "commit $(git rev-parse --short HEAD), $(nproc) CPUs"
log "phase burst: $JOBS jobs created with no worker running, then one worker (CLI defaults)"
create "$JOBS" 4 burst
"$BIN/switchyard" work workflow 2>>/tmp/workflows-bench-worker.log & PIDS+=($!)
wait_for burst "$JOBS"
log "phase paced: $PACED jobs, one every ${PERIOD}s"
# One kept-alive connection on an absolute schedule: no process per request competing for the CPU.
python3 - "$PORT" "$KEY" "$PACED" "$PERIOD" "$INPUT" <<'PY'
import http.client, sys, time
port, key, count, period, body = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
connection = http.client.HTTPConnection("127.0.0.1", int(port))
start = time.monotonic()
for i in range(1, count + 1):
    connection.request("POST", "/v1/workflows/bench-map-5/jobs", body.replace("ORDER", "paced-%d" % i),
                       {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    if response.status != 201:
        sys.exit("job %d: HTTP %d" % (i, response.status))
    time.sleep(max(0.0, start + i * period - time.monotonic()))
PY
wait_for paced "$PACED"

# Fresh statistics first: with the tables' rows all written since the last autovacuum, the
# planner once chose a plan for the paced query that ran for minutes instead of milliseconds.
bench_psql <<SQL
ANALYZE jobs, job_steps, outbox;
WITH j AS (SELECT * FROM jobs WHERE tenant_id = '$TENANT' AND input->>'order' LIKE 'burst-%'),
     s AS (SELECT s.* FROM job_steps s JOIN j ON j.id = s.job_id)
SELECT 'burst' AS phase, count(*) FILTER (WHERE j.status = 'completed') AS completed,
       (SELECT count(*) FROM s) AS steps,
       round((count(*) / extract(epoch FROM max(j.completed_at) - (SELECT min(started_at) FROM s)))::numeric, 1) AS jobs_per_s,
       round(((SELECT count(*) FROM s) / extract(epoch FROM max(j.completed_at) - (SELECT min(started_at) FROM s)))::numeric, 1) AS steps_per_s
FROM j;
WITH j AS (SELECT * FROM jobs WHERE tenant_id = '$TENANT' AND input->>'order' LIKE 'paced-%'),
     s AS (SELECT s.*, row_number() OVER (PARTITION BY s.job_id ORDER BY s.started_at) AS k FROM job_steps s JOIN j ON j.id = s.job_id),
     o AS (SELECT convert_from(body, 'UTF8')::jsonb->>'job_id' AS job_id, convert_from(body, 'UTF8')::jsonb->>'step_id' AS step_id, published_at
           FROM outbox WHERE tenant_id = '$TENANT' AND routing_key = 'workflow.step'),
     pairs AS (SELECT extract(epoch FROM o.published_at - a.started_at) * 1000 AS overhead_ms,
                      extract(epoch FROM b.started_at - a.started_at) * 1000 AS step_to_step_ms
               FROM s a JOIN s b ON b.job_id = a.job_id AND b.k = a.k + 1
               JOIN o ON o.job_id = a.job_id::text AND o.step_id = b.step_id)
SELECT 'paced' AS phase, count(*) AS step_pairs,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY overhead_ms)::numeric, 2) AS overhead_p50_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY overhead_ms)::numeric, 2) AS overhead_p99_ms,
       round(max(overhead_ms)::numeric, 2) AS overhead_max_ms,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY step_to_step_ms)::numeric, 2) AS step_to_step_p50_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY step_to_step_ms)::numeric, 2) AS step_to_step_p99_ms,
       (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.started_at - j.created_at) * 1000)::numeric, 2)
        FROM s JOIN j ON j.id = s.job_id WHERE s.k = 1) AS created_to_first_step_p50_ms,
       (SELECT round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM s.started_at - j.created_at) * 1000)::numeric, 2)
        FROM s JOIN j ON j.id = s.job_id WHERE s.k = 1) AS created_to_first_step_p99_ms
FROM pairs;
SQL
bench_stop
if [ "${SKIP_JSONPATH:-0}" != 1 ]; then
  log "JSONPath on a 10 KB document beside Python jsonpath-rfc9535"
  bench/jsonpath.sh
fi

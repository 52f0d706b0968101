#!/usr/bin/env bash
# bench/automations.sh -- chatbot automations: 10,000 automations over 1,000 chatbots; events at a
# fixed rate; how long matching takes and how soon a matched event's job starts; then saturation.
#
#   bench/automations.sh                          RATE=500 events/s for SECONDS_PACED=20, BURST=10000
#   RATE=100 SECONDS_PACED=5 BURST=1000 bench/automations.sh     smoke test
#   MATCH_SHARE=0.2 bench/automations.sh  one event in five matches an automation (default: every one)
#
# One ingress and `switchyard work automations workflow` (CLI defaults) on the private servers of
# scripts/services (started if needed), release builds in .build-bench. Setup: 1,000 chatbots with
# 10 active automations each (five event types; conditions with every operator; workflow `echo`),
# written by SQL in the API's format. Phases:
#   paced      RATE chatbot.message.received events per second (4 kept-alive connections on an
#              absolute schedule), each naming a random chatbot; for a MATCH_SHARE of them the
#              text is chosen so that one of the chatbot's automations matches (the other four
#              message automations are evaluated and fail), the rest match none. Per event:
#                match     the in-memory match against the chatbot's automations
#                          (switchyard_automation_match_seconds, the worker's /metrics histogram,
#                          microsecond buckets: percentiles are interpolated within a bucket)
#                latency   (the job's first step picked up: job_steps.started_at, the handler's
#                          first instant) - (the event accepted: the producer got its 202), and
#                          its two parts: to the automations worker's transaction (the execution
#                          row's started_at) and from there to the step's pickup
#   saturation BURST events sent in batches of 500 with no worker running, then one
#              `switchyard work automations` (CLI defaults): events/s =
#              events / (last execution - first execution)
# Goals (issue 15): match p99 < 1 ms; accepted -> first step picked up p99 < 20 ms.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$HERE"
RATE="${RATE:-500}"
SECONDS_PACED="${SECONDS_PACED:-20}"
BURST="${BURST:-10000}"
MATCH_SHARE="${MATCH_SHARE:-1}"
PORT="${PORT:-18093}"
METRICS_PORT="${METRICS_PORT:-19464}"
log() { echo "[automations.sh] $(date -u +%H:%M:%S) $*" >&2; }

source bench/lib/fleet.sh
bench_build
bench_servers bench_automations
export SWITCHYARD_LOG_LEVEL=warning SWITCHYARD_API_RATE=100000 SWITCHYARD_API_BURST=100000
bench_tenant auto
WORK="$(mktemp -d)"
trap 'bench_stop; rm -rf "$WORK"' EXIT
bench_ingress "$PORT" "$WORK/ingress.log"

log "setup: 1,000 chatbots x 10 automations"
bench_psql <<SQL
INSERT INTO chatbots (id, tenant_id, name)
SELECT md5('$RUN' || c)::uuid, '$TENANT', 'bot ' || c FROM generate_series(1, 1000) AS c;
WITH kinds (k, event_type, conditions, match) AS (VALUES
  (0, 'chatbot.message.received', '[{"path": "$.text", "op": "matches", "value": "refund|cancel"}]', 'all'),
  (1, 'chatbot.message.received', '[{"path": "$.text", "op": "contains", "value": "order"}, {"path": "$.sender.tier", "op": "eq", "value": "vip"}]', 'all'),
  (2, 'chatbot.message.received', '[{"path": "$.text", "op": "starts_with", "value": "hello"}, {"path": "$.sender.tier", "op": "in", "value": ["gold", "platinum"]}]', 'any'),
  (3, 'chatbot.message.received', '[{"path": "$.attachments", "op": "exists", "value": true}, {"path": "$.length", "op": "gt", "value": 500}]', 'all'),
  (4, 'chatbot.message.received', '[{"path": "$.text", "op": "eq", "value": "stop"}]', 'all'),
  (5, 'chatbot.sentiment.analysed', '[{"path": "$.polarity", "op": "lt", "value": -0.5}]', 'all'),
  (6, 'chatbot.sentiment.analysed', '[{"path": "$.score", "op": "gte", "value": 0.9}, {"path": "$.sentiment", "op": "ne", "value": "neutral"}]', 'all'),
  (7, 'chatbot.image.analysed', '[{"path": "$.labels", "op": "contains", "value": "receipt"}]', 'all'),
  (8, 'chatbot.conversation.ended', '[{"path": "$.message_count", "op": "gte", "value": 10}]', 'all'),
  (9, 'chatbot.conversation.started', '[{"path": "$.channel", "op": "in", "value": ["web", "app"]}]', 'all'))
INSERT INTO automations (id, tenant_id, chatbot_id, name, event_type, trigger, workflow_id)
SELECT md5('$RUN' || c || '/' || k)::uuid, '$TENANT', md5('$RUN' || c)::uuid, 'rule ' || k, event_type,
       jsonb_build_object('event_type', event_type, 'conditions', conditions::jsonb, 'match', match), 'echo'
FROM generate_series(1, 1000) AS c, kinds;
SQL
log "$(sql "SELECT count(*) FROM automations WHERE tenant_id = '$TENANT'") automations over $(sql "SELECT count(*) FROM chatbots WHERE tenant_id = '$TENANT'") chatbots"

"$BIN/switchyard" work automations workflow --metrics-port "$METRICS_PORT" ${WORK_ARGS:-} 2>"$WORK/worker.log" & WORKER=$!; PIDS+=($WORKER)
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$METRICS_PORT/health" 2>/dev/null && break; sleep 0.1; done
histogram() { curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics" | grep '^switchyard_automation_match_seconds_bucket' || true; }

log "commit $(git rev-parse --short HEAD), $(nproc) CPUs"
log "warm-up: one event per chatbot (loads every chatbot into the worker's cache)"
python3 - "$PORT" "$KEY" "$RUN" <<'PY'
import hashlib, http.client, json, sys, uuid
port, key, run = sys.argv[1], sys.argv[2], sys.argv[3]
connection = http.client.HTTPConnection("127.0.0.1", int(port))
for start in range(1, 1001, 500):
    events = [{"type": "chatbot.message.received",
               "body": {"v": 1, "chatbot_id": str(uuid.UUID(hashlib.md5((run + str(c)).encode()).hexdigest())), "text": "warm-up"}}
              for c in range(start, start + 500)]
    connection.request("POST", "/v1/events:batch", json.dumps({"events": events}),
                       {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    assert response.status == 202, response.status
PY
matched_count() { curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics" | awk '/^switchyard_automation_match_seconds_count/ {print int($2)}'; }
until [ "$(matched_count)" -ge 1000 ] 2>/dev/null; do sleep 0.2; done
histogram >"$WORK/before.txt"

log "phase paced: $RATE events/s for ${SECONDS_PACED}s, a share of $MATCH_SHARE matching an automation"
python3 - "$PORT" "$KEY" "$RUN" "$RATE" "$SECONDS_PACED" "$WORK/accepted.csv" "$MATCH_SHARE" <<'PY'
import hashlib, http.client, json, random, sys, threading, time, uuid
port, key, run, rate, seconds, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
share = float(sys.argv[7])
texts = ["I want a refund", "where is my order", "hello there", "stop", "please cancel it"]
senders = [{"tier": "vip"}, {"tier": "vip"}, {"tier": "gold"}, {}, {}]
lanes, total = 4, rate * seconds
rows, failures = [], []
start = time.monotonic() + 0.2
def lane(n):
    connection = http.client.HTTPConnection("127.0.0.1", int(port))
    rng = random.Random(n)
    for i in range(n, total, lanes):
        time.sleep(max(0.0, start + i / rate - time.monotonic()))
        kind = rng.randrange(5)
        chatbot = uuid.UUID(hashlib.md5((run + str(rng.randrange(1, 1001))).encode()).hexdigest())
        body = {"v": 1, "chatbot_id": str(chatbot), "text": texts[kind], "sender": senders[kind]}
        matches = rng.random() < share
        if not matches:
            body["text"] = "thanks, that is all"
        connection.request("POST", "/v1/events", json.dumps({"type": "chatbot.message.received", "body": body}),
                           {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
        response = connection.getresponse()
        answer = response.read()
        accepted = time.time()
        if response.status != 202:
            failures.append(response.status)
            continue
        if matches:
            rows.append("%s,%.6f\n" % (json.loads(answer)["event"]["message_id"], accepted))
threads = [threading.Thread(target=lane, args=(n,)) for n in range(lanes)]
for thread in threads: thread.start()
for thread in threads: thread.join()
late = time.monotonic() - (start + total / rate)
open(out, "w").writelines(rows)
print("[automations.sh] sent %d events (%d refused, %d to match), finished %.2fs after the schedule" % (total, len(failures), len(rows), late), file=sys.stderr)
PY
SENT="$(wc -l <"$WORK/accepted.csv")"
deadline=$((SECONDS + 300))
until [ "$(sql "SELECT count(*) FROM automation_executions e JOIN job_steps s ON s.job_id = e.job_id WHERE e.tenant_id = '$TENANT'")" -ge "$SENT" ]; do
  [ $SECONDS -lt $deadline ] || { log "error: timed out waiting for the jobs"; exit 1; }
  sleep 0.5
done
histogram >"$WORK/after.txt"

python3 - "$WORK/before.txt" "$WORK/after.txt" <<'PY'
import re, sys
def read(path):
    buckets = {}
    for line in open(path):
        match = re.search(r'le="([^"]+)"\}\s+(\S+)', line)
        if match:
            buckets[float("inf") if match.group(1) == "+Inf" else float(match.group(1))] = float(match.group(2))
    return buckets
before, after = read(sys.argv[1]), read(sys.argv[2])
bounds = sorted(after)
counts = [after[b] - before.get(b, 0) for b in bounds]
total = counts[-1]
def percentile(q):
    target, lower, below = q * total, 0.0, 0.0
    for bound, cumulative in zip(bounds, counts):
        if cumulative >= target:
            if bound == float("inf"): return "> %.0f us" % (lower * 1e6)
            share = (target - below) / (cumulative - below) if cumulative > below else 1
            return "%.1f us" % ((lower + share * (bound - lower)) * 1e6)
        lower, below = bound, cumulative
within = [c for b, c in zip(bounds, counts) if b == 0.001]
print("match: %d events, p50 %s, p99 %s, within 1 ms: %.2f%%" % (total, percentile(0.5), percentile(0.99), 100 * within[0] / total if within and total else 0))
PY
bench_psql <<SQL
CREATE TEMP TABLE accepted (message_id text PRIMARY KEY, at double precision);
\copy accepted FROM '$WORK/accepted.csv' WITH (FORMAT csv)
CREATE TEMP TABLE l AS
  SELECT extract(epoch FROM s.started_at) * 1000 - a.at * 1000 AS latency_ms,
         extract(epoch FROM e.started_at) * 1000 - a.at * 1000 AS to_execution_ms,
         extract(epoch FROM s.started_at - e.started_at) * 1000 AS execution_to_pickup_ms
  FROM accepted a JOIN automation_executions e ON e.event_id = a.message_id
  JOIN job_steps s ON s.job_id = e.job_id AND s.step_id = 'echo';
SELECT 'paced' AS phase, count(*) AS events_to_jobs,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms)::numeric, 2) AS accepted_to_pickup_p50_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms)::numeric, 2) AS accepted_to_pickup_p99_ms,
       round(max(latency_ms)::numeric, 2) AS max_ms
FROM l;
-- Where that time goes: to the automations worker's transaction (its start: the execution row's
-- started_at), then from there to the job's first step picked up by the workflow worker.
SELECT 'paced parts (p50 / p99 ms)' AS phase,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY to_execution_ms)::numeric, 2) || ' / ' ||
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY to_execution_ms)::numeric, 2) AS accepted_to_execution,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY execution_to_pickup_ms)::numeric, 2) || ' / ' ||
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY execution_to_pickup_ms)::numeric, 2) AS execution_to_pickup
FROM l;
SQL

log "phase saturation: $BURST events with no worker running, then one 'switchyard work automations'"
kill "$WORKER"; wait "$WORKER" 2>/dev/null || true
python3 - "$PORT" "$KEY" "$RUN" "$BURST" <<'PY'
import hashlib, http.client, json, random, sys, uuid
port, key, run, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
connection = http.client.HTTPConnection("127.0.0.1", int(port))
rng = random.Random(7)
for start in range(0, count, 500):
    events = [{"type": "chatbot.message.received",
               "body": {"v": 1, "chatbot_id": str(uuid.UUID(hashlib.md5((run + str(rng.randrange(1, 1001))).encode()).hexdigest())),
                        "text": "burst: please cancel", "n": i}}
              for i in range(start, min(start + 500, count))]
    connection.request("POST", "/v1/events:batch", json.dumps({"events": events}),
                       {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    assert response.status == 202, response.status
PY
"$BIN/switchyard" work automations 2>>"$WORK/worker.log" & PIDS+=($!)
deadline=$((SECONDS + 600))
# An execution holds its event (trigger_data), or shares it with the event's others (automation_events).
BURST_EXECUTIONS="automation_executions e LEFT JOIN automation_events v ON v.tenant_id = e.tenant_id AND v.event_id = e.event_id
  WHERE e.tenant_id = '$TENANT' AND coalesce(e.trigger_data, v.data)->>'text' = 'burst: please cancel'"
until [ "$(sql "SELECT count(*) FROM $BURST_EXECUTIONS")" -ge "$BURST" ]; do
  [ $SECONDS -lt $deadline ] || { log "error: timed out"; exit 1; }
  sleep 0.5
done
bench_psql <<SQL
SELECT 'saturation' AS phase, count(*) AS executions,
       round((count(*) / extract(epoch FROM max(e.started_at) - min(e.started_at)))::numeric, 1) AS events_per_s
FROM $BURST_EXECUTIONS;
SQL
log "draining the burst's jobs (workflow worker) so later benchmarks start from empty queues"
"$BIN/switchyard" work workflow 2>>"$WORK/worker.log" & PIDS+=($!)
deadline=$((SECONDS + 600))
until [ "$(sql "SELECT count(*) FROM jobs WHERE tenant_id = '$TENANT' AND status NOT IN ('completed', 'failed')")" -eq 0 ]; do
  [ $SECONDS -lt $deadline ] || { log "error: timed out draining"; exit 1; }
  sleep 0.5
done

#!/usr/bin/env bash
# bench/ingress.sh -- webhook accept rate and latency of `switchyard ingress` (Standard Webhooks
# signature check + receipt row + publish with confirm) beside the anchors' Python peer
# (ingress_peer.py: FastAPI on uvicorn with uvloop and httptools, 2 workers, asyncpg, aio-pika;
# the same job) and a Hummingbird route that does nothing; same client (SwitchyardBench
# ingress-load, libcurl), same broker and database, same session.
#
#   bench/ingress.sh                     RUNS=3, 15 s per phase, 20 phases per run (~17 min; RUNS=2 ~12)
#   RUNS=1 DURATION=2 bench/ingress.sh   smoke test (~1 min)
#
# Environment: RUNS (3), DURATION (15 s per phase), CONNECTIONS ("32 128 256": the saturation
# phases' concurrent requests, one phase per count), RATE (1000 requests/s), PEER (1; 0 = without
# the Python peer), EVENTS (1; 0 = without the producer-event phases), BUILD (1; 0 = run what the
# last builds left: switchyard the image's, from scripts/build-release, the rest from .build-bench;
# with BIN=FOLDER the builds in FOLDER, switchyard too; with SWITCHYARD=PATH that switchyard: A/B
# runs), KEEP_SERVERS (0; 1 = leave the anchors' servers running), OUT (default
# /tmp/switchyard-bench-out/ingress-<UTC time>), ANCHORS, PORTS ("18080 18081 18090": ours, the
# do-nothing route, the peer; each must be free).
#
# Per run: saturation (closed loop, with each count of CONNECTIONS concurrent requests) against
# the do-nothing route, the ingress and the peer; then an open loop at RATE requests/s against each, latency
# counted from each request's scheduled send time. With EVENTS=1 the same phases also run
# producer events against our ingress: `POST /v1/events` with an API key (a
# `chatbot.message.received` event, published with a confirm to sy.work.automations; label
# ingress-events) and the same with a fresh Idempotency-Key each (recorded in the transaction
# that publishes it; label ingress-keyed-events). The key's tenant is made at the start; the
# per-key rate limit is raised out of the load's way (its check still runs). Servers: the anchors' (setup.sh; RabbitMQ
# 127.0.0.1:5673, PostgreSQL 127.0.0.1:5433; teardown.sh at the end): the ingress and the peer
# share the vhost switchyard-ingress-bench and the database switchyard_ingress_bench (recreated
# and migrated at every start; the peer's exchange peer.events, quorum queue peer.work and table
# peer_receipts beside ours); both receive the same random whsec_ secret. The work queues the
# two fill (sy.work.analysis, peer.work) are purged after every phase. Output in OUT:
# records.jsonl, load.log, load.err, ingress.log, noop.log, python-peer.log, meta.txt, summary.md.
# Each phase also records CPU per request: the server's process tree, the load generator, the
# anchors' broker and Postgres ($BENCH_RMQ_PIDFILE, $BENCH_PG_PIDFILE from their env.sh).
set -euo pipefail
umask 022
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
RUNS="${RUNS:-3}"
DURATION="${DURATION:-15}"
CONNECTIONS="${CONNECTIONS:-32 128 256}"
RATE="${RATE:-1000}"
PEER="${PEER:-1}"
read -r OURS_PORT NOOP_PORT PEER_PORT <<<"${PORTS:-18080 18081 18090}"
OUT="${OUT:-/tmp/switchyard-bench-out/ingress-$(date -u +%Y%m%dT%H%M%SZ)}"
SY_VHOST=switchyard-ingress-bench
SY_DB=switchyard_ingress_bench
[[ "$RUNS" =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] && [ "$RUNS" -le 20 ] || { echo "ingress.sh: RUNS must be 1..20" >&2; exit 2; }
[[ "$DURATION" =~ ^[0-9]+$ ]] && [ "$DURATION" -ge 1 ] || { echo "ingress.sh: DURATION must be whole seconds >= 1" >&2; exit 2; }
[[ "$PEER" =~ ^[01]$ ]] || { echo "ingress.sh: PEER must be 0 or 1" >&2; exit 2; }
EVENTS="${EVENTS:-1}"
[[ "$EVENTS" =~ ^[01]$ ]] || { echo "ingress.sh: EVENTS must be 0 or 1" >&2; exit 2; }
[[ "$CONNECTIONS" =~ ^[1-9][0-9]*( [1-9][0-9]*)*$ ]] || { echo "ingress.sh: CONNECTIONS must be counts >= 1 separated by spaces, got '$CONNECTIONS'" >&2; exit 2; }

log() { echo "[ingress.sh] $(date -u +%H:%M:%S) $*" >&2; }
source "$ROOT/bench/lib/anchors.sh"
source "$ROOT/bench/lib/ingress_servers.sh"
anchors_find
anchors_build switchyard SwitchyardBench
anchors_env
for port in "$OURS_PORT" "$NOOP_PORT" "$PEER_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then log "port $port is in use; set PORTS"; exit 2; fi
done
mkdir -p "$OUT"
export BENCH_JSONL="$OUT/records.jsonl"
: >"$BENCH_JSONL"

anchors_on_exit stop_servers
anchors_servers "$SY_VHOST" "$SY_DB"
[ "$PEER" = 1 ] && install_peer

SECRET="whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
[ "$EVENTS" = 1 ] && create_api_key
start_ours
start_noop
[ "$PEER" = 1 ] && start_peer

{
  anchors_meta_head
  echo "servers: the anchors' RabbitMQ $(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo '?') on 127.0.0.1:$RMQ_PORT and PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (vhost $SY_VHOST, database $SY_DB: ours and the peer's)"
  echo "ours: release build, switchyard ingress (log level warning) on :$OURS_PORT; SwitchyardBench noop-server on :$NOOP_PORT"
  [ "$PEER" = 1 ] && echo "peer: ingress_peer.py, uvicorn --workers 2 --loop uvloop --http httptools on :$PEER_PORT ($("$VENV/bin/pip" freeze 2>/dev/null | grep -iE '^(fastapi|uvicorn|uvloop|httptools|asyncpg|aio-pika|standardwebhooks)==' | tr '\n' ' '); python $("$VENV/bin/python" -V 2>&1 | awk '{print $2}'))"
  [ "$EVENTS" = 1 ] && echo "producer events: POST /v1/events, chatbot.message.received with an API key (SWITCHYARD_API_RATE and _BURST 1000000), without and with a fresh Idempotency-Key each"
  echo "command: RUNS=$RUNS DURATION=$DURATION CONNECTIONS='$CONNECTIONS' RATE=$RATE PEER=$PEER EVENTS=$EVENTS bench/ingress.sh"
} >"$OUT/meta.txt"
cat "$OUT/meta.txt" >&2

TARGETS=("noop http://127.0.0.1:$NOOP_PORT/noop $NOOP_PID" "ingress http://127.0.0.1:$OURS_PORT/v1/webhooks/tavus $OURS_PID")
[ "$PEER" = 1 ] && TARGETS+=("python-peer http://127.0.0.1:$PEER_PORT/v1/webhooks/tavus $PEER_PID")
if [ "$EVENTS" = 1 ]; then
  TARGETS+=("ingress-events http://127.0.0.1:$OURS_PORT/v1/events $OURS_PID --kind event --api-key $API_KEY"
            "ingress-keyed-events http://127.0.0.1:$OURS_PORT/v1/events $OURS_PID --kind keyed-event --api-key $API_KEY")
fi
load() {  # load LABEL URL PID ARGS...: one phase, bounded; records to records.jsonl and load.log
  local label="$1" url="$2" pid="$3"; shift 3
  timeout $((DURATION * 3 + 60)) "$BIN/SwitchyardBench" ingress-load --secret "$SECRET" --duration "$DURATION" \
    --label "$label" --url "$url" --server-pid "$pid" "$@" >>"$OUT/load.log" 2> >(tee -a "$OUT/load.err" >&2)
  purge_work_queues
}
for run in $(seq 1 "$RUNS"); do
  export BENCH_RUN=$run
  for connections in $CONNECTIONS; do
    for target in "${TARGETS[@]}"; do
      log "run $run/$RUNS: saturation ($connections concurrent), ${target%% *}"
      load $target --mode saturate --connections "$connections"
    done
  done
  for target in "${TARGETS[@]}"; do
    log "run $run/$RUNS: open loop at $RATE requests/s, ${target%% *}"
    load $target --mode rate --rate "$RATE"
  done
done
echo "finished: $(date -u '+%Y-%m-%d %H:%M:%S UTC')" >>"$OUT/meta.txt"

python3 "$ROOT/bench/ingress_report.py" "$BENCH_JSONL" --rate "$RATE" --meta "$OUT/meta.txt" --md "$OUT/summary.md"

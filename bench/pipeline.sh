#!/usr/bin/env bash
# bench/pipeline.sh -- `switchyard work probe` beside the peer anchors (dramatiq, Celery) and
# the raw limits of the broker and the database (the anchors' raw_broker.py, raw_pg.py): same
# servers, same procedure, same session, interleaved run by run.
#
#   bench/pipeline.sh                  RUNS=3 interleaved runs (~6 min per run, estimated), then the tables
#   QUICK=1 RUNS=1 bench/pipeline.sh   smoke test (N=2,000, 3 s of latency load, raw N=5,000; ~2 min)
#
# Environment: RUNS (3), QUICK (0), OUT (default /tmp/switchyard-bench-out/<UTC time>),
# ANCHORS (/work/shared/bench/anchors or ../shared/bench/anchors next to the repo),
# CONFIGS ("defaults 16/64": `switchyard work probe` --concurrency/--prefetch, one row block
# each; "defaults" passes neither, so the worker runs at the CLI defaults for this machine (where
# the issue's goals are set) and the report shows the values it used; "classic" runs the
# defaults on a copy of the topology whose queues are classic instead of quorum, a departure
# from the design measured only to show what the queue type costs), PEERS ("dramatiq
# celery-prefork celery-threads"; "" = none), LIMITS ("raw-broker raw-pg raw-latency"; "" = none),
# QUIET_WAIT (20: max seconds every program waits for an idle machine before a phase, the
# anchors' default; 0 = don't wait), BUILD (1; 0 = run what the last builds left:
# switchyard the image's, from scripts/build-release, the rest from .build-bench; BIN=FOLDER or
# SWITCHYARD=PATH run another build, as in bench/lib/anchors.sh),
# KEEP_SERVERS (0; 1 = leave the anchors' servers running).
#
# Uses only the anchors' servers (RabbitMQ 127.0.0.1:5673, PostgreSQL 127.0.0.1:5433, started
# by their setup.sh, stopped by their teardown.sh at the end): our worker gets a vhost of its
# own (switchyard-bench) and a database of its own (switchyard_bench, recreated and migrated at
# every start); the peers use the anchors' `/` vhost and `bench` database as run_all.sh does.
# Per run k: SwitchyardBench pipeline (drain + latency) once per configuration, then
# dramatiq_bench.py and celery_bench.py (--pool prefork, --pool threads) with --scenarios
# drain,latency (the retry scenario is skipped: we have no retry figure to set beside it), then
# raw_broker.py --types quorum (publish with confirms, consume + ack) and raw_pg.py (its five
# write scenarios; the report uses batch500-insert), each --runs 1 --first-run k, and
# bench/raw_latency.py --queue-type quorum, then classic (the anchors' latency scenario run by the
# least worker there is: what each queue type costs the same worker).
# Output in OUT: records.jsonl (every figure), logs/ (worker logs), <step>.log (its records),
# <step>.err (its progress and errors), failures.txt (failed steps, if any), meta.txt, summary.md.
set -euo pipefail
umask 022
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

RUNS="${RUNS:-3}"
QUICK="${QUICK:-0}"
PEERS="${PEERS-dramatiq celery-prefork celery-threads}"
CONFIGS="${CONFIGS:-defaults 16/64}"
LIMITS="${LIMITS-raw-broker raw-pg raw-latency}"
QUIET_WAIT="${QUIET_WAIT:-20}"
BUILD="${BUILD:-1}"
OUT="${OUT:-/tmp/switchyard-bench-out/$(date -u +%Y%m%dT%H%M%SZ)}"
STEP_TIMEOUT=600   # seconds per program invocation (hard stop), as run_all.sh
SY_VHOST=switchyard-bench
SY_DB=switchyard_bench
[[ "$RUNS" =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] && [ "$RUNS" -le 20 ] || { echo "pipeline.sh: RUNS must be 1..20" >&2; exit 2; }
for p in $PEERS; do
  case "$p" in dramatiq|celery-prefork|celery-threads) ;; *) echo "pipeline.sh: unknown peer '$p'" >&2; exit 2 ;; esac
done
for l in $LIMITS; do
  case "$l" in raw-broker|raw-pg|raw-latency) ;; *) echo "pipeline.sh: unknown limit '$l'" >&2; exit 2 ;; esac
done
[ -z "${CONCURRENCY:-}${PREFETCH:-}" ] || { echo "pipeline.sh: CONCURRENCY/PREFETCH are now CONFIGS=\"C/P ...\"" >&2; exit 2; }
for c in $CONFIGS; do
  [[ "$c" =~ ^[0-9]+/[0-9]+$ || "$c" = defaults || "$c" = classic ]] ||
    { echo "pipeline.sh: CONFIGS: want concurrency/prefetch pairs, 'defaults' or 'classic', got '$c'" >&2; exit 2; }
done
[ -n "$CONFIGS" ] || { echo "pipeline.sh: CONFIGS is empty" >&2; exit 2; }
[[ "$QUIET_WAIT" =~ ^[0-9]+$ ]] || { echo "pipeline.sh: QUIET_WAIT must be whole seconds" >&2; exit 2; }

log() { echo "[pipeline.sh] $(date -u +%T) $*" >&2; }
source "$ROOT/bench/lib/anchors.sh"
anchors_find
anchors_build switchyard SwitchyardBench
anchors_env   # the peers read the BENCH_* variables of the anchors' env.sh
mkdir -p "$OUT/logs"
export BENCH_JSONL="$OUT/records.jsonl" BENCH_LOGDIR="$OUT/logs"
: >"$BENCH_JSONL"
WORKER_PIDFILE="$OUT/worker.pid"

stop_leftover_worker() {  # a worker SwitchyardBench left behind (it was killed): by its pid
  local pid
  pid="$(cat "$WORKER_PIDFILE" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    log "stopping leftover worker pid $pid"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$WORKER_PIDFILE"
}
anchors_on_exit stop_leftover_worker

# Our vhost on the bench broker, our database on the bench Postgres (fresh every session).
anchors_servers "$SY_VHOST" "$SY_DB"
CLASSIC_ARGS=()
if [[ " $CONFIGS " = *" classic "* ]]; then
  # The same topology with classic queues, in a vhost and database of their own.
  CLASSIC_ENV=(SWITCHYARD_TOPOLOGY_FILE="$OUT/classic-topology.yaml"
    SWITCHYARD_AMQP_URL="${SWITCHYARD_AMQP_URL%/*}/$SY_VHOST-classic"
    SWITCHYARD_DATABASE_URL="${SWITCHYARD_DATABASE_URL%/*}/${SY_DB}_classic")
  classic_topology "$SWITCHYARD_TOPOLOGY_FILE" "$OUT/classic-topology.yaml"
  rmq_tool rabbitmqctl -q list_vhosts | grep -qx "$SY_VHOST-classic" || rmq_tool rabbitmqctl -q add_vhost "$SY_VHOST-classic" >&2
  rmq_tool rabbitmqctl -q set_permissions -p "$SY_VHOST-classic" guest '.*' '.*' '.*' >&2
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS ${SY_DB}_classic WITH (FORCE)" -c "CREATE DATABASE ${SY_DB}_classic" >&2
  log "the topology with classic queues: vhost $SY_VHOST-classic, database ${SY_DB}_classic"
  env "${CLASSIC_ENV[@]}" timeout 120 "$SWITCHYARD" migrate >&2
  env "${CLASSIC_ENV[@]}" timeout 120 "$SWITCHYARD" topology apply >&2
  CLASSIC_ARGS=(--topology "${CLASSIC_ENV[0]#*=}" --amqp-url "${CLASSIC_ENV[1]#*=}" --database-url "${CLASSIC_ENV[2]#*=}")
fi

# ---- meta ---------------------------------------------------------------------
pins="$("$VENV/bin/pip" freeze 2>/dev/null | grep -iE '^(dramatiq|celery|kombu|pika|psycopg)==' | tr '\n' ' ')"
{
  anchors_meta_head
  echo "servers: the anchors' RabbitMQ $(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo '?') on 127.0.0.1:$RMQ_PORT (ours: vhost $SY_VHOST; peers: /), PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (ours: database $SY_DB; peers: $PG_DB)"
  echo "switchyard: release build as the image ships it ($SWITCHYARD), work probe --concurrency/--prefetch $CONFIGS ("defaults": neither passed; $(nproc) cores here); $(swift --version 2>/dev/null | head -1)"
  echo "peers: ${PEERS:-none} ($pins; python $("$VENV/bin/python" -V 2>&1 | awk '{print $2}'))"
  echo "limits: ${LIMITS:-none} (raw_broker.py --types quorum: consume + ack, prefetch 300; raw_pg.py: 500-row executemany transactions; raw_latency.py: the latency scenario's least worker, pika and one autocommit INSERT, prefetch 64, on a quorum and on a classic queue)"
  echo "command: QUICK=$QUICK RUNS=$RUNS CONFIGS=\"$CONFIGS\" PEERS=\"$PEERS\" LIMITS=\"$LIMITS\" QUIET_WAIT=$QUIET_WAIT bench/pipeline.sh"
} >"$OUT/meta.txt"
cat "$OUT/meta.txt" >&2

# ---- interleaved runs -----------------------------------------------------------
OUR_ARGS=(--quiet-wait "$QUIET_WAIT") PEER_ARGS=(--quiet-wait "$QUIET_WAIT") RAW_ARGS=(--quiet-wait "$QUIET_WAIT")
if [ "$QUICK" = 1 ]; then  # as run_all.sh QUICK=1
  OUR_ARGS+=(--n 2000 --duration 3) PEER_ARGS+=(--n 2000 --duration 3) RAW_ARGS+=(--n 5000)
fi
IN_ANCHORS=(bash -c 'cd "$0" && exec "$@"' "$ANCHORS")  # runs an anchors' script from their folder
step() {  # step NAME CMD...: bounded; a failure is recorded and the rest still runs (run_all.sh)
  local name="$1" rc=0; shift
  log "run $BENCH_RUN/$RUNS: $name"
  # records (stdout) -> NAME.log; progress and errors (stderr) -> NAME.err and the console
  timeout "$STEP_TIMEOUT" "$@" >>"$OUT/$name.log" 2> >(tee -a "$OUT/$name.err" >&2) || rc=$?
  stop_leftover_worker
  if [ "$rc" != 0 ]; then
    sleep 0.2  # let tee finish writing
    echo "run $BENCH_RUN: $name rc=$rc ($(tail -1 "$OUT/$name.err" 2>/dev/null))" | tee -a "$OUT/failures.txt" >&2
  fi
}
for k in $(seq 1 "$RUNS"); do
  export BENCH_RUN=$k
  for c in $CONFIGS; do
    system="switchyard-${c/\//x}"
    settings=()
    case "$c" in
      defaults) ;;
      classic) settings=("${CLASSIC_ARGS[@]}") ;;
      *) settings=(--concurrency "${c%/*}" --prefetch "${c#*/}") ;;
    esac
    step "$system" "$BIN/SwitchyardBench" pipeline --switchyard "$SWITCHYARD" --system "$system" \
      "${settings[@]}" --runs 1 --first-run "$k" \
      --pidfile "$WORKER_PIDFILE" --latency-dump "$OUT/logs/$system-latency-run{run}.tsv" "${OUR_ARGS[@]}"
  done
  for p in $PEERS; do
    case "$p" in
      dramatiq) step dramatiq "${IN_ANCHORS[@]}" "$VENV/bin/python" dramatiq_bench.py \
                  --runs 1 --first-run "$k" --scenarios drain,latency "${PEER_ARGS[@]}" ;;
      celery-*) step "$p" "${IN_ANCHORS[@]}" "$VENV/bin/python" celery_bench.py \
                  --pool "${p#celery-}" --runs 1 --first-run "$k" --scenarios drain,latency "${PEER_ARGS[@]}" ;;
    esac
  done
  for l in $LIMITS; do
    case "$l" in
      raw-broker) step raw-broker "${IN_ANCHORS[@]}" "$VENV/bin/python" raw_broker.py --types quorum \
                    --runs 1 --first-run "$k" "${RAW_ARGS[@]}" ;;
      raw-pg)     step raw-pg "${IN_ANCHORS[@]}" "$VENV/bin/python" raw_pg.py --runs 1 --first-run "$k" "${RAW_ARGS[@]}" ;;
      raw-latency)
        for t in quorum classic; do
          step "raw-latency-$t" "${IN_ANCHORS[@]}" "$VENV/bin/python" "$ROOT/bench/raw_latency.py" --queue-type "$t" \
            --runs 1 --first-run "$k" --scenarios latency "${PEER_ARGS[@]}"
        done ;;
    esac
  done
done

echo "finished: $(date -u '+%Y-%m-%d %H:%M:%S UTC')" >>"$OUT/meta.txt"

# ---- report -----------------------------------------------------------------------
title="Pipeline benchmark: switchyard work probe beside the peers and the raw limits"
[ "$QUICK" = 1 ] && title="$title (QUICK smoke test: small N, figures not comparable)"
"$VENV/bin/python" "$ROOT/bench/pipeline_report.py" "$BENCH_JSONL" --meta "$OUT/meta.txt" \
  --peers "$(echo $PEERS | tr ' ' ',')" --title "$title" --md "$OUT/summary.md" >/dev/null
if [ -s "$OUT/failures.txt" ]; then { echo; echo "Failed steps:"; sed 's/^/- /' "$OUT/failures.txt"; } >>"$OUT/summary.md"; fi
cat "$OUT/summary.md"
[ -s "$OUT/failures.txt" ] && { log "some steps failed: $OUT/failures.txt and $OUT/*.err"; exit 1; }
exit 0

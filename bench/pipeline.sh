#!/usr/bin/env bash
# bench/pipeline.sh -- `switchyard work probe` beside the peer anchors (dramatiq, Celery):
# same servers, same procedure, same session, interleaved run by run.
#
#   bench/pipeline.sh                  RUNS=3 interleaved runs (~4-5 min per run), then a table
#   QUICK=1 RUNS=1 bench/pipeline.sh   smoke test (N=2,000, 3 s of latency load; ~3 min)
#
# Environment: RUNS (3), QUICK (0), OUT (default /tmp/switchyard-bench-out/<UTC time>),
# ANCHORS (/work/shared/bench/anchors or ../shared/bench/anchors next to the repo),
# PEERS ("dramatiq celery-prefork celery-threads"; "" = ours only), CONCURRENCY (16) and
# PREFETCH (64) for `switchyard work probe`, BUILD (1; 0 = use the binaries already in
# .build-bench), KEEP_SERVERS (0; 1 = leave the anchors' servers running).
#
# Uses only the anchors' servers (RabbitMQ 127.0.0.1:5673, PostgreSQL 127.0.0.1:5433, started
# by their setup.sh, stopped by their teardown.sh at the end): our worker gets a vhost of its
# own (switchyard-bench) and a database of its own (switchyard_bench, recreated and migrated at
# every start); the peers use the anchors' `/` vhost and `bench` database as run_all.sh does.
# Per run k: SwitchyardBench pipeline (drain + latency), then dramatiq_bench.py and
# celery_bench.py (--pool prefork, --pool threads) with --scenarios drain,latency (the retry
# scenario is skipped: we have no retry figure to set beside it), each --runs 1 --first-run k.
# Output in OUT: records.jsonl (every figure), logs/ (worker logs), <step>.log (its records),
# <step>.err (its progress and errors), failures.txt (failed steps, if any), meta.txt, summary.md.
set -euo pipefail
umask 022
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

RUNS="${RUNS:-3}"
QUICK="${QUICK:-0}"
PEERS="${PEERS-dramatiq celery-prefork celery-threads}"
CONCURRENCY="${CONCURRENCY:-16}"
PREFETCH="${PREFETCH:-64}"
BUILD="${BUILD:-1}"
OUT="${OUT:-/tmp/switchyard-bench-out/$(date -u +%Y%m%dT%H%M%SZ)}"
STEP_TIMEOUT=600   # seconds per program invocation (hard stop), as run_all.sh
SY_VHOST=switchyard-bench
SY_DB=switchyard_bench
if [ -z "${ANCHORS:-}" ]; then
  for d in /work/shared/bench/anchors "$ROOT/../shared/bench/anchors"; do
    [ -f "$d/bench_driver.py" ] && { ANCHORS="$d"; break; }
  done
fi
[ -f "${ANCHORS:-}/bench_driver.py" ] || { echo "pipeline.sh: anchors not found; set ANCHORS" >&2; exit 2; }
[[ "$RUNS" =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] && [ "$RUNS" -le 20 ] || { echo "pipeline.sh: RUNS must be 1..20" >&2; exit 2; }
for p in $PEERS; do
  case "$p" in dramatiq|celery-prefork|celery-threads) ;; *) echo "pipeline.sh: unknown peer '$p'" >&2; exit 2 ;; esac
done

log() { echo "[pipeline.sh] $(date -u +%T) $*" >&2; }

# ---- build (release, scratch path .build-bench as broker.sh) ----------------
export PATH=/opt/swift/usr/bin:$PATH
BIN="$ROOT/.build-bench/release"
if [ "$BUILD" = 1 ]; then
  for product in switchyard SwitchyardBench; do
    log "building $product (release, .build-bench)"
    timeout 3600 swift build -c release --product "$product" --scratch-path .build-bench >&2
  done
fi
[ -x "$BIN/switchyard" ] && [ -x "$BIN/SwitchyardBench" ] || { log "no release binaries in $BIN"; exit 1; }

# ---- the anchors' servers -----------------------------------------------------
# env.sh: VENV, RMQ_PORT, PG_PORT, PG_BIN, BENCH_AMQP_URL, BENCH_PG_DSN, BENCH_*_PIDFILE,
# rmq_tool, pid_alive (peers read the BENCH_* variables).
source "$ANCHORS/env.sh"
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
finish() {
  local rc=$?
  stop_leftover_worker
  if [ "${KEEP_SERVERS:-0}" != 1 ]; then "$ANCHORS/teardown.sh" >&2 || true; fi
  log "output: $OUT"
  exit $rc
}
trap finish EXIT

log "anchors' setup.sh (venv $VENV, RabbitMQ :$RMQ_PORT, PostgreSQL :$PG_PORT)"
"$ANCHORS/setup.sh" >&2

# Our vhost on the bench broker, our database on the bench Postgres (fresh every session).
if ! rmq_tool rabbitmqctl -q list_vhosts | grep -qx "$SY_VHOST"; then
  rmq_tool rabbitmqctl -q add_vhost "$SY_VHOST" >&2
fi
rmq_tool rabbitmqctl -q set_permissions -p "$SY_VHOST" guest '.*' '.*' '.*' >&2
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres)
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $SY_DB WITH (FORCE)" -c "CREATE DATABASE $SY_DB" >&2

export SWITCHYARD_AMQP_URL="amqp://guest:guest@127.0.0.1:${RMQ_PORT}/${SY_VHOST}"
export SWITCHYARD_DATABASE_URL="postgresql://postgres@127.0.0.1:${PG_PORT}/${SY_DB}"
export SWITCHYARD_RABBITMQ_MANAGEMENT_URL="http://guest:guest@127.0.0.1:15673"  # not used (no verify)
export SWITCHYARD_TOPOLOGY_FILE="$ROOT/topology/switchyard.yaml"
export SWITCHYARD_MIGRATIONS_DIR="$ROOT/migrations"
log "switchyard migrate + topology apply ($SWITCHYARD_DATABASE_URL, vhost $SY_VHOST)"
timeout 120 "$BIN/switchyard" migrate >&2
timeout 120 "$BIN/switchyard" topology apply >&2

# ---- meta ---------------------------------------------------------------------
commit="$(git rev-parse --short HEAD 2>/dev/null || echo '?')"
[ -n "$(git status --porcelain -- Sources Package.swift migrations topology 2>/dev/null)" ] && commit="$commit + uncommitted Sources/Package.swift/migrations/topology"
[ -n "$(git status --porcelain -- bench 2>/dev/null)" ] && commit="$commit + uncommitted bench"
pins="$("$VENV/bin/pip" freeze 2>/dev/null | grep -iE '^(dramatiq|celery|kombu|pika|psycopg)==' | tr '\n' ' ')"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "commit: $commit"
  echo "machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), Debian $(cat /etc/debian_version 2>/dev/null || echo '?')"
  echo "servers: the anchors' RabbitMQ $(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo '?') on 127.0.0.1:$RMQ_PORT (ours: vhost $SY_VHOST; peers: /), PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (ours: database $SY_DB; peers: $PG_DB)"
  echo "switchyard: release build ($BIN/switchyard), work probe --concurrency $CONCURRENCY --prefetch $PREFETCH; $(swift --version 2>/dev/null | head -1)"
  echo "peers: $PEERS ($pins; python $("$VENV/bin/python" -V 2>&1 | awk '{print $2}'))"
  echo "command: QUICK=$QUICK RUNS=$RUNS PEERS=\"$PEERS\" CONCURRENCY=$CONCURRENCY PREFETCH=$PREFETCH bench/pipeline.sh"
} >"$OUT/meta.txt"
cat "$OUT/meta.txt" >&2

# ---- interleaved runs -----------------------------------------------------------
OUR_ARGS=() PEER_ARGS=()
if [ "$QUICK" = 1 ]; then
  OUR_ARGS=(--n 2000 --duration 3) PEER_ARGS=(--n 2000 --duration 3)   # as run_all.sh QUICK=1
fi
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
  step switchyard "$BIN/SwitchyardBench" pipeline --switchyard "$BIN/switchyard" \
    --concurrency "$CONCURRENCY" --prefetch "$PREFETCH" --runs 1 --first-run "$k" \
    --pidfile "$WORKER_PIDFILE" --latency-dump "$OUT/logs/switchyard-latency-run{run}.tsv" "${OUR_ARGS[@]}"
  for p in $PEERS; do
    case "$p" in
      dramatiq) step dramatiq bash -c 'cd "$0" && exec "$@"' "$ANCHORS" "$VENV/bin/python" dramatiq_bench.py \
                  --runs 1 --first-run "$k" --scenarios drain,latency "${PEER_ARGS[@]}" ;;
      celery-*) step "$p" bash -c 'cd "$0" && exec "$@"' "$ANCHORS" "$VENV/bin/python" celery_bench.py \
                  --pool "${p#celery-}" --runs 1 --first-run "$k" --scenarios drain,latency "${PEER_ARGS[@]}" ;;
    esac
  done
done

# ---- report -----------------------------------------------------------------------
title="Pipeline benchmark: switchyard work probe beside the peer anchors"
[ "$QUICK" = 1 ] && title="$title (QUICK smoke test: small N, figures not comparable)"
"$VENV/bin/python" "$ROOT/bench/pipeline_report.py" "$BENCH_JSONL" --peers "$(echo $PEERS | tr ' ' ',')" \
  --title "$title" --md "$OUT/table.md" >/dev/null
{
  echo "# Pipeline benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  sed 's/^/    /' "$OUT/meta.txt"
  echo
  cat "$OUT/table.md"
  if [ -s "$OUT/failures.txt" ]; then echo; echo "Failed steps:"; sed 's/^/- /' "$OUT/failures.txt"; fi
} >"$OUT/summary.md"
rm -f "$OUT/table.md"
cat "$OUT/summary.md"
[ -s "$OUT/failures.txt" ] && { log "some steps failed: $OUT/failures.txt and $OUT/*.err"; exit 1; }
exit 0

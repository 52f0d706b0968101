#!/usr/bin/env bash
# bench/scaling.sh -- the scaling figure (issue 16): the drain of N probe messages by 1, 2 and 4
# `switchyard work probe` processes, against one RabbitMQ node and against a 3-node cluster.
#
#   bench/scaling.sh                 N=50,000, RUNS=1: six drains (~4 min with the builds done)
#   N=2000 bench/scaling.sh          smoke test (~1-2 min)
#
# Environment: N (50000), RUNS (1), WORKERS ("1 2 4"), TARGETS ("single cluster"), CONCURRENCY
# (16) and PREFETCH (64) for each worker (its defaults), QUIET_WAIT (20: seconds to wait for an
# idle machine before each enqueue), BUILD (1; 0 = reuse the binaries in .build-bench/release),
# OUT (default /tmp/switchyard-bench-out/scaling-<UTC time>). Ports and node names as
# scripts/services and scripts/cluster (SWITCHYARD_SERVICES_*_PORT, SWITCHYARD_CLUSTER_BASE_PORT).
#
# Servers: `scripts/services` (one RabbitMQ node, PostgreSQL) and `scripts/cluster` (three
# RabbitMQ nodes on this machine, up only for the cluster's drains; the probe role's quorum queues
# get a replica on each), both on the one PostgreSQL; what this script started, it stops.
# Per target, run k and worker count W: a vhost `scaling-<target>-w<W>-r<k>` and a database
# `scaling_<target>_w<W>_r<k>` of their own (migrated, topology applied; deleted after the run),
# then `SwitchyardBench pipeline --scenarios drain --workers W` (bench/README.md, "Pipeline": N
# events published with no worker running, then W workers started together; drain rate = N /
# (last commit - first consume)).
# CPU: BENCH_RMQ_PIDFILE = the target's broker pid files (the cluster's three nodes, summed),
# BENCH_PG_PIDFILE = PostgreSQL's; the workers' CPU is their own utime + stime, summed.
# Output in OUT: records.jsonl, logs/ (worker logs), drains.err (progress), meta.txt, summary.md
# (the table of bench/scaling_report.py, printed at the end).
set -euo pipefail
umask 022
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

N="${N:-50000}"
RUNS="${RUNS:-1}"
WORKERS="${WORKERS:-1 2 4}"
TARGETS="${TARGETS:-single cluster}"
CONCURRENCY="${CONCURRENCY:-16}"
PREFETCH="${PREFETCH:-64}"
QUIET_WAIT="${QUIET_WAIT:-20}"
BUILD="${BUILD:-1}"
OUT="${OUT:-/tmp/switchyard-bench-out/scaling-$(date -u +%Y%m%dT%H%M%SZ)}"
STEP_TIMEOUT=900   # seconds per SwitchyardBench invocation (hard stop)
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] || { echo "scaling.sh: N must be a positive integer" >&2; exit 2; }
[[ "$RUNS" =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] && [ "$RUNS" -le 20 ] || { echo "scaling.sh: RUNS must be 1..20" >&2; exit 2; }
for w in $WORKERS; do [[ "$w" =~ ^[1-9][0-9]?$ ]] || { echo "scaling.sh: WORKERS: '$w' is not 1..99" >&2; exit 2; }; done
for t in $TARGETS; do
  case "$t" in single|cluster) ;; *) echo "scaling.sh: unknown target '$t' (single, cluster)" >&2; exit 2 ;; esac
done

log() { echo "[scaling.sh] $(date -u +%T) $*" >&2; }

# ---- build (release, .build-bench as the other benches) -------------------------
export PATH=/opt/swift/usr/bin:$PATH
BIN="$ROOT/.build-bench/release"
if [ "$BUILD" = 1 ]; then
  for product in switchyard SwitchyardBench; do
    log "building $product (release, .build-bench)"
    timeout 3600 swift build -c release --product "$product" --build-path .build-bench >&2
  done
fi
[ -x "$BIN/switchyard" ] && [ -x "$BIN/SwitchyardBench" ] || { log "no release binaries in $BIN"; exit 1; }

# ---- servers --------------------------------------------------------------------------
mkdir -p "$OUT/logs"
export BENCH_JSONL="$OUT/records.jsonl" BENCH_LOGDIR="$OUT/logs"
: >"$BENCH_JSONL"
WORKER_PIDFILE="$OUT/worker.pid"   # worker.pid, or worker.pid.1..W for W workers
STARTED_SERVICES=0 STARTED_CLUSTER=0 VHOST="" DB=""

stop_leftover_workers() {  # workers SwitchyardBench left behind (it was killed): by their pids
  local f pid
  for f in "$WORKER_PIDFILE" "$WORKER_PIDFILE".*; do
    pid="$(cat "$f" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      log "stopping leftover worker pid $pid"
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
}
rabbitmqctl() {  # rabbitmqctl TARGET ARGS...
  local target="$1"; shift
  if [ "$target" = cluster ]; then scripts/cluster rabbitmqctl 1 -q "$@"; else scripts/services rabbitmqctl -q "$@"; fi
}
drop_run_state() {  # the run's vhost and database
  [ -z "$VHOST" ] || rabbitmqctl "$TARGET" delete_vhost "$VHOST" >/dev/null 2>&1 || true
  [ -z "$DB" ] || scripts/services psql -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >&2 || true
  VHOST="" DB=""
}
finish() {
  local rc=$?
  stop_leftover_workers
  drop_run_state
  [ "$STARTED_CLUSTER" = 0 ] || scripts/cluster down >&2 || true
  [ "$STARTED_SERVICES" = 0 ] || scripts/services down >&2 || true
  log "output: $OUT"
  exit $rc
}
trap finish EXIT

if ! scripts/services status >/dev/null 2>&1; then STARTED_SERVICES=1; fi
scripts/services up >&2
eval "$(scripts/services env)"
SINGLE_AMQP_URL="$SWITCHYARD_AMQP_URL"
DATABASE_BASE_URL="${SWITCHYARD_DATABASE_URL%/*}"
export SWITCHYARD_TOPOLOGY_FILE="$ROOT/topology/switchyard.yaml"
export SWITCHYARD_MIGRATIONS_DIR="$ROOT/migrations"
export BENCH_PG_PIDFILE="$ROOT/.services/postgres/data/postmaster.pid"
CLUSTER_PIDFILES="$ROOT/.services/cluster/rabbit-1/rabbit.pid:$ROOT/.services/cluster/rabbit-2/rabbit.pid:$ROOT/.services/cluster/rabbit-3/rabbit.pid"

# ---- meta -------------------------------------------------------------------------------
commit="$(git rev-parse --short HEAD 2>/dev/null || echo '?')"
[ -n "$(git status --porcelain -- Sources Package.swift migrations topology 2>/dev/null)" ] && commit="$commit + uncommitted Sources/Package.swift/migrations/topology"
[ -n "$(git status --porcelain -- bench 2>/dev/null)" ] && commit="$commit + uncommitted bench"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "commit: $commit"
  echo "machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), Debian $(cat /etc/debian_version 2>/dev/null || echo '?')"
  echo "servers: RabbitMQ $(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo '?') (single: scripts/services; cluster: scripts/cluster, 3 nodes), PostgreSQL $(/usr/lib/postgresql/15/bin/postgres --version | awk '{print $3}') (scripts/services)"
  echo "switchyard: release build ($BIN/switchyard), work probe --concurrency $CONCURRENCY --prefetch $PREFETCH per process; $(swift --version 2>/dev/null | head -1)"
  echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "command: N=$N RUNS=$RUNS WORKERS=\"$WORKERS\" TARGETS=\"$TARGETS\" CONCURRENCY=$CONCURRENCY PREFETCH=$PREFETCH bench/scaling.sh"
} >"$OUT/meta.txt"
cat "$OUT/meta.txt" >&2

# ---- drains ---------------------------------------------------------------------------------
failures=0
for TARGET in $TARGETS; do
  if [ "$TARGET" = cluster ]; then  # up only for its own drains: idle nodes still take some CPU
    if ! scripts/cluster status >/dev/null 2>&1; then STARTED_CLUSTER=1; fi
    scripts/cluster up >&2
    CLUSTER_AMQP_URL="$(eval "$(scripts/cluster env)"; echo "$SWITCHYARD_AMQP_URL")"
  fi
  for k in $(seq 1 "$RUNS"); do
    for w in $WORKERS; do
      VHOST="scaling-$TARGET-w$w-r$k" DB="scaling_${TARGET}_w${w}_r$k"
      if [ "$TARGET" = cluster ]; then
        export BENCH_RMQ_PIDFILE="$CLUSTER_PIDFILES"
        export SWITCHYARD_AMQP_URL="${CLUSTER_AMQP_URL//\/%2F//$VHOST}"
      else
        export BENCH_RMQ_PIDFILE="$ROOT/.services/rabbitmq/switchyard.pid"
        export SWITCHYARD_AMQP_URL="${SINGLE_AMQP_URL%/*}/$VHOST"
      fi
      export SWITCHYARD_DATABASE_URL="$DATABASE_BASE_URL/$DB"
      log "run $k/$RUNS: $TARGET, $w worker(s): vhost $VHOST, database $DB"
      rabbitmqctl "$TARGET" delete_vhost "$VHOST" >/dev/null 2>&1 || true
      rabbitmqctl "$TARGET" add_vhost "$VHOST" >&2
      rabbitmqctl "$TARGET" set_permissions -p "$VHOST" guest '.*' '.*' '.*' >&2
      scripts/services psql -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >&2
      timeout 120 "$BIN/switchyard" migrate >&2
      timeout 120 "$BIN/switchyard" topology apply >&2
      rc=0
      timeout "$STEP_TIMEOUT" "$BIN/SwitchyardBench" pipeline --switchyard "$BIN/switchyard" --system "switchyard-$TARGET" \
        --scenarios drain --n "$N" --workers "$w" --concurrency "$CONCURRENCY" --prefetch "$PREFETCH" \
        --runs 1 --first-run "$k" --drain-timeout 600 --quiet-wait "$QUIET_WAIT" --pidfile "$WORKER_PIDFILE" \
        >>"$OUT/drains.log" 2> >(tee -a "$OUT/drains.err" >&2) || rc=$?
      stop_leftover_workers
      drop_run_state
      if [ "$rc" != 0 ]; then
        log "run $k: $TARGET with $w worker(s) failed (rc=$rc); see $OUT/drains.err"
        failures=$((failures + 1))
      fi
    done
  done
  if [ "$TARGET" = cluster ] && [ "$STARTED_CLUSTER" = 1 ]; then scripts/cluster down >&2; STARTED_CLUSTER=0; fi
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/meta.txt"

# ---- report -----------------------------------------------------------------------------------
{
  echo "# Scaling: drain of $N probe messages by 1-4 worker processes ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  sed 's/^/    /' "$OUT/meta.txt"
  echo
  python3 "$ROOT/bench/scaling_report.py" "$BENCH_JSONL"
} >"$OUT/summary.md"
cat "$OUT/summary.md"
[ "$failures" = 0 ] || { log "$failures drain(s) failed"; exit 1; }
exit 0

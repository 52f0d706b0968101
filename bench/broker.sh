#!/usr/bin/env bash
# bench/broker.sh -- SwitchyardAMQP beside the pika anchor, same broker, same session.
#
#   bench/broker.sh                 RUNS=3 interleaved runs (ours k, then pika k), then a table
#   RUNS=1 N=5000 bench/broker.sh   quick smoke test
#
# Environment: RUNS (3), N (50000 messages per phase), OUT (output folder, default
# /tmp/switchyard-bench-out/<UTC timestamp>), ANCHORS (/work/shared/bench/anchors or
# ../shared/bench/anchors next to the repo), VENV (/tmp/switchyard-bench-venv).
# Starts our services (scripts/services up: RabbitMQ on 127.0.0.1:5680), creates a venv with
# pika==1.4.4, builds SwitchyardBench in release (scratch path .build-bench), runs, and
# writes OUT/records.jsonl, OUT/meta.txt and OUT/summary.md. Loopback only; every step is
# bounded in time.
set -euo pipefail
umask 022
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

RUNS="${RUNS:-3}"
N="${N:-50000}"
VENV="${VENV:-/tmp/switchyard-bench-venv}"
OUT="${OUT:-/tmp/switchyard-bench-out/$(date -u +%Y%m%dT%H%M%SZ)}"
PHASE_TIMEOUT=120   # seconds per phase, inside both programs
RUN_TIMEOUT=900     # seconds per program invocation (hard stop)
if [ -z "${ANCHORS:-}" ]; then
  for d in /work/shared/bench/anchors "$ROOT/../shared/bench/anchors"; do
    [ -f "$d/raw_broker.py" ] && { ANCHORS="$d"; break; }
  done
fi
[ -f "${ANCHORS:-}/raw_broker.py" ] || { echo "broker.sh: raw_broker.py not found; set ANCHORS" >&2; exit 2; }
[[ "$RUNS" =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] && [ "$RUNS" -le 20 ] || { echo "broker.sh: RUNS must be 1..20" >&2; exit 2; }

log() { echo "[broker.sh] $*" >&2; }

# ---- services -------------------------------------------------------------
timeout 300 scripts/services up
eval "$(scripts/services env)"
source scripts/lib/services-env.sh   # RMQ_PIDFILE, PG_DATA, PG_PORT
export BENCH_AMQP_URL="$SWITCHYARD_AMQP_URL"
export BENCH_PG_DSN="host=127.0.0.1 port=$PG_PORT dbname=switchyard user=switchyard"  # raw_broker only checks it is loopback
export BENCH_RMQ_PIDFILE="$RMQ_PIDFILE"
export BENCH_PG_PIDFILE="$PG_DATA/postmaster.pid"
export BENCH_RMQCTL="$ROOT/bench/.rmqctl-unused"   # raw_broker.py never calls rabbitmqctl
[ -s "$BENCH_RMQ_PIDFILE" ] || { log "no broker pid file at $BENCH_RMQ_PIDFILE"; exit 1; }

# ---- pika venv --------------------------------------------------------------
if ! "$VENV/bin/python" -c 'import pika, sys; sys.exit(pika.__version__ != "1.4.4")' 2>/dev/null; then
  log "creating $VENV with pika==1.4.4"
  rm -rf "$VENV"
  timeout 120 python3 -m venv "$VENV"
  timeout 300 "$VENV/bin/pip" install -q --disable-pip-version-check pika==1.4.4
fi

# ---- build ------------------------------------------------------------------
log "building SwitchyardBench (release)"
PATH=/opt/swift/usr/bin:$PATH timeout 1800 swift build -c release --product SwitchyardBench --scratch-path .build-bench >&2
BENCH_BIN="$ROOT/.build-bench/release/SwitchyardBench"

# ---- meta -------------------------------------------------------------------
mkdir -p "$OUT"
export BENCH_JSONL="$OUT/records.jsonl"
: >"$BENCH_JSONL"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo '?')"
[ -n "$(git status --porcelain -- bench 2>/dev/null)" ] && commit="$commit + uncommitted bench"
[ -n "$(git status --porcelain -- Sources/SwitchyardAMQP Sources/CSwitchyardAMQP Package.swift 2>/dev/null)" ] && commit="$commit + uncommitted SwitchyardAMQP/Package.swift"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "commit: $commit"
  echo "machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), Debian $(cat /etc/debian_version 2>/dev/null || echo '?')"
  echo "rabbitmq-server: $(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo '?'), librabbitmq: $(dpkg-query -W -f='${Version}' librabbitmq4 2>/dev/null || echo '?'), swift: $(/opt/swift/usr/bin/swift --version 2>/dev/null | head -1)"
  echo "pika: $("$VENV/bin/python" -c 'import pika; print(pika.__version__)'), python: $("$VENV/bin/python" -V 2>&1)"
  echo "broker: $BENCH_AMQP_URL (pid $(cat "$BENCH_RMQ_PIDFILE"))"
  echo "command: RUNS=$RUNS N=$N bench/broker.sh"
} >"$OUT/meta.txt"
cat "$OUT/meta.txt" >&2

# ---- interleaved runs -------------------------------------------------------
# The broker is shared with the test suites (scripts/test), whose outage tests stop its app
# for a while: wait (bounded) until it accepts AMQP, and retry a failed run (at most
# ATTEMPTS times; a retried run's records replace the failed attempt's in the report).
ATTEMPTS=3
wait_broker() {
  local i
  for i in $(seq 1 120); do
    amqp_ready && return 0
    [ "$i" = 1 ] && log "waiting for the broker to accept AMQP on 127.0.0.1:$AMQP_PORT"
    sleep 1
  done
  log "broker not accepting AMQP after 120 s"; return 1
}
attempt() {  # attempt NAME LOGFILE CMD...
  local name="$1" logfile="$2" try; shift 2
  for try in $(seq 1 "$ATTEMPTS"); do
    wait_broker || true
    log "run $k/$RUNS: $name${try:+ (attempt $try)}"
    if timeout "$RUN_TIMEOUT" "$@" >>"$logfile" 2>>"$OUT/errors.log"; then return 0; fi
    log "run $k/$RUNS: $name failed: $(tail -1 "$OUT/errors.log")"
  done
  log "giving up on run $k of $name"; return 1
}
for k in $(seq 1 "$RUNS"); do
  attempt switchyard "$OUT/switchyard.log" \
    "$BENCH_BIN" --n "$N" --runs 1 --first-run "$k" --timeout "$PHASE_TIMEOUT" || exit 1
  attempt "pika (raw_broker.py)" "$OUT/pika.log" \
    "$VENV/bin/python" "$ANCHORS/raw_broker.py" --n "$N" --runs 1 --first-run "$k" --timeout "$PHASE_TIMEOUT" || exit 1
done
[ -s "$OUT/errors.log" ] && log "warnings/errors of the runs: $OUT/errors.log"

# ---- report -----------------------------------------------------------------
python3 "$ROOT/bench/broker_report.py" "$BENCH_JSONL" --md "$OUT/summary.md"
log "records: $BENCH_JSONL; summary: $OUT/summary.md; meta: $OUT/meta.txt"

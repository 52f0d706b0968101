# bench/lib/anchors.sh -- what the benchmarks on the anchors' servers (pipeline.sh, ingress.sh)
# share: finding the anchors, the release build, the anchors' servers with a vhost and a
# database of the benchmark's own (migrated, topology applied), and the session's meta lines.
# Source it after setting ROOT (the repository root) and defining log().

# anchors_find: sets ANCHORS (kept if set, else /work/shared/bench/anchors or
# ../shared/bench/anchors next to the repository).
anchors_find() {
  local d
  if [ -z "${ANCHORS:-}" ]; then
    for d in /work/shared/bench/anchors "$ROOT/../shared/bench/anchors"; do
      [ -f "$d/bench_driver.py" ] && { ANCHORS="$d"; break; }
    done
  fi
  [ -f "${ANCHORS:-}/bench_driver.py" ] || { log "anchors not found; set ANCHORS"; exit 2; }
}

# anchors_build PRODUCT...: release builds (skipped with BUILD=0); sets BIN and SWITCHYARD and
# checks every product is there. `switchyard` is built as the container image ships it
# (scripts/build-release, .build-release) and SWITCHYARD is its path; the other products with the
# scratch path .build-bench (as broker.sh), in the folder BIN. With BUILD=0 and BIN set, the
# products in the folder BIN run instead (another build, for A/B runs), switchyard too unless
# SWITCHYARD is set; BUILD=0 alone runs what the last builds left (switchyard the image's).
anchors_build() {
  local product other_build=0
  export PATH=/opt/swift/usr/bin:$PATH
  if [ "${BUILD:-1}" = 0 ] && [ -n "${BIN:-}" ]; then other_build=1; fi
  if [ "${BUILD:-1}" = 1 ] || [ -z "${BIN:-}" ]; then BIN="$ROOT/.build-bench/release"; fi
  if [ "${BUILD:-1}" = 1 ]; then
    for product in "$@"; do
      if [ "$product" = switchyard ]; then
        log "building switchyard as the image ships it (scripts/build-release, .build-release)"
        timeout 3600 "$ROOT/scripts/build-release" >&2
        SWITCHYARD="$("$ROOT/scripts/build-release" --show-bin-path)/switchyard"
        continue
      fi
      log "building $product (release, .build-bench)"
      timeout 3600 swift build -c release --product "$product" --scratch-path "$ROOT/.build-bench" >&2
    done
  fi
  if [ -z "${SWITCHYARD:-}" ]; then
    # BUILD=0 alone runs the last image build; BIN names another build's folder.
    if [ "$other_build" = 1 ]; then SWITCHYARD="$BIN/switchyard"
    else SWITCHYARD="$("$ROOT/scripts/build-release" --show-bin-path)/switchyard"; fi
  fi
  for product in "$@"; do
    if [ "$product" = switchyard ]; then
      [ -x "$SWITCHYARD" ] || { log "no release binary $SWITCHYARD"; exit 1; }
    else
      [ -x "$BIN/$product" ] || { log "no release binary $BIN/$product"; exit 1; }
    fi
  done
}

# anchors_env: sources the anchors' env.sh (VENV, RMQ_PORT, PG_PORT, PG_BIN, PG_DB, rmq_tool,
# pid_alive, and the BENCH_* variables their scripts read) and sets PSQL (psql as postgres).
anchors_env() {
  source "$ANCHORS/env.sh"
  PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres)
}

# anchors_servers VHOST DB: runs the anchors' setup.sh (idempotent: venv, RabbitMQ
# 127.0.0.1:$RMQ_PORT, PostgreSQL 127.0.0.1:$PG_PORT), gives the benchmark the vhost VHOST and a
# fresh database DB (dropped and created), exports the SWITCHYARD_* variables for them, then
# runs `switchyard migrate` and `switchyard topology apply` ($SWITCHYARD, from anchors_build).
anchors_servers() {
  local vhost="$1" db="$2"
  log "anchors' setup.sh (venv $VENV, RabbitMQ :$RMQ_PORT, PostgreSQL :$PG_PORT)"
  "$ANCHORS/setup.sh" >&2
  if ! rmq_tool rabbitmqctl -q list_vhosts | grep -qx "$vhost"; then
    rmq_tool rabbitmqctl -q add_vhost "$vhost" >&2
  fi
  rmq_tool rabbitmqctl -q set_permissions -p "$vhost" guest '.*' '.*' '.*' >&2
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >&2

  export SWITCHYARD_AMQP_URL="amqp://guest:guest@127.0.0.1:${RMQ_PORT}/${vhost}"
  export SWITCHYARD_DATABASE_URL="postgresql://postgres@127.0.0.1:${PG_PORT}/${db}"
  export SWITCHYARD_RABBITMQ_MANAGEMENT_URL="http://guest:guest@127.0.0.1:15673"  # not used (no verify)
  export SWITCHYARD_TOPOLOGY_FILE="$ROOT/topology/switchyard.yaml"
  export SWITCHYARD_MIGRATIONS_DIR="$ROOT/migrations"
  log "switchyard migrate + topology apply ($SWITCHYARD_DATABASE_URL, vhost $vhost)"
  timeout 120 "$SWITCHYARD" migrate >&2
  timeout 120 "$SWITCHYARD" topology apply >&2
}

# anchors_meta_head: the first meta.txt lines (date, commit, machine), on stdout.
anchors_meta_head() {
  local commit
  commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  [ -n "$(git -C "$ROOT" status --porcelain -- Sources Package.swift migrations topology 2>/dev/null)" ] && commit="$commit + uncommitted Sources/Package.swift/migrations/topology"
  [ -n "$(git -C "$ROOT" status --porcelain -- bench 2>/dev/null)" ] && commit="$commit + uncommitted bench"
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "commit: $commit"
  echo "machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), Debian $(cat /etc/debian_version 2>/dev/null || echo '?'), load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
}

# anchors_on_exit CLEANUP: when the script exits, runs CLEANUP (a function stopping what the
# script started), tears the anchors' servers down (unless KEEP_SERVERS=1), names OUT, and
# exits with the script's status.
anchors_on_exit() {
  ANCHORS_CLEANUP="$1"
  trap anchors_finish EXIT
}
anchors_finish() {
  local rc=$?
  "$ANCHORS_CLEANUP"
  if [ "${KEEP_SERVERS:-0}" != 1 ]; then "$ANCHORS/teardown.sh" >&2 || true; fi
  log "output: $OUT"
  exit $rc
}

# classic_topology SRC DEST: writes a copy of the topology SRC whose queues are classic instead of
# quorum, without the arguments only quorum queues take (replicas, delivery limit, at-least-once
# dead-lettering). A departure from the design, for benchmarks that separate the worker's cost
# from the queue type's (pipeline.sh CONFIGS=classic, development.sh QUEUES=classic).
classic_topology() {
  sed -e 's/x-queue-type: quorum/x-queue-type: classic/' -e '/x-quorum-initial-group-size:/d' \
    -e '/x-delivery-limit:/d' -e '/x-dead-letter-strategy:/d' "$1" >"$2"
}

# bench/lib/fleet.sh -- what the pipeline benchmarks (imagegen.sh, workflows.sh, automations.sh;
# development.sh its database's steps) share: a release build, the private servers (optionally
# with a database of the benchmark's own), a tenant with an API key, the ingress, and stopping
# what they started. Source it from
# the repository root after defining log().

PIDS=()
BENCH_DB=""
BENCH_VHOST=""

# bench_build: builds switchyard (release, .build-bench); sets BIN. With BUILD=0 and BIN set
# (a folder holding another build's switchyard), runs that build instead, for A/B runs.
bench_build() {
  command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
  if [ "${BUILD:-1}" = 1 ]; then
    log "building release (switchyard) in .build-bench"
    swift build -c release --build-path .build-bench --product switchyard >&2
    BIN=""
  fi
  BIN="${BIN:-$(swift build -c release --build-path .build-bench --show-bin-path)}"
}

# bench_servers [NAME]: the private servers up and their environment; with NAME, a database
# and a broker vhost NAME_<time> of the benchmark's own (no earlier run's rows or their
# vacuuming, and no message another tool left in a queue, in the figures; bench_stop drops
# both) in SWITCHYARD_DATABASE_URL and SWITCHYARD_AMQP_URL. Then the migrations and the topology.
bench_servers() {
  scripts/services up >&2
  eval "$(scripts/services env)"
  [ -z "${1:-}" ] || { bench_database "$1"; bench_vhost "$1"; }
  "$BIN/switchyard" migrate >&2
  "$BIN/switchyard" topology apply >&2
}

# bench_database NAME: a database NAME_<time> of the benchmark's own on the private servers (their
# environment loaded), in SWITCHYARD_DATABASE_URL and BENCH_DB; bench_drop_database drops it.
bench_database() {
  BENCH_DB="$1_$(date +%s)"
  scripts/services psql -q -c "CREATE DATABASE $BENCH_DB" >&2
  export SWITCHYARD_DATABASE_URL="${SWITCHYARD_DATABASE_URL%/*}/$BENCH_DB"
}

# bench_drop_database: drops the benchmark's own database, if it made one (connections and all).
bench_drop_database() {
  [ -z "$BENCH_DB" ] || scripts/services psql -q -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" >&2 || true
  BENCH_DB=""
}

# bench_vhost NAME: a broker vhost NAME_<time> of the benchmark's own on the private servers
# (their environment loaded), in SWITCHYARD_AMQP_URL and BENCH_VHOST; bench_drop_vhost deletes
# it with its queues. Messages other tools left in scripts/services' queues (a profiling run's
# webhooks, say) would otherwise reach the benchmark's workers first.
bench_vhost() {
  BENCH_VHOST="$1_$(date +%s)"
  scripts/services rabbitmqctl -q add_vhost "$BENCH_VHOST" >&2
  scripts/services rabbitmqctl -q set_permissions -p "$BENCH_VHOST" guest '.*' '.*' '.*' >&2
  export SWITCHYARD_AMQP_URL="${SWITCHYARD_AMQP_URL%/*}/$BENCH_VHOST"
}

# bench_drop_vhost: deletes the benchmark's own vhost, if it made one (queues and all).
bench_drop_vhost() {
  [ -z "$BENCH_VHOST" ] || scripts/services rabbitmqctl -q delete_vhost "$BENCH_VHOST" >&2 || true
  BENCH_VHOST=""
}

# bench_tenant PREFIX: a tenant PREFIX<time> and an API key; sets RUN, TENANT and KEY.
bench_tenant() {
  RUN="$1$(date +%s)"
  TENANT="$("$BIN/switchyard" tenants create "$RUN")"
  KEY="$("$BIN/switchyard" keys create --tenant "$TENANT")"
}

# bench_ingress PORT LOG: starts `switchyard ingress` (stderr to LOG) and waits until it is
# ready; sets API.
bench_ingress() {
  API="http://127.0.0.1:$1"
  "$BIN/switchyard" ingress --port "$1" 2>"$2" & PIDS+=($!)
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "$API/readyz" 2>/dev/null && break; sleep 0.1; done
}

# bench_stop: stops the processes in PIDS and drops the benchmark's own database.
bench_stop() {
  [ ${#PIDS[@]} -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  PIDS=()
  bench_drop_database
  bench_drop_vhost
}

# sql STATEMENT: one value (or rows, unaligned) from the benchmark's database.
sql() { scripts/services psql ${BENCH_DB:+-d "$BENCH_DB"} -tAq -c "$1"; }

# bench_psql: psql on the benchmark's database (reads SQL from standard input).
bench_psql() { scripts/services psql ${BENCH_DB:+-d "$BENCH_DB"} -q "$@"; }

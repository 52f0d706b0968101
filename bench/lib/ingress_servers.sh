# bench/lib/ingress_servers.sh -- the three servers bench/ingress.sh measures: `switchyard
# ingress`, the do-nothing Hummingbird route and the anchors' Python peer; started, waited for,
# stopped by their pids. Sourced by ingress.sh after bench/lib/anchors.sh (uses BIN, ANCHORS,
# VENV, PSQL, rmq_tool, OUT, SECRET, SY_VHOST, SY_DB, the *_PORT variables and log()); sets
# OURS_PID, NOOP_PID and PEER_PID (uvicorn's master) for the load generator's CPU accounting,
# and API_KEY (create_api_key) for the producer-event phases.

SERVER_PIDS=()

# wait_http NAME PID URL METHOD STATUS: waits (<= 30 s) until URL answers STATUS; fails with
# the server's log if PID exits first or the time runs out.
wait_http() {
  local name="$1" pid="$2" url="$3" method="$4" want="$5" code
  for _ in $(seq 1 300); do
    code="$(curl -s -o /dev/null -w '%{http_code}' -X "$method" "$url" 2>/dev/null || true)"
    [ "$code" = "$want" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  log "$name did not answer $want at $url (last: ${code:-none}); its log:"
  tail -20 "$OUT/$name.log" >&2
  return 1
}

# create_api_key: a tenant and an API key for the producer-event phases; sets API_KEY.
create_api_key() {
  local tenant
  tenant="$(timeout 60 "$SWITCHYARD" tenants create ingress-bench)"
  API_KEY="$(timeout 60 "$SWITCHYARD" keys create --tenant "$tenant")"
}

# start_ours: the ingress, with the per-key rate limit out of the producer-event phases' way.
start_ours() {
  SWITCHYARD_WEBHOOK_SECRET_TAVUS="$SECRET" SWITCHYARD_LOG_LEVEL=warning \
    SWITCHYARD_API_RATE=1000000 SWITCHYARD_API_BURST=1000000 \
    "$SWITCHYARD" ingress --port "$OURS_PORT" >"$OUT/ingress.log" 2>&1 &
  OURS_PID=$!
  SERVER_PIDS+=($!)
  wait_http ingress $! "http://127.0.0.1:$OURS_PORT/readyz" GET 200
}

start_noop() {
  "$BIN/SwitchyardBench" noop-server "$NOOP_PORT" >"$OUT/noop.log" 2>&1 &
  NOOP_PID=$!
  SERVER_PIDS+=($!)
  wait_http noop $! "http://127.0.0.1:$NOOP_PORT/noop" POST 200
}

# install_peer: the peer's pinned packages into the anchors' venv (pip leaves what is already
# installed at the pinned version alone).
install_peer() {
  log "installing the ingress peer's packages into $VENV"
  timeout 600 "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ANCHORS/requirements-ingress-peer.txt" >&2
}

# start_peer: creates peer_receipts (before the two workers start: they would race on it), then
# runs uvicorn in a process group of its own (master + 2 workers), as ingress_peer.py says, and
# waits until both workers have run their startup (pool, broker connection, queue declared)
# and the route answers 401 to an unsigned request.
start_peer() {
  local pid
  "${PSQL[@]}" -d "$SY_DB" -c "CREATE TABLE IF NOT EXISTS peer_receipts (id text PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now())" >&2
  PEER_SECRET="$SECRET" PEER_AMQP_URL="$SWITCHYARD_AMQP_URL" PEER_DATABASE_URL="$SWITCHYARD_DATABASE_URL" \
    setsid "$VENV/bin/uvicorn" ingress_peer:app --app-dir "$ANCHORS" --host 127.0.0.1 --port "$PEER_PORT" \
    --workers 2 --loop uvloop --http httptools --no-access-log >"$OUT/python-peer.log" 2>&1 &
  pid=$!
  PEER_PID=$pid
  SERVER_PIDS+=("-$pid")
  for _ in $(seq 1 300); do
    [ "$(grep -c 'Application startup complete' "$OUT/python-peer.log")" -ge 2 ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  wait_http python-peer "$pid" "http://127.0.0.1:$PEER_PORT/v1/webhooks/tavus" POST 401
}

# stop_servers: SIGTERM to every server (the peer's whole process group), waits for each;
# SIGKILL to what is left after 10 s.
stop_servers() {
  local target watchdog
  [ ${#SERVER_PIDS[@]} -gt 0 ] || return 0
  for target in "${SERVER_PIDS[@]}"; do kill -TERM -- "$target" 2>/dev/null || true; done
  ( sleep 10; for target in "${SERVER_PIDS[@]}"; do kill -KILL -- "$target" 2>/dev/null || true; done ) &
  watchdog=$!
  for target in "${SERVER_PIDS[@]}"; do wait "${target#-}" 2>/dev/null || true; done
  kill "$watchdog" 2>/dev/null || true
  SERVER_PIDS=()
}

# purge_work_queues: empties the queues the ingress and the peer publish to, so that every
# phase starts with empty queues.
purge_work_queues() {
  local queue
  for queue in sy.work.analysis sy.work.automations peer.work; do
    rmq_tool rabbitmqctl -q purge_queue -p "$SY_VHOST" "$queue" >/dev/null 2>&1 || true
  done
}

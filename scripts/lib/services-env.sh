# services-env.sh -- settings and helpers shared by scripts/services and
# scripts/test. Sourced, never run. Defines no side effects beyond variables
# and functions.
#
# Layout (all under the repository root, git-ignored):
#   .services/rabbitmq/   private RabbitMQ node switchyard@localhost (config,
#                         cookie under home/, mnesia/, log/, pid file)
#   .services/postgres/   private PostgreSQL 15 cluster (data/, log/, socket)
#
# As root, RabbitMQ runs as the 'rabbitmq' OS user and PostgreSQL as the
# 'postgres' OS user (Postgres refuses to run as root); otherwise both run as
# the current user. Every listener binds to 127.0.0.1 only.

SWITCHYARD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
SVC_DIR="$SWITCHYARD_ROOT/.services"

# ---- ports (overridable; use the same variables for every command) ---------
AMQP_PORT="${SWITCHYARD_SERVICES_AMQP_PORT:-5680}"
MGMT_PORT="${SWITCHYARD_SERVICES_MGMT_PORT:-15680}"
PG_PORT="${SWITCHYARD_SERVICES_PG_PORT:-5440}"
for _p in "$AMQP_PORT" "$MGMT_PORT" "$PG_PORT"; do
  [[ "$_p" =~ ^[0-9]+$ ]] && [ "$_p" -ge 1024 ] && [ "$_p" -le 45000 ] || {
    echo "[services] bad port '$_p' in SWITCHYARD_SERVICES_*_PORT (want 1024..45000)" >&2
    exit 2
  }
done
unset _p
RMQ_DIST_PORT=$((AMQP_PORT + 20000))   # 5680 -> 25680 (CLI tools use +10000..+10010)

# ---- RabbitMQ (Debian's rabbitmq-server 3.10) -----------------------------
RMQ_BASE="$SVC_DIR/rabbitmq"
RMQ_LIB=/usr/lib/rabbitmq/bin
# a second checkout on other ports needs its own node name too
if [ "$AMQP_PORT" = 5680 ]; then RMQ_NODENAME=switchyard@localhost
else RMQ_NODENAME="switchyard-$AMQP_PORT@localhost"; fi
RMQ_PIDFILE="$RMQ_BASE/switchyard.pid"
RMQ_LOGFILE="$RMQ_BASE/log/$RMQ_NODENAME.log"
EPMD_PIDFILE="$RMQ_BASE/epmd.pid"

# Environment for every RabbitMQ invocation (server and CLI tools): the CLI
# tools must see the same node name, cookie (via HOME) and files as the server,
# and nothing from /etc/rabbitmq.
RMQ_ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 LC_ALL=C.UTF-8
  HOME="$RMQ_BASE/home"
  RABBITMQ_NODENAME="$RMQ_NODENAME"
  RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  RABBITMQ_NODE_PORT="$AMQP_PORT"
  RABBITMQ_DIST_PORT="$RMQ_DIST_PORT"
  RABBITMQ_MNESIA_BASE="$RMQ_BASE/mnesia"
  RABBITMQ_LOG_BASE="$RMQ_BASE/log"
  RABBITMQ_CONFIG_FILE="$RMQ_BASE/rabbitmq.conf"
  RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_BASE/advanced.config"
  RABBITMQ_CONF_ENV_FILE="$RMQ_BASE/rabbitmq-env.conf"
  RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_BASE/enabled_plugins"
  RABBITMQ_PID_FILE="$RMQ_PIDFILE"
  # +sbwt none...: the Erlang schedulers don't busy-wait for work, which on a small shared
  # machine takes CPU from every other process (RabbitMQ's own advice for such hosts, and 3.10's
  # default: stated here so that a broker with another default keeps it).
  "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1} +sbwt none +sbwtdcpu none +sbwtdio none"
  "RABBITMQ_CTL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
  ERL_EPMD_ADDRESS=127.0.0.1)

# ---- PostgreSQL 15 ----------------------------------------------------------
PG_BIN=/usr/lib/postgresql/15/bin
PG_BASE="$SVC_DIR/postgres"
PG_DATA="$PG_BASE/data"
PG_LOGFILE="$PG_BASE/log/postgres.log"
PG_DB=switchyard
PG_ROLE=switchyard

# ---- who runs what ----------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
  SVC_AS_ROOT=1
  RMQ_AS=(runuser -u rabbitmq --)
  PG_AS=(runuser -u postgres --)
  # exec-only (no fork), so $! of a background launch is the daemon's pid
  EPMD_AS=(setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups)
else
  SVC_AS_ROOT=0
  RMQ_AS=()
  PG_AS=()
  EPMD_AS=()
fi

svc_log() { echo "[services] $*" >&2; }
svc_die() { echo "[services] error: $*" >&2; exit 1; }

# Run a RabbitMQ tool (rabbitmq-server, rabbitmqctl, rabbitmq-diagnostics...)
# against our node, as the rabbitmq OS user when root. fd 9 (our lock) is
# closed so a daemon never inherits it. RMQ_TOOL_TIMEOUT=N bounds the call.
rmq_tool() {
  local tool="$1" tmo=(); shift
  [ -n "${RMQ_TOOL_TIMEOUT:-}" ] && tmo=(timeout "$RMQ_TOOL_TIMEOUT")
  (cd "$RMQ_BASE" && close_inherited_fds && exec "${tmo[@]}" "${RMQ_AS[@]}" "${RMQ_ENV[@]}" "$RMQ_LIB/$tool" "$@")
}

# Run a PostgreSQL server binary (initdb, pg_ctl) as the postgres OS user.
pg_tool() {
  local tool="$1"; shift
  (cd "$PG_BASE" && close_inherited_fds && exec "${PG_AS[@]}" env -i PATH=/usr/bin:/bin LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    "$PG_BIN/$tool" "$@")
}

# Closes every descriptor above 2 in the current (sub)shell, so a server started from it holds
# none of the caller's pipes, sockets or locks. Foundation's Process, for one, learns that a
# child exited when a socket it handed over closes; a daemon keeping it would hang the caller.
close_inherited_fds() {
  local fd
  for fd in /proc/$BASHPID/fd/*; do
    fd="${fd##*/}"
    [ "$fd" -gt 2 ] && eval "exec $fd>&-"
  done
  return 0
}

# pid_is PID COMM: PID is alive (not a zombie) and is the named program
# (guards against a stale pid file whose pid was reused).
pid_is() {
  local stat
  [[ "${1:-}" =~ ^[0-9]+$ ]] && stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  [[ "$stat" == "$1 ($2) "* && "$stat" != "$1 ($2) Z"* ]]
}
rmq_pid() { cat "$RMQ_PIDFILE" 2>/dev/null || true; }
pg_pid() { head -1 "$PG_DATA/postmaster.pid" 2>/dev/null || true; }
rmq_alive() { pid_is "$(rmq_pid)" beam.smp; }
pg_alive() { pid_is "$(pg_pid)" postgres; }

port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null; }

# The broker answers the AMQP 0-9-1 protocol header with a Connection.Start
# frame: type 1, channel 0, 4-byte size, class 10, method 10.
amqp_ready() {
  local reply
  reply=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "AMQP\0\0\11\1" >&3; head -c 11 <&3 | od -An -tx1' _ "$AMQP_PORT" 2>/dev/null) || return 1
  reply=$(echo $reply)
  [[ "$reply" == "01 00 00 "??" "??" "??" "??" 00 0a 00 0a" ]]
}

mgmt_ready() {
  curl -fsS -o /dev/null --noproxy '*' --max-time 3 -u guest:guest \
    "http://127.0.0.1:$MGMT_PORT/api/overview" 2>/dev/null
}

pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; }

# ---- Debian packages ------------------------------------------------------
SVC_APT_PACKAGES=(rabbitmq-server postgresql librabbitmq-dev libpq-dev libcurl4-openssl-dev libfreetype-dev zlib1g-dev
  fonts-dejavu-core pkg-config curl openssl)

svc_missing_packages() {
  local p
  for p in "${SVC_APT_PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || echo "$p"
  done
  [ -x "$PG_BIN/initdb" ] || echo postgresql-15
}

# Install whatever is missing (one apt-get update, only when needed).
svc_ensure_packages() {
  local missing
  missing=$(svc_missing_packages | sort -u | tr '\n' ' ')
  [ -n "${missing// /}" ] || return 0
  if [ "$SVC_AS_ROOT" != 1 ]; then
    svc_die "missing Debian packages: $missing-- install them as root: apt-get install ${SVC_APT_PACKAGES[*]}"
  fi
  svc_log "installing missing packages: $missing"
  # Keep apt from starting the system-wide rabbitmq/postgres daemons (they
  # would grab 5672/5432 and a 0.0.0.0 epmd); we run private ones instead.
  local made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
  fi
  local rc=0
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${SVC_APT_PACKAGES[@]}"; } >&2 || rc=$?
  [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || svc_die "apt-get failed (exit $rc)"
  [ -x "$PG_BIN/initdb" ] || svc_die "PostgreSQL 15 binaries not found in $PG_BIN after install"
  [ -x "$RMQ_LIB/rabbitmq-server" ] || svc_die "RabbitMQ not found in $RMQ_LIB after install"
}

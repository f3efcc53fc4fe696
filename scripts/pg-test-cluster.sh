#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the queue tests and benchmarks (and .ci/run).
#   scripts/pg-test-cluster.sh start|stop|restart|status|url
# start prints the cluster's URL on stdout (progress goes to stderr); stop removes everything.
# Env: PGTEST_PORT (default 54329)   TCP port on 127.0.0.1
#      PGTEST_DIR  (default /tmp/sgs-pg-$PGTEST_PORT)  data and socket folder, deleted on stop
#      PGTEST_DB   (default sgs_test)
#      PGTEST_USER (default postgres)  the OS user that runs the server when we are root
#                                      (PostgreSQL refuses to run as root)
#      PGTEST_DOWN_SECONDS  restart = stop, wait this long, start (an outage, for tests)
# Installs Debian's postgresql when no server binaries are found and we are root.
# Authentication is `trust` on 127.0.0.1 and the socket only: the cluster is local and throwaway.
set -euo pipefail

PORT="${PGTEST_PORT:-54329}"
DIR="${PGTEST_DIR:-/tmp/sgs-pg-$PORT}"
DB="${PGTEST_DB:-sgs_test}"
RUNAS="${PGTEST_USER:-postgres}"
DATA="$DIR/data"
LOG="$DIR/postgres.log"

die() { echo "pg-test-cluster: ERROR: $*" >&2; exit 1; }
log() { echo "pg-test-cluster: $*" >&2; }

find_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]] && echo "$d"
}

ensure_server() {
  BIN=$(find_bindir || true)
  [[ -n "${BIN:-}" ]] && return 0
  [[ $(id -u) -eq 0 ]] || die "PostgreSQL server binaries are missing; install them: apt-get install -y postgresql"
  log "installing Debian's postgresql..."
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d exit 101: the package must not start the distribution's own cluster.
  local had_policy=0
  [[ -e /usr/sbin/policy-rc.d ]] && had_policy=1
  [[ $had_policy -eq 1 ]] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; }
  local ok=0
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql >/dev/null; } && ok=1
  [[ $had_policy -eq 1 ]] || rm -f /usr/sbin/policy-rc.d
  [[ $ok -eq 1 ]] || die "apt-get install postgresql failed"
  BIN=$(find_bindir || true)
  [[ -n "${BIN:-}" ]] || die "postgresql was installed but no /usr/lib/postgresql/*/bin/initdb was found"
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    id "$RUNAS" >/dev/null 2>&1 || die "user '$RUNAS' does not exist (set PGTEST_USER)"
    runuser -u "$RUNAS" -- "$@"
  else
    "$@"
  fi
}

is_running() {
  [[ -n "${BIN:-}" && -f "$DATA/PG_VERSION" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

url() { echo "postgres://postgres@127.0.0.1:$PORT/$DB"; }

cmd_start() {
  ensure_server
  if is_running; then log "already running ($DATA)"; url; return 0; fi
  if (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null; then die "port $PORT on 127.0.0.1 is in use by another process (set PGTEST_PORT)"; fi
  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    rm -rf "$DIR"; mkdir -p "$DIR"
    if [[ $(id -u) -eq 0 ]]; then
      chown "$RUNAS" "$DIR"
      as_owner test -w "$DIR" || die "user $RUNAS cannot write $DIR (a parent folder is not open to it?); set PGTEST_DIR under /tmp"
    fi
    as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; die "initdb failed (see above)"; }
    cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 64MB
log_min_messages = warning
CONF
  fi
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null \
    || { tail -n 30 "$LOG" >&2 || true; die "postgres failed to start (log: $LOG)"; }
  as_owner "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -d postgres -qAtc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1 \
    || as_owner "$BIN/createdb" -h "$DIR" -p "$PORT" -U postgres "$DB" || die "createdb $DB failed"
  log "running: data $DATA, port $PORT"
  url
}

cmd_stop() {
  BIN=$(find_bindir || true)
  if is_running; then as_owner "$BIN/pg_ctl" -D "$DATA" -m immediate -w -t 60 stop >/dev/null || die "pg_ctl stop failed"; fi
  rm -rf "$DIR"
  log "stopped and removed $DIR"
}

cmd_restart() {
  ensure_server
  is_running || die "not running"
  if [[ -n "${PGTEST_DOWN_SECONDS:-}" ]]; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null || die "stop failed"
    sleep "$PGTEST_DOWN_SECONDS"
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null || die "start failed"
  else
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -m fast -w -t 60 restart >/dev/null || die "restart failed"
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_restart ;;
  url) url ;;
  status) BIN=$(find_bindir || true); if is_running; then log "running"; exit 0; else log "not running"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|restart|status|url" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for CI.
#
#   eval "$(.ci/postgres.sh start)"      # exports HEARTH_PG_DIR and DATABASE_URL
#   .ci/postgres.sh stop "$HEARTH_PG_DIR"
#
# `start` prints exactly two `export ...` lines on stdout; everything else goes
# to stderr. Because `eval "$(cmd)"` hides cmd's exit status, strict callers
# should capture first:  pg_env=$(.ci/postgres.sh start); eval "$pg_env"
#
# Layout of the temporary directory (HEARTH_PG_DIR):
#   data/        the cluster (initdb target; must start out empty)
#   log          server log (pg_ctl -l)
#   initdb.log   initdb output, shown only if initdb fails
#   .s.PGSQL.*   the Unix socket (-k), so nothing touches /var/run/postgresql
#   .hearth-pg   marker: `stop` refuses to delete a directory without it
#
# initdb refuses to run as root, so when we are root every server-side command
# runs as the `postgres` system user. Only 127.0.0.1 is listened on, trust auth.
set -euo pipefail

PG_USER=postgres
DB_NAME=hearth

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  cat >&2 <<'EOF'
usage: postgres.sh start          print `export HEARTH_PG_DIR=...` and `export DATABASE_URL=...`
       postgres.sh stop DIR       stop the cluster in DIR and delete DIR
EOF
  exit 2
}

# Run a command as the postgres user if we are root, else as ourselves
# (initdb and friends are fine with any non-root user).
# Runs from / because the server inherits our cwd, and as the postgres user
# that may be unreadable (e.g. /root), which makes initdb and postgres complain.
as_pg() {
  if [[ $EUID -eq 0 ]]; then
    (cd / && exec runuser -u "$PG_USER" -- "$@")
  else
    (cd / && exec "$@")
  fi
}

# Locate the server binaries. /usr/local/bin/{initdb,pg_ctl,postgres} may be
# symlinks into /usr/lib/postgresql/NN/bin; follow them so we also get the
# matching createdb rather than Debian's pg_wrapper in /usr/bin, which wants
# a cluster registered with postgresql-common.
find_pg_bin() {
  local pg_ctl dir
  if pg_ctl=$(command -v pg_ctl); then
    dir=$(dirname "$(readlink -f "$pg_ctl")")
  else
    # Not on PATH: fall back to the newest Debian install, if any.
    dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null \
      | sort -V | tail -n 1 || true)
  fi
  local tool
  for tool in initdb pg_ctl postgres; do
    [[ -n $dir && -x $dir/$tool ]] \
      || die "PostgreSQL server binary '$tool' not found (looked on PATH and in /usr/lib/postgresql/*/bin); install postgresql"
  done
  PG_BIN=$dir
}

# A TCP port that is free on 127.0.0.1 right now. There is an unavoidable
# race between picking and binding, so `start` retries with a new port.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
  else
    echo $((20000 + RANDOM % 40000))
  fi
}

cmd_start() {
  find_pg_bin
  if [[ $EUID -eq 0 ]]; then
    id -u "$PG_USER" >/dev/null 2>&1 || die "running as root but there is no '$PG_USER' system user to run the server as"
  fi

  # Keep the path short: Unix socket paths are limited to ~107 bytes.
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/hearth-pg.XXXXXX")
  touch "$DIR/.hearth-pg"
  if [[ $EUID -eq 0 ]]; then
    chown -R "$PG_USER:" "$DIR"
  fi
  # From here on, any failure must not leave a running server or a stray dir.
  trap 'cleanup_failed_start' EXIT

  log "initdb in $DIR/data"
  if ! as_pg "$PG_BIN/initdb" -D "$DIR/data" --auth=trust --username=postgres \
      -E UTF8 --locale=C.UTF-8 --no-instructions >"$DIR/initdb.log" 2>&1; then
    cat "$DIR/initdb.log" >&2
    die "initdb failed"
  fi

  local attempt port=
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    log "starting server on 127.0.0.1:$port (attempt $attempt)"
    # fsync & co. off: the cluster is disposable, and durability costs time. The
    # planner's cost of a random page read as docs/deployment.md sets it in production.
    if as_pg "$PG_BIN/pg_ctl" -w -D "$DIR/data" -l "$DIR/log" \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c random_page_cost=1.1" \
        start >&2; then
      break
    fi
    port=
    # Most likely someone grabbed the port in between; the log says for sure.
    tail -n 5 "$DIR/log" >&2 || true
  done
  [[ -n $port ]] || die "could not start PostgreSQL; server log: $DIR/log (kept)"

  log "creating database $DB_NAME"
  if [[ -x $PG_BIN/createdb ]]; then
    as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$DB_NAME" >&2
  elif [[ -x $PG_BIN/psql ]]; then
    as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
      -qc "CREATE DATABASE $DB_NAME" >&2
  else
    die "neither createdb nor psql found in $PG_BIN"
  fi

  trap - EXIT
  printf 'export HEARTH_PG_DIR=%q\n' "$DIR"
  printf 'export DATABASE_URL=%q\n' "postgres://postgres@127.0.0.1:$port/$DB_NAME"
  log "ready: postgres://postgres@127.0.0.1:$port/$DB_NAME"
}

cleanup_failed_start() {
  local rc=$?
  if [[ -n ${DIR:-} && -d $DIR ]]; then
    if [[ -f $DIR/data/postmaster.pid ]]; then
      as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -m immediate stop >&2 || true
    fi
    # Keep the server log around if the server was what failed.
    if [[ -s ${DIR}/log ]]; then
      log "start failed; leaving $DIR for inspection"
    else
      rm -rf -- "$DIR"
    fi
  fi
  exit "$rc"
}

cmd_stop() {
  local dir=${1:-}
  [[ -n $dir ]] || usage
  [[ -d $dir ]] || { log "$dir does not exist; nothing to stop"; return 0; }
  dir=$(cd -- "$dir" && pwd -P)
  # Refuse to rm -rf anything this script did not create.
  [[ -f $dir/.hearth-pg ]] || die "$dir was not created by postgres.sh start (no .hearth-pg marker); not touching it"

  if [[ -f $dir/data/postmaster.pid ]]; then
    find_pg_bin
    log "stopping server in $dir"
    if ! as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >&2; then
      log "fast shutdown failed; trying immediate"
      as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 \
        || die "could not stop the server in $dir; not deleting it"
    fi
  fi
  rm -rf -- "$dir"
  log "removed $dir"
}

case ${1:-} in
  start) [[ $# -eq 1 ]] || usage; cmd_start ;;
  stop) [[ $# -eq 2 ]] || usage; cmd_stop "$2" ;;
  *) usage ;;
esac

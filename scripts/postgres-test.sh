#!/usr/bin/env bash
# A throwaway local PostgreSQL for the PostgreSQL storage backend tests (`make test`, `make pg-start`/`pg-stop`).
#
#   scripts/postgres-test.sh start        create the cluster if missing, start it if stopped, create the
#                                         civicvault_test database if missing; prints only the URL
#   scripts/postgres-test.sh stop         stop it (fast shutdown); succeeds when it is not running
#   scripts/postgres-test.sh url          postgres://civicvault@127.0.0.1:<port>/civicvault_test
#   scripts/postgres-test.sh psql [ARGS]  psql against civicvault_test, e.g. `psql -c 'select 1'`
#   scripts/postgres-test.sh dir          the data directory in use
#
# Environment: CIVICVAULT_PG_PORT (default 54329), CIVICVAULT_PG_DIR (data directory; the default is below).
#
# The cluster is for tests only: superuser `civicvault`, `trust` authentication for local and loopback
# connections only (initdb's --auth=trust writes exactly those pg_hba.conf lines), listening on 127.0.0.1 only,
# its Unix socket and its log (server.log) inside the data directory. fsync, synchronous_commit and
# full_page_writes stay on: durability is part of what the tests check, so the server must behave as in production.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
PORT=${CIVICVAULT_PG_PORT:-54329}
DB=civicvault_test
SUPERUSER=civicvault

die() { echo "postgres-test.sh: $*" >&2; exit 1; }

[[ $PORT =~ ^[0-9]+$ ]] && ((PORT >= 1 && PORT <= 65535)) || die "CIVICVAULT_PG_PORT=$PORT is not a TCP port"

IS_ROOT=0; [ "$(id -u)" -eq 0 ] && IS_ROOT=1

# The data directory. PostgreSQL refuses to run as root, so as root the server runs as Debian's `postgres` user,
# which must own the data directory and be able to traverse every directory above it. The repository's
# .civicvault/ is 0700 (it holds node.key), and checkouts under /root or a CI workspace are often unreachable
# for other users too; rather than loosening those permissions, root gets a directory under /tmp (always
# traversable), named after the uid and a hash of the checkout's path so that two checkouts do not share a
# cluster. /tmp is world-writable, so an existing path there is only used if it is a real directory owned by
# postgres (see prepare_dir). Not root: the cluster lives in the checkout, in .civicvault/pg-test (gitignored).
# The default is anchored at the checkout (like scripts/dev-run.sh), not at the caller's working directory, so
# `make test` and a call from a subdirectory find the same cluster; CIVICVAULT_PG_DIR may be relative to $PWD.
if [ -n "${CIVICVAULT_PG_DIR:-}" ]; then
  DIR=$CIVICVAULT_PG_DIR
  case $DIR in /*) ;; *) DIR=$PWD/$DIR ;; esac
elif [ "$IS_ROOT" -eq 1 ]; then
  DIR=/tmp/civicvault-pg-$(id -u)-$(printf '%s' "$REPO" | sha256sum | cut -c1-12)
else
  DIR=$REPO/.civicvault/pg-test
fi
DIR=${DIR%/}

url() { echo "postgres://$SUPERUSER@127.0.0.1:$PORT/$DB"; }

# Runs a server-side command as the owner of the data directory: `postgres` when we are root, else ourselves.
# From / so that a working directory the postgres user cannot enter (e.g. /root) does not matter.
as_owner() {
  if [ "$IS_ROOT" -eq 1 ]; then
    (cd / && exec runuser -u postgres -- "$@")
  else
    (cd / && exec "$@")
  fi
}

initialized() { [ -f "$DIR/PG_VERSION" ]; }

# The binaries: the major version that created an existing data directory (a newer server cannot open it), else
# the newest installed /usr/lib/postgresql/<version>/bin (Debian's layout), else `pg_config --bindir`.
find_bindir() {
  if initialized; then
    local v; v=$(cat "$DIR/PG_VERSION")
    if [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]; then BINDIR=/usr/lib/postgresql/$v/bin; return; fi
    if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/pg_ctl" ]; then
      case $("$(pg_config --bindir)/pg_ctl" --version) in *" $v."*) BINDIR=$(pg_config --bindir); return ;; esac
    fi
    die "$DIR was created by PostgreSQL $v, whose server is not installed; delete that directory (it is throwaway) and start again"
  fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$newest" ]; then BINDIR=$(dirname "$newest"); return; fi
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then BINDIR=$(pg_config --bindir); return; fi
  die "no PostgreSQL server found (initdb): run 'make test-deps' (installs Debian's postgresql)"
}

running() { initialized && as_owner "$BINDIR/pg_ctl" status -D "$DIR" >/dev/null 2>&1; }

prepare_dir() {
  if [ "$IS_ROOT" -eq 0 ]; then mkdir -p "$DIR"; return; fi
  id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' OS user to run the server (Debian's postgresql package creates it): run 'make test-deps'"
  mkdir -p "$(dirname "$DIR")"
  [ -L "$DIR" ] && die "$DIR is a symlink; refusing to use it (delete it or choose another CIVICVAULT_PG_DIR)"
  if [ ! -e "$DIR" ]; then
    mkdir -m 700 "$DIR"   # fails, rather than follows, if something appeared there meanwhile
    chown postgres:postgres "$DIR"
  fi
  [ -d "$DIR" ] && [ ! -L "$DIR" ] && [ "$(stat -c %U "$DIR")" = postgres ] \
    || die "$DIR exists but is not a directory owned by the postgres user; delete it (it is throwaway) or choose another CIVICVAULT_PG_DIR"
  as_owner test -r "$DIR" -a -w "$DIR" -a -x "$DIR" \
    || die "the postgres user cannot reach $DIR (a directory above it is not traversable for other users); choose a CIVICVAULT_PG_DIR it can reach, e.g. under /tmp"
}

# A PostgreSQL configuration file string literal (backslash is an escape character there too).
conf_quote() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\'\'}"; }

# Settings for every start, in civicvault.conf (included from postgresql.conf), rewritten before each start so
# that CIVICVAULT_PG_PORT applies.
write_conf() {
  local sockets=$DIR
  # A Unix socket path must fit in sockaddr_un (107 bytes) or the server refuses to start; in a very deep
  # checkout, go without the socket (every client here, and the tests, use TCP on 127.0.0.1 anyway).
  if [ $(( ${#DIR} + ${#PORT} + 11 )) -gt 100 ]; then sockets=""; fi
  {
    echo "# Written by scripts/postgres-test.sh before every start; change the script, not this file."
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $PORT"
    echo "unix_socket_directories = $(conf_quote "$sockets")"
    echo "fsync = on"
    echo "synchronous_commit = on"
    echo "full_page_writes = on"
    if [ -f "$DIR/server.crt" ]; then
      # TLS for the tests of sslmode=require / verify-full; plain TCP keeps working beside it.
      echo "ssl = on"
      echo "ssl_cert_file = 'server.crt'"
      echo "ssl_key_file = 'server.key'"
    fi
  } | as_owner tee "$DIR/civicvault.conf" >/dev/null
}

# A self-signed certificate for 127.0.0.1 (its own authority: `ca` prints its path), made once per cluster when
# openssl is there, so the tests can reach the server over TLS and check the certificate (sslmode=verify-full).
make_certificate() {
  [ -f "$DIR/server.crt" ] && return 0
  command -v openssl >/dev/null || return 0
  as_owner openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName = IP:127.0.0.1" -addext "basicConstraints = critical,CA:TRUE" \
    -keyout "$DIR/server.key" -out "$DIR/server.crt" >/dev/null 2>&1 || { as_owner rm -f "$DIR/server.key" "$DIR/server.crt"; return 0; }
  as_owner chmod 600 "$DIR/server.key"
}

cmd_start() {
  prepare_dir
  find_bindir
  if ! initialized; then
    local locale=--no-locale out
    # (grep without -q: under pipefail, a grep that quits early could fail the pipeline through SIGPIPE)
    if locale -a 2>/dev/null | grep -ix 'c.utf-\?8' >/dev/null; then locale=--locale=C.UTF-8; fi
    out=$(as_owner "$BINDIR/initdb" -D "$DIR" -U "$SUPERUSER" --auth=trust --encoding=UTF8 "$locale" 2>&1) \
      || { echo "$out" >&2; die "initdb failed in $DIR"; }
    echo "include 'civicvault.conf'" | as_owner tee -a "$DIR/postgresql.conf" >/dev/null
  fi
  if running; then
    local actual
    actual=$(sed -n 4p "$DIR/postmaster.pid" 2>/dev/null || true)
    [ "$actual" = "$PORT" ] \
      || die "the cluster in $DIR is already running on port ${actual:-?}, not $PORT; run '$0 stop' first"
  else
    make_certificate
    write_conf
    if ! as_owner "$BINDIR/pg_ctl" start -w -s -t 60 -D "$DIR" -l "$DIR/server.log" >/dev/null; then
      tail -n 20 "$DIR/server.log" >&2 || true
      die "the server did not start (log above, in full in $DIR/server.log)"
    fi
  fi
  "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" -d postgres -t 30 \
    || die "the server in $DIR does not accept connections on 127.0.0.1:$PORT (see $DIR/server.log)"
  local admin=("$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" -d postgres)
  if [ "$("${admin[@]}" -tAc "select 1 from pg_database where datname = '$DB'")" != 1 ]; then
    "${admin[@]}" -c "create database $DB" >/dev/null
  fi
  url
}

cmd_stop() {
  initialized || return 0
  find_bindir
  running || return 0
  as_owner "$BINDIR/pg_ctl" stop -w -s -t 60 -m fast -D "$DIR" >/dev/null
}

cmd_psql() {
  local psql=psql bindir
  bindir=$(find_bindir 2>/dev/null && echo "$BINDIR" || true)   # in a subshell: find_bindir may die
  if [ -n "$bindir" ] && [ -x "$bindir/psql" ]; then psql=$bindir/psql; fi
  exec "$psql" "$(url)" "$@"
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) url ;;
  psql) shift; cmd_psql "$@" ;;
  dir) echo "$DIR" ;;
  ca) if [ -f "$DIR/server.crt" ]; then echo "$DIR/server.crt"; fi ;;
  *) echo "usage: $0 start|stop|url|psql [psql arguments]|dir|ca" >&2; exit 2 ;;
esac

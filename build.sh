#!/usr/bin/env bash
# The README's two commands:  ./build.sh run   and   ./build.sh test
# Each installs what it needs on a fresh Debian machine with the .NET SDK (run as root, or with sudo available).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# apt packages the platform or its tests need, installed once (apt-get update first, as Debian wants).
ensure_packages() {
  local missing=()
  for cmd_pkg in "$@"; do
    local cmd=${cmd_pkg%%:*} pkg=${cmd_pkg##*:}
    command -v "$cmd" >/dev/null 2>&1 || [ -e "$cmd" ] || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }

# A throwaway PostgreSQL on a free loopback port for the PostgreSQL specs, unless INSPUR_TEST_POSTGRES is already set.
PG_DIR=""
start_postgres() {
  if [ -n "${INSPUR_TEST_POSTGRES:-}" ]; then echo "==> using PostgreSQL from INSPUR_TEST_POSTGRES"; return; fi
  [ -n "$(pg_bin)" ] || ensure_packages "/nonexistent-postgres:postgresql"
  local bin; bin=$(pg_bin)
  PG_DIR=$(mktemp -d /tmp/inspur-pg.XXXXXX); chmod 755 "$PG_DIR"
  local port; port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  local run=(); [ "$(id -u)" = 0 ] && { chown postgres "$PG_DIR"; run=(runuser -u postgres --); }
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -A trust -U postgres >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w start \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" >/dev/null
  psql -q -h 127.0.0.1 -p "$port" -U postgres -c "create user inspur password 'inspur' createdb"
  psql -q -h 127.0.0.1 -p "$port" -U postgres -c "create database inspur owner inspur"
  export INSPUR_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Database=inspur;Username=inspur;Password=inspur"
  echo "==> throwaway PostgreSQL on 127.0.0.1:$port"
}
stop_postgres() {
  [ -n "$PG_DIR" ] || return 0
  local run=(); [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
  "${run[@]}" "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}

cmd_run() {
  ensure_packages "ffmpeg:ffmpeg" "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf:fonts-dejavu-core"
  dotnet build "$ROOT/src/Inspur.Host" -c Release -v q -nologo
  echo "==> starting a single node (SQLite in ./data); the URL to open is printed below. Ctrl+C stops it."
  exec dotnet "$ROOT/src/Inspur.Host/bin/Release/net10.0/Inspur.Host.dll" "$@"
}

cmd_test() {
  ensure_packages "ffmpeg:ffmpeg" "openssl:openssl" "psql:postgresql-client" "python3:python3" "chromium:chromium" \
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf:fonts-dejavu-core"
  start_postgres
  trap stop_postgres EXIT
  dotnet build "$ROOT/Inspur.Akka.sln" -c Release -v q -nologo
  local results; results=$(mktemp -d /tmp/inspur-test-results.XXXXXX)
  local status=0
  dotnet test "$ROOT/Inspur.Akka.sln" -c Release --no-build -m:1 --logger "trx" --results-directory "$results" "$@" || status=$?
  python3 "$ROOT/.ci/summarize-trx.py" "$results" || true
  rm -rf "$results"
  return $status
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  *) echo "usage: $0 run [host args…] | test [dotnet test args…]" >&2; exit 2 ;;
esac

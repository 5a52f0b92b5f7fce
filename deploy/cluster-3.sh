#!/usr/bin/env bash
# A 3-node Inspur.Akka cluster on loopback, for development and demos:
#
#   deploy/cluster-3.sh start    start 3 nodes (all seed nodes of each other), wait until all answer /readyz
#   deploy/cluster-3.sh stop     SIGTERM each node in turn (graceful leave), SIGKILL after a bound
#   deploy/cluster-3.sh status   pids, readiness, and `pbm cluster show` from the first live node
#
# Environment (defaults in brackets):
#   INSPUR_BASE_AKKA_PORT  [4053]  nodes use BASE, BASE+1, BASE+2 for Akka remoting
#   INSPUR_BASE_HTTP_PORT  [5081]  ... for HTTP (REST, /healthz, /readyz, /metrics)
#   INSPUR_BASE_OPS_PORT   [9111]  ... for the ops endpoint that `pbm` talks to
#   INSPUR_RUN_DIR         [<repo>/.run/cluster-3]  pid files, logs and the nodes' data folder
#   INSPUR_POSTGRES        [unset] an Npgsql connection string; unset = the 3 nodes share ONE SQLite folder $INSPUR_RUN_DIR/data
#   INSPUR_STABLE_AFTER    [unset] split-brain resolver stable-after, e.g. 5s (the HOCON default applies when unset)
#   INSPUR_DEMO_CHANNELS   [0]     demo channels (ffmpeg test-pattern encoders) on node 1; none by default
#   INSPUR_CONFIGURATION   [Release] which build of Inspur.Host / pbm to run (built first when missing)
#   INSPUR_START_TIMEOUT   [120]   seconds `start` waits for all three /readyz
#   INSPUR_STOP_TIMEOUT    [30]    seconds `stop` waits for each node after SIGTERM before SIGKILL
#
# Exit codes: 0 ok; 1 failed; 2 usage; `status` returns 1 when some nodes are down and 3 when none runs.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONFIGURATION=${INSPUR_CONFIGURATION:-Release}
HOST_DLL="$ROOT/src/Inspur.Host/bin/$CONFIGURATION/net10.0/Inspur.Host.dll"
PBM_DLL="$ROOT/src/Inspur.Cmd/bin/$CONFIGURATION/net10.0/pbm.dll"
BASE_AKKA=${INSPUR_BASE_AKKA_PORT:-4053}
BASE_HTTP=${INSPUR_BASE_HTTP_PORT:-5081}
BASE_OPS=${INSPUR_BASE_OPS_PORT:-9111}
RUN_DIR=${INSPUR_RUN_DIR:-$ROOT/.run/cluster-3}
START_TIMEOUT=${INSPUR_START_TIMEOUT:-120}
STOP_TIMEOUT=${INSPUR_STOP_TIMEOUT:-30}
NODES=(1 2 3)

die() { echo "cluster-3: $*" >&2; exit 1; }
say() { echo "cluster-3: $*"; }

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
for setting in BASE_AKKA BASE_HTTP BASE_OPS START_TIMEOUT STOP_TIMEOUT; do
  is_uint "${!setting}" || die "$setting='${!setting}' is not a number"
done
for base in BASE_AKKA BASE_HTTP BASE_OPS; do
  (( ${!base} >= 1 && ${!base} + 2 <= 65535 )) || die "$base=${!base}: the three ports must lie in 1..65535"
done

# An absolute run directory, so pid files and logs are found from any working directory.
case "$RUN_DIR" in /*) ;; *) RUN_DIR="$PWD/$RUN_DIR" ;; esac

akka_port() { echo $((BASE_AKKA + $1 - 1)); }
http_port() { echo $((BASE_HTTP + $1 - 1)); }
ops_port() { echo $((BASE_OPS + $1 - 1)); }
akka_address() { echo "akka.tcp://inspur@127.0.0.1:$(akka_port "$1")"; }
http_url() { echo "http://127.0.0.1:$(http_port "$1")"; }
pid_file() { echo "$RUN_DIR/node-$1.pid"; }
log_file() { echo "$RUN_DIR/node-$1.log"; }
data_dir() { if [ -n "${INSPUR_POSTGRES:-}" ]; then echo "$RUN_DIR/node-$1"; else echo "$RUN_DIR/data"; fi; }

# The pid in a node's pid file, if any.
read_pid() {
  local file; file=$(pid_file "$1")
  [ -f "$file" ] || return 1
  local pid; pid=$(tr -dc '0-9' <"$file")
  [ -n "$pid" ] || return 1
  echo "$pid"
}

# True when $1 is a live (not zombie) Inspur.Host process: guards against a pid reused by something else.
is_host_process() {
  local pid=$1 state args
  if [ -r "/proc/$pid/stat" ]; then
    state=$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$pid/stat" 2>/dev/null) || return 1
    [ "$state" != Z ] || return 1
    args=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  else
    state=$(ps -o stat= -p "$pid" 2>/dev/null) || return 1
    [[ $state != Z* ]] || return 1
    args=$(ps -o args= -p "$pid" 2>/dev/null) || return 1
  fi
  [[ $args == *Inspur.Host.dll* ]]
}

# The pid of node $1 if it is running.
live_pid() {
  local pid; pid=$(read_pid "$1") || return 1
  is_host_process "$pid" || return 1
  echo "$pid"
}

http_ok() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 8 "$1" 2>/dev/null
  elif command -v wget >/dev/null 2>&1; then
    wget -q --tries=1 -O /dev/null -T 8 "$1" 2>/dev/null
  else
    die "neither curl nor wget is installed; one of them is needed to probe /readyz"
  fi
}

# True when something accepts connections on 127.0.0.1:$1.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure_built() {
  command -v dotnet >/dev/null 2>&1 || die "dotnet is not on PATH; install the .NET 10 SDK"
  local project
  for project in Inspur.Host Inspur.Cmd; do
    local dll=$HOST_DLL; [ "$project" = Inspur.Cmd ] && dll=$PBM_DLL
    if [ ! -f "$dll" ]; then
      say "$dll is missing; building $project ($CONFIGURATION)"
      dotnet build "$ROOT/src/$project" -c "$CONFIGURATION" -v q -nologo >&2 || die "building $project failed"
      [ -f "$dll" ] || die "the build did not produce $dll"
    fi
  done
}

log_tail() {
  local file; file=$(log_file "$1")
  echo "----- last 40 lines of $file -----" >&2
  if [ -f "$file" ]; then tail -n 40 "$file" >&2; else echo "(no log)" >&2; fi
  echo "-----" >&2
}

# SIGTERM the given nodes, wait up to STOP_TIMEOUT, then SIGKILL. Returns 1 if a node survives even SIGKILL.
terminate() {
  local -a pids=() names=()
  local node pid
  for node in "$@"; do
    if pid=$(live_pid "$node"); then
      say "stopping node-$node (pid $pid) with SIGTERM"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid"); names+=("node-$node")
    fi
  done
  local deadline=$((SECONDS + STOP_TIMEOUT)) i alive
  while :; do
    alive=()
    for i in "${!pids[@]}"; do is_host_process "${pids[$i]}" && alive+=("$i"); done
    [ ${#alive[@]} -gt 0 ] || break
    if (( SECONDS >= deadline )); then
      for i in "${alive[@]}"; do
        echo "cluster-3: ${names[$i]} (pid ${pids[$i]}) did not stop within ${STOP_TIMEOUT}s of SIGTERM; sending SIGKILL" >&2
        kill -KILL "${pids[$i]}" 2>/dev/null || true
      done
      local kill_deadline=$((SECONDS + 10))
      while :; do
        alive=()
        for i in "${!pids[@]}"; do is_host_process "${pids[$i]}" && alive+=("$i"); done
        [ ${#alive[@]} -gt 0 ] || break
        if (( SECONDS >= kill_deadline )); then
          for i in "${alive[@]}"; do echo "cluster-3: ${names[$i]} (pid ${pids[$i]}) is still alive after SIGKILL" >&2; done
          return 1
        fi
        sleep 0.2
      done
      break
    fi
    sleep 0.2
  done
  for node in "$@"; do rm -f "$(pid_file "$node")"; done
  return 0
}

cmd_start() {
  local node pid
  local -a running=()
  for node in "${NODES[@]}"; do
    if pid=$(live_pid "$node"); then running+=("node-$node (pid $pid)"); fi
  done
  [ ${#running[@]} -eq 0 ] || die "already running: ${running[*]} (pid files in $RUN_DIR); run '$0 stop' first"

  local -a busy=()
  for node in "${NODES[@]}"; do
    local port
    for port in "$(akka_port "$node")" "$(http_port "$node")" "$(ops_port "$node")"; do
      port_busy "$port" && busy+=("$port")
    done
  done
  [ ${#busy[@]} -eq 0 ] || die "port(s) already in use on 127.0.0.1: ${busy[*]}; pick other INSPUR_BASE_*_PORT values"

  ensure_built
  mkdir -p "$RUN_DIR"
  local seeds
  seeds="$(akka_address 1),$(akka_address 2),$(akka_address 3)"
  local storage="SQLite in $RUN_DIR/data (shared by the three nodes)"
  [ -n "${INSPUR_POSTGRES:-}" ] && storage="PostgreSQL (INSPUR_POSTGRES)"

  for node in "${NODES[@]}"; do
    local log; log=$(log_file "$node")
    local data; data=$(data_dir "$node")
    mkdir -p "$data"
    [ -f "$log" ] && mv -f "$log" "$log.prev"
    local -a args=(
      "$HOST_DLL"
      "--urls=$(http_url "$node")"
      "--Inspur:Host=127.0.0.1"
      "--Inspur:Port=$(akka_port "$node")"
      "--Inspur:Ops:Port=$(ops_port "$node")"
      "--Inspur:DataDir=$data"
      "--Inspur:SeedNodes=$seeds"
    )
    [ -n "${INSPUR_STABLE_AFTER:-}" ] && args+=("--Inspur:StableAfter=$INSPUR_STABLE_AFTER")
    # Demo channels (ffmpeg encoders) only on node 1 and only when asked: INSPUR_DEMO_CHANNELS=4.
    if [ "$node" = 1 ] && [ "${INSPUR_DEMO_CHANNELS:-0}" -gt 0 ]; then
      args+=("--Inspur:Demo:Channels=$INSPUR_DEMO_CHANNELS")
    else
      args+=("--Inspur:Demo:Enabled=false")
    fi
    (
      # The connection string goes through the environment, not the command line that `ps` shows to everyone.
      if [ -n "${INSPUR_POSTGRES:-}" ]; then export Inspur__Postgres="$INSPUR_POSTGRES"; fi
      cd "$RUN_DIR"
      exec nohup dotnet "${args[@]}" </dev/null >"$log" 2>&1
    ) &
    local pid=$!
    echo "$pid" >"$(pid_file "$node")"
    # The subshell execs the host a moment later; until then its command line is this script's, which the readiness
    # loop below would take for a node that exited. Wait for the exec (or the end) first.
    local tries=0
    while kill -0 "$pid" 2>/dev/null && ! is_host_process "$pid" && [ "$tries" -lt 200 ]; do
      sleep 0.05
      tries=$((tries + 1))
    done
    say "started node-$node (pid $pid), log $log"
  done

  say "waiting up to ${START_TIMEOUT}s until the three nodes answer /readyz"
  local deadline=$((SECONDS + START_TIMEOUT))
  local -A ready=()
  while [ ${#ready[@]} -lt ${#NODES[@]} ]; do
    for node in "${NODES[@]}"; do
      [ -n "${ready[$node]:-}" ] && continue
      if ! pid=$(read_pid "$node") || ! is_host_process "$pid"; then
        echo "cluster-3: node-$node exited before it was ready" >&2
        log_tail "$node"
        terminate "${NODES[@]}" || true
        die "start failed: node-$node exited (see $(log_file "$node"))"
      fi
      if http_ok "$(http_url "$node")/readyz"; then ready[$node]=1; fi
    done
    [ ${#ready[@]} -lt ${#NODES[@]} ] || break
    if (( SECONDS >= deadline )); then
      local -a late=()
      for node in "${NODES[@]}"; do
        [ -n "${ready[$node]:-}" ] && continue
        late+=("node-$node")
        echo "cluster-3: node-$node ($(http_url "$node")/readyz) not ready within ${START_TIMEOUT}s" >&2
        log_tail "$node"
      done
      terminate "${NODES[@]}" || true
      die "start failed: ${late[*]} not ready within ${START_TIMEOUT}s; logs in $RUN_DIR"
    fi
    sleep 0.5
  done

  echo
  echo "Inspur cluster-3 is up; storage: $storage; run dir: $RUN_DIR"
  for node in "${NODES[@]}"; do
    echo "  node-$node  pid $(read_pid "$node")"
    echo "    http:  $(http_url "$node")   (REST $(http_url "$node")/api/v1/channels, /readyz, /metrics)"
    echo "    akka:  $(akka_address "$node")"
    echo "    pbm:   dotnet $PBM_DLL 127.0.0.1:$(ops_port "$node") cluster show"
  done
  echo "Stop it with: $0 stop"
}

cmd_stop() {
  local node any=0
  for node in "${NODES[@]}"; do
    if live_pid "$node" >/dev/null; then any=1; fi
  done
  if [ "$any" = 0 ]; then
    for node in "${NODES[@]}"; do rm -f "$(pid_file "$node")"; done
    say "not running (no live nodes in $RUN_DIR)"
    return 0
  fi
  # One at a time, youngest first: each leaves a cluster that can still confirm its exit, and the oldest node
  # (shard coordinator, leader) goes last, so nothing is handed over twice.
  local failed=0
  for node in 3 2 1; do terminate "$node" || failed=1; done
  [ "$failed" = 0 ] || die "some nodes could not be stopped"
  say "stopped"
}

cmd_status() {
  local node pid first="" count=0
  echo "Inspur cluster-3, run dir $RUN_DIR"
  for node in "${NODES[@]}"; do
    if pid=$(live_pid "$node"); then
      count=$((count + 1))
      [ -n "$first" ] || first=$node
      local readiness="not ready"
      http_ok "$(http_url "$node")/readyz" && readiness="ready"
      echo "  node-$node  pid $pid  running  $readiness  $(http_url "$node")  $(akka_address "$node")  pbm 127.0.0.1:$(ops_port "$node")"
    else
      echo "  node-$node  stopped  $(http_url "$node")  $(akka_address "$node")"
    fi
  done
  if [ -z "$first" ]; then
    echo "no node is running"
    return 3
  fi
  [ -f "$PBM_DLL" ] || ensure_built
  echo
  echo "pbm 127.0.0.1:$(ops_port "$first") cluster show:"
  dotnet "$PBM_DLL" "127.0.0.1:$(ops_port "$first")" cluster show || echo "cluster-3: pbm failed against node-$first" >&2
  [ "$count" -eq ${#NODES[@]} ] || return 1
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status   (settings: see the comment at the top of $0)" >&2; exit 2 ;;
esac

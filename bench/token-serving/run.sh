#!/usr/bin/env bash
# bench/token-serving: live serving through the playback gate (/p/{token}/live/…: HMAC token check, content and
# revocation check, heartbeat to the session entity) against the same serving without it (/live/…), one real node, one
# channel fed by the paced UDP replay of live-density's input, sessions from the real grant flow (BOSS account, order,
# sign-in, POST /api/v1/playback). Rounds alternate plain/token in one run. Loopback only; every round ends by itself.
# Usage: bench/token-serving/run.sh [round-seconds=15] [rounds=4] [sessions=200] [connections=32] [warmup-seconds=20]
#   about 2 × 2 × rounds × round + 2 × 2 × warm-up seconds, plus ~1 min of sign-ins (PBKDF2) per 200 sessions
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
round=${1:-15}
rounds=${2:-4}
sessions=${3:-200}
connections=${4:-32}
warmup=${5:-20}
input=$("$here/../live-input.sh")

work=$(mktemp -d /tmp/inspur-token-serving.XXXXXX)   # the node's data folder (SQLite journal), its log, the pid file
pids="$work/children.pids"
: >"$pids"
bench=""
# The bench kills the node itself; this catches it if the bench was killed first.
. "$here/../lib.sh"
cleanup() { bench_cleanup "$bench" "$pids" "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

dotnet build "$root/src/Inspur.Host/Inspur.Host.csproj" -c Release -v q -nologo
dotnet build "$here/TokenServing.csproj" -c Release -v q -nologo
dotnet "$here/bin/Release/net10.0/TokenServing.dll" --input "$input" \
  --host-dll "$root/src/Inspur.Host/bin/Release/net10.0/Inspur.Host.dll" --work "$work" --pidfile "$pids" \
  --round "$round" --rounds "$rounds" --sessions "$sessions" --concurrency "$connections" --warmup "$warmup" &
bench=$!
wait "$bench"

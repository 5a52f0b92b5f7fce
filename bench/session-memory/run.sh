#!/usr/bin/env bash
# bench/session-memory: memory per idle session (sessions are rows of 1,024 bucket entities). One process, the product's session sharding on SQLite, N
# sessions started (each persists its start) and left idle; managed heap after full compacting GCs against the same
# system before, divided by N. Usage: bench/session-memory/run.sh [sessions=100000] [subscribers=1000] [parallel=256]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/inspur-session-memory.XXXXXX)   # the SQLite journal and snapshot store
trap 'rm -rf "$work"' EXIT
dotnet build "$here/SessionMemory.csproj" -c Release -v q -nologo
dotnet "$here/bin/Release/net10.0/SessionMemory.dll" --hocon "$root/hocon" --work "$work" \
  --sessions "${1:-100000}" --subscribers "${2:-1000}" --parallel "${3:-256}"

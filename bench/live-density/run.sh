#!/usr/bin/env bash
# bench/live-density: N live passthrough channels on one Inspur.Host node vs N `ffmpeg -c copy -f hls`, same paced UDP
# replay of a 60 s 1080p25 5 Mbps H.264/AAC TS (made once, cached); CPU per channel-hour, late segments, and
# ingest-to-playlist latency of segments and LL-HLS parts. Loopback only; every run is bounded in time.
# Usage: bench/live-density/run.sh [measure-seconds=30] [sweep=1,4,8,16] [latency-seconds=60] [warmup-seconds=10] [--option value...]
#   e.g. run.sh 10 1,4 20 5   (about 3 minutes)      run.sh 60 1,4,8,16,32 180   (longer, sweeps further)
#   options: --pace pcr|rate|frame (default pcr)   --poll 0 (CPU only: do not follow our playlists)   --idle <s> (idle-node CPU)
#            --settle <s> (default 130: measure a node only once it has run this long, past its start-up work)
#            --archive-hours <h> (default 72, the product's default: our channels write every segment to the node's archive; 0: live only)
# The node's warm-up also waits (at most 60 s) for .NET tiered compilation to go quiet, so count ~2 min per N by default.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pos=()
extra=()
for a in "$@"; do
  if [[ $a == --* ]] || [ ${#extra[@]} -gt 0 ]; then extra+=("$a"); else pos+=("$a"); fi
done
measure=${pos[0]:-30}
sweep=${pos[1]:-1,4,8,16}
latency=${pos[2]:-60}
warmup=${pos[3]:-10}
input=$("$here/../live-input.sh")

work=$(mktemp -d /tmp/inspur-live-density.XXXXXX)   # node data folders (SQLite journal), logs, pid file
shm=$(mktemp -d /dev/shm/inspur-live-density.XXXXXX) # ffmpeg's segments and playlists
pids="$work/children.pids"
: >"$pids"
bench=""
# The bench kills its children itself; this catches what is left if it was killed first.
. "$here/../lib.sh"
cleanup() { bench_cleanup "$bench" "$pids" "$work" "$shm"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

dotnet build "$root/src/Inspur.Host/Inspur.Host.csproj" -c Release -v q -nologo
dotnet build "$here/LiveDensity.csproj" -c Release -v q -nologo
dotnet "$here/bin/Release/net10.0/LiveDensity.dll" --input "$input" \
  --host-dll "$root/src/Inspur.Host/bin/Release/net10.0/Inspur.Host.dll" --work "$work" --shm "$shm" --pidfile "$pids" \
  --measure "$measure" --sweep "$sweep" --latency "$latency" --warmup "$warmup" ${extra[@]+"${extra[@]}"} &
bench=$!
wait "$bench"

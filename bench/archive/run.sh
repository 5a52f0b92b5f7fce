#!/usr/bin/env bash
# bench/archive: time-shift lookup in a synthetic 1-day and 7-day archive (2 s segments, every file present; built once
# and cached) against rendering the live hot-window playlist, and ArchiveWriter throughput against a sequential copy.
# Usage: bench/archive/run.sh [write-MB=512] [rounds=5] [lookups=200]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mb=${1:-512}
rounds=${2:-5}
lookups=${3:-200}
cache=${INSPUR_BENCH_CACHE:-/tmp/inspur-bench}
mkdir -p "$cache"
input="$cache/archive-720p-h264-aac-60s.ts"
command -v ffmpeg >/dev/null || { apt-get update -qq && apt-get install -y -qq ffmpeg; }
if [ ! -f "$input" ]; then
  echo "making $input (x264 ultrafast, 4 Mbps, GOP 2 s)"
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=25" -f lavfi -i "sine=frequency=1000:sample_rate=48000" \
    -t 60 -c:v libx264 -preset ultrafast -b:v 4M -maxrate 4M -bufsize 8M -g 50 -keyint_min 50 -sc_threshold 0 \
    -c:a aac -b:a 128k -f mpegts "$input.tmp" && mv "$input.tmp" "$input"
fi
dotnet build "$here/ArchiveBench.csproj" -c Release -v q -nologo
dotnet "$here/bin/Release/net10.0/ArchiveBench.dll" "$cache" "$input" "$mb" "$rounds" "$lookups"

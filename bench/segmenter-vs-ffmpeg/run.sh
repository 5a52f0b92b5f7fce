#!/usr/bin/env bash
# bench/segmenter-vs-ffmpeg: ours vs ffmpeg's HLS muxer on a 10-minute 1080p H.264/AAC TS (made once, cached).
# Usage: bench/segmenter-vs-ffmpeg/run.sh [minutes=10] [rounds=3]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
minutes=${1:-10}
rounds=${2:-3}
cache=${INSPUR_BENCH_CACHE:-/tmp/inspur-bench}
mkdir -p "$cache"
input="$cache/1080p-h264-aac-${minutes}min.ts"
command -v ffmpeg >/dev/null || { apt-get update -qq && apt-get install -y -qq ffmpeg; }
if [ ! -f "$input" ]; then
  echo "making $input (x264 ultrafast, 6 Mbps, GOP 2 s; takes a few minutes on 2 cores)"
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1920x1080:rate=25" -f lavfi -i "sine=frequency=1000:sample_rate=48000" \
    -t $((minutes * 60)) -c:v libx264 -preset ultrafast -b:v 6M -maxrate 6M -bufsize 12M -g 50 -keyint_min 50 -sc_threshold 0 \
    -c:a aac -b:a 128k -f mpegts "$input.tmp" && mv "$input.tmp" "$input"
fi
# The input is read from RAM (tmpfs): on VMs that reclaim the page cache eagerly both tools would otherwise measure the
# virtual disk's read speed, not the muxer. Outputs still go to disk (a temp folder), as in production.
ram=$(mktemp -d /dev/shm/inspur-bench.XXXXXX)
trap 'rm -rf "$ram"' EXIT
cp "$input" "$ram/input.ts"
dotnet build "$here/SegmenterVsFfmpeg.csproj" -c Release -v q -nologo
dotnet "$here/bin/Release/net10.0/SegmenterVsFfmpeg.dll" "$ram/input.ts" "$rounds"

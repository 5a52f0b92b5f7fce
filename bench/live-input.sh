#!/usr/bin/env bash
# Prints the path of the bench's live input, making it once if it is not cached: 60 s of 1080p25 H.264 (x264
# ultrafast, CBR 4.5 Mbps, GOP 50 = 2 s, no B-frames) + AAC 128k in a 5.00 Mbps CBR TS. Used by live-density and token-serving.
set -euo pipefail
cache=${INSPUR_BENCH_CACHE:-/tmp/inspur-bench}
mkdir -p "$cache"
input="$cache/live-1080p25-5mbps-60s.ts"
command -v ffmpeg >/dev/null || { apt-get update -qq && apt-get install -y -qq ffmpeg; } >&2
if [ ! -f "$input" ]; then
  echo "making $input (x264 ultrafast CBR 4.5 Mbps, GOP 50 = 2 s, AAC 128k, TS muxrate 5 Mbps; about 10 s on 2 cores)" >&2
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1920x1080:rate=25" -f lavfi -i "sine=frequency=1000:sample_rate=48000" \
    -t 60 -c:v libx264 -preset ultrafast -b:v 4.5M -minrate 4.5M -maxrate 4.5M -bufsize 2M -x264-params nal-hrd=cbr \
    -g 50 -keyint_min 50 -sc_threshold 0 -c:a aac -b:a 128k -f mpegts -muxrate 5M "$input.tmp" >&2 && mv "$input.tmp" "$input"
fi
echo "$input"

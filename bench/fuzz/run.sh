#!/usr/bin/env bash
# Coverage-guided fuzzing of the segmenter with AFL++ and SharpFuzz, for a bounded time.
# Usage: bench/fuzz/run.sh [seconds=300]   Findings land in bench/fuzz/.work/findings (crashes/ are bugs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-300}
work="$here/.work"
mkdir -p "$work/corpus" "$work/tools"
command -v afl-fuzz >/dev/null || { apt-get update -qq && apt-get install -y -qq afl++ ffmpeg >/dev/null; }
[ -x "$work/tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --tool-path "$work/tools" >/dev/null
dotnet build "$here/SegmenterFuzz.csproj" -c Release -v q -nologo
out="$here/bin/Release/net10.0"
# Instrument a copy: the instrumented assembly only runs under afl-fuzz; replay uses the build output as it is.
inst="$work/instrumented"
rm -rf "$inst" && cp -r "$out" "$inst"
"$work/tools/sharpfuzz" "$inst/Inspur.Media.dll"
if [ -z "$(ls -A "$work/corpus")" ]; then
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=64x48:rate=25 -f lavfi -i sine -t 0.6 \
    -c:v libx264 -preset ultrafast -g 5 -c:a aac -f mpegts "$work/corpus/h264.ts"
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=64x48:rate=25 -t 0.6 -c:v mpeg2video -g 5 -f mpegts "$work/corpus/mpeg2.ts"
fi
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1
afl-fuzz -V "$seconds" -t 10000 -m none -i "$work/corpus" -o "$work/findings" -- dotnet "$inst/SegmenterFuzz.dll" || true
crashes=$(find "$work/findings" -path '*crashes*' -type f ! -name README.txt | wc -l)
echo "afl-fuzz ran ${seconds}s; crashes: $crashes (replay: dotnet $out/SegmenterFuzz.dll replay <dir>)"
[ "$crashes" -eq 0 ]

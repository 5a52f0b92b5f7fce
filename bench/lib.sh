# Sourced by the benches' run.sh. bench_cleanup <bench pid> <pid file> <folder>...: stops the bench process (TERM, then
# KILL after 5 s), then kills what is left of the children it listed in the pid file, each only if it is still one of
# ours (its command line names one of the folders), and removes the folders.
bench_cleanup() {
  local bench=$1 pids=$2; shift 2
  if [ -n "$bench" ] && kill -0 "$bench" 2>/dev/null; then
    kill -TERM "$bench" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$bench" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$bench" 2>/dev/null || true
  fi
  local pid patterns=()
  for dir in "$@"; do patterns+=(-e "$dir"); done
  while read -r pid; do
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || continue
    if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "${patterns[@]}"; then kill -KILL "$pid" 2>/dev/null || true; fi
  done <"$pids"
  rm -rf "$@"
}

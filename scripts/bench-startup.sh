#!/usr/bin/env bash
# Start-up benchmark: binary size, time from exec to the first successful /api/health, and the
# resident memory of an idle server. Runs `nimbus demo` on a free loopback port, N times.
set -euo pipefail
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  echo "Usage: scripts/bench-startup.sh PATH/TO/nimbus [runs]"
  echo "Binary size, time to the first /api/health and idle memory of nimbus demo, over runs (default 5)."
  exit 0
fi
bin="${1:?usage: bench-startup.sh PATH/TO/nimbus [runs]}"
runs="${2:-5}"
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }

size=$(stat -c %s "$bin")
awk -v s="$size" -v b="$bin" 'BEGIN { printf "binary            %s (%.1f MiB)\n", b, s / 1048576 }'

total_ms=0; rss_sum=0
for i in $(seq 1 "$runs"); do
  dir=$(mktemp -d)
  out="$dir/stdout"
  start=$(date +%s%N)
  PORT=0 NIMBUS_DATA_DIR="$dir/data" LOG_FORMAT=json "$bin" demo >"$out" 2>"$dir/stderr" &
  pid=$!
  url=""
  for _ in $(seq 1 2000); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$out" | head -n1 || true)
    if [ -n "$url" ] && curl -fs "$url/api/health" >/dev/null 2>&1; then break; fi
    sleep 0.005
  done
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  # Let the server settle, then read its resident memory while idle.
  sleep 1
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" || true
  rm -rf "$dir"
  printf 'run %d             first healthy answer after %d ms, idle RSS %d KiB\n' "$i" "$ms" "$rss"
  total_ms=$((total_ms + ms)); rss_sum=$((rss_sum + rss))
done
printf 'mean              %d ms to first healthy /api/health, %d KiB idle RSS\n' $((total_ms / runs)) $((rss_sum / runs))

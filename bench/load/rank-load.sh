#!/usr/bin/env bash
# HTTP load over loopback: `recsys serve` with an NCF-size model, 1,000-candidate POST /api/rank requests,
# driven by wrk at several connection counts. Prints wrk's latency distribution and the server's memory.
# Usage: bash bench/load/rank-load.sh [duration, default 15s] [connections, default "1 8 32"] [candidates, default 1000]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
duration=${1:-15s}
connections=${2:-"1 8 32"}
candidates=${3:-1000}
port=5080

command -v wrk >/dev/null || { echo "error: wrk is required (apt-get install wrk)" >&2; exit 1; }
source bench/load/serve-setup.sh
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body.json", "r")
wrk.body = f:read("*a")
f:close()
LUA

curl -sf -X POST -H 'Content-Type: application/json' --data @"$work/body.json" "$url" | head -c 200; echo

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); candidates per request: $candidates; duration per run: $duration"
echo "server RSS before: $(rss) MiB"
# Warm-up so the first measured run does not pay for JIT.
wrk -t1 -c4 -d3s -s "$work/post.lua" "$url" >/dev/null
for c in $connections; do
  threads=$(( c < 2 ? 1 : 2 ))
  echo "=== $c connection(s) ==="
  wrk -t"$threads" -c"$c" -d"$duration" --latency -s "$work/post.lua" "$url"
done
echo "server RSS after: $(rss) MiB"

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
[ -x node_modules/.bin/azurite ] || npm ci --silent --no-audit --no-fund
dotnet build -c Release src/Cli/Cli.csproj -v q -nologo >/dev/null
dotnet build -c Release bench/Serve.Bench/Serve.Bench.csproj -v q -nologo >/dev/null
bench="dotnet bench/Serve.Bench/bin/Release/net10.0/Recsys.Serve.Bench.dll"
recsys="dotnet src/Cli/bin/Release/net10.0/recsys.dll"

work=$(mktemp -d)
model=$($bench export | tail -1)
$bench body "$candidates" | tail -1 > "$work/body.json"
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body.json", "r")
wrk.body = f:read("*a")
f:close()
LUA

node_modules/.bin/azurite --silent --inMemoryPersistence --skipApiVersionCheck --disableTelemetry --loose \
  --blobHost 127.0.0.1 --blobPort 10000 --queuePort 10001 --tablePort 10002 &
azurite=$!
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; kill "$azurite" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 50); do (echo > /dev/tcp/127.0.0.1/10000) 2>/dev/null && break; sleep 0.2; done

export ConnectionStrings__Storage="UseDevelopmentStorage=true"
$recsys models publish --name bench --from "$model" --alias champion
$recsys serve --port $port --model bench > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
curl -sf -X POST -H 'Content-Type: application/json' --data @"$work/body.json" "http://127.0.0.1:$port/api/rank" | head -c 200; echo

rss() { awk '/VmRSS/ { print $2 / 1024 " MiB" }' "/proc/$server/status" 2>/dev/null || echo "?"; }
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); candidates per request: $candidates; duration per run: $duration"
echo "server RSS before: $(rss)"
# Warm-up so the first measured run does not pay for JIT.
wrk -t1 -c4 -d3s -s "$work/post.lua" "http://127.0.0.1:$port/api/rank" >/dev/null
for c in $connections; do
  threads=$(( c < 2 ? 1 : 2 ))
  echo "=== $c connection(s) ==="
  wrk -t"$threads" -c"$c" -d"$duration" --latency -s "$work/post.lua" "http://127.0.0.1:$port/api/rank"
done
echo "server RSS after: $(rss)"

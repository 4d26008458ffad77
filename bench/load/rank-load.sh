#!/usr/bin/env bash
# In process, then over HTTP: the rank path against a bare session run (`Serve.Bench parts`), then `recsys serve`
# with an NCF-size model under 1,000-candidate POST /api/rank requests,
# driven by wrk (pinned to the last core with taskset) at several connection counts. One line per run:
# p50, p99, requests/s, candidates/s per server CPU core (candidates ranked per CPU-second the server used)
# and server CPU ms per request, read from /proc before and after the run.
# BASELINE=path/to/other/recsys.dll also starts that build (e.g. a worktree of main) on the next port against
# the same storage and model, and alternates the two at each connection count, so both are measured in one run.
# BASELINE_ENV="Serving__DynamicBatching=true ..." sets environment variables for that second server only, so two
# host settings of one build are compared the same way (BASELINE_NAME labels its lines).
# BASELINE_MODEL=path/to/exported/model serves that model folder to the second server instead (e.g. the bench model
# as the baseline build exports it), so a change to an exporter is measured too.
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
# The same path in process first (it starts an Azurite of its own on free ports).
$bench parts "$candidates"

cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body.json", "r")
wrk.body = f:read("*a")
f:close()
LUA

names=(this)
pids=("$server")
urls=("$url")
if [ -n "${BASELINE:-}" ]; then
  baseline_model=bench
  if [ -n "${BASELINE_MODEL:-}" ]; then
    baseline_model=bench-baseline
    $recsys models publish --name "$baseline_model" --from "$BASELINE_MODEL" --alias champion >/dev/null
  fi
  env ${BASELINE_ENV:-} dotnet "$BASELINE" serve --port $((port + 1)) --model "$baseline_model" --refresh-seconds 5 > "$work/baseline.log" 2>&1 &
  background=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$((port + 1))/api/health" >/dev/null && break; sleep 0.2; done
  names+=("${BASELINE_NAME:-baseline}")
  pids+=("$background")
  urls+=("http://127.0.0.1:$((port + 1))/api/rank")
fi

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
last_core=$(( $(nproc) - 1 ))
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); wrk pinned to core $last_core; candidates per request: $candidates; duration per run: $duration"
for i in "${!names[@]}"; do
  curl -sf -X POST -H 'Content-Type: application/json' --data @"$work/body.json" "${urls[$i]}" | head -c 160; echo
  # Warm-up so the first measured run does not pay for JIT.
  taskset -c "$last_core" wrk -t1 -c4 -d3s -s "$work/post.lua" "${urls[$i]}" >/dev/null
done

storage_before=$(cpu_ticks "$azurite")
printf '%-9s %5s %9s %9s %10s %16s %12s\n' build conns p50 p99 "req/s" "cand/s per core" "CPU ms/req"
for c in $connections; do
  for i in "${!names[@]}"; do
    before=$(cpu_ticks "${pids[$i]}")
    out=$(taskset -c "$last_core" wrk -t1 -c"$c" -d"$duration" --latency -s "$work/post.lua" "${urls[$i]}")
    after=$(cpu_ticks "${pids[$i]}")
    echo "$out" > "$work/wrk-${names[$i]}-$c.txt"
    echo "$out" | awk -v name="${names[$i]}" -v c="$c" -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" -v cand="$candidates" '
      function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
      /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
      / requests in / { requests = $1 } /^Requests\/sec/ { rps = $2 }
      /Non-2xx|Socket errors/ { errors = errors " " $0 }
      END {
        cpu = ticks / hz
        printf "%-9s %5d %7.2fms %7.2fms %10.0f %16.0f %12.3f%s\n", name, c, p50, p99, rps, (cpu > 0 ? requests * cand / cpu : 0), (requests > 0 ? cpu * 1000 / requests : 0), errors
      }'
  done
done
echo "server RSS after: $(rss) MiB; Azurite (the served-list log's storage, on the same cores) used $(( ($(cpu_ticks "$azurite") - storage_before) / $(getconf CLK_TCK) )) CPU-seconds during the runs"

#!/usr/bin/env bash
# Soak: `recsys serve` with an NCF-size model under 1,000-candidate rank requests at a fixed rate for N minutes,
# promoting a new model version every 30 s. Prints, per minute: requests, errors (non-2xx), p50/p99 latency and
# the server's RSS; then the checks: zero errors, last-minute p99 within 1.5x of the first, RSS growth < 10 % from
# the end of the first loaded minute (steady state: pools and heaps sized for the load) to the end; growth from the
# idle server is printed beside it.
# Usage: bash bench/load/soak.sh [minutes, default 10] [requests/s, default 2000] [connections, default 8]
# SWAP_SECONDS=0 turns the promotions off (to compare memory with and without swaps).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
minutes=${1:-10}
rate=${2:-2000}
connections=${3:-8}
port=5081

command -v hey >/dev/null || { echo "error: hey is required (apt-get install hey)" >&2; exit 1; }
candidates=1000
source bench/load/serve-setup.sh

# A new version every 30 s: the same weights under a new version name, promoted with the alias's ETag.
swap_seconds=${SWAP_SECONDS:-30}
(
  n=0
  while [ "$swap_seconds" -gt 0 ] && sleep "$swap_seconds"; do
    n=$((n + 1))
    copy="$work/v$n"
    cp -r "$model" "$copy"
    sed -i "s/\"version\": \"[^\"]*\"/\"version\": \"soak-$n\"/" "$copy/manifest.json"
    $recsys models publish --name bench --from "$copy" --alias champion >/dev/null 2>&1 || echo "promotion $n failed" >&2
  done
) &
background=$!

hey -z 10s -c "$connections" -m POST -T application/json -D "$work/body.json" "$url" >/dev/null   # warm-up
echo "machine: $(nproc) cores; $minutes min at $rate requests/s, $connections connections, 1,000 candidates each, a promotion every ${swap_seconds} s (0: none)"
printf "%-7s %9s %7s %9s %9s %8s\n" minute requests errors "p50 ms" "p99 ms" "RSS MiB"
first_p99=""; last_p99=""; idle_rss=$(rss); first_rss=""; errors_total=0
for m in $(seq "$minutes"); do
  out=$(hey -z 60s -c "$connections" -q $(( rate / connections )) -m POST -T application/json -D "$work/body.json" "$url")
  total=$(echo "$out" | awk '/\[200\]/ { ok += $2 } /^  \[[0-9]+\]/ { all += $2 } END { print all + 0 }')
  ok=$(echo "$out" | awk '/\[200\]/ { print $2 }')
  errors=$(( total - ${ok:-0} ))
  errors_total=$(( errors_total + errors + $(echo "$out" | awk '/Error distribution/ { e = 1; next } e && /\[/ { s += $1 } END { print s + 0 }' | tr -d '[]') ))
  p50=$(echo "$out" | awk '/ 50% in / { printf "%.2f", $3 * 1000 }')
  p99=$(echo "$out" | awk '/ 99% in / { printf "%.2f", $3 * 1000 }')
  [ -z "$first_p99" ] && first_p99=$p99
  last_p99=$p99
  now_rss=$(rss)
  [ -z "$first_rss" ] && first_rss=$now_rss
  printf "%-7s %9s %7s %9s %9s %8s\n" "$m" "$total" "$errors" "$p50" "$p99" "$now_rss"
done
last_rss=$(rss)
echo "swaps: $(grep -c 'Swapped bench/champion' "$work/serve.log" || true)"
echo "checks: errors $errors_total (want 0); p99 last/first $(echo "scale=2; $last_p99 / $first_p99" | bc) (want <= 1.5); RSS growth after minute 1 $(echo "scale=1; ($last_rss - $first_rss) * 100 / $first_rss" | bc) % (want < 10; from idle $(echo "scale=1; ($last_rss - $idle_rss) * 100 / $idle_rss" | bc) %)"

# Shared by rank-load.sh and soak.sh (sourced, not run): builds the CLI and the serving bench, exports the
# NCF-size model and a rank body with $candidates candidates, starts Azurite on 10000-10002 and `recsys serve` on
# $port with the model published as `bench`, and cleans everything up on exit.
# Sets: work (temp folder with body.json), model (exported folder), recsys (command), server (PID), url.
[ -x node_modules/.bin/azurite ] || npm ci --silent --no-audit --no-fund
dotnet build -c Release src/Cli/Cli.csproj -v q -nologo >/dev/null
dotnet build -c Release bench/Serve.Bench/Serve.Bench.csproj -v q -nologo >/dev/null
bench="dotnet bench/Serve.Bench/bin/Release/net10.0/Recsys.Serve.Bench.dll"
recsys="dotnet src/Cli/bin/Release/net10.0/recsys.dll"

work=$(mktemp -d)
model=$($bench export | tail -1)
$bench body "${candidates:-1000}" | tail -1 > "$work/body.json"
node_modules/.bin/azurite --silent --inMemoryPersistence --skipApiVersionCheck --disableTelemetry --loose \
  --blobHost 127.0.0.1 --blobPort 10000 --queuePort 10001 --tablePort 10002 >/dev/null &
azurite=$!
server=""
background=""
cleanup() {
  [ -n "$background" ] && kill "$background" 2>/dev/null
  [ -n "$server" ] && kill "$server" 2>/dev/null
  kill "$azurite" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 50); do (echo > /dev/tcp/127.0.0.1/10000) 2>/dev/null && break; sleep 0.2; done

export ConnectionStrings__Storage="UseDevelopmentStorage=true"
$recsys models publish --name bench --from "$model" --alias champion >/dev/null
$recsys serve --port "$port" --model bench --refresh-seconds 5 > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
url="http://127.0.0.1:$port/api/rank"
rss() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$server/status"; }

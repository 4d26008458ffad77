#!/usr/bin/env bash
# Fuzzes the dataset readers and the request parsers with AFL++ and SharpFuzz for a bounded time, then replays
# every crash in-process so each distinct failure is listed with its stack frame.
#   bash bench/Fuzz/run.sh [seconds per target] [targets...]
# Needs afl++ (Debian package) and the sharpfuzz tool (dotnet tool restore). Output: out/fuzz/<target>/.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-300}
shift || true
targets=${*:-csv tsv dat sniff parquet movies rank batch feedback}

command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 2; }
dotnet tool restore >/dev/null

bin=out/fuzz/bin
rm -rf "$bin" out/fuzz/replay
dotnet publish bench/Fuzz -c Release -o "$bin" --nologo -v q
dotnet "$bin/Recsys.Fuzz.dll" seeds out/fuzz/seeds
# Instrument the code under test (our library, the Parquet reader and JSON parser it uses), not the harness.
# Instrumented code writes to AFL's shared memory, so from here on it runs only under afl-fuzz; crashes are
# replayed with an uninstrumented copy.
cp -r "$bin" out/fuzz/replay
for dll in Recsys.Shared.dll Parquet.dll System.Text.Json.dll; do
  dotnet sharpfuzz "$bin/$dll" >/dev/null
done

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
status=0
for target in $targets; do
  findings=out/fuzz/$target
  rm -rf "$findings"
  case $target in rank|batch|feedback) dict=bench/Fuzz/json.dict ;; *) dict=bench/Fuzz/dataset.dict ;; esac
  echo "== $target: ${seconds}s"
  afl-fuzz -i "out/fuzz/seeds/$target" -o "$findings" -x "$dict" -t 5000 -m none -V "$seconds" -- dotnet "$bin/Recsys.Fuzz.dll" "$target" >"$findings.log" 2>&1 || true
  stats=$findings/default/fuzzer_stats
  if [[ -f $stats ]]; then
    grep -E '^(execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg) ' "$stats" | tr -s ' ' | paste -sd' '
  else
    echo "afl-fuzz did not start; see $findings.log" >&2; status=1; continue
  fi
  crashes=$findings/default/crashes
  if compgen -G "$crashes/id:*" >/dev/null; then
    dotnet out/fuzz/replay/Recsys.Fuzz.dll "$target" --replay "$crashes" || status=1
  fi
done
exit $status

using System.Diagnostics;
using System.Globalization;
using Recsys.Bench;
using Recsys.Preparation;
using Recsys.Storage;

// Prepare throughput and peak memory on a synthetic rating file.
// Usage: dotnet run -c Release --project bench/Prepare.Bench -- [rows] [users] [items] [split]
long rows = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
int users = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
int items = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20_000;
SplitMethod split = args.Length > 3 ? SplitMethodNames.Parse(args[3]) : SplitMethod.Stratified;

string folder = Path.Combine(Path.GetTempPath(), "recsys-bench");
Directory.CreateDirectory(folder);
string file = Path.Combine(folder, $"ratings-{rows}-{users}-{items}.csv");
if (!File.Exists(file))
{
    Console.WriteLine($"generating {file} ...");
    SyntheticRatings.Write(file, rows, users, items, seed: 1);
}

string output = Path.Combine(folder, $"prepared-{rows}-{users}-{items}-{split.ToName()}");
if (Directory.Exists(output))
{
    Directory.Delete(output, recursive: true);
}

long bytes = new FileInfo(file).Length;
long before = PeakResidentBytes();
long started = Stopwatch.GetTimestamp();
PrepareResult result = await DatasetPreparer.PrepareAsync(
    new PrepareOptions { Dataset = file, Format = Recsys.Data.DatasetFormat.Csv, Split = split }, new LocalPreparedOutput(output),
    new StageTimer(started));
double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

Console.WriteLine(FormattableString.Invariant(
    $"rows {rows:N0} ({bytes / 1e6:0} MB), users {result.Stats.Users:N0}, items {result.Stats.Items:N0}, split {split.ToName()}, kept {result.Stats.Interactions:N0}"));
Console.WriteLine(FormattableString.Invariant(
    $"prepare {seconds:0.00} s = {rows / seconds / 1e6:0.00} M rows/s; peak RSS {PeakResidentBytes() / 1e6:0} MB (before prepare {before / 1e6:0} MB); {Environment.ProcessorCount} cores"));

// VmHWM: the process's peak resident set, which is what a container's memory limit sees.
static long PeakResidentBytes()
{
    foreach (string line in File.ReadLines("/proc/self/status"))
    {
        if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
        {
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
    }

    return Environment.WorkingSet;
}

/// <summary>Prints each stage with the time since the start, so a slow stage stands out.</summary>
internal sealed class StageTimer(long started) : IProgress<string>
{
    public void Report(string value) =>
        Console.WriteLine(FormattableString.Invariant($"  {Stopwatch.GetElapsedTime(started).TotalSeconds,6:0.00} s  {value}  (RSS {Environment.WorkingSet / 1e6:0} MB, GC heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1e6:0} MB, live {GC.GetTotalMemory(false) / 1e6:0} MB)"));
}

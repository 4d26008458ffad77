using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Recsys.Bench;

// Serving benchmarks.
//   dotnet run -c Release --project bench/Serve.Bench              BenchmarkDotNet: pipeline vs bare session run
//   dotnet run -c Release --project bench/Serve.Bench -- export    only train/export the NCF-size model; prints its folder
//   dotnet run -c Release --project bench/Serve.Bench -- body N    a rank request body with N candidates of that model
//   dotnet run -c Release --project bench/Serve.Bench -- feedback [N]  events/s the feedback sink appends to Azurite, and reading them back
//   dotnet run -c Release --project bench/Serve.Bench -- parts [N]     the rank path in process against a bare session run, N candidates
// HTTP load over loopback: bench/load/rank-load.sh (uses the exported model; prints `parts` first).
if (args is ["feedback", ..])
{
    await FeedbackThroughput.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
    return;
}

if (args is ["parts", ..])
{
    await Parts.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000);
    return;
}

if (args is ["export"])
{
    Console.WriteLine(await BenchModel.EnsureAsync());
    return;
}

if (args is ["body", var count])
{
    Console.WriteLine(await BenchModel.RankBodyAsync(int.Parse(count, System.Globalization.CultureInfo.InvariantCulture)));
    return;
}

await BenchModel.EnsureAsync();

// In-process: the native libtorch/ONNX Runtime setup of this build is what is measured.
// `--quick` trades precision for a run of about a minute.
bool quick = args.Contains("--quick");
Job job = (quick ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
BenchmarkRunner.Run<ScoringBenchmarks>(DefaultConfig.Instance.AddJob(job), [.. args.Where(a => a != "--quick")]);

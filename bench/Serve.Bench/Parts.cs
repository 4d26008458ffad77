using System.Diagnostics;
using Azure.Storage.Blobs;
using Microsoft.ML.OnnxRuntime;
using Recsys.Local;
using Recsys.Models;
using Recsys.Serving;
using Recsys.Serving.Http;
using Recsys.Serving.Runtime;

namespace Recsys.Bench;

/// <summary>
/// The rank path in process, piece by piece, against a bare session run on the same model and items: median of
/// 20 rounds of 500 calls each (medians, because the machine is shared), and the bytes each whole request
/// allocates on its own thread (the feedback writer's background work is not counted there).
/// </summary>
internal static class Parts
{
    public static async Task RunAsync(int candidates)
    {
        string folder = await BenchModel.EnsureAsync();
        await using var azurite = await AzuriteHost.StartAsync();
        var options = new ServingOptions { DefaultModel = "bench", RefreshInterval = TimeSpan.FromHours(1) };
        await using var serving = ServingHost.Create(new BlobServiceClient(azurite.ConnectionString), options);
        ModelManifest manifest = await serving.Registry.PublishAsync("bench", folder);
        await serving.Registry.SetAliasAsync("bench", "champion", manifest.Version, null);
        await serving.WarmAsync(options);
        using ModelLease lease = await serving.Host.AcquireAsync("bench", "champion");
        ScoringModel model = lease.Model;
        byte[] body = System.Text.Encoding.UTF8.GetBytes(await BenchModel.RankBodyAsync(candidates));
        int n;
        using (RankBody parsed = RankBody.TryRead(body, options.MaxJsonDepth)!)
        {
            n = parsed.CandidateCount;
        }

        using var session = OnnxSessionFactory.Create(await File.ReadAllBytesAsync(Path.Combine(folder, ModelManifest.ModelFile)), ExecutionProvider.Cpu);
        using var run = new RunOptions();
        using var user = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, n).ToArray(), [n]);
        using var item = OrtValue.CreateTensorValueFromMemory(Enumerable.Range(1, n).Select(i => (long)i).ToArray(), [n]);
        int[] items = [.. Enumerable.Range(1, n)];
        float[] scores = new float[n];

        var service = new Serving.Ranking.RankService(serving.Host, serving.Profiles, options);
        // Interleaved, so a slow spell of the shared machine falls on every part alike (timed one after another,
        // whichever part came first after start-up read up to a third slower).
        double[][] rounds = Interleaved(
            500,
            () =>
            {
                using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(run, ["user", "item"], [user, item], ["score"]);
            },
            () => model.Score([new ScoringQuery(1, ReadOnlyMemory<int>.Empty, items)], scores),
            () =>
            {
                using RankBody? parsed = RankBody.TryRead(body, options.MaxJsonDepth);
            },
            () =>
            {
                using RankBody parsed = RankBody.TryRead(body, options.MaxJsonDepth)!;
                var response = service.TryRankAsync(parsed, body, CancellationToken.None).GetAwaiter().GetResult()!;
                new ApiResult(200, response).WriteBodyAsync(Stream.Null, serving.Api.JsonOptions, CancellationToken.None).GetAwaiter().GetResult();
            },
            () => Api(serving.Api, body));
        (double bare, double score, double read, double hot, double api) = (Median(rounds[0]), Median(rounds[1]), Median(rounds[2]), Median(rounds[3]), Median(rounds[4]));
        double hotRatio = Median([.. rounds[3].Select((t, r) => t / rounds[0][r])]);
        double apiRatio = Median([.. rounds[4].Select((t, r) => t / rounds[0][r])]);
        long allocated = Allocated(() => Api(serving.Api, body));
        (double p50, double p99, double p999, int collections) = Tail(() => Api(serving.Api, body));

        // A batch of 8 users with these candidates through the API, the hot path against the general deserialiser.
        const int BatchUsers = 8;
        byte[] batch = System.Text.Encoding.UTF8.GetBytes(await BenchModel.BatchBodyAsync(BatchUsers, candidates));
        var general = new RankApi(service, serving.Host, serving.Feedback, options) { HotPath = false };
        double[][] batchRounds = Interleaved(100, () => Batch(serving.Api, batch), () => Batch(general, batch));
        (double batchHot, double batchGeneral) = (Median(batchRounds[0]), Median(batchRounds[1]));
        long batchHotAllocated = Allocated(() => Batch(serving.Api, batch));
        long batchGeneralAllocated = Allocated(() => Batch(general, batch));

        // Recommend: a small body (no candidates) against scoring the whole catalogue, to see what reading it costs.
        byte[] recommend = System.Text.Encoding.UTF8.GetBytes("{\"userId\":\"1\",\"top\":10,\"history\":[\"1\",\"2\",\"3\"]}");
        var json = new System.Text.Json.JsonSerializerOptions(serving.Api.JsonOptions);
        double recommendApi = Median(Interleaved(100, () =>
        {
            ApiResult result = serving.Api.RecommendAsync(new MemoryStream(recommend, writable: false)).GetAwaiter().GetResult();
            result.WriteBodyAsync(Stream.Null, json, CancellationToken.None).GetAwaiter().GetResult();
        })[0]);
        double recommendRead = Median(Interleaved(500, () => System.Text.Json.JsonSerializer.Deserialize<Serving.Contracts.RecommendRequest>(recommend, json))[0]);

        Console.WriteLine($"in process, {n} candidates, median µs per request over 20 interleaved rounds of 500 calls each:");
        Console.WriteLine($"  bare session run            {bare,8:0.0}");
        Console.WriteLine($"  model.Score (inputs built)  {score,8:0.0}");
        Console.WriteLine($"  body read (RankBody)        {read,8:0.0}");
        Console.WriteLine($"  bytes → bytes, hot path     {hot,8:0.0}   {hotRatio:0.00}× the bare run (no served-list record; median of the rounds' ratios)");
        Console.WriteLine($"  bytes → bytes, the API      {api,8:0.0}   {apiRatio:0.00}× the bare run (the served list queued for the event log)");
        Console.WriteLine($"  allocated per request on its thread: {allocated:N0} B");
        Console.WriteLine($"  the API, one call at a time, 20,000 calls: p50 {p50:0.0} µs, p99 {p99:0.0} µs, p99.9 {p999:0.0} µs ({collections} gen-0 collections)");
        Console.WriteLine($"batch of {BatchUsers} × {n} candidates through the API, median µs per batch over 20 interleaved rounds of 100:");
        Console.WriteLine($"  read from the bytes (hot path)    {batchHot,8:0.0}   {batchHotAllocated,10:N0} B allocated");
        Console.WriteLine($"  deserialised (general path)       {batchGeneral,8:0.0}   {batchGeneralAllocated,10:N0} B allocated");
        Console.WriteLine($"recommend over {model.ItemCount - 1:N0} items through the API: {recommendApi:0.0} µs, of which deserialising its body {recommendRead:0.00} µs");
    }

    private static void Batch(RankApi api, byte[] body)
    {
        ApiResult result = api.RankBatchAsync(new MemoryStream(body, writable: false)).GetAwaiter().GetResult();
        result.WriteBodyAsync(Stream.Null, api.JsonOptions, CancellationToken.None).GetAwaiter().GetResult();
    }

    private static void Api(RankApi api, byte[] body)
    {
        ApiResult result = api.RankAsync(new MemoryStream(body, writable: false)).GetAwaiter().GetResult();
        result.WriteBodyAsync(Stream.Null, api.JsonOptions, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Times every action in each of 20 rounds of <paramref name="calls"/> calls (after warming each up), the order
    /// turning round by round: µs per call, per action and round.
    /// </summary>
    private static double[][] Interleaved(int calls, params Action[] actions)
    {
        foreach (Action action in actions)
        {
            for (int i = 0; i < 4 * calls; i++)
            {
                action();
            }
        }

        double[][] rounds = [.. actions.Select(_ => new double[20])];
        for (int r = 0; r < 20; r++)
        {
            for (int k = 0; k < actions.Length; k++)
            {
                int a = (r + k) % actions.Length;
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < calls; i++)
                {
                    actions[a]();
                }

                rounds[a][r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls;
            }
        }

        return rounds;
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }

    // Each call timed on its own: the tail a single connection sees before HTTP adds its share.
    private static (double P50, double P99, double P999, int Collections) Tail(Action action)
    {
        var took = new double[20_000];
        int before = GC.CollectionCount(0);
        for (int i = 0; i < took.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            took[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        int collections = GC.CollectionCount(0) - before;
        Array.Sort(took);
        return (took[took.Length / 2], took[(int)(took.Length * 0.99)], took[(int)(took.Length * 0.999)], collections);
    }

    private static long Allocated(Action action)
    {
        const int Calls = 1_000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Calls; i++)
        {
            action();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Calls;
    }
}

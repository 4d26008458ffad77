using Recsys.Serving.Runtime;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>Dynamic batching: concurrent requests share session runs, and every request gets exactly the scores of a run of its own.</summary>
public sealed class ScoringBatcherTests(ServingFixture fixture) : IClassFixture<ServingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A matrix factorisation with seeded random vectors, so every user and item scores differently.</summary>
    private async Task<ScoringModel> LoadAsync(string version)
    {
        var random = new Random(3);
        var vectors = new Dictionary<string, float[]>();
        float[] Vector(string key) => vectors.TryGetValue(key, out float[]? v) ? v : vectors[key] = [.. Enumerable.Range(0, 4).Select(_ => (float)random.NextDouble() - 0.5f)];
        string folder = await TestModels.WriteMatrixFactorizationAsync(
            fixture.Prepared, fixture.Temp.Combine($"batch-{version}"), "mf", version, 4, (index, _) => Vector($"u{index}"), (index, _) => Vector($"i{index}"));
        ModelRegistry registry = await fixture.NewRegistryAsync();
        await registry.PublishAsync("mf", folder);
        return ScoringModel.Load(await ModelPackage.LoadAsync(registry, "mf", version, Ct), ExecutionProvider.Cpu);
    }

    [Fact]
    public async Task ConcurrentRequests_ShareRuns_AndEachGetsTheScoresOfARunOfItsOwn()
    {
        using ScoringModel alone = await LoadAsync("v1");
        using ScoringModel batched = await LoadAsync("v1");
        batched.BatchRequests(maxRows: 10_000, maxWait: TestLimits.Scaled(TimeSpan.FromMilliseconds(20)));
        var random = new Random(5);
        var queries = Enumerable.Range(0, 48)
            .Select(_ => new ScoringQuery(random.Next(0, 4), ReadOnlyMemory<int>.Empty, random.GetItems(Enumerable.Range(0, 7).ToArray(), random.Next(1, 30))))
            .ToArray();

        // All start together, so runs overlap with requests still arriving.
        using var start = new ManualResetEventSlim();
        Task<float[]>[] calls = [.. queries.Select(query => Task.Run(async () =>
        {
            start.Wait(Ct);
            float[] scores = new float[query.Candidates.Length];
            await batched.ScoreAsync(query, scores, Ct);
            return scores;
        }, Ct))];
        start.Set();
        float[][] results = await Task.WhenAll(calls);

        for (int q = 0; q < queries.Length; q++)
        {
            float[] expected = new float[queries[q].Candidates.Length];
            alone.Score([queries[q]], expected, Ct);
            Assert.Equal(expected, results[q]);
        }

        Assert.InRange(batched.Batcher!.Runs, 1, queries.Length / 2); // shared runs, not one per request
        Assert.Contains(results, r => r.Distinct().Count() > 3); // the model tells items apart
    }

    [Fact]
    public async Task WithoutBatching_EveryRequestHasARunOfItsOwn_AndTheSameScores()
    {
        using ScoringModel model = await LoadAsync("v2");
        var query = new ScoringQuery(1, ReadOnlyMemory<int>.Empty, new[] { 3, 1, 2 });
        float[] direct = new float[3], viaAsync = new float[3];

        model.Score([query], direct, Ct);
        await model.ScoreAsync(query, viaAsync, Ct);

        Assert.Null(model.Batcher);
        Assert.Equal(direct, viaAsync);
    }
}

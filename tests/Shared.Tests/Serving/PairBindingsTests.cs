using Recsys.Serving.Runtime;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>A thread's kept inputs and output give every run its own scores, whatever the row counts before it.</summary>
public sealed class PairBindingsTests(ServingFixture fixture) : IClassFixture<ServingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunsOfChangingSizes_OnOneThread_EachScoreTheirOwnCandidates()
    {
        ModelRegistry registry = await fixture.NewRegistryWithChampionAsync();
        using ScoringModel model = ScoringModel.Load(await ModelPackage.LoadAsync(registry, "movies", fixture.Version1, Ct), ExecutionProvider.Cpu);
        var random = new Random(9);
        // Growing past the kept arrays (1 → 2 → 600 → 5,000), growing within them (600 → 1,000), shrinking, repeating a
        // size, and batches of queries.
        foreach (int[] sizes in new[] { new[] { 1 }, [2], [600], [1_000], [3], [1_000], [5_000], [7, 1, 300], [1] })
        {
            int[][] candidates = [.. sizes.Select(n => Enumerable.Range(0, n).Select(_ => random.Next(1, model.ItemCount)).ToArray())];
            ScoringQuery[] queries = [.. candidates.Select(c => new ScoringQuery(model.UserIndex("1"), ReadOnlyMemory<int>.Empty, c))];
            float[] scores = new float[sizes.Sum()];

            model.Score(queries, scores, Ct);

            // Version 1 scores item index i as i.
            Assert.Equal([.. candidates.SelectMany(c => c).Select(i => (float)i)], scores);
        }
    }
}

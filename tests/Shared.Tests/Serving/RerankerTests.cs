using Recsys.Serving.Ranking;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

public sealed class RerankerTests
{
    // Items 1 and 2 point the same way; item 3 is orthogonal. Scores: 1.0, 0.9, 0.5.
    private static readonly Reranker.ItemAttributes Attributes = new(
        ["", "Drama", "Drama", "Comedy"],
        [0, 0, 1, 0, 1, 0, 0, 1],
        Dimensions: 2);

    private static readonly int[] Items = [1, 2, 3];
    private static readonly ScoreFusion.Fused Scores = new([1.0, 0.9, 0.5]);

    [Fact]
    public void NoDiversity_IsScoreOrder()
    {
        Assert.Equal([0, 1], Reranker.Select(Items, Scores, _ => false, null, Attributes, diversity: 0, top: 2));
    }

    [Fact]
    public void Diversity_PicksTheOrthogonalItemSecond()
    {
        // After item 1: item 2 scores 0.5·0.8 − 0.5·1 = −0.1, item 3 scores 0.5·0 − 0.5·0 = 0.
        Assert.Equal([0, 2], Reranker.Select(Items, Scores, _ => false, null, Attributes, diversity: 0.5, top: 2));
    }

    [Fact]
    public void FullDiversity_OverUnknownItems_StillRanksEveryCandidate()
    {
        // Found by RankApiFuzzTests: unknown ids map to the padding row, whose zero vector made every MMR value NaN,
        // so no candidate was ever "best" and the batch route answered 500.
        int[] unknown = [0, 0, 1];

        int[] chosen = Reranker.Select(unknown, Scores, _ => false, null, Attributes, diversity: 1, top: 3);

        Assert.Equal([0, 1, 2], chosen.Order());
    }

    [Fact]
    public void Diversity_WithoutVectors_UsesGenreOverlap()
    {
        var genresOnly = Attributes with { Embeddings = null, Dimensions = 0 };

        Assert.Equal([0, 2], Reranker.Select(Items, Scores, _ => false, null, genresOnly, diversity: 0.5, top: 2));
    }

    [Fact]
    public void ExcludedAndFiltered_AreNeverReturned()
    {
        var filters = new Dictionary<string, IReadOnlyList<string>> { ["genres"] = ["drama"] };

        Assert.Equal([1], Reranker.Select(Items, Scores, p => p == 0, filters, Attributes, diversity: 0, top: 3));
    }
}

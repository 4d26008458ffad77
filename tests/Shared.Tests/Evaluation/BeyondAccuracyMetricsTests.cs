using Recsys.Evaluation;
using Xunit;

namespace Recsys.Shared.Tests.Evaluation;

public sealed class BeyondAccuracyMetricsTests
{
    private static RecommendationLists Lists(int k, params int[][] lists)
    {
        var result = new RecommendationLists(lists.Length, k);
        for (int u = 0; u < lists.Length; u++)
        {
            lists[u].CopyTo(result.Slot(u));
            result.SetLength(u, lists[u].Length);
        }

        return result;
    }

    [Fact]
    public void Coverage_CountsDistinctItemsOverTheCatalogue() =>
        Assert.Equal(0.4, BeyondAccuracyMetrics.Coverage(Lists(2, [1, 2], [2, 3], [1, 4]), 10), 12);

    [Fact]
    public void Personalisation_IdenticalListsAreZeroDisjointAreOne()
    {
        Assert.Equal(0, BeyondAccuracyMetrics.Personalisation(Lists(2, [1, 2], [2, 1], [1, 2])), 12);
        Assert.Equal(1, BeyondAccuracyMetrics.Personalisation(Lists(2, [1, 2], [3, 4], [5, 6])), 12);
        // Overlaps: {1,2}∩{2,3} = 1, {1,2}∩{5,6} = 0, {2,3}∩{5,6} = 0 → mean 1/6 of k=2 slots.
        Assert.Equal(1 - (1 / 6.0), BeyondAccuracyMetrics.Personalisation(Lists(2, [1, 2], [2, 3], [5, 6])), 12);
    }

    [Fact]
    public void Novelty_IsMeanSelfInformation()
    {
        int[] usersPerItem = [0, 4, 2, 1];
        // Items 1 (p = 4/8) and 2 (p = 2/8), then 3 (p = 1/8): (1 + 2 + 3) / 3 bits.
        Assert.Equal(2, BeyondAccuracyMetrics.Novelty(Lists(2, [1, 2], [3]), usersPerItem, 8), 12);
    }

    [Fact]
    public void IntraListDiversity_IsOneMinusCosineOfFeatureSets()
    {
        IReadOnlySet<int>[] features = [new HashSet<int>(), new HashSet<int> { 0, 1 }, new HashSet<int> { 1 }, new HashSet<int> { 2 }, new HashSet<int>()];

        // User 1: items 1,2 share one of (2 × 1) → 1 − 1/√2; user 2: items 2,3 disjoint → 1; item 4 has no features.
        double expected = ((1 - (1 / Math.Sqrt(2))) + 1) / 2;
        Assert.Equal(expected, BeyondAccuracyMetrics.IntraListDiversity(Lists(3, [1, 2, 4], [2, 3]), features)!.Value, 12);
        Assert.Null(BeyondAccuracyMetrics.IntraListDiversity(Lists(2, [4], [0]), features));
    }
}

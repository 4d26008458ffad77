using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Recsys.Evaluation;
using Xunit;

namespace Recsys.Shared.Tests.Evaluation;

public sealed class RankingMetricsTests
{
    private static RelevanceMap Relevant(int catalogue, params int[] items) => Graded(catalogue, items, [.. items.Select(_ => 1f)]);

    private static RelevanceMap Graded(int catalogue, int[] items, float[] grades)
    {
        var map = new RelevanceMap(catalogue);
        map.Set(items, grades);
        return map;
    }

    [Fact]
    public void Metrics_HandComputedList_MatchTheDefinitions()
    {
        // Ranked 1..10; relevant {2, 5, 11, 12}: hits at ranks 2 and 5, two relevant items never ranked.
        int[] ranked = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        RelevanceMap relevant = Relevant(20, 2, 5, 11, 12);

        Assert.Equal(0.2, RankingMetrics.Precision(ranked, relevant, 10), 12);
        Assert.Equal(0.5, RankingMetrics.Recall(ranked, relevant, 10), 12);
        Assert.Equal(1.0, RankingMetrics.HitRate(ranked, relevant, 10));
        Assert.Equal(0.5, RankingMetrics.ReciprocalRank(ranked, relevant, 10), 12);
        // AP = (1/2 + 2/5) / 4 relevant; AP@10 divides by min(4, 10) = 4 too.
        Assert.Equal(0.9 / 4, RankingMetrics.AveragePrecision(ranked, relevant, 10, capAtK: false), 12);
        // DCG = 1/log2(3) + 1/log2(6); IDCG = 1 + 1/log2(3) + 1/2 + 1/log2(5).
        double dcg = (1 / Math.Log2(3)) + (1 / Math.Log2(6));
        double idcg = 1 + (1 / Math.Log2(3)) + 0.5 + (1 / Math.Log2(5));
        Assert.Equal(dcg / idcg, RankingMetrics.Ndcg(ranked, relevant, 10), 12);
        // At k = 3 only the hit at rank 2 counts.
        Assert.Equal(1 / 3.0, RankingMetrics.Precision(ranked, relevant, 3), 12);
        Assert.Equal(0.5 / 3, RankingMetrics.AveragePrecision(ranked, relevant, 3, capAtK: true), 12);
        Assert.Equal(0.5 / 4, RankingMetrics.AveragePrecision(ranked, relevant, 3, capAtK: false), 12);
    }

    [Fact]
    public void Ndcg_PublishedGradedExample_Is0785()
    {
        // Documents D1..D6 ranked with relevance 3,2,3,0,1,2; D7 (3) and D8 (2) relevant but not ranked:
        // DCG6 = 6.861, IDCG6 = 8.740, nDCG6 = 0.785 (the worked example of the Wikipedia nDCG article).
        RelevanceMap relevant = Graded(10, [1, 2, 3, 5, 6, 7, 8], [3, 2, 3, 1, 2, 3, 2]);

        Assert.Equal(0.785, RankingMetrics.Ndcg([1, 2, 3, 4, 5, 6], relevant, 6), 3);
    }

    [Fact]
    public void Metrics_NoHit_AreZero()
    {
        RelevanceMap relevant = Relevant(20, 15, 16);
        int[] ranked = [1, 2, 3];

        Assert.Equal(0, RankingMetrics.Precision(ranked, relevant, 3));
        Assert.Equal(0, RankingMetrics.Recall(ranked, relevant, 3));
        Assert.Equal(0, RankingMetrics.Ndcg(ranked, relevant, 3));
        Assert.Equal(0, RankingMetrics.AveragePrecision(ranked, relevant, 3, capAtK: false));
        Assert.Equal(0, RankingMetrics.HitRate(ranked, relevant, 3));
        Assert.Equal(0, RankingMetrics.ReciprocalRank(ranked, relevant, 3));
    }

    [Fact]
    public void Metrics_ShortList_CountsMissingPlacesAsMisses()
    {
        RelevanceMap relevant = Relevant(10, 1);

        Assert.Equal(0.1, RankingMetrics.Precision([1], relevant, 10), 12);
        Assert.Equal(1, RankingMetrics.Ndcg([1], relevant, 10), 12);
    }

    [Property(MaxTest = 300)]
    public bool Metrics_AnyRankingOfAnyRelevantSet_StayWithinZeroAndOne(NonEmptyArray<byte> rankedBytes, NonEmptyArray<byte> relevantBytes, PositiveInt kValue)
    {
        int k = 1 + (kValue.Get % 30);
        int[] ranked = [.. rankedBytes.Get.Select(b => (int)b).Distinct()];
        RelevanceMap relevant = Relevant(256, [.. relevantBytes.Get.Select(b => (int)b).Distinct()]);
        double[] values =
        [
            RankingMetrics.Precision(ranked, relevant, k), RankingMetrics.Recall(ranked, relevant, k),
            RankingMetrics.Ndcg(ranked, relevant, k), RankingMetrics.AveragePrecision(ranked, relevant, k, false),
            RankingMetrics.AveragePrecision(ranked, relevant, k, true), RankingMetrics.HitRate(ranked, relevant, k),
            RankingMetrics.ReciprocalRank(ranked, relevant, k),
        ];
        return values.All(v => v >= 0 && v <= 1 + 1e-12);
    }

    [Property(MaxTest = 300)]
    public bool Metrics_PerfectRanking_ScoresOne(NonEmptyArray<byte> relevantBytes, PositiveInt kValue)
    {
        int[] items = [.. relevantBytes.Get.Select(b => (int)b).Distinct()];
        int k = 1 + (kValue.Get % 30);
        RelevanceMap relevant = Relevant(256, items);
        bool exact(double v) => Math.Abs(v - 1) < 1e-12;
        return exact(RankingMetrics.Ndcg(items, relevant, k))
            && exact(RankingMetrics.AveragePrecision(items, relevant, k, capAtK: true))
            && exact(RankingMetrics.HitRate(items, relevant, k))
            && exact(RankingMetrics.ReciprocalRank(items, relevant, k))
            && (items.Length < k || exact(RankingMetrics.Precision(items, relevant, k)))
            && (items.Length > k || exact(RankingMetrics.Recall(items, relevant, k)));
    }

    [Property(MaxTest = 300)]
    public bool RecallHitRateAndAp_AreMonotoneInK(NonEmptyArray<byte> rankedBytes, NonEmptyArray<byte> relevantBytes, PositiveInt kValue)
    {
        int k = 1 + (kValue.Get % 30);
        int[] ranked = [.. rankedBytes.Get.Select(b => (int)b).Distinct()];
        RelevanceMap relevant = Relevant(256, [.. relevantBytes.Get.Select(b => (int)b).Distinct()]);
        return RankingMetrics.Recall(ranked, relevant, k) <= RankingMetrics.Recall(ranked, relevant, k + 1)
            && RankingMetrics.HitRate(ranked, relevant, k) <= RankingMetrics.HitRate(ranked, relevant, k + 1)
            && RankingMetrics.AveragePrecision(ranked, relevant, k, false) <= RankingMetrics.AveragePrecision(ranked, relevant, k + 1, false)
            && RankingMetrics.ReciprocalRank(ranked, relevant, k) <= RankingMetrics.ReciprocalRank(ranked, relevant, k + 1);
    }
}

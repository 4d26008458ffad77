using Recsys.Evaluation;
using Recsys.Preparation;
using Recsys.Recommenders;
using Xunit;

namespace Recsys.Shared.Tests.Evaluation;

public sealed class RankingEvaluatorTests
{
    /// <summary>A model whose scores are given: item i scores weights[i] for every user.</summary>
    private sealed class FixedScores(params float[] weights) : IRecommender
    {
        public string Name => "fixed";

        public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default)
        {
        }

        public void Score(int user, Span<float> scores) => weights.CopyTo(scores);
    }

    private static PreparedSplit Split(params (int User, int Item)[] rows) =>
        new([.. rows.Select(r => r.User)], [.. rows.Select(r => r.Item)], [.. rows.Select(_ => 1f)], new long[rows.Length]);

    [Fact]
    public void Evaluate_SeenItemsScoredHighest_AreMaskedAndTheRestRanked()
    {
        // Items 1..6; user 1 trained on 5 and 6 (scored highest), tests on 4 and 1.
        InteractionMatrix train = InteractionMatrix.FromSplit(Split((1, 5), (1, 6), (2, 1)), users: 3, items: 7);
        var model = new FixedScores(0, 1, 2, 3, 4, 9, 8);

        EvaluationResult result = RankingEvaluator.Evaluate(model, train, Split((1, 4), (1, 1)), k: 2);

        // Top 2 after masking 5 and 6: [4, 3] → one hit at rank 1.
        Assert.Equal([4, 3], result.Lists![0].ToArray());
        Assert.Equal(0.5, result.Metrics["precision@2"], 12);
        Assert.Equal(0.5, result.Metrics["recall@2"], 12);
        Assert.Equal(1.0, result.Metrics["mrr@2"], 12);
        Assert.Equal(1 / (1 + (1 / Math.Log2(3))), result.Metrics["ndcg@2"], 12);
        Assert.Equal(0.5, result.Metrics["map"], 12);
        Assert.Equal([1], result.Users);
    }

    [Fact]
    public void Evaluate_UsersInAnyOrder_GiveTheSameMetrics()
    {
        var rows = new List<(int, int)>();
        var random = new Random(3);
        for (int u = 1; u <= 30; u++)
        {
            foreach (int item in Enumerable.Range(1, 40).OrderBy(_ => random.Next()).Take(8))
            {
                rows.Add((u, item));
            }
        }

        InteractionMatrix train = InteractionMatrix.FromSplit(Split([.. rows.Where((_, i) => i % 4 != 0)]), 31, 41);
        var test = rows.Where((_, i) => i % 4 == 0).ToList();
        var model = new PopularityRecommender();
        model.Fit(train);

        var forward = RankingEvaluator.Evaluate(model, train, Split([.. test]), 5);
        test.Reverse();
        var backward = RankingEvaluator.Evaluate(model, train, Split([.. test]), 5);

        Assert.Equal(forward.Metrics, backward.Metrics);
    }

    [Fact]
    public void Evaluate_PerfectModel_ScoresOneOnNdcgAndHitRate()
    {
        InteractionMatrix train = InteractionMatrix.FromSplit(Split((1, 1), (2, 2)), 3, 6);
        var model = new FixedScores(0, 0, 0, 5, 4, 0);

        EvaluationResult result = RankingEvaluator.Evaluate(model, train, Split((1, 3), (1, 4), (2, 3), (2, 4)), k: 2);

        Assert.Equal(1.0, result.Metrics["ndcg@2"], 12);
        Assert.Equal(1.0, result.Metrics["precision@2"], 12);
        Assert.Equal(1.0, result.Metrics["hr@2"], 12);
        Assert.Equal(0.0, result.Metrics["personalisation@2"], 12);
    }
}

using Recsys.Evaluation;
using Xunit;

namespace Recsys.Shared.Tests.Evaluation;

public sealed class ClassificationMetricsTests
{
    [Fact]
    public void Auc_HandComputedWithTie_CountsTheTieAsHalf()
    {
        // Positives 0.9, 0.5; negatives 0.5, 0.1: pairs (0.9>0.5) (0.9>0.1) (0.5=0.5 → ½) (0.5>0.1) = 3.5 / 4.
        Assert.Equal(0.875, ClassificationMetrics.Auc([0.9f, 0.5f, 0.5f, 0.1f], [1, 1, 0, 0]), 12);
    }

    [Fact]
    public void Auc_PerfectAndReversed_AreOneAndZero()
    {
        Assert.Equal(1, ClassificationMetrics.Auc([0.9f, 0.8f, 0.2f], [1, 1, 0]), 12);
        Assert.Equal(0, ClassificationMetrics.Auc([0.1f, 0.2f, 0.9f], [1, 1, 0]), 12);
        Assert.True(double.IsNaN(ClassificationMetrics.Auc([0.1f, 0.2f], [1, 1])));
    }

    [Fact]
    public void GroupAuc_WeightsUsersByImpressionsAndSkipsOneClassUsers()
    {
        // User 1: 3 impressions, AUC 1; user 2: 2 impressions, AUC 0; user 3: only positives (skipped).
        int[] users = [1, 1, 1, 2, 2, 3];
        float[] scores = [0.9f, 0.8f, 0.1f, 0.1f, 0.9f, 0.5f];
        float[] labels = [1, 0, 0, 1, 0, 1];

        Assert.Equal(3 / 5.0, ClassificationMetrics.GroupAuc(users, scores, labels), 12);
    }

    [Fact]
    public void LogLoss_HandComputed_MatchesTheDefinition() =>
        Assert.Equal(-(Math.Log(0.8) + Math.Log(0.9)) / 2, ClassificationMetrics.LogLoss([0.8f, 0.1f], [1, 0]), 6);
}

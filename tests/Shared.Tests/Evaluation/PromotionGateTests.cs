using Recsys.Evaluation;
using Xunit;

namespace Recsys.Shared.Tests.Evaluation;

public sealed class PromotionGateTests
{
    private static EvaluationResult Result(double[] ndcg, double coverage) => new(
        new Dictionary<string, double> { ["ndcg@10"] = ndcg.Average(), ["coverage@10"] = coverage },
        new Dictionary<string, double[]> { ["ndcg@10"] = ndcg },
        [.. Enumerable.Range(1, ndcg.Length)],
        null,
        0);

    private static double[] Noisy(int n, double shift, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => Math.Clamp(0.4 + (random.NextDouble() - 0.5) * 0.6 + shift, 0, 1))];
    }

    [Fact]
    public void Compare_IdenticalModels_HaveAZeroWidthIntervalAtZero()
    {
        double[] values = Noisy(500, 0, 1);

        MetricComparison comparison = PairedBootstrap.Compare("ndcg@10", values, values);

        Assert.Equal((0.0, 0.0, 0.0), (comparison.Difference, comparison.Lower, comparison.Upper));
        Assert.False(comparison.SignificantlyBetter);
    }

    [Fact]
    public void Compare_ConstantImprovement_IsExactlyThatImprovement()
    {
        double[] champion = Noisy(200, 0, 2);
        double[] challenger = [.. champion.Select(v => v + 0.05)];

        MetricComparison comparison = PairedBootstrap.Compare("ndcg@10", champion, challenger);

        Assert.Equal(0.05, comparison.Difference, 9);
        Assert.Equal(0.05, comparison.Lower, 9);
        Assert.Equal(0.05, comparison.Upper, 9);
    }

    [Fact]
    public void Compare_SmallRealImprovementUnderNoise_IsDetectedAndTheIntervalCoversIt()
    {
        double[] champion = Noisy(2000, 0, 3);
        var random = new Random(4);
        double[] challenger = [.. champion.Select(v => v + 0.02 + ((random.NextDouble() - 0.5) * 0.1))];

        MetricComparison comparison = PairedBootstrap.Compare("ndcg@10", champion, challenger);

        Assert.True(comparison.SignificantlyBetter);
        Assert.InRange(0.02, comparison.Lower, comparison.Upper);
        Assert.Equal(comparison, PairedBootstrap.Compare("ndcg@10", champion, challenger));
    }

    [Fact]
    public void Decide_BetterAndWithinGuardrails_Promotes()
    {
        double[] champion = Noisy(1000, 0, 5);
        PromotionDecision decision = new PromotionGate().Decide(Result(champion, 0.20), Result([.. champion.Select(v => v + 0.03)], 0.19));

        Assert.True(decision.Promote);
        Assert.Empty(decision.Reasons);
    }

    [Fact]
    public void Decide_BetterButCoverageCollapses_IsRefusedWithTheReason()
    {
        double[] champion = Noisy(1000, 0, 6);
        PromotionDecision decision = new PromotionGate().Decide(Result(champion, 0.20), Result([.. champion.Select(v => v + 0.03)], 0.10));

        Assert.False(decision.Promote);
        Assert.Equal("guardrail coverage@10 fell from 0.2000 to 0.1000, more than the allowed 10%.", Assert.Single(decision.Reasons));
    }

    [Fact]
    public void Decide_NoSignificantGain_IsRefused()
    {
        double[] champion = Noisy(1000, 0, 7);
        PromotionDecision decision = new PromotionGate().Decide(Result(champion, 0.2), Result(champion, 0.2));

        Assert.False(decision.Promote);
        Assert.StartsWith("ndcg@10 did not improve significantly", Assert.Single(decision.Reasons), StringComparison.Ordinal);
    }
}

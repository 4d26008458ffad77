using Recsys.Serving.Ranking;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>Every fusion method on A = [3, 1, 2] and B = [1, 3, 2], worked out by hand.</summary>
public sealed class ScoreFusionTests
{
    private static readonly float[] A = [3, 1, 2];
    private static readonly float[] B = [1, 3, 2];

    private static FusionMember[] Members(double wa = 1, double wb = 1, ScoreNormalization n = ScoreNormalization.MinMax) =>
        [new("a", Weight: wa, Normalization: n), new("b", Weight: wb, Normalization: n)];

    private static ScoreFusion.Fused Combine(FusionMethod method, FusionMember[] members, int voteTop = 10) =>
        ScoreFusion.Combine(method, [A, B], members, new FusionProfile { Method = method, Models = members, VoteTop = voteTop });

    [Fact]
    public void Normalize_AFloorScore_CountsAsTheLowestRealScore_InsteadOfSquashingTheRest()
    {
        // An exported EASE scores items outside its set −1e30: min-max over that would put every real score at ~1.
        Assert.Equal([0, 0, 0.5, 1], ScoreFusion.Normalize([-1e30f, 0.25f, 0.625f, 1.0f], ScoreNormalization.MinMax));
        Assert.Equal([0, 0, 1], ScoreFusion.Normalize([float.NegativeInfinity, 2f, 4f], ScoreNormalization.MinMax));
        Assert.Equal([0.5, 0.5], ScoreFusion.Normalize([float.MinValue, float.MinValue], ScoreNormalization.MinMax));
    }

    [Fact]
    public void Normalize_MinMaxZScoreRank_MatchHandValues()
    {
        Assert.Equal([1, 0, 0.5], ScoreFusion.Normalize(A, ScoreNormalization.MinMax));
        Assert.Equal([1, 0, 0.5], ScoreFusion.Normalize(A, ScoreNormalization.Rank));
        double[] z = ScoreFusion.Normalize(A, ScoreNormalization.ZScore);
        Assert.Equal(1.224745, z[0], 5);
        Assert.Equal(-1.224745, z[1], 5);
        Assert.Equal(0, z[2], 10);
        Assert.Equal([0.5, 0.5], ScoreFusion.Normalize([7f, 7f], ScoreNormalization.MinMax));
    }

    [Fact]
    public void Weighted_MinMax_TwoToOne_FollowsTheHeavierModel()
    {
        ScoreFusion.Fused fused = Combine(FusionMethod.Weighted, Members(2, 1));

        Assert.Equal([2, 1, 1.5], fused.Scores);
        Assert.Equal([0, 2, 1], fused.Order());
    }

    [Fact]
    public void ReciprocalRank_K60_MatchesHandSums()
    {
        ScoreFusion.Fused fused = Combine(FusionMethod.ReciprocalRank, Members());

        Assert.Equal((1 / 61.0) + (1 / 63.0), fused.Scores[0], 12);
        Assert.Equal((1 / 63.0) + (1 / 61.0), fused.Scores[1], 12);
        Assert.Equal(2 / 62.0, fused.Scores[2], 12);
        Assert.Equal([0, 1, 2], fused.Order());
    }

    [Fact]
    public void Borda_WeightedOneToTwo_MatchesHandPoints()
    {
        ScoreFusion.Fused fused = Combine(FusionMethod.Borda, Members(1, 2));

        Assert.Equal([2, 4, 3], fused.Scores);
        Assert.Equal([1, 2, 0], fused.Order());
    }

    [Fact]
    public void Vote_TopTwo_TheItemBothModelsLikeWins()
    {
        ScoreFusion.Fused fused = Combine(FusionMethod.Vote, Members(), voteTop: 2);

        Assert.Equal([1, 1, 2], fused.Scores);
        Assert.Equal(2, fused.Order()[0]);
    }

    [Fact]
    public void Split_IsStablePerUserAndFollowsTheShares()
    {
        FusionMember[] members = [new("m", "champion", Weight: 0.8), new("m", "challenger", Weight: 0.2)];

        int[] picks = [.. Enumerable.Range(0, 10_000).Select(u => ScoreFusion.SplitMember($"user-{u}", members))];

        Assert.Equal(picks, Enumerable.Range(0, 10_000).Select(u => ScoreFusion.SplitMember($"user-{u}", members)));
        double challengerShare = picks.Count(p => p == 1) / 10_000.0;
        Assert.InRange(challengerShare, 0.18, 0.22);
    }
}

using System.Text.Json;
using Recsys.Features;
using Recsys.Storage;

namespace Recsys.Serving.Ranking;

/// <summary>How a profile combines its models' scores.</summary>
public enum FusionMethod
{
    /// <summary>Sum of weight × normalised score.</summary>
    Weighted,

    /// <summary>Reciprocal rank fusion: Σ weight / (k + rank).</summary>
    ReciprocalRank,

    /// <summary>Borda count: Σ weight × (n − rank).</summary>
    Borda,

    /// <summary>Each model votes for its top <see cref="FusionProfile.VoteTop"/>; most votes first, ties by reciprocal rank.</summary>
    Vote,

    /// <summary>The first model keeps its top <see cref="FusionProfile.CascadeCut"/>; the second re-scores and orders them.</summary>
    Cascade,

    /// <summary>A/B test: each user goes to one model, chosen by a stable hash of the user id with the weights as traffic shares.</summary>
    Split,
}

/// <summary>How one model's scores are put on a common scale before a weighted sum.</summary>
public enum ScoreNormalization
{
    None,
    MinMax,
    ZScore,

    /// <summary>1 for the best candidate down to 0 for the worst, evenly spaced by rank.</summary>
    Rank,
}

/// <summary>One model of a profile.</summary>
public sealed record FusionMember(string Model, string Alias = "champion", double Weight = 1, ScoreNormalization Normalization = ScoreNormalization.MinMax);

/// <summary>A ranking profile, stored as <c>profiles/{name}.json</c>.</summary>
public sealed record FusionProfile
{
    public FusionMethod Method { get; init; } = FusionMethod.Weighted;

    public required IReadOnlyList<FusionMember> Models { get; init; }

    /// <summary>The k of reciprocal rank fusion (60 in Cormack, Clarke and Büttcher, SIGIR 2009).</summary>
    public int RrfK { get; init; } = 60;

    public int VoteTop { get; init; } = 10;

    public int CascadeCut { get; init; } = 100;

    public static FusionProfile FromJson(string json)
    {
        FusionProfile profile = JsonSerializer.Deserialize<FusionProfile>(json, FeatureSpec.JsonOptions) ?? throw new JsonException("The profile is empty.");
        profile.Check();
        return profile;
    }

    public string ToJson() => JsonSerializer.Serialize(this, FeatureSpec.JsonOptions);

    /// <summary>Throws <see cref="JsonException"/> naming what is wrong with a profile read from JSON.</summary>
    internal void Check()
    {
        if (Models is not { Count: > 0 })
        {
            throw new JsonException("A profile lists at least one model.");
        }

        if (Method == FusionMethod.Cascade && Models.Count != 2)
        {
            throw new JsonException("A cascade lists exactly two models: the cheap one first.");
        }

        foreach (FusionMember member in Models)
        {
            if (!ResourceName.IsValid(member.Model) || !ResourceName.IsValid(member.Alias) || !(member.Weight >= 0) || double.IsInfinity(member.Weight))
            {
                throw new JsonException($"Profile member '{member.Model}/{member.Alias}' has an invalid name or weight.");
            }
        }

        if (RrfK < 0 || VoteTop < 1 || CascadeCut < 1)
        {
            throw new JsonException("rrfK must be ≥ 0, voteTop and cascadeCut ≥ 1.");
        }
    }
}

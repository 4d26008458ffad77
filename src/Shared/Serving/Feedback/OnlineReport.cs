namespace Recsys.Serving.Feedback;

/// <summary>What users did with one model's ranked lists over a window, per variant and version.</summary>
public sealed record OnlineReport(
    string Model, DateTimeOffset Since, DateTimeOffset Until, IReadOnlyList<OnlineVariant> Variants, IReadOnlyDictionary<string, long> Rejected);

/// <summary>
/// One variant and version: its users, lists served, impressions (the top <see cref="FeedbackSink.ServedPositions"/>
/// positions of each list), clicks, click-through, and click-through at each position 1–10.
/// </summary>
public sealed record OnlineVariant(
    string Variant, string Version, int Users, long Lists, long Impressions, long Clicks, double Ctr, IReadOnlyList<double> CtrAtPosition)
{
    /// <summary>Click-through against the champion's, with its interval; null on the champion's own row.</summary>
    public OnlineDifference? AgainstChampion { get; init; }
}

/// <summary>
/// Click-through minus the champion's (<see cref="ChampionVersion"/>), its 95 % bootstrap interval over users,
/// and how many users stand behind the two rows.
/// </summary>
public sealed record OnlineDifference(string ChampionVersion, double Difference, double Lower, double Upper, int Users)
{
    public bool Better => Lower > 0;

    public bool Worse => Upper < 0;
}

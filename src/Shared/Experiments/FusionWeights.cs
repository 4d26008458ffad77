using Recsys.Serving.Ranking;

namespace Recsys.Experiments;

/// <summary>
/// The member weightings <c>--tune</c> tries for a fusion profile: every combination of small whole weights
/// (1–4 for two members, 1, 2 or 4 for more), each proportion once, the profile's own weighting first so that
/// a tie keeps it.
/// </summary>
internal static class FusionWeights
{
    public static IReadOnlyList<FusionProfile> Candidates(FusionProfile profile)
    {
        int[] levels = profile.Models.Count == 2 ? [1, 2, 3, 4] : [1, 2, 4];
        var seen = new HashSet<string>(StringComparer.Ordinal) { Key(profile.Models.Select(m => m.Weight)) };
        var candidates = new List<FusionProfile> { profile };
        foreach (int[] weights in Combinations(levels, profile.Models.Count))
        {
            if (seen.Add(Key(weights.Select(w => (double)w))))
            {
                candidates.Add(profile with { Models = [.. profile.Models.Select((m, i) => m with { Weight = weights[i] })] });
            }
        }

        return candidates;
    }

    /// <summary>A weighting as a report label, e.g. "ease×3 multdae×1".</summary>
    public static string Label(FusionProfile profile) => string.Join(" ", profile.Models.Select(m => $"{m.Model}×{m.Weight:0.##}"));

    // Weights that differ only by a common factor rank identically: key them by their shares.
    private static string Key(IEnumerable<double> weights)
    {
        double[] w = [.. weights];
        double total = w.Sum();
        return string.Join(",", w.Select(x => total > 0 ? Math.Round(x / total, 6) : 0));
    }

    private static IEnumerable<int[]> Combinations(int[] levels, int count)
    {
        if (count == 0)
        {
            yield return [];
            yield break;
        }

        foreach (int[] rest in Combinations(levels, count - 1))
        {
            foreach (int level in levels)
            {
                yield return [.. rest, level];
            }
        }
    }
}

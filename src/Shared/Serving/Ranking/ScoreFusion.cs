namespace Recsys.Serving.Ranking;

/// <summary>
/// Combines several models' scores for the same candidates into one ordering. Every method works on plain
/// arrays (candidate i of every model is the same item), so each can be checked by hand.
/// </summary>
public static class ScoreFusion
{
    /// <summary>Fused scores, plus a tie-breaker for methods whose scores tie often (votes).</summary>
    public sealed record Fused(double[] Scores, double[]? TieBreak = null)
    {
        /// <summary>Wraps one model's scores unchanged.</summary>
        public static Fused Of(float[] scores)
        {
            var values = new double[scores.Length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = scores[i];
            }

            return new Fused(values);
        }

        /// <summary>Every candidate position ordered best first: by score, then tie-breaker, then input order.</summary>
        public int[] Order() => Best(Scores.Length, static _ => true);

        /// <summary>
        /// The best <paramref name="count"/> positions that <paramref name="keep"/> accepts, best first, with a
        /// <paramref name="count"/>-sized heap: O(n log count), so a top-10 of 10,000 candidates sorts nothing else.
        /// </summary>
        public int[] Best(int count, Func<int, bool> keep) => TopPositions.Best<double>(Scores, TieBreak, count, keep);
    }

    public static Fused Combine(FusionMethod method, IReadOnlyList<float[]> scores, IReadOnlyList<FusionMember> members, FusionProfile profile)
    {
        int n = scores[0].Length;
        var fused = new double[n];
        switch (method)
        {
            case FusionMethod.Weighted:
                for (int m = 0; m < scores.Count; m++)
                {
                    double[] normalised = Normalize(scores[m], members[m].Normalization);
                    for (int i = 0; i < n; i++)
                    {
                        fused[i] += members[m].Weight * normalised[i];
                    }
                }

                return new Fused(fused);

            case FusionMethod.ReciprocalRank:
                return new Fused(ReciprocalRank(scores, members, profile.RrfK));

            case FusionMethod.Borda:
                for (int m = 0; m < scores.Count; m++)
                {
                    int[] ranks = Ranks(scores[m]);
                    for (int i = 0; i < n; i++)
                    {
                        fused[i] += members[m].Weight * (n - ranks[i]);
                    }
                }

                return new Fused(fused);

            case FusionMethod.Vote:
                for (int m = 0; m < scores.Count; m++)
                {
                    int[] ranks = Ranks(scores[m]);
                    for (int i = 0; i < n; i++)
                    {
                        if (ranks[i] <= profile.VoteTop)
                        {
                            fused[i] += members[m].Weight;
                        }
                    }
                }

                return new Fused(fused, ReciprocalRank(scores, members, profile.RrfK));

            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, "Cascade and split are not score combinations; the rank service handles them.");
        }
    }

    /// <summary>1-based ranks by descending score; ties keep input order.</summary>
    public static int[] Ranks(ReadOnlySpan<float> scores)
    {
        int[] order = [.. Enumerable.Range(0, scores.Length)];
        float[] copy = scores.ToArray();
        Array.Sort(order, (a, b) =>
        {
            int c = copy[b].CompareTo(copy[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        int[] ranks = new int[scores.Length];
        for (int r = 0; r < order.Length; r++)
        {
            ranks[order[r]] = r + 1;
        }

        return ranks;
    }

    /// <summary>
    /// Scores at or below this (an exported EASE's −1e30 floor for items outside its set, −∞, float's minimum)
    /// mean "cannot score this item", not a value.
    /// </summary>
    public const float NoScore = -1e29f;

    /// <summary>
    /// Puts one model's scores on a common scale. A score at or below <see cref="NoScore"/> (or NaN) counts as
    /// that model's lowest real score, so one unscorable candidate cannot squash every other one into the same
    /// normalised value.
    /// </summary>
    public static double[] Normalize(ReadOnlySpan<float> scores, ScoreNormalization normalization)
    {
        scores = WithoutFloors(scores);
        int n = scores.Length;
        var result = new double[n];
        switch (normalization)
        {
            case ScoreNormalization.None:
                for (int i = 0; i < n; i++)
                {
                    result[i] = scores[i];
                }

                break;

            case ScoreNormalization.MinMax:
            {
                double min = double.MaxValue, max = double.MinValue;
                foreach (float s in scores)
                {
                    min = Math.Min(min, s);
                    max = Math.Max(max, s);
                }

                // All equal: no model preference, so everyone gets the same middle value.
                double range = max - min;
                for (int i = 0; i < n; i++)
                {
                    result[i] = range > 0 ? (scores[i] - min) / range : 0.5;
                }

                break;
            }

            case ScoreNormalization.ZScore:
            {
                double mean = 0;
                foreach (float s in scores)
                {
                    mean += s;
                }

                mean /= n;
                double variance = 0;
                foreach (float s in scores)
                {
                    variance += (s - mean) * (s - mean);
                }

                double sd = Math.Sqrt(variance / n);
                for (int i = 0; i < n; i++)
                {
                    result[i] = sd > 0 ? (scores[i] - mean) / sd : 0;
                }

                break;
            }

            case ScoreNormalization.Rank:
            {
                int[] ranks = Ranks(scores);
                for (int i = 0; i < n; i++)
                {
                    result[i] = n > 1 ? 1.0 - ((ranks[i] - 1) / (double)(n - 1)) : 1.0;
                }

                break;
            }
        }

        return result;
    }

    /// <summary>Picks one member for a user: the same user always gets the same member while the weights stay.</summary>
    public static int SplitMember(string? userId, IReadOnlyList<FusionMember> members)
    {
        double total = members.Sum(m => m.Weight);
        if (total <= 0)
        {
            return 0;
        }

        // FNV-1a over the UTF-16 id: stable across processes and runtimes, unlike string.GetHashCode.
        uint hash = 2166136261;
        foreach (char c in userId ?? string.Empty)
        {
            hash = (hash ^ c) * 16777619;
        }

        double point = hash / (double)uint.MaxValue * total;
        double cumulative = 0;
        for (int m = 0; m < members.Count; m++)
        {
            cumulative += members[m].Weight;
            if (point < cumulative)
            {
                return m;
            }
        }

        return members.Count - 1;
    }

    private static double[] ReciprocalRank(IReadOnlyList<float[]> scores, IReadOnlyList<FusionMember> members, int k)
    {
        var fused = new double[scores[0].Length];
        for (int m = 0; m < scores.Count; m++)
        {
            int[] ranks = Ranks(scores[m]);
            for (int i = 0; i < fused.Length; i++)
            {
                fused[i] += members[m].Weight / (k + ranks[i]);
            }
        }

        return fused;
    }

    // The scores with every floor (and NaN) raised to the lowest real score; the same span when there is none.
    private static ReadOnlySpan<float> WithoutFloors(ReadOnlySpan<float> scores)
    {
        float lowest = float.MaxValue;
        bool floors = false;
        foreach (float s in scores)
        {
            if (s > NoScore)
            {
                lowest = Math.Min(lowest, s);
            }
            else
            {
                floors = true;
            }
        }

        if (!floors)
        {
            return scores;
        }

        float[] raised = scores.ToArray();
        for (int i = 0; i < raised.Length; i++)
        {
            if (!(raised[i] > NoScore))
            {
                raised[i] = lowest == float.MaxValue ? 0 : lowest;
            }
        }

        return raised;
    }
}

namespace Recsys.Evaluation;

/// <summary>
/// Per-user top-k ranking metrics over a ranked list (best first) and the user's relevant items. The
/// definitions follow the Microsoft Recommenders evaluation module; formulas and sources in docs/metrics.md.
/// A list shorter than k counts its missing places as misses.
/// </summary>
public static class RankingMetrics
{
    /// <summary>Hits in the top k divided by k.</summary>
    public static double Precision(ReadOnlySpan<int> ranked, RelevanceMap relevant, int k) =>
        Hits(ranked, relevant, k) / (double)k;

    /// <summary>Hits in the top k divided by the number of relevant items (0 when there are none).</summary>
    public static double Recall(ReadOnlySpan<int> ranked, RelevanceMap relevant, int k) =>
        relevant.Count == 0 ? 0 : Hits(ranked, relevant, k) / (double)relevant.Count;

    /// <summary>1 when any of the top k is relevant.</summary>
    public static double HitRate(ReadOnlySpan<int> ranked, RelevanceMap relevant, int k) =>
        Hits(ranked, relevant, k) > 0 ? 1 : 0;

    /// <summary>1 / rank of the first relevant item within the top k, else 0.</summary>
    public static double ReciprocalRank(ReadOnlySpan<int> ranked, RelevanceMap relevant, int k)
    {
        int n = Math.Min(k, ranked.Length);
        for (int r = 0; r < n; r++)
        {
            if (relevant[ranked[r]] > 0)
            {
                return 1.0 / (r + 1);
            }
        }

        return 0;
    }

    /// <summary>
    /// DCG@k / ideal DCG@k with gain = grade (1 for binary relevance) and discount 1 / log2(rank + 1).
    /// </summary>
    public static double Ndcg(ReadOnlySpan<int> ranked, RelevanceMap relevant, int k)
    {
        if (relevant.Count == 0)
        {
            return 0;
        }

        double dcg = 0;
        int n = Math.Min(k, ranked.Length);
        for (int r = 0; r < n; r++)
        {
            float grade = relevant[ranked[r]];
            if (grade > 0)
            {
                dcg += grade / Math.Log2(r + 2);
            }
        }

        double ideal = 0;
        ReadOnlySpan<float> grades = relevant.SortedGrades;
        int m = Math.Min(k, grades.Length);
        for (int r = 0; r < m; r++)
        {
            ideal += grades[r] / Math.Log2(r + 2);
        }

        return dcg / ideal;
    }

    /// <summary>
    /// Sum of precision@rank at every hit within the top k, divided by the number of relevant items
    /// (<paramref name="capAtK"/> false: Microsoft Recommenders' MAP) or by min(relevant, k) (map@k).
    /// </summary>
    public static double AveragePrecision(ReadOnlySpan<int> ranked, RelevanceMap relevant, int k, bool capAtK)
    {
        if (relevant.Count == 0)
        {
            return 0;
        }

        double sum = 0;
        int hits = 0;
        int n = Math.Min(k, ranked.Length);
        for (int r = 0; r < n; r++)
        {
            if (relevant[ranked[r]] > 0)
            {
                hits++;
                sum += hits / (double)(r + 1);
            }
        }

        return sum / (capAtK ? Math.Min(relevant.Count, k) : relevant.Count);
    }

    private static int Hits(ReadOnlySpan<int> ranked, RelevanceMap relevant, int k)
    {
        int hits = 0;
        int n = Math.Min(k, ranked.Length);
        for (int r = 0; r < n; r++)
        {
            if (relevant[ranked[r]] > 0)
            {
                hits++;
            }
        }

        return hits;
    }
}

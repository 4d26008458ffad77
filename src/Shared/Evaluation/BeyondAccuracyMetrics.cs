namespace Recsys.Evaluation;

/// <summary>Metrics over all users' lists at once: how much of the catalogue, how surprising, how varied.</summary>
public static class BeyondAccuracyMetrics
{
    /// <summary>Distinct recommended items divided by the catalogue size.</summary>
    public static double Coverage(RecommendationLists lists, int catalogueSize)
    {
        var seen = new HashSet<int>();
        for (int u = 0; u < lists.Count; u++)
        {
            foreach (int item in lists[u])
            {
                seen.Add(item);
            }
        }

        return catalogueSize == 0 ? 0 : seen.Count / (double)catalogueSize;
    }

    /// <summary>
    /// Mean self-information −log2(p(i)) of recommended items, p(i) = share of training users who interacted
    /// with i (an item nobody interacted with counts as one user).
    /// </summary>
    public static double Novelty(RecommendationLists lists, ReadOnlySpan<int> usersPerItem, int trainingUsers)
    {
        double sum = 0;
        long count = 0;
        for (int u = 0; u < lists.Count; u++)
        {
            foreach (int item in lists[u])
            {
                sum -= Math.Log2(Math.Max(1, usersPerItem[item]) / (double)trainingUsers);
                count++;
            }
        }

        return count == 0 ? 0 : sum / count;
    }

    /// <summary>
    /// Mean over users of the mean pairwise cosine distance (1 − cosine) between the feature sets (e.g.
    /// genres) of the listed items. Pairs where an item has no features are skipped; null when no pair counts.
    /// </summary>
    public static double? IntraListDiversity(RecommendationLists lists, IReadOnlyList<IReadOnlySet<int>> itemFeatures)
    {
        double total = 0;
        int users = 0;
        for (int u = 0; u < lists.Count; u++)
        {
            ReadOnlySpan<int> list = lists[u];
            double sum = 0;
            int pairs = 0;
            for (int a = 0; a < list.Length; a++)
            {
                IReadOnlySet<int> fa = itemFeatures[list[a]];
                for (int b = a + 1; b < list.Length; b++)
                {
                    IReadOnlySet<int> fb = itemFeatures[list[b]];
                    if (fa.Count == 0 || fb.Count == 0)
                    {
                        continue;
                    }

                    int shared = fa.Count(fb.Contains);
                    sum += 1 - (shared / Math.Sqrt(fa.Count * (double)fb.Count));
                    pairs++;
                }
            }

            if (pairs > 0)
            {
                total += sum / pairs;
                users++;
            }
        }

        return users == 0 ? null : total / users;
    }

    /// <summary>
    /// 1 − the mean overlap |A ∩ B| / k between two users' lists, over all pairs of up to
    /// <paramref name="maxUsers"/> users (an evenly spaced subset beyond that, so it stays deterministic).
    /// </summary>
    public static double Personalisation(RecommendationLists lists, int maxUsers = 2000)
    {
        int n = lists.Count;
        int[] chosen = [.. Enumerable.Range(0, Math.Min(n, maxUsers)).Select(i => (int)((long)i * n / Math.Min(n, maxUsers)))];
        int[][] sorted = [.. chosen.Select(u => lists[u].ToArray().Order().ToArray())];
        double overlap = 0;
        long pairs = 0;
        for (int a = 0; a < sorted.Length; a++)
        {
            for (int b = a + 1; b < sorted.Length; b++)
            {
                overlap += Intersection(sorted[a], sorted[b]) / (double)lists.K;
                pairs++;
            }
        }

        return pairs == 0 ? 0 : 1 - (overlap / pairs);
    }

    private static int Intersection(int[] a, int[] b)
    {
        int i = 0;
        int j = 0;
        int shared = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j]) { shared++; i++; j++; }
            else if (a[i] < b[j]) { i++; }
            else { j++; }
        }

        return shared;
    }
}

namespace Recsys.Evaluation;

/// <summary>Metrics over scored impressions with 0/1 labels (point-wise and sampled evaluation).</summary>
public static class ClassificationMetrics
{
    /// <summary>
    /// Area under the ROC curve: the probability that a random positive outscores a random negative, ties
    /// counting one half (Mann-Whitney U with average ranks). NaN when one class is missing.
    /// </summary>
    public static double Auc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        int n = scores.Length;
        (float[] keys, int[] order) = SortedWithPositions(scores);
        double positiveRankSum = 0;
        long positives = 0;
        int start = 0;
        while (start < n)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start])
            {
                end++;
            }

            double averageRank = (start + end + 1) / 2.0; // 1-based ranks start+1..end
            for (int i = start; i < end; i++)
            {
                if (labels[order[i]] > 0.5f)
                {
                    positives++;
                    positiveRankSum += averageRank;
                }
            }

            start = end;
        }

        long negatives = n - positives;
        return positives == 0 || negatives == 0
            ? double.NaN
            : (positiveRankSum - (positives * (positives + 1) / 2.0)) / (positives * (double)negatives);
    }

    /// <summary>
    /// Group AUC: per-user AUC weighted by the user's number of impressions, over users with both classes.
    /// </summary>
    public static double GroupAuc(ReadOnlySpan<int> users, ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        (int[] userKeys, int[] order) = SortedWithPositions(users);
        double weighted = 0;
        long weight = 0;
        int start = 0;
        while (start < order.Length)
        {
            int end = start + 1;
            while (end < order.Length && userKeys[end] == userKeys[start])
            {
                end++;
            }

            float[] s = new float[end - start];
            float[] l = new float[end - start];
            for (int i = start; i < end; i++)
            {
                s[i - start] = scores[order[i]];
                l[i - start] = labels[order[i]];
            }

            double auc = Auc(s, l);
            if (!double.IsNaN(auc))
            {
                weighted += auc * s.Length;
                weight += s.Length;
            }

            start = end;
        }

        return weight == 0 ? double.NaN : weighted / weight;
    }

    /// <summary>The values sorted, with each one's original position.</summary>
    private static (T[] Sorted, int[] Positions) SortedWithPositions<T>(ReadOnlySpan<T> values)
    {
        T[] sorted = values.ToArray();
        int[] positions = [.. Enumerable.Range(0, sorted.Length)];
        Array.Sort(sorted, positions);
        return (sorted, positions);
    }

    /// <summary>Mean binary cross-entropy of probabilities, clipped to [1e-7, 1 − 1e-7].</summary>
    public static double LogLoss(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels)
    {
        const double Epsilon = 1e-7;
        double sum = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            double p = Math.Clamp(probabilities[i], Epsilon, 1 - Epsilon);
            sum -= labels[i] > 0.5f ? Math.Log(p) : Math.Log(1 - p);
        }

        return sum / probabilities.Length;
    }
}

using Recsys.Preparation;

namespace Recsys.Evaluation;

/// <summary>The mean difference challenger − champion with its bootstrap confidence interval.</summary>
public sealed record MetricComparison(string Metric, double Champion, double Challenger, double Difference, double Lower, double Upper)
{
    /// <summary>The challenger is better with the interval entirely above zero.</summary>
    public bool SignificantlyBetter => Lower > 0;
}

/// <summary>
/// Paired bootstrap over users: resample users with replacement, recompute the mean per-user difference,
/// and take the percentile interval. Pairing by user removes the between-user variance that dominates
/// recommender metrics, so real differences show up with far fewer users than an unpaired test needs.
/// </summary>
public static class PairedBootstrap
{
    public static MetricComparison Compare(
        string metric, ReadOnlySpan<double> champion, ReadOnlySpan<double> challenger,
        int resamples = 2000, double confidence = 0.95, int seed = 42)
    {
        if (champion.Length != challenger.Length || champion.Length == 0)
        {
            throw new ArgumentException("The two models must be evaluated on the same, non-empty list of users.", nameof(challenger));
        }

        int n = champion.Length;
        double[] differences = new double[n];
        for (int i = 0; i < n; i++)
        {
            differences[i] = challenger[i] - champion[i];
        }

        var random = new StableRandom((ulong)(uint)seed);
        double[] means = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                sum += differences[random.NextInt(n)];
            }

            means[r] = sum / n;
        }

        Array.Sort(means);
        double tail = (1 - confidence) / 2;
        int lower = (int)Math.Floor(tail * (resamples - 1));
        int upper = (int)Math.Ceiling((1 - tail) * (resamples - 1));
        return new MetricComparison(metric, Average(champion), Average(challenger), differences.Average(), means[lower], means[upper]);
    }

    private static double Average(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        return sum / values.Length;
    }
}

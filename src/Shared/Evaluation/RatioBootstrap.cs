using Recsys.Preparation;

namespace Recsys.Evaluation;

/// <summary>
/// Unpaired bootstrap of a difference between two ratios of sums (click-through: clicks ÷ impressions), each
/// group's users resampled with replacement on their own. Online traffic is split by user, so no user is in
/// both groups and no pairing is possible; resampling users, not impressions, keeps each user's lists together.
/// </summary>
public static class RatioBootstrap
{
    /// <summary>(b − a) of Σ numerators ÷ Σ denominators per group, with its percentile interval.</summary>
    public static (double Difference, double Lower, double Upper) Compare(
        IReadOnlyList<(double Numerator, double Denominator)> a, IReadOnlyList<(double Numerator, double Denominator)> b,
        int resamples = 2000, double confidence = 0.95, int seed = 42)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            throw new ArgumentException("Both groups need at least one user.");
        }

        var random = new StableRandom((ulong)(uint)seed);
        double[] differences = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            differences[r] = Resampled(b, ref random) - Resampled(a, ref random);
        }

        Array.Sort(differences);
        double tail = (1 - confidence) / 2;
        return (Ratio(b) - Ratio(a), differences[(int)Math.Floor(tail * (resamples - 1))], differences[(int)Math.Ceiling((1 - tail) * (resamples - 1))]);
    }

    private static double Ratio(IReadOnlyList<(double Numerator, double Denominator)> group)
    {
        double numerator = 0, denominator = 0;
        foreach (var (n, d) in group)
        {
            (numerator, denominator) = (numerator + n, denominator + d);
        }

        return denominator > 0 ? numerator / denominator : 0;
    }

    private static double Resampled(IReadOnlyList<(double Numerator, double Denominator)> group, ref StableRandom random)
    {
        double numerator = 0, denominator = 0;
        for (int i = 0; i < group.Count; i++)
        {
            var (n, d) = group[random.NextInt(group.Count)];
            (numerator, denominator) = (numerator + n, denominator + d);
        }

        return denominator > 0 ? numerator / denominator : 0;
    }
}

using System.Globalization;
using Recsys.Evaluation;

namespace Recsys.Experiments;

/// <summary>
/// Folds the runs of one experiment over several split seeds into one run per model: each metric's mean and
/// sample standard deviation, every split's metrics kept. A difference between two models counts only when
/// their means are further apart than the larger of their standard deviations (<see cref="ClearlyAbove"/>).
/// </summary>
public static class SeedSummary
{
    /// <param name="splits">One list of runs per seed, with the same models in the same order.</param>
    public static IReadOnlyList<ModelRun> Combine(IReadOnlyList<IReadOnlyList<ModelRun>> splits) =>
        [.. splits[0].Select((first, m) =>
        {
            ModelRun[] runs = [.. splits.Select(s => s[m])];
            string[] metrics = [.. first.Evaluation.Metrics.Keys.Where(key => runs.All(r => r.Evaluation.Metrics.ContainsKey(key)))];
            var mean = metrics.ToDictionary(key => key, key => runs.Average(r => r.Evaluation.Metrics[key]), StringComparer.Ordinal);
            var deviation = metrics.ToDictionary(key => key, key => StandardDeviation([.. runs.Select(r => r.Evaluation.Metrics[key])]), StringComparer.Ordinal);
            // Per-user values and lists stay the first split's: they describe one split, not an average.
            EvaluationResult evaluation = first.Evaluation with { Metrics = mean, Seconds = runs.Average(r => r.Evaluation.Seconds) };
            return first with
            {
                FitSeconds = runs.Average(r => r.FitSeconds),
                Evaluation = evaluation,
                StandardDeviation = deviation,
                PerSeed = [.. runs.Select(r => r.Evaluation.Metrics)],
            };
        })];

    /// <summary>
    /// True when <paramref name="run"/>'s mean of <paramref name="metric"/> is above <paramref name="other"/>'s
    /// by more than the larger of their standard deviations (by any margin when neither has one).
    /// </summary>
    public static bool ClearlyAbove(ModelRun run, ModelRun other, string metric)
    {
        double spread = Math.Max(run.StandardDeviation?.GetValueOrDefault(metric) ?? 0, other.StandardDeviation?.GetValueOrDefault(metric) ?? 0);
        return run.Evaluation.Metrics[metric] - other.Evaluation.Metrics[metric] > spread;
    }

    /// <summary>Whether <paramref name="run"/> is clearly above every other run that has <paramref name="metric"/>.</summary>
    public static bool IsClearBest(IReadOnlyList<ModelRun> runs, ModelRun run, string metric) =>
        runs.Count > 1 && run.Evaluation.Metrics.ContainsKey(metric) &&
        runs.Where(other => other != run && other.Evaluation.Metrics.ContainsKey(metric)).All(other => ClearlyAbove(run, other, metric));

    /// <summary>The metric as a table shows it: <c>0.4858</c>, or <c>0.4858 ± 0.0031</c> over several seeds.</summary>
    public static string Text(ModelRun run, string metric) =>
        run.StandardDeviation?.TryGetValue(metric, out double sd) == true
            ? string.Create(CultureInfo.InvariantCulture, $"{run.Evaluation.Metrics[metric]:0.0000} ± {sd:0.0000}")
            : run.Evaluation.Metrics[metric].ToString("0.0000", CultureInfo.InvariantCulture);

    // Sample (n − 1) standard deviation.
    private static double StandardDeviation(double[] values)
    {
        double mean = values.Average();
        return values.Length < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }
}

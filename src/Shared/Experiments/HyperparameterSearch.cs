using Recsys.Evaluation;
using Recsys.Preparation;
using Recsys.Recommenders;

namespace Recsys.Experiments;

/// <summary>The setting <c>--tune</c> chose for a model, and every setting's validation score.</summary>
public sealed record TuningOutcome(string Selected, string Metric, IReadOnlyDictionary<string, double> Trials);

/// <summary>Grid search on validation data: fit each setting on the fitting rows, keep the best by the metric.</summary>
internal static class HyperparameterSearch
{
    public static (ModelSetting Best, TuningOutcome Outcome) Select(
        ModelDescriptor model, InteractionMatrix fit, PreparedSplit validation, int k, CancellationToken cancellationToken)
    {
        string metric = MetricNames.Ndcg(k);
        var trials = new Dictionary<string, double>(StringComparer.Ordinal);
        ModelSetting? best = null;
        double bestScore = double.NegativeInfinity;
        foreach (ModelSetting setting in model.Grid)
        {
            IRecommender candidate = setting.Create();
            candidate.Fit(fit, cancellationToken);
            double score = RankingEvaluator.Evaluate(candidate, fit, validation, k, cancellationToken: cancellationToken).Metrics[metric];
            trials[setting.Label] = score;
            if (score > bestScore)
            {
                (best, bestScore) = (setting, score);
            }

            (candidate as IDisposable)?.Dispose();
        }

        return (best!, new TuningOutcome(best!.Label, metric, trials));
    }
}

using Recsys.Evaluation;
using Recsys.Features;
using Recsys.Preparation;
using Recsys.Recommenders;

namespace Recsys.Experiments;

/// <summary>The setting <c>--tune</c> chose for a model, and every setting's validation score.</summary>
public sealed record TuningOutcome(string Selected, string Metric, IReadOnlyDictionary<string, double> Trials);

/// <summary>Grid search on validation data: fit each setting on the fitting rows, keep the best by the metric.</summary>
internal static class HyperparameterSearch
{
    public static (ModelSetting Best, TuningOutcome Outcome) Select(
        ModelDescriptor model, InteractionMatrix fit, PreparedSplit validation, int k, CancellationToken cancellationToken, ItemContent? content = null)
    {
        string metric = MetricNames.Ndcg(k);
        double Score(IRecommender fitted) =>
            RankingEvaluator.Evaluate(fitted, fit, validation, k, cancellationToken: cancellationToken).Metrics[metric];

        SettingSearch found = model.Search is { } search ? search(fit, Score, cancellationToken) : Grid(model.Grid, fit, content, Score, cancellationToken);
        return (found.Best, new TuningOutcome(found.Best.Label, metric, found.Trials));
    }

    private static SettingSearch Grid(
        IReadOnlyList<ModelSetting> grid, InteractionMatrix fit, ItemContent? content, Func<IRecommender, double> score, CancellationToken cancellationToken)
    {
        var trials = new Dictionary<string, double>(StringComparer.Ordinal);
        ModelSetting? best = null;
        double bestScore = double.NegativeInfinity;
        foreach (ModelSetting setting in grid)
        {
            IRecommender candidate = setting.Create();
            if (candidate is IContentAware aware && content is not null)
            {
                aware.UseContent(content);
            }

            candidate.Fit(fit, cancellationToken);
            double value = score(candidate);
            trials[setting.Label] = value;
            if (value > bestScore)
            {
                (best, bestScore) = (setting, value);
            }

            (candidate as IDisposable)?.Dispose();
        }

        return new SettingSearch(best!, trials);
    }
}

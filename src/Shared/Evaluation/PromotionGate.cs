namespace Recsys.Evaluation;

/// <summary>
/// When a challenger replaces the champion: the primary metric must improve with its bootstrap interval
/// above zero, and no guardrail metric may fall by more than its allowed fraction of the champion's value.
/// </summary>
public sealed record PromotionGate
{
    public string PrimaryMetric { get; init; } = "ndcg@10";

    /// <summary>Metric → largest allowed relative drop (0.1 = may fall by 10 %).</summary>
    public IReadOnlyDictionary<string, double> Guardrails { get; init; } = new Dictionary<string, double> { ["coverage@10"] = 0.1 };

    public int Resamples { get; init; } = 2000;

    public double Confidence { get; init; } = 0.95;

    public PromotionDecision Decide(EvaluationResult champion, EvaluationResult challenger)
    {
        if (!champion.Users.AsSpan().SequenceEqual(challenger.Users))
        {
            throw new ArgumentException("Champion and challenger must be evaluated on the same users.", nameof(challenger));
        }

        if (!champion.PerUser.TryGetValue(PrimaryMetric, out double[]? before) || !challenger.PerUser.TryGetValue(PrimaryMetric, out double[]? after))
        {
            throw new ArgumentException($"The primary metric '{PrimaryMetric}' has no per-user values.", nameof(challenger));
        }

        MetricComparison primary = PairedBootstrap.Compare(PrimaryMetric, before, after, Resamples, Confidence);
        var reasons = new List<string>();
        if (!primary.SignificantlyBetter)
        {
            reasons.Add($"{PrimaryMetric} did not improve significantly: difference {primary.Difference:+0.0000;-0.0000}, {Confidence * 100:0.#}% interval [{primary.Lower:+0.0000;-0.0000}, {primary.Upper:+0.0000;-0.0000}].");
        }

        foreach (var (metric, allowedDrop) in Guardrails)
        {
            if (champion.Metrics.TryGetValue(metric, out double old) && challenger.Metrics.TryGetValue(metric, out double now) && now < old * (1 - allowedDrop))
            {
                reasons.Add($"guardrail {metric} fell from {old:0.0000} to {now:0.0000}, more than the allowed {allowedDrop * 100:0.#}%.");
            }
        }

        return new PromotionDecision(reasons.Count == 0, primary, reasons);
    }
}

/// <summary>The gate's verdict with the primary comparison and, when refused, every reason.</summary>
public sealed record PromotionDecision(bool Promote, MetricComparison Primary, IReadOnlyList<string> Reasons);

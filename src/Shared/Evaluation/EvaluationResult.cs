namespace Recsys.Evaluation;

/// <summary>
/// One model's evaluation: mean metrics, the per-user values behind the per-user metrics (same user order
/// as <see cref="Users"/>, for distributions and paired comparisons), and the lists themselves.
/// </summary>
public sealed record EvaluationResult(
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double[]> PerUser,
    int[] Users,
    RecommendationLists? Lists,
    double Seconds);

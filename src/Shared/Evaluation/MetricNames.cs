namespace Recsys.Evaluation;

/// <summary>The metric keys used in metrics.json and reports (k is substituted).</summary>
public static class MetricNames
{
    public static string Precision(int k) => $"precision@{k}";

    public static string Recall(int k) => $"recall@{k}";

    public static string Ndcg(int k) => $"ndcg@{k}";

    public static string GradedNdcg(int k) => $"ndcg-graded@{k}";

    public const string Map = "map";

    public static string MapAtK(int k) => $"map@{k}";

    public static string HitRate(int k) => $"hr@{k}";

    public static string Mrr(int k) => $"mrr@{k}";

    public static string Coverage(int k) => $"coverage@{k}";

    public static string Novelty(int k) => $"novelty@{k}";

    public static string Diversity(int k) => $"diversity@{k}";

    public static string Personalisation(int k) => $"personalisation@{k}";

    public const string Auc = "auc";
}

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

    /// <summary>One line saying what <paramref name="metric"/> measures, for reports (formulas: docs/metrics.md).</summary>
    public static string Describe(string metric)
    {
        int at = metric.IndexOf('@', StringComparison.Ordinal);
        string name = at < 0 ? metric : metric[..at];
        string k = at < 0 ? "k" : metric[(at + 1)..];
        return name switch
        {
            "precision" => $"share of the top {k} that the user really interacted with in the test split",
            "recall" => $"share of the user's test items that appear in the top {k}",
            "ndcg" => $"how high the test items sit in the top {k}, 1 = all at the very top (binary relevance)",
            "ndcg-graded" => $"as nDCG, with each test item weighted by its rating",
            "map" => at < 0 ? "mean average precision: precision at each hit, averaged over the user's test items" : $"mean average precision within the top {k}",
            "hr" => $"share of users with at least one test item in the top {k}",
            "mrr" => $"1 / the rank of the first test item in the top {k} (0 when none), averaged over users",
            "auc" => "chance that a random positive is scored above a random negative",
            "coverage" => $"share of the catalogue that appears in anyone's top {k}",
            "novelty" => $"how rarely the listed items were seen in training (bits; higher = less popular items)",
            "diversity" => $"how different the genres within one list are (1 = no shared genres)",
            "personalisation" => $"how different users' lists are from each other (1 = no overlap)",
            _ => "",
        };
    }
}

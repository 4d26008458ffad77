using System.Diagnostics;
using Recsys.Preparation;
using Recsys.Recommenders;

namespace Recsys.Evaluation;

/// <summary>
/// Full-catalogue top-k evaluation: for every user in the test split, score all items, drop the ones the user
/// already had in training (and in <c>alsoSeen</c>, e.g. validation), take the top k and compare them with
/// the user's test items. Users are evaluated in parallel; results do not depend on thread timing.
/// </summary>
public static class RankingEvaluator
{
    public static EvaluationResult Evaluate(
        IRecommender model, InteractionMatrix train, PreparedSplit test, int k,
        PreparedSplit? alsoSeen = null, IReadOnlyList<IReadOnlySet<int>>? itemFeatures = null, bool graded = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        long started = Stopwatch.GetTimestamp();
        InteractionMatrix truth = InteractionMatrix.FromSplit(test, train.Users, train.Items);
        InteractionMatrix? seen = alsoSeen is null ? null : InteractionMatrix.FromSplit(alsoSeen, train.Users, train.Items);
        int[] users = truth.UsersWithItems();
        int n = users.Length;
        var lists = new RecommendationLists(n, k);
        string[] names =
        [
            MetricNames.Precision(k), MetricNames.Recall(k), MetricNames.Ndcg(k), MetricNames.Map, MetricNames.MapAtK(k),
            MetricNames.HitRate(k), MetricNames.Mrr(k), .. graded ? new[] { MetricNames.GradedNdcg(k) } : [],
        ];
        double[][] perUser = [.. names.Select(_ => new double[n])];

        Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellationToken },
            () => (Scores: new float[train.Items], Binary: new RelevanceMap(train.Items), Grades: new RelevanceMap(train.Items)),
            (index, _, buffers) =>
            {
                int user = users[index];
                model.Score(user, buffers.Scores);
                Mask(buffers.Scores, train.ItemsOf(user));
                if (seen is not null)
                {
                    Mask(buffers.Scores, seen.ItemsOf(user));
                }

                int count = TopK.Select(buffers.Scores, lists.Slot(index), firstItem: 1);
                lists.SetLength(index, count);
                ReadOnlySpan<int> ranked = lists[index];
                ReadOnlySpan<int> relevant = truth.ItemsOf(user);
                buffers.Binary.Set(relevant, Ones(relevant.Length));
                perUser[0][index] = RankingMetrics.Precision(ranked, buffers.Binary, k);
                perUser[1][index] = RankingMetrics.Recall(ranked, buffers.Binary, k);
                perUser[2][index] = RankingMetrics.Ndcg(ranked, buffers.Binary, k);
                perUser[3][index] = RankingMetrics.AveragePrecision(ranked, buffers.Binary, k, capAtK: false);
                perUser[4][index] = RankingMetrics.AveragePrecision(ranked, buffers.Binary, k, capAtK: true);
                perUser[5][index] = RankingMetrics.HitRate(ranked, buffers.Binary, k);
                perUser[6][index] = RankingMetrics.ReciprocalRank(ranked, buffers.Binary, k);
                if (graded)
                {
                    buffers.Grades.Set(relevant, truth.ValuesOf(user));
                    perUser[7][index] = RankingMetrics.Ndcg(ranked, buffers.Grades, k);
                }

                return buffers;
            },
            _ => { });

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int m = 0; m < names.Length; m++)
        {
            metrics[names[m]] = n == 0 ? 0 : perUser[m].Average();
        }

        // The catalogue is the whole item vocabulary (index 0 is padding), so coverage stays within [0, 1].
        metrics[MetricNames.Coverage(k)] = BeyondAccuracyMetrics.Coverage(lists, train.Items - 1);
        metrics[MetricNames.Novelty(k)] = BeyondAccuracyMetrics.Novelty(lists, train.UsersPerItem, Math.Max(1, train.UsersWithItems().Length));
        metrics[MetricNames.Personalisation(k)] = BeyondAccuracyMetrics.Personalisation(lists);
        if (itemFeatures is not null && BeyondAccuracyMetrics.IntraListDiversity(lists, itemFeatures) is { } diversity)
        {
            metrics[MetricNames.Diversity(k)] = diversity;
        }

        return new EvaluationResult(
            metrics,
            names.Select((name, m) => (name, m)).ToDictionary(p => p.name, p => perUser[p.m], StringComparer.Ordinal),
            users,
            lists,
            Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    internal static void Mask(Span<float> scores, ReadOnlySpan<int> items)
    {
        scores[0] = float.NegativeInfinity;
        foreach (int item in items)
        {
            scores[item] = float.NegativeInfinity;
        }
    }

    private static ReadOnlySpan<float> Ones(int length) => length <= s_ones.Length ? s_ones.AsSpan(0, length) : Enumerable.Repeat(1f, length).ToArray();

    private static readonly float[] s_ones = [.. Enumerable.Repeat(1f, 4096)];
}

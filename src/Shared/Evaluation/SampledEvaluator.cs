using System.Diagnostics;
using Recsys.Preparation;
using Recsys.Recommenders;

namespace Recsys.Evaluation;

/// <summary>
/// Sampled evaluation: each test item is ranked against <c>negatives</c> items the user never interacted
/// with, drawn with a fixed seed. Common in papers and cheap, but it overstates quality and can reorder
/// models (Krichene and Rendle, KDD 2020), so reports label it as biased.
/// </summary>
public static class SampledEvaluator
{
    public static EvaluationResult Evaluate(
        IRecommender model, InteractionMatrix train, PreparedSplit test, int k, int negatives = 100, int seed = 42,
        PreparedSplit? alsoSeen = null, CancellationToken cancellationToken = default)
    {
        long started = Stopwatch.GetTimestamp();
        InteractionMatrix truth = InteractionMatrix.FromSplit(test, train.Users, train.Items);
        InteractionMatrix? seen = alsoSeen is null ? null : InteractionMatrix.FromSplit(alsoSeen, train.Users, train.Items);
        int[] users = truth.UsersWithItems();
        int catalogue = train.Items - 1;
        double[] hit = new double[users.Length];
        double[] ndcg = new double[users.Length];
        double[] mrr = new double[users.Length];
        double[] auc = new double[users.Length];

        Parallel.For(0, users.Length, new ParallelOptions { CancellationToken = cancellationToken }, () => new float[train.Items], (index, _, scores) =>
        {
            int user = users[index];
            model.Score(user, scores);
            var excluded = new HashSet<int>();
            foreach (int item in train.ItemsOf(user)) { excluded.Add(item); }
            foreach (int item in truth.ItemsOf(user)) { excluded.Add(item); }
            if (seen is not null)
            {
                foreach (int item in seen.ItemsOf(user)) { excluded.Add(item); }
            }

            var random = new StableRandom(((ulong)(uint)seed << 32) | (uint)user);
            int available = catalogue - excluded.Count(i => i > 0);
            int draw = Math.Min(negatives, available);
            var sampled = new HashSet<int>();
            while (sampled.Count < draw)
            {
                int candidate = 1 + random.NextInt(catalogue);
                if (!excluded.Contains(candidate))
                {
                    sampled.Add(candidate);
                }
            }

            double h = 0, n = 0, r = 0, a = 0;
            ReadOnlySpan<int> positives = truth.ItemsOf(user);
            foreach (int positive in positives)
            {
                float score = scores[positive];
                int better = 0;
                double below = 0;
                foreach (int negative in sampled)
                {
                    float other = scores[negative];
                    // Ties rank by lower item index, as in full ranking.
                    if (other > score || (other == score && negative < positive)) { better++; }
                    if (other < score) { below++; } else if (other == score) { below += 0.5; }
                }

                int rank = better + 1;
                if (rank <= k)
                {
                    h += 1;
                    n += 1 / Math.Log2(rank + 1);
                    r += 1.0 / rank;
                }

                a += draw == 0 ? 0.5 : below / draw;
            }

            hit[index] = h / positives.Length;
            ndcg[index] = n / positives.Length;
            mrr[index] = r / positives.Length;
            auc[index] = a / positives.Length;
            return scores;
        }, _ => { });

        var perUser = new Dictionary<string, double[]>(StringComparer.Ordinal)
        {
            [MetricNames.HitRate(k)] = hit,
            [MetricNames.Ndcg(k)] = ndcg,
            [MetricNames.Mrr(k)] = mrr,
            [MetricNames.Auc] = auc,
        };
        return new EvaluationResult(
            perUser.ToDictionary(p => p.Key, p => p.Value.Length == 0 ? 0 : p.Value.Average(), StringComparer.Ordinal),
            perUser, users, Lists: null, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}

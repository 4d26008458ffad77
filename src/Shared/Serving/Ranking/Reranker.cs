using System.Numerics.Tensors;
using Recsys.Serving.Contracts;

namespace Recsys.Serving.Ranking;

/// <summary>
/// The last step of a rank or recommend request: drops excluded and filtered items, then picks the top
/// items in score order, or by maximal marginal relevance (Carbonell and Goldstein, SIGIR 1998) when a
/// diversity weight is given: each pick maximises (1 − λ)·relevance − λ·max similarity to the items already
/// picked, with relevance the min-max scaled score and similarity the cosine of item vectors (or the
/// Jaccard overlap of genres when the model has no vectors).
/// </summary>
public static class Reranker
{
    public const string GenreFilter = "genres";

    /// <summary>Item-side data the re-ranker reads: genres and vectors by item index.</summary>
    public sealed record ItemAttributes(IReadOnlyList<string> Genres, float[]? Embeddings, int Dimensions);

    /// <summary>
    /// Positions (into <paramref name="items"/>) of the chosen items, best first. Only the best
    /// <paramref name="top"/> kept positions are ordered (five times as many as the pool for diversity).
    /// </summary>
    public static int[] Select(
        int[] items,
        ScoreFusion.Fused fused,
        Func<int, bool> excluded,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? filters,
        ItemAttributes attributes,
        double diversity,
        int top)
    {
        HashSet<string>? genres = GenresFilter(filters);
        Func<int, bool> keep = genres is null
            ? p => !excluded(p)
            : p => !excluded(p) && HasAnyGenre(attributes.Genres[items[p]], genres);
        if (diversity <= 0)
        {
            return fused.Best(top, keep);
        }

        int[] pool = fused.Best(top * 5, keep);
        return [.. MaximalMarginalRelevance(items, [.. pool], fused.Scores, attributes, diversity, top)];
    }

    /// <summary>Throws a 400 problem for a filter this service cannot apply.</summary>
    public static HashSet<string>? GenresFilter(IReadOnlyDictionary<string, IReadOnlyList<string>>? filters)
    {
        if (filters is null || filters.Count == 0)
        {
            return null;
        }

        foreach (string key in filters.Keys)
        {
            if (key != GenreFilter)
            {
                throw new InvalidRequestException(RequestRule.KnownFilter, $"Filter '{key}' is not supported; filters: {GenreFilter}.");
            }
        }

        return new HashSet<string>(filters[GenreFilter], StringComparer.OrdinalIgnoreCase);
    }

    private static bool HasAnyGenre(string itemGenres, HashSet<string> wanted)
    {
        foreach (Range range in itemGenres.AsSpan().Split('|'))
        {
            if (wanted.Contains(itemGenres[range]))
            {
                return true;
            }
        }

        return false;
    }

    private static List<int> MaximalMarginalRelevance(int[] items, List<int> pool, double[] scores, ItemAttributes attributes, double lambda, int top)
    {
        var chosen = new List<int>(Math.Min(top, pool.Count));
        if (pool.Count == 0)
        {
            return chosen;
        }

        double min = pool.Min(p => scores[p]), max = pool.Max(p => scores[p]);
        double range = max - min;
        var maxSimilarity = new double[pool.Count];
        var taken = new bool[pool.Count];
        int[] poolItems = [.. pool.Select(p => items[p])];
        while (chosen.Count < top && chosen.Count < pool.Count)
        {
            int best = -1;
            double bestValue = double.NegativeInfinity;
            for (int c = 0; c < pool.Count; c++)
            {
                if (taken[c])
                {
                    continue;
                }

                double relevance = range > 0 ? (scores[pool[c]] - min) / range : 1;
                double value = ((1 - lambda) * relevance) - (lambda * maxSimilarity[c]);
                if (best < 0 || value > bestValue)
                {
                    best = c;
                    bestValue = value;
                }
            }

            taken[best] = true;
            chosen.Add(pool[best]);
            for (int c = 0; c < pool.Count; c++)
            {
                if (!taken[c])
                {
                    maxSimilarity[c] = Math.Max(maxSimilarity[c], Similarity(attributes, poolItems[c], poolItems[best]));
                }
            }
        }

        return chosen;
    }

    private static double Similarity(ItemAttributes attributes, int a, int b)
    {
        if (attributes.Embeddings is { } vectors && attributes.Dimensions > 0)
        {
            int d = attributes.Dimensions;
            // A zero vector (the padding row an unknown id maps to) has no direction: cosine is NaN, read as 0.
            double cosine = TensorPrimitives.CosineSimilarity(vectors.AsSpan(a * d, d), vectors.AsSpan(b * d, d));
            return double.IsFinite(cosine) ? cosine : 0;
        }

        string[] ga = attributes.Genres[a].Split('|', StringSplitOptions.RemoveEmptyEntries);
        string[] gb = attributes.Genres[b].Split('|', StringSplitOptions.RemoveEmptyEntries);
        int union = ga.Union(gb).Count();
        return union == 0 ? 0 : ga.Intersect(gb).Count() / (double)union;
    }
}

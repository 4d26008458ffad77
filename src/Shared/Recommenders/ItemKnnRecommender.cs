using Recsys.Evaluation;

namespace Recsys.Recommenders;

/// <summary>
/// Item-based k-nearest neighbours: cosine similarity of items' user sets with shrinkage,
/// sim(i, j) = c(i, j) / (√(n_i n_j) + shrink), keeping each item's top neighbours; a user's score for j is
/// the sum of sim(i, j) over the items i they interacted with.
/// </summary>
public sealed class ItemKnnRecommender(int neighbours = 100, float shrink = 10) : IRecommender
{
    private int[] _offsets = [];
    private int[] _neighbours = [];
    private float[] _similarities = [];
    private InteractionMatrix? _train;

    public string Name => "itemknn";

    /// <summary>
    /// The fitted neighbour lists for export: item i's neighbours and similarities are
    /// <c>Neighbours[Offsets[i]..Offsets[i + 1]]</c> and the same range of <c>Similarities</c>.
    /// </summary>
    internal (int[] Offsets, int[] Neighbours, float[] Similarities) Fitted =>
        _train is null ? throw new InvalidOperationException("Fit first.") : (_offsets, _neighbours, _similarities);

    public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default)
    {
        _train = train;
        int n = train.Items;
        int[][] usersOfItem = UsersOfItem(train);
        int k = Math.Min(neighbours, Math.Max(1, n - 1));
        var rows = new (int[] Items, float[] Sims)[n];
        Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellationToken }, () => new float[n], (i, _, counts) =>
        {
            if (usersOfItem[i].Length == 0)
            {
                rows[i] = ([], []);
                return counts;
            }

            // Co-occurrence counts of item i with every item, through i's users.
            foreach (int user in usersOfItem[i])
            {
                foreach (int j in train.ItemsOf(user))
                {
                    counts[j]++;
                }
            }

            counts[i] = 0;
            float ni = usersOfItem[i].Length;
            for (int j = 1; j < n; j++)
            {
                if (counts[j] > 0)
                {
                    counts[j] /= MathF.Sqrt(ni * usersOfItem[j].Length) + shrink;
                }
                else
                {
                    counts[j] = float.NegativeInfinity;
                }
            }

            int[] best = new int[k];
            int found = TopK.Select(counts, best, firstItem: 1);
            float[] sims = new float[found];
            for (int b = 0; b < found; b++)
            {
                sims[b] = counts[best[b]];
            }

            rows[i] = (best[..found], sims);
            Array.Clear(counts);
            return counts;
        }, _ => { });

        _offsets = new int[n + 1];
        for (int i = 0; i < n; i++)
        {
            _offsets[i + 1] = _offsets[i] + rows[i].Items.Length;
        }

        _neighbours = new int[_offsets[n]];
        _similarities = new float[_offsets[n]];
        for (int i = 0; i < n; i++)
        {
            rows[i].Items.CopyTo(_neighbours, _offsets[i]);
            rows[i].Sims.CopyTo(_similarities, _offsets[i]);
        }
    }

    public void Score(int user, Span<float> scores)
    {
        scores.Clear();
        foreach (int i in (_train ?? throw new InvalidOperationException("Fit first.")).ItemsOf(user))
        {
            ReadOnlySpan<int> items = _neighbours.AsSpan(_offsets[i], _offsets[i + 1] - _offsets[i]);
            ReadOnlySpan<float> sims = _similarities.AsSpan(_offsets[i], items.Length);
            for (int j = 0; j < items.Length; j++)
            {
                scores[items[j]] += sims[j];
            }
        }
    }

    private static int[][] UsersOfItem(InteractionMatrix train)
    {
        var lists = new List<int>[train.Items];
        for (int i = 0; i < lists.Length; i++)
        {
            lists[i] = [];
        }

        for (int u = 0; u < train.Users; u++)
        {
            foreach (int item in train.ItemsOf(u))
            {
                lists[item].Add(u);
            }
        }

        return [.. lists.Select(l => l.ToArray())];
    }

}

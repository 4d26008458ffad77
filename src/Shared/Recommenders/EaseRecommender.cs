using System.Numerics.Tensors;

namespace Recsys.Recommenders;

/// <summary>
/// EASE (Steck, 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): an item-item weight matrix in
/// closed form, B = I − P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹ and a zero diagonal; a user's scores are
/// their interaction row times B. The n × n inverse costs n³ time and n² memory, so only the most popular
/// training items take part, as many as <paramref name="inverter"/> handles (4,096 in managed code) unless
/// <paramref name="maxItems"/> says fewer; the rest score lowest. That cut is the approximation on larger
/// catalogues.
/// </summary>
public sealed class EaseRecommender(float lambda = 500, int? maxItems = null, IGramInverter? inverter = null) : IRecommender
{
    private readonly IGramInverter _inverter = inverter ?? ManagedGramInverter.Instance;

    private float[] _weights = [];
    private int[] _columnOf = [];
    private int[] _itemOf = [];
    private InteractionMatrix? _train;

    public string Name => "ease";

    /// <summary>
    /// The fitted weights for export: the items that take part (ascending indices) and B over them, row-major
    /// [n, n], so a user's scores for those items are their multi-hot history over the same items times B.
    /// </summary>
    internal (int[] Items, float[] Weights) Fitted =>
        _train is null ? throw new InvalidOperationException("Fit first.") : (_itemOf, _weights);

    public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default)
    {
        _train = train;
        _itemOf = [.. Enumerable.Range(1, train.Items - 1)
            .Where(i => train.UsersPerItem[i] > 0)
            .OrderByDescending(i => train.UsersPerItem[i]).ThenBy(i => i)
            .Take(Math.Min(maxItems ?? int.MaxValue, _inverter.MaxItems)).Order()];
        int n = _itemOf.Length;
        _columnOf = new int[train.Items];
        Array.Fill(_columnOf, -1);
        for (int c = 0; c < n; c++)
        {
            _columnOf[_itemOf[c]] = c;
        }

        float[] g = new float[n * n];
        var columns = new List<int>();
        for (int u = 0; u < train.Users; u++)
        {
            columns.Clear();
            foreach (int item in train.ItemsOf(u))
            {
                if (_columnOf[item] >= 0)
                {
                    columns.Add(_columnOf[item]);
                }
            }

            foreach (int a in columns)
            {
                foreach (int b in columns)
                {
                    g[(a * n) + b] += 1;
                }
            }
        }

        for (int d = 0; d < n; d++)
        {
            g[(d * n) + d] += lambda;
        }

        _inverter.InvertInPlace(g, n, cancellationToken);
        // B[i, j] = −P[i, j] / P[j, j], B[j, j] = 0.
        float[] diagonal = new float[n];
        for (int j = 0; j < n; j++)
        {
            diagonal[j] = g[(j * n) + j];
        }

        Parallel.For(0, n, i =>
        {
            Span<float> row = g.AsSpan(i * n, n);
            TensorPrimitives.Divide(row, diagonal, row);
            TensorPrimitives.Negate(row, row);
            row[i] = 0;
        });
        _weights = g;
    }

    public void Score(int user, Span<float> scores)
    {
        InteractionMatrix train = _train ?? throw new InvalidOperationException("Fit first.");
        int n = _itemOf.Length;
        float[] dense = new float[n];
        foreach (int item in train.ItemsOf(user))
        {
            int c = _columnOf[item];
            if (c >= 0)
            {
                TensorPrimitives.Add(dense, _weights.AsSpan(c * n, n), dense);
            }
        }

        scores.Fill(float.MinValue);
        for (int c = 0; c < n; c++)
        {
            scores[_itemOf[c]] = dense[c];
        }
    }
}

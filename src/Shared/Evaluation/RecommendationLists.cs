namespace Recsys.Evaluation;

/// <summary>Every evaluated user's top-k list, stored flat (user-major, k slots each).</summary>
public sealed class RecommendationLists
{
    private readonly int[] _items;
    private readonly int[] _lengths;

    public RecommendationLists(int users, int k)
    {
        K = k;
        _items = new int[users * k];
        _lengths = new int[users];
    }

    public int K { get; }

    public int Count => _lengths.Length;

    public ReadOnlySpan<int> this[int user] => _items.AsSpan(user * K, _lengths[user]);

    /// <summary>The slot a writer fills for <paramref name="user"/>; then call <see cref="SetLength"/>.</summary>
    public Span<int> Slot(int user) => _items.AsSpan(user * K, K);

    public void SetLength(int user, int length) => _lengths[user] = length;
}

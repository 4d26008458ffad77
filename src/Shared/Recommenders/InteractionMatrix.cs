using Recsys.Preparation;

namespace Recsys.Recommenders;

/// <summary>
/// Training interactions as a users × items sparse matrix in CSR form (row u holds user u's items, sorted),
/// with indices from the prepared vocabularies (0 is padding and stays empty).
/// </summary>
public sealed class InteractionMatrix
{
    private readonly int[] _offsets;
    private readonly int[] _items;
    private readonly float[] _values;
    private readonly long[] _timestamps;
    private InteractionMatrix? _negatives;

    private InteractionMatrix(int users, int items, int[] offsets, int[] itemIndices, float[] values, long[] timestamps)
    {
        _timestamps = timestamps;
        Users = users;
        Items = items;
        _offsets = offsets;
        _items = itemIndices;
        _values = values;
        UsersPerItem = new int[items];
        foreach (int item in itemIndices)
        {
            UsersPerItem[item]++;
        }
    }

    /// <summary>Rows, including row 0.</summary>
    public int Users { get; }

    /// <summary>Columns, including column 0.</summary>
    public int Items { get; }

    public int Count => _items.Length;

    /// <summary>How many users interacted with each item (the item's popularity).</summary>
    public int[] UsersPerItem { get; }

    public ReadOnlySpan<int> ItemsOf(int user) => _items.AsSpan(_offsets[user], _offsets[user + 1] - _offsets[user]);

    /// <summary>The user's items from oldest to newest (ties by item index), for sequential models.</summary>
    public int[] ItemsByTime(int user)
    {
        int start = _offsets[user];
        int count = _offsets[user + 1] - start;
        int[] items = _items.AsSpan(start, count).ToArray();
        long[] times = _timestamps.AsSpan(start, count).ToArray();
        Array.Sort(times, items);
        return items;
    }

    /// <summary>Users with at least one interaction, ascending.</summary>
    public int[] UsersWithItems() => [.. Enumerable.Range(0, Users).Where(u => _offsets[u + 1] > _offsets[u])];

    /// <summary>
    /// Items shown to the user that they did not click (impressions from feedback events, <c>negatives.parquet</c>):
    /// explicit negatives for the trainers that sample negatives; empty unless <see cref="WithNegatives"/> set them.
    /// </summary>
    public ReadOnlySpan<int> NegativesOf(int user) => _negatives is null ? [] : _negatives.ItemsOf(user);

    /// <summary>The same interactions with explicit negatives attached (the rows of <paramref name="negatives"/>).</summary>
    public InteractionMatrix WithNegatives(PreparedSplit? negatives) =>
        new(Users, Items, _offsets, _items, _values, _timestamps) { _negatives = negatives is { Count: > 0 } ? FromSplit(negatives, Users, Items) : null };

    /// <summary>This matrix's explicit negatives on <paramref name="other"/> (the same users and items, other rows).</summary>
    public InteractionMatrix CarryNegativesTo(InteractionMatrix other) => _negatives is null ? other : new(other.Users, other.Items, other._offsets, other._items, other._values, other._timestamps) { _negatives = _negatives };

    public ReadOnlySpan<float> ValuesOf(int user) => _values.AsSpan(_offsets[user], _offsets[user + 1] - _offsets[user]);

    /// <summary>The interactions back as a split (rows ordered by user, then item).</summary>
    public PreparedSplit ToSplit()
    {
        int[] users = new int[Count];
        for (int u = 0; u < Users; u++)
        {
            Array.Fill(users, u, _offsets[u], _offsets[u + 1] - _offsets[u]);
        }

        return new PreparedSplit(users, (int[])_items.Clone(), (float[])_values.Clone(), (long[])_timestamps.Clone());
    }

    /// <summary>Builds the matrix from a split; <paramref name="users"/> and <paramref name="items"/> are the vocabulary sizes.</summary>
    public static InteractionMatrix FromSplit(PreparedSplit split, int users, int items)
    {
        int[] offsets = new int[users + 1];
        foreach (int user in split.Users)
        {
            offsets[user + 1]++;
        }

        for (int u = 0; u < users; u++)
        {
            offsets[u + 1] += offsets[u];
        }

        int[] cursor = offsets[..^1].ToArray();
        int[] itemIndices = new int[split.Count];
        int[] rows = new int[split.Count];
        for (int i = 0; i < split.Count; i++)
        {
            int at = cursor[split.Users[i]]++;
            itemIndices[at] = split.Items[i];
            rows[at] = i;
        }

        for (int u = 0; u < users; u++)
        {
            Array.Sort(itemIndices, rows, offsets[u], offsets[u + 1] - offsets[u]);
        }

        float[] values = [.. rows.Select(r => split.Labels[r])];
        long[] timestamps = [.. rows.Select(r => split.Timestamps[r])];
        return new InteractionMatrix(users, items, offsets, itemIndices, values, timestamps);
    }
}

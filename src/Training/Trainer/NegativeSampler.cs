using Recsys.Preparation;
using Recsys.Recommenders;

namespace Recsys.Training.Trainer;

/// <summary>
/// Negatives: items the user has no training interaction with, by rejection against the user's sorted item row;
/// uniform over the catalogue, except that a user with explicit negatives (items shown and not clicked, see
/// <see cref="InteractionMatrix.NegativesOf"/>) gets one of those a quarter of the time (<see cref="ShownShareQuarters"/>). Seeded per epoch, so a resumed
/// run draws exactly what an uninterrupted one would.
/// </summary>
internal sealed class NegativeSampler
{
    /// <summary>
    /// How often a user with explicit negatives gets one of them. A list shows few items, so a larger share makes the
    /// same handful most of a user's negatives, and "not clicked" is weaker evidence than "not liked".
    /// </summary>
    public const int ShownShareQuarters = 1;

    private readonly InteractionMatrix _train;
    private StableRandom _random;

    public NegativeSampler(InteractionMatrix train, int seed, int epoch)
    {
        _train = train;
        _random = new StableRandom(((ulong)(uint)seed << 32) ^ (ulong)(uint)(epoch + 1) * 0x9E3779B97F4A7C15UL);
    }

    public int Next(int user)
    {
        ReadOnlySpan<int> seen = _train.ItemsOf(user);
        ReadOnlySpan<int> shown = _train.NegativesOf(user);
        if (shown.Length > 0 && _random.NextInt(4) < ShownShareQuarters)
        {
            int item = shown[_random.NextInt(shown.Length)];
            if (seen.BinarySearch(item) < 0)
            {
                return item;
            }
        }

        int catalogue = _train.Items - 1;
        // A user who has everything gets any item; rejection would never end.
        for (int attempt = 0; attempt < 64 || seen.Length < catalogue; attempt++)
        {
            int item = 1 + _random.NextInt(catalogue);
            if (seen.BinarySearch(item) < 0)
            {
                return item;
            }
        }

        return 1 + _random.NextInt(catalogue);
    }

    /// <summary>A permutation of 0..count-1 for this epoch.</summary>
    public int[] Shuffle(int count)
    {
        int[] order = [.. Enumerable.Range(0, count)];
        _random.Shuffle(order.AsSpan());
        return order;
    }
}

namespace Recsys.Preparation;

/// <summary>
/// The per-item stratified split of the Microsoft Recommenders benchmark (<c>python_stratified_split</c> with
/// <c>filter_by="item"</c>): within each item, a seeded random order of its interactions, of which the first
/// round(n × ratio) train, halves rounded to even as Python's <c>round</c> does. A row's place in its item's order
/// is a 64-bit key of (seed, user, item), a bijection of the pair, so the split depends only on which rows exist,
/// never on their order or bucketing. Building it holds one key per row (8 bytes), as the temporal split holds
/// one timestamp per row.
/// </summary>
internal sealed class ItemStratifiedCuts
{
    private readonly ulong[] _trainBelow;
    private readonly ulong[] _validationBelow;
    private readonly int _seed;

    private ItemStratifiedCuts(ulong[] trainBelow, ulong[] validationBelow, int seed)
    {
        _trainBelow = trainBelow;
        _validationBelow = validationBelow;
        _seed = seed;
    }

    /// <summary>The cuts for every item of the kept rows in <paramref name="buckets"/>, in final (vocabulary) indices.</summary>
    public static ItemStratifiedCuts Build(
        InteractionBuckets buckets, int[] userFinal, int[] itemFinal, int itemCount, IReadOnlyList<double> ratios, int seed)
    {
        int[] start = new int[itemCount + 1];
        ForEachRow(buckets, userFinal, itemFinal, (_, item) => start[item + 1]++);
        for (int i = 0; i < itemCount; i++)
        {
            start[i + 1] += start[i];
        }

        ulong[] keys = new ulong[start[itemCount]];
        int[] next = start[..itemCount];
        ForEachRow(buckets, userFinal, itemFinal, (user, item) => keys[next[item]++] = Key(seed, user, item));

        ulong[] trainBelow = new ulong[itemCount];
        ulong[] validationBelow = new ulong[itemCount];
        for (int item = 0; item < itemCount; item++)
        {
            Span<ulong> order = keys.AsSpan(start[item], start[item + 1] - start[item]);
            order.Sort();
            int train = RoundHalfToEven(order.Length, ratios[0]);
            int validation = ratios.Count == 3 ? RoundHalfToEven(order.Length, ratios[0] + ratios[1]) : train;
            trainBelow[item] = train < order.Length ? order[train] : ulong.MaxValue;
            validationBelow[item] = validation < order.Length ? order[validation] : ulong.MaxValue;
        }

        return new ItemStratifiedCuts(trainBelow, validationBelow, seed);
    }

    /// <summary>The part of the row (<paramref name="user"/>, <paramref name="item"/>), both final indices.</summary>
    public SplitPart PartOf(int user, int item)
    {
        ulong key = Key(_seed, user, item);
        return key < _trainBelow[item] ? SplitPart.Train : key < _validationBelow[item] ? SplitPart.Validation : SplitPart.Test;
    }

    /// <summary>How many of <paramref name="n"/> rows fall before the cumulative <paramref name="share"/>.</summary>
    internal static int RoundHalfToEven(int n, double share) => (int)Math.Round(n * share, MidpointRounding.ToEven);

    // SplitMix64's output is a bijection of its state, so distinct (user, item) pairs never share a key.
    internal static ulong Key(int seed, int user, int item) =>
        new StableRandom((((ulong)(uint)user << 32) | (uint)item) ^ ((ulong)(uint)seed * 0xD1B54A32D192ED03UL)).NextUInt64();

    private static void ForEachRow(InteractionBuckets buckets, int[] userFinal, int[] itemFinal, Action<int, int> visit)
    {
        for (int b = 0; b < buckets.Count; b++)
        {
            Interaction[] rows = buckets.Read(b, out int length);
            try
            {
                for (int i = 0; i < length; i++)
                {
                    visit(userFinal[rows[i].User], itemFinal[rows[i].Item]);
                }
            }
            finally
            {
                InteractionBuckets.Release(rows);
            }
        }
    }
}


namespace Recsys.Preparation;

/// <summary>
/// Splits training rows into a fitting part and a validation part, so hyperparameters are chosen without looking
/// at the test split: per user (a seeded share of each user's items, at least one left for fitting), per item
/// (the per-item split's own rule, for data split that way) or each user's latest row.
/// </summary>
public static class ValidationCarve
{
    public static (PreparedSplit Fit, PreparedSplit Validation) Carve(PreparedSplit train, double share, int seed)
    {
        int[] order = [.. Enumerable.Range(0, train.Count).OrderBy(i => train.Users[i]).ThenBy(i => train.Items[i])];
        var fit = new List<int>(train.Count);
        var validation = new List<int>();
        int start = 0;
        while (start < order.Length)
        {
            int user = train.Users[order[start]];
            int end = start;
            while (end < order.Length && train.Users[order[end]] == user)
            {
                end++;
            }

            int[] rows = order[start..end];
            StableRandom.ForKey(user.ToString(System.Globalization.CultureInfo.InvariantCulture), seed).Shuffle(rows.AsSpan());
            int held = rows.Length < 2 ? 0 : Math.Min(rows.Length - 1, (int)Math.Round(rows.Length * share, MidpointRounding.AwayFromZero));
            validation.AddRange(rows[..held]);
            fit.AddRange(rows[held..]);
            start = end;
        }

        return (Select(train, fit), Select(train, validation));
    }

    /// <summary>
    /// A seeded share of each item's rows as validation, counted as the per-item split counts its test rows
    /// (<see cref="ItemStratifiedCuts"/>: halves rounded to even, so an item with few rows keeps them all). Where
    /// the test rows were drawn per item, validation drawn the same way ranks models as the test split does.
    /// </summary>
    public static (PreparedSplit Fit, PreparedSplit Validation) CarveByItem(PreparedSplit train, double share, int seed)
    {
        var fit = new List<int>(train.Count);
        var validation = new List<int>();
        foreach (var rows in Enumerable.Range(0, train.Count).GroupBy(i => train.Items[i]))
        {
            int[] order = [.. rows.OrderBy(i => ItemStratifiedCuts.Key(seed, train.Users[i], train.Items[i]))];
            int kept = ItemStratifiedCuts.RoundHalfToEven(order.Length, 1 - share);
            fit.AddRange(order[..kept]);
            validation.AddRange(order[kept..]);
        }

        fit.Sort();
        validation.Sort();
        return (Select(train, fit), Select(train, validation));
    }

    /// <summary>Each user's latest row (by time, ties by item) as validation, for users with at least two rows.</summary>
    public static (PreparedSplit Fit, PreparedSplit Validation) Latest(PreparedSplit train)
    {
        var latest = new Dictionary<int, int>();
        var counts = new Dictionary<int, int>();
        for (int i = 0; i < train.Count; i++)
        {
            int user = train.Users[i];
            counts[user] = counts.GetValueOrDefault(user) + 1;
            if (!latest.TryGetValue(user, out int best) || (train.Timestamps[i], train.Items[i]).CompareTo((train.Timestamps[best], train.Items[best])) > 0)
            {
                latest[user] = i;
            }
        }

        var held = latest.Where(p => counts[p.Key] >= 2).Select(p => p.Value).ToHashSet();
        return (Select(train, [.. Enumerable.Range(0, train.Count).Where(i => !held.Contains(i))]), Select(train, [.. held.Order()]));
    }

    private static PreparedSplit Select(PreparedSplit split, List<int> rows) => new(
        [.. rows.Select(i => split.Users[i])], [.. rows.Select(i => split.Items[i])],
        [.. rows.Select(i => split.Labels[i])], [.. rows.Select(i => split.Timestamps[i])]);
}


namespace Recsys.Preparation;

/// <summary>
/// Splits training rows into a fitting part and a validation part per user (a seeded share of each user's
/// items, at least one left for fitting), so hyperparameters are chosen without looking at the test split.
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

using Recsys.Evaluation;

namespace Recsys.Serving.Feedback;

/// <summary>
/// Attributes feedback to the lists it reacts to and sums it per variant and version (docs/serving.md, "Online
/// metrics"). A click naming a request id takes the served list's variant, version and the item's position there;
/// one without an id counts when it carries model, variant, version and position itself. Bad events are counted
/// by reason and left out, never fatal: an id no served list has, a timestamp in the future, a second click on the
/// same item of the same list, or a click that cannot be attributed.
/// </summary>
public static class OnlineMetrics
{
    public const string UnknownRequest = "unknown-request-id";
    public const string FutureTimestamp = "future-timestamp";
    public const string Duplicate = "duplicate";
    public const string Unattributed = "unattributed";
    public const string Unreadable = "unreadable";
    public const string Champion = "champion";

    /// <summary>How far ahead of the report's end a timestamp may be before it counts as from the future (clock skew).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private const int Positions = FeedbackSink.ServedPositions;

    /// <summary>The report of <paramref name="model"/> over the events the sink wrote to <paramref name="events"/> in the window.</summary>
    public static async Task<OnlineReport> ReadAsync(
        Azure.Storage.Blobs.BlobContainerClient events, string model, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        var (read, unreadable) = await EventLog.ReadAsync(events, since, until, cancellationToken);
        return Compute(model, read, since, until, unreadable);
    }

    public static OnlineReport Compute(string model, IReadOnlyList<FeedbackEvent> events, DateTimeOffset since, DateTimeOffset until, long unreadable = 0)
    {
        var rejected = new SortedDictionary<string, long>(StringComparer.Ordinal);
        void Reject(string reason) => rejected[reason] = rejected.GetValueOrDefault(reason) + 1;
        if (unreadable > 0)
        {
            rejected[Unreadable] = unreadable;
        }

        bool InWindow(FeedbackEvent e)
        {
            if (e.Timestamp > until + ClockSkew)
            {
                Reject(FutureTimestamp);
                return false;
            }

            return e.Timestamp is not { } t || (t >= since && t <= until);
        }

        // Every model's served lists, so a click on another model's list is that model's business, not an unknown id.
        var served = new Dictionary<string, FeedbackEvent>(StringComparer.Ordinal);
        foreach (FeedbackEvent e in events)
        {
            if (e is { Type: FeedbackEvent.Served, RequestId: { } id, Items: not null } && InWindow(e) && !served.TryAdd(id, e))
            {
                Reject(Duplicate);
            }
        }

        var rows = new Dictionary<(string Variant, string Version), Traffic>();
        Traffic Row(string? variant, string? version) =>
            rows.TryGetValue((variant ?? "unknown", version ?? "unknown"), out Traffic? row) ? row : rows[(variant ?? "unknown", version ?? "unknown")] = new Traffic();
        foreach (FeedbackEvent list in served.Values.Where(s => s.Model == model))
        {
            Row(list.Variant, list.Version).AddList(list.UserId ?? string.Empty, Math.Min(Positions, list.Items!.Count));
        }

        var clicked = new HashSet<(string?, string?, string)>();
        foreach (FeedbackEvent e in events)
        {
            if (e.Type is not ("click" or "impression") || (e.Model is not null && e.Model != model) || !InWindow(e))
            {
                continue;
            }

            (string? variant, string? version, int position) at;
            if (e.RequestId is { } id)
            {
                if (!served.TryGetValue(id, out FeedbackEvent? list))
                {
                    Reject(UnknownRequest);
                    continue;
                }

                if (list.Model != model || e.Type == "impression")
                {
                    continue; // another model's list; an impression of a served list is already counted
                }

                at = (list.Variant, list.Version, IndexOf(list.Items!, e.ItemId) + 1);
            }
            else if (e is { Model: not null, Variant: not null, Version: not null, Position: { } position })
            {
                at = (e.Variant, e.Version, position);
            }
            else
            {
                Reject(Unattributed);
                continue;
            }

            Traffic row = Row(at.variant, at.version);
            if (e.Type == "impression")
            {
                row.AddImpression(e.UserId ?? string.Empty, at.position);
            }
            else if (!clicked.Add((e.UserId, e.ItemId, e.RequestId ?? $"{at.variant}\n{at.version}\n{at.position}")))
            {
                Reject(Duplicate);
            }
            else if (at.position is >= 1 and <= Positions)
            {
                row.AddClick(e.UserId ?? string.Empty, at.position);
            }
        }

        return new OnlineReport(model, since, until, Variants(rows), rejected);
    }

    private static List<OnlineVariant> Variants(Dictionary<(string Variant, string Version), Traffic> rows)
    {
        // The champion row to compare with: the champion variant's version that served most (a promotion mid-window leaves two).
        (string Variant, string Version)? champion = rows.Where(r => IsChampion(r.Key.Variant)).OrderByDescending(r => r.Value.Impressions).Select(r => ((string, string)?)r.Key).FirstOrDefault();
        var variants = new List<OnlineVariant>();
        foreach (var ((variant, version), row) in rows.OrderBy(r => IsChampion(r.Key.Variant) ? 0 : 1).ThenBy(r => r.Key.Variant, StringComparer.Ordinal).ThenBy(r => r.Key.Version, StringComparer.Ordinal))
        {
            OnlineDifference? difference = null;
            if (champion is { } key && key != (variant, version) && rows[key] is { PerUser.Count: > 0 } best && row.PerUser.Count > 0)
            {
                var (d, lower, upper) = RatioBootstrap.Compare([.. best.PerUser.Values], [.. row.PerUser.Values]);
                difference = new OnlineDifference(key.Version, d, lower, upper, best.PerUser.Count + row.PerUser.Count);
            }

            variants.Add(new OnlineVariant(variant, version, row.PerUser.Count, row.Lists, row.Impressions, row.Clicks, row.Impressions > 0 ? (double)row.Clicks / row.Impressions : 0,
                [.. Enumerable.Range(0, Positions).Select(p => row.Shown[p] > 0 ? (double)row.ClickedAt[p] / row.Shown[p] : 0)])
            {
                AgainstChampion = difference,
            });
        }

        return variants;
    }

    /// <summary>The champion alias, served directly or as a profile's split member (<c>{model}:champion</c>).</summary>
    private static bool IsChampion(string variant) => variant == Champion || variant.EndsWith($":{Champion}", StringComparison.Ordinal);

    private static int IndexOf(IReadOnlyList<string> items, string? item)
    {
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] == item)
            {
                return i;
            }
        }

        return Positions; // not in the served top: a click, but at no reported position
    }

    /// <summary>One variant and version's counts, and each user's (clicks, impressions) for the bootstrap.</summary>
    private sealed class Traffic
    {
        public Dictionary<string, (double Clicks, double Impressions)> PerUser { get; } = new(StringComparer.Ordinal);

        public long Lists { get; private set; }

        public long Impressions { get; private set; }

        public long Clicks { get; private set; }

        public long[] Shown { get; } = new long[Positions];

        public long[] ClickedAt { get; } = new long[Positions];

        public void AddList(string user, int shown)
        {
            Lists++;
            for (int p = 1; p <= shown; p++)
            {
                AddImpression(user, p);
            }
        }

        public void AddImpression(string user, int position)
        {
            Impressions++;
            var (clicks, impressions) = PerUser.GetValueOrDefault(user);
            PerUser[user] = (clicks, impressions + 1);
            if (position is >= 1 and <= Positions)
            {
                Shown[position - 1]++;
            }
        }

        public void AddClick(string user, int position)
        {
            Clicks++;
            var (clicks, impressions) = PerUser.GetValueOrDefault(user);
            PerUser[user] = (clicks + 1, impressions);
            ClickedAt[position - 1]++;
        }
    }
}

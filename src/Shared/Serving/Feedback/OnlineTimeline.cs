namespace Recsys.Serving.Feedback;

/// <summary>One variant's traffic in one time bucket: the impressions of the lists served then, and their clicks.</summary>
public sealed record OnlinePoint(DateTimeOffset Start, string Variant, long Impressions, long Clicks)
{
    public double Ctr => Impressions > 0 ? (double)Clicks / Impressions : 0;
}

/// <summary>
/// Click-through over time per variant, for the report's plot: each served list of the model counts its shown
/// positions in the bucket it was served in, and each click naming a served list counts in that list's bucket (once
/// per user, item and list, as <see cref="OnlineMetrics"/> counts it).
/// </summary>
public static class OnlineTimeline
{
    /// <summary>Hours for a window of up to two days, days beyond.</summary>
    public static TimeSpan BucketFor(DateTimeOffset since, DateTimeOffset until) =>
        until - since <= TimeSpan.FromDays(2) ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);

    public static IReadOnlyList<OnlinePoint> Compute(string model, IReadOnlyList<FeedbackEvent> events, DateTimeOffset since, DateTimeOffset until, TimeSpan bucket)
    {
        DateTimeOffset? Bucket(DateTimeOffset? time) =>
            time is { } t && t >= since && t <= until ? since + (bucket * Math.Floor((t - since) / bucket)) : null;

        var lists = new Dictionary<string, (DateTimeOffset Bucket, string Variant, int Shown)>(StringComparer.Ordinal);
        var points = new SortedDictionary<(DateTimeOffset, string), (long Impressions, long Clicks)>();
        foreach (FeedbackEvent e in events)
        {
            if (e is { Type: FeedbackEvent.Served, RequestId: { } id, Items: not null } && e.Model == model && Bucket(e.Timestamp) is { } start && !lists.ContainsKey(id))
            {
                int shown = Math.Min(FeedbackSink.ServedPositions, e.Items.Count);
                lists[id] = (start, e.Variant ?? "unknown", shown);
                var point = points.GetValueOrDefault((start, e.Variant ?? "unknown"));
                points[(start, e.Variant ?? "unknown")] = (point.Impressions + shown, point.Clicks);
            }
        }

        var clicked = new HashSet<(string?, string?, string)>();
        foreach (FeedbackEvent e in events)
        {
            if (e is { Type: "click", RequestId: { } id } && lists.TryGetValue(id, out var list) && clicked.Add((e.UserId, e.ItemId, id))
                && !(e.Timestamp > until + OnlineMetrics.ClockSkew))
            {
                var point = points[(list.Bucket, list.Variant)];
                points[(list.Bucket, list.Variant)] = (point.Impressions, point.Clicks + 1);
            }
        }

        return [.. points.Select(p => new OnlinePoint(p.Key.Item1, p.Key.Item2, p.Value.Impressions, p.Value.Clicks))];
    }
}

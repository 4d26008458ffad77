using Recsys.Reports;
using Recsys.Serving.Feedback;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>Click-through over time per variant, and the report section that plots it.</summary>
public sealed class OnlineTimelineTests
{
    private static readonly DateTimeOffset Since = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    private static FeedbackEvent Served(string id, string variant, string model, int minutes, int items = 12) => new()
    {
        Type = FeedbackEvent.Served, RequestId = id, Model = model, Variant = variant, Version = "v", UserId = $"u{id}",
        Items = [.. Enumerable.Range(1, items).Select(i => $"{i}")], Timestamp = Since.AddMinutes(minutes),
    };

    private static FeedbackEvent Click(string id, string item, int minutes) =>
        new() { Type = "click", RequestId = id, UserId = $"u{id}", ItemId = item, Timestamp = Since.AddMinutes(minutes) };

    [Fact]
    public void EachListCountsInTheHourItWasServed_WithItsClicks_OncePerItem()
    {
        FeedbackEvent[] events =
        [
            Served("a", "champion", "movies", 5), Served("b", "challenger", "movies", 10, items: 4), Served("c", "champion", "movies", 70),
            Served("x", "champion", "books", 5),
            Click("a", "1", 80), Click("a", "1", 81), Click("a", "2", 6), Click("b", "3", 11), Click("c", "1", 71), Click("x", "1", 6),
        ];

        IReadOnlyList<OnlinePoint> points = OnlineTimeline.Compute("movies", events, Since, Since.AddHours(3), OnlineTimeline.BucketFor(Since, Since.AddHours(3)));

        // List a's late click still counts in its own hour; the repeated click once; books' list not at all.
        Assert.Equal(
            [(Since, "challenger", 4L, 1L), (Since, "champion", 10L, 2L), (Since.AddHours(1), "champion", 10L, 1L)],
            points.Select(p => (p.Start, p.Variant, p.Impressions, p.Clicks)));
        Assert.Equal(0.2, points[1].Ctr, 12);
        Assert.Equal(TimeSpan.FromDays(1), OnlineTimeline.BucketFor(Since, Since.AddDays(7)));
    }

    [Fact]
    public void TheSection_TablesEachVariant_AndPlotsClickThroughOverTime()
    {
        FeedbackEvent[] events = [Served("a", "champion", "movies", 5), Served("b", "challenger", "movies", 10), Click("b", "3", 11)];
        OnlineReport report = OnlineMetrics.Compute("movies", events, Since, Since.AddHours(3));

        string html = OnlineReportHtml.Page(report, OnlineTimeline.Compute("movies", events, Since, Since.AddHours(3), TimeSpan.FromHours(1)));

        Assert.Contains("<table id=\"online\">", html, StringComparison.Ordinal);
        Assert.Contains("<td>champion</td><td>v</td><td>1</td><td>1</td><td>10</td><td>0</td><td>0.0000</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>challenger</td><td>v</td><td>1</td><td>1</td><td>10</td><td>1</td><td>0.1000</td><td>+0.1000", html, StringComparison.Ordinal);
        Assert.Contains("alt=\"click-through over time per variant\" src=\"data:image/png;base64,", html, StringComparison.Ordinal);
        Assert.Contains("No served lists", OnlineReportHtml.Section(OnlineMetrics.Compute("books", events, Since, Since.AddHours(3)), []), StringComparison.Ordinal);
    }
}

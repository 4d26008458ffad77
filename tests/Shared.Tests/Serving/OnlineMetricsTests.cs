using Azure.Storage.Blobs;
using Recsys.Serving.Contracts;
using Recsys.Serving.Feedback;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>Online metrics from events written by the sink to a real Azurite and read back.</summary>
public sealed class OnlineMetricsTests(ServingFixture fixture) : IClassFixture<ServingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// 400 simulated users split by parity between champion v1 and challenger v2, three lists each; a user clicks
    /// position p with probability rate ÷ p, the champion's rate being 0.15.
    /// </summary>
    private static (List<RankResponse> Lists, List<FeedbackEvent> Clicks) Simulate(FeedbackSink sink, double challengerRate)
    {
        var random = new Random(11);
        var lists = new List<RankResponse>();
        var clicks = new List<FeedbackEvent>();
        for (int u = 0; u < 400; u++)
        {
            bool challenger = u % 2 == 1;
            for (int l = 0; l < 3; l++)
            {
                var response = new RankResponse("movies", challenger ? "v2" : "v1", challenger ? "challenger" : "champion",
                    [.. Enumerable.Range(1, 12).Select(i => new RankedItem($"{(u * 7) + i}", 1f / i))], 1);
                sink.TryRecordServed($"u{u}", response);
                lists.Add(response);
                for (int p = 1; p <= 10; p++)
                {
                    if (random.NextDouble() < (challenger ? challengerRate : 0.15) / p)
                    {
                        clicks.Add(new FeedbackEvent { Type = "click", UserId = $"u{u}", ItemId = response.Items[p - 1].Id, RequestId = response.RequestId });
                    }
                }
            }
        }

        return (lists, clicks);
    }

    [Theory]
    [InlineData(0.30, true)]
    [InlineData(0.15, false)]
    public async Task TheBetterVersion_IsFound_WithItsIntervalAboveZero_AndAnEqualOneIsNot(double challengerRate, bool better)
    {
        BlobContainerClient events = await fixture.NewContainerAsync("events");
        DateTimeOffset since = DateTimeOffset.UtcNow.AddHours(-1);
        var sink = new FeedbackSink(events);
        var (lists, clicks) = Simulate(sink, challengerRate);
        Assert.True(sink.TryAccept(clicks));
        await sink.DisposeAsync();
        DateTimeOffset until = DateTimeOffset.UtcNow;

        OnlineReport report = await OnlineMetrics.ReadAsync(events, "movies", since, until, Ct);

        Assert.Empty(report.Rejected);
        Assert.Equal([("champion", "v1"), ("challenger", "v2")], report.Variants.Select(v => (v.Variant, v.Version)));
        OnlineVariant champion = report.Variants[0], challenger = report.Variants[1];
        Assert.Equal((200, 600L, 6_000L), (champion.Users, champion.Lists, champion.Impressions));
        Assert.Equal(clicks.Count, champion.Clicks + challenger.Clicks);
        Assert.Null(champion.AgainstChampion);
        OnlineDifference difference = challenger.AgainstChampion!;
        Assert.Equal(("v1", 400), (difference.ChampionVersion, difference.Users));
        Assert.Equal(challenger.Ctr - champion.Ctr, difference.Difference, 12);
        Assert.Equal(better, difference.Better);
        Assert.False(difference.Worse);
        Assert.True(difference.Lower < difference.Difference && difference.Difference < difference.Upper);
        // Position 1 is clicked at about the rate, position 10 at a tenth of it.
        Assert.InRange(champion.CtrAtPosition[0], 0.11, 0.19);
        Assert.InRange(champion.CtrAtPosition[9], 0, 0.04);
        Assert.Equal(better ? 2 : 1, Math.Round(challenger.CtrAtPosition[0] / champion.CtrAtPosition[0]), 0);
    }

    [Fact]
    public async Task BadEvents_AreCountedByReason_AndLeftOut_NeverFatal()
    {
        BlobContainerClient events = await fixture.NewContainerAsync("events");
        DateTimeOffset since = DateTimeOffset.UtcNow.AddHours(-1);
        var sink = new FeedbackSink(events);
        var list = new RankResponse("movies", "v1", "champion", [new("a", 0.9f), new("b", 0.5f)], 1);
        sink.TryRecordServed("u1", list);
        sink.TryRecordServed("u9", new RankResponse("books", "v7", "champion", [new("z", 1f)], 1));
        Assert.True(sink.TryAccept(
        [
            new FeedbackEvent { Type = "click", UserId = "u1", ItemId = "b", RequestId = list.RequestId },
            new FeedbackEvent { Type = "click", UserId = "u1", ItemId = "b", RequestId = list.RequestId }, // the same click again
            new FeedbackEvent { Type = "click", UserId = "u1", ItemId = "a", RequestId = RankResponse.NewRequestId() }, // no such list
            new FeedbackEvent { Type = "click", UserId = "u1", ItemId = "a", RequestId = list.RequestId, Timestamp = DateTimeOffset.UtcNow.AddDays(1) },
            new FeedbackEvent { Type = "click", UserId = "u1", ItemId = "a" }, // nothing says which list
            new FeedbackEvent { Type = "click", UserId = "u2", ItemId = "c", Model = "movies", Variant = "champion", Version = "v1", Position = 3 }, // served elsewhere
        ]));
        await sink.DisposeAsync();
        DateTimeOffset until = DateTimeOffset.UtcNow;
        await events.GetBlobClient($"{until.UtcDateTime:yyyy/MM/dd}/torn.jsonl").UploadAsync(BinaryData.FromString("{ \"type\": \"cli\n"), Ct);

        OnlineReport report = await OnlineMetrics.ReadAsync(events, "movies", since, until, Ct);

        Assert.Equal(
            new Dictionary<string, long>
            {
                [OnlineMetrics.Duplicate] = 1, [OnlineMetrics.FutureTimestamp] = 1, [OnlineMetrics.Unattributed] = 1,
                [OnlineMetrics.UnknownRequest] = 1, [OnlineMetrics.Unreadable] = 1,
            },
            report.Rejected);
        OnlineVariant champion = Assert.Single(report.Variants);
        Assert.Equal((2, 1L, 2L, 2L), (champion.Users, champion.Lists, champion.Impressions, champion.Clicks));
        Assert.Equal([0.0, 1.0, 0.0], champion.CtrAtPosition.Take(3));
    }
}

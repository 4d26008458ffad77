using System.Text;
using System.Text.Json;
using Recsys.Features;
using Recsys.Serving.Contracts;
using Recsys.Serving.Feedback;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

public sealed class EventLinesTests
{
    private static readonly JsonSerializerOptions Compact = new(FeatureSpec.JsonOptions) { WriteIndented = false };

    [Theory]
    [InlineData("u<1>")]
    [InlineData(null)]
    public void AServedRecord_WrittenFieldByField_IsTheLineTheSerialiserWritesForTheSameEvent(string? userId)
    {
        var response = new RankResponse("movies", "v1", "chall\"enger",
            [.. Enumerable.Range(0, 12).Select(i => new RankedItem(i == 0 ? "<é&\"'>" : $"{i}", 0.7617831f / (i + 1)))], 1.5);
        var now = new DateTimeOffset(2026, 12, 2, 12, 30, 15, 123, TimeSpan.Zero).AddTicks(4567);
        var lines = new EventLines(Compact);
        var served = new FeedbackEvent
        {
            Type = FeedbackEvent.Served, RequestId = response.RequestId, UserId = userId, Model = response.Model,
            Version = response.Version, Variant = response.Variant,
            Items = [.. response.Items.Take(10).Select(i => i.Id)], Scores = [.. response.Items.Take(10).Select(i => i.Score)],
        };

        Assert.True(lines.TryAddServed(userId, response, 10, now));
        Assert.True(lines.TryAdd([served], now));

        EventLines.Segment segment = Assert.Single(lines.TakeAll());
        string[] written = Encoding.UTF8.GetString(segment.Bytes, 0, segment.Length).Split('\n');
        Assert.Equal(3, written.Length);
        Assert.Equal("", written[2]);
        Assert.Equal(written[1], written[0]);
        Assert.Contains("\"scores\":[0.7617831,", written[0], StringComparison.Ordinal);
        lines.Return(segment);
    }

    [Fact]
    public void AfterComplete_NothingIsAdded_AndTakeAllReturnsWhatCameBefore()
    {
        var lines = new EventLines(Compact);
        Assert.True(lines.TryAdd([new FeedbackEvent { Type = "click", UserId = "u", ItemId = "1" }], DateTimeOffset.UnixEpoch));
        lines.Complete();

        Assert.False(lines.TryAdd([new FeedbackEvent { Type = "click", UserId = "u", ItemId = "2" }], DateTimeOffset.UnixEpoch));
        EventLines.Segment segment = Assert.Single(lines.TakeAll());
        Assert.Single(Encoding.UTF8.GetString(segment.Bytes, 0, segment.Length).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"itemId\":\"1\"", Encoding.UTF8.GetString(segment.Bytes, 0, segment.Length), StringComparison.Ordinal);
        Assert.Empty(lines.TakeAll());
        lines.Return(segment);
    }
}

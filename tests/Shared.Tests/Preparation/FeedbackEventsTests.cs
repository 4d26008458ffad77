using Recsys.Data;
using Recsys.Preparation;
using Recsys.Storage;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Preparation;

/// <summary>Feedback events merged into a preparation: clicks and ratings become interactions, bad events go to the quarantine.</summary>
public sealed class FeedbackEventsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<PrepareResult> PrepareAsync(PrepareOptions options, string output) =>
        DatasetPreparer.PrepareAsync(options, new LocalPreparedOutput(_temp.Combine(output)), cancellationToken: Ct);

    [Fact]
    public async Task Prepare_WithEvents_MergesTheModelsClicksAndRatings_AndQuarantinesBadEvents_WithoutTouchingTheDataset()
    {
        string data = _temp.Write("ratings.csv", "user,item,rating,timestamp\nu1,a,3,100\nu1,b,4,110\nu2,a,5,120\nu2,b,2,130\n");
        string events = Path.GetDirectoryName(_temp.Write("events/2026/12/01/host-1.jsonl", string.Join('\n',
        [
            """{"schema":1,"type":"served","requestId":"r1","userId":"u2","model":"movies","version":"v1","variant":"champion","items":["c","a"],"scores":[0.9,0.8],"timestamp":"2026-12-01T10:00:00Z"}""",
            """{"schema":1,"type":"click","userId":"u2","itemId":"c","requestId":"r1","timestamp":"2026-12-01T10:00:05Z"}""",
            """{"schema":1,"type":"rating","userId":"u3","itemId":"a","value":2,"model":"movies","timestamp":"2026-12-01T10:01:00Z"}""",
            """{"schema":1,"type":"impression","userId":"u1","itemId":"c","requestId":"r1","timestamp":"2026-12-01T10:00:01Z"}""",
            """{"schema":1,"type":"click","userId":"u1","itemId":"b","model":"books","timestamp":"2026-12-01T10:02:00Z"}""",
            """{"schema":1,"type":"click","userId":"u1","itemId":"a","requestId":"no-such-list","timestamp":"2026-12-01T10:03:00Z"}""",
            """{"schema":1,"type":"click","userId":"u1","itemId":"d","model":"movies","timestamp":"2999-01-01T00:00:00Z"}""",
            """{"schema":1,"type":"cli""",
        ])))!;
        byte[] before = await File.ReadAllBytesAsync(data, Ct);
        var options = new PrepareOptions { Dataset = data, Format = DatasetFormat.Csv, Events = _temp.Combine("events"), EventsModel = "movies" };

        PrepareResult merged = await PrepareAsync(options, "merged");
        PrepareResult plain = await PrepareAsync(options with { Events = null, EventsModel = null }, "plain");
        PrepareResult again = await PrepareAsync(options, "merged");

        // u2's click on c (rated the dataset's top, 5) and u3's rating; the other model's click, the impression and the served list are not interactions.
        Assert.Equal((2L, 6L, 4L), (merged.Stats.FeedbackEvents, merged.Stats.Interactions, plain.Stats.Interactions));
        Assert.Equal(
            new Dictionary<string, long> { ["future-timestamp"] = 1, ["unknown-request-id"] = 1, ["unreadable-event"] = 1 },
            merged.Stats.RejectedByReason.ToDictionary(p => p.Key, p => p.Value));
        PreparedSplit train = (await PreparedDatasetReader.ReadSplitAsync(_temp.Combine("merged"), PreparedFiles.Train, Ct))!
            .Concat((await PreparedDatasetReader.ReadSplitAsync(_temp.Combine("merged"), PreparedFiles.Test, Ct))!);
        string[] users = (await PreparedDatasetReader.ReadTextColumnsAsync(_temp.Combine("merged"), PreparedFiles.Users, Ct))["id"];
        string[] items = (await PreparedDatasetReader.ReadTextColumnsAsync(_temp.Combine("merged"), PreparedFiles.Items, Ct))["id"];
        int row = Enumerable.Range(0, train.Count).Single(r => users[train.Users[r] - 1] == "u2" && items[train.Items[r] - 1] == "c");
        Assert.Equal(5f, train.Labels[row]);
        // The merged input has its own hash, a second preparation of it is reused, and the dataset is as it was.
        Assert.NotEqual(plain.ContentHash, merged.ContentHash);
        Assert.True(again.Reused);
        Assert.Equal(before, await File.ReadAllBytesAsync(data, Ct));
    }

    [Fact]
    public async Task Prepare_WithEvents_KeepsWhatWasShownAndNotClicked_AsExplicitNegatives()
    {
        string data = _temp.Write("ratings.csv", "user,item,rating,timestamp\nu1,a,3,100\nu1,b,4,110\nu2,a,5,120\nu2,b,2,130\n");
        _temp.Write("events/2026/12/01/host-1.jsonl", string.Join('\n',
        [
            """{"schema":1,"type":"served","requestId":"r1","userId":"u1","model":"movies","version":"v1","variant":"champion","items":["c","a","zz"],"scores":[0.9,0.8,0.7],"timestamp":"2026-12-01T10:00:00Z"}""",
            """{"schema":1,"type":"served","requestId":"r2","userId":"u2","model":"movies","version":"v1","variant":"champion","items":["c","b"],"scores":[0.9,0.8],"timestamp":"2026-12-01T10:00:00Z"}""",
            """{"schema":1,"type":"click","userId":"u2","itemId":"c","requestId":"r2","timestamp":"2026-12-01T10:00:05Z"}""",
            """{"schema":1,"type":"served","requestId":"r3","userId":"u1","model":"books","version":"v1","variant":"champion","items":["b"],"scores":[0.9],"timestamp":"2026-12-01T10:00:00Z"}""",
            """{"schema":1,"type":"impression","userId":"u1","itemId":"b","model":"movies","timestamp":"2026-12-01T10:01:00Z"}""",
        ]));
        var options = new PrepareOptions { Dataset = data, Format = DatasetFormat.Csv, Events = _temp.Combine("events"), EventsModel = "movies" };

        PrepareResult merged = await PrepareAsync(options, "merged");
        PrepareResult plain = await PrepareAsync(options with { Events = null, EventsModel = null }, "plain");

        // u1 was shown c, a and zz (no interaction anywhere, so no index) and b by impression; u2 b, having clicked c. Books' list is not this model's.
        PreparedSplit negatives = (await PreparedDatasetReader.ReadSplitAsync(_temp.Combine("merged"), PreparedFiles.Negatives, Ct))!;
        string[] users = (await PreparedDatasetReader.ReadTextColumnsAsync(_temp.Combine("merged"), PreparedFiles.Users, Ct))["id"];
        string[] items = (await PreparedDatasetReader.ReadTextColumnsAsync(_temp.Combine("merged"), PreparedFiles.Items, Ct))["id"];
        Assert.Equal(
            [("u1", "a"), ("u1", "b"), ("u1", "c"), ("u2", "b")],
            Enumerable.Range(0, negatives.Count).Select(r => (users[negatives.Users[r] - 1], items[negatives.Items[r] - 1])));
        Assert.All(negatives.Labels, label => Assert.Equal(0f, label));
        Assert.Equal((4L, 0L), (merged.Stats.ImpressionNegatives, plain.Stats.ImpressionNegatives));
        Assert.False(File.Exists(_temp.Combine("plain", PreparedFiles.Negatives)));
    }

    [Fact]
    public async Task EventOptions_WithoutEvents_AreBadInput()
    {
        string data = _temp.Write("ratings.csv", "user,item\nu1,a\n");

        var error = await Assert.ThrowsAsync<DatasetException>(() => PrepareAsync(new PrepareOptions { Dataset = data, Format = DatasetFormat.Csv, ClickRating = 4 }, "out"));

        Assert.Equal("--events-model, --events-since and --click-rating need --events.", error.Message);
    }

    public void Dispose() => _temp.Dispose();
}

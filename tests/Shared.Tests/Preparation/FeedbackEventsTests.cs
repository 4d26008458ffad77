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
        string data = _temp.Write("ratings.csv", "user,item,rating,timestamp\nu1,a,3,100\nu1,b,4,110\nu2,a,5,120\nu2,b,2,130\nu3,d,4,140\nu3,e,4,150\n");
        _temp.Write("events/2026/12/01/host-1.jsonl", string.Join('\n',
        [
            """{"schema":1,"type":"served","requestId":"r1","userId":"u1","model":"movies","version":"v1","variant":"champion","items":["c","d","zz","a"],"scores":[0.9,0.8,0.7,0.6],"timestamp":"2026-12-01T10:00:00Z"}""",
            """{"schema":1,"type":"served","requestId":"r2","userId":"u2","model":"movies","version":"v1","variant":"champion","items":["c","e"],"scores":[0.9,0.8],"timestamp":"2026-12-01T10:00:00Z"}""",
            """{"schema":1,"type":"click","userId":"u2","itemId":"c","requestId":"r2","timestamp":"2026-12-01T10:00:05Z"}""",
            """{"schema":1,"type":"served","requestId":"r3","userId":"u1","model":"books","version":"v1","variant":"champion","items":["b"],"scores":[0.9],"timestamp":"2026-12-01T10:00:00Z"}""",
            """{"schema":1,"type":"impression","userId":"u1","itemId":"e","model":"movies","timestamp":"2026-12-01T10:01:00Z"}""",
        ]));
        var options = new PrepareOptions { Dataset = data, Format = DatasetFormat.Csv, Events = _temp.Combine("events"), EventsModel = "movies", ImpressionNegatives = true };

        PrepareResult merged = await PrepareAsync(options, "merged");
        PrepareResult plain = await PrepareAsync(options with { ImpressionNegatives = false }, "plain");

        // u1 was shown c, d, zz (no interaction anywhere, so no index) and a (theirs in the dataset), and e by
        // impression; u2 was shown e, having clicked c. Books' list is not this model's.
        PreparedSplit negatives = (await PreparedDatasetReader.ReadSplitAsync(_temp.Combine("merged"), PreparedFiles.Negatives, Ct))!;
        string[] users = (await PreparedDatasetReader.ReadTextColumnsAsync(_temp.Combine("merged"), PreparedFiles.Users, Ct))["id"];
        string[] items = (await PreparedDatasetReader.ReadTextColumnsAsync(_temp.Combine("merged"), PreparedFiles.Items, Ct))["id"];
        Assert.Equal(
            [("u1", "c"), ("u1", "d"), ("u1", "e"), ("u2", "e")],
            Enumerable.Range(0, negatives.Count).Select(r => (users[negatives.Users[r] - 1], items[negatives.Items[r] - 1])));
        Assert.All(negatives.Labels, label => Assert.Equal(0f, label));
        Assert.Equal((4L, 0L), (merged.Stats.ImpressionNegatives, plain.Stats.ImpressionNegatives));
        Assert.False(File.Exists(_temp.Combine("plain", PreparedFiles.Negatives)));
    }

    [Theory]
    [InlineData("stratified")]
    [InlineData("leave-last-out")]
    [InlineData("temporal")]
    public async Task Prepare_WithEvents_TrainsOnTheFeedback_AndSplitsTheDatasetsOwnRowsAsWithout(string split)
    {
        var lines = new List<string> { "user,item,rating,timestamp" };
        for (int u = 1; u <= 20; u++)
        {
            lines.AddRange(Enumerable.Range(1, 10).Select(i => $"u{u},i{(u * 3 + i) % 25},{1 + ((u + i) % 5)},{1000 + (u * 10) + i}"));
        }

        string data = _temp.Write("ratings.csv", string.Join('\n', lines) + "\n");
        var options = new PrepareOptions { Dataset = data, Format = DatasetFormat.Csv, Split = SplitMethodNames.Parse(split), Ratios = [0.75] };
        await PrepareAsync(options, $"plain-{split}");
        var plainTest = await PairsAsync($"plain-{split}", PreparedFiles.Test);
        var (testUser, testItem, _) = plainTest.First();

        // New items clicked by every user, and one click on a pair the dataset holds in its test split.
        _temp.Write($"events-{split}/2026/12/01/host.jsonl", string.Join('\n',
            Enumerable.Range(1, 20).Select(u => $$"""{"schema":1,"type":"click","userId":"u{{u}}","itemId":"new{{u % 3}}","model":"movies","timestamp":"2026-12-01T10:00:00Z"}""")
                .Append($$"""{"schema":1,"type":"click","userId":"{{testUser}}","itemId":"{{testItem}}","model":"movies","timestamp":"2026-12-01T10:00:00Z"}""")));
        await PrepareAsync(options with { Events = _temp.Combine($"events-{split}"), EventsModel = "movies", ClickRating = 9 }, $"merged-{split}");

        var mergedTest = await PairsAsync($"merged-{split}", PreparedFiles.Test);
        var mergedTrain = await PairsAsync($"merged-{split}", PreparedFiles.Train);
        Assert.Equal(plainTest.Select(p => (p.User, p.Item)), mergedTest.Select(p => (p.User, p.Item)));
        Assert.Equal(9f, mergedTest.Single(p => (p.User, p.Item) == (testUser, testItem)).Label);
        Assert.Equal(20, mergedTrain.Count(p => p.Item.StartsWith("new", StringComparison.Ordinal)));
        Assert.Equal(
            (await PairsAsync($"plain-{split}", PreparedFiles.Train)).Select(p => (p.User, p.Item)).Order(),
            mergedTrain.Where(p => !p.Item.StartsWith("new", StringComparison.Ordinal)).Select(p => (p.User, p.Item)).Order());
    }

    /// <summary>A split's rows as (user id, item id, label), ordered by user and item id.</summary>
    private async Task<List<(string User, string Item, float Label)>> PairsAsync(string folder, string file)
    {
        PreparedSplit rows = (await PreparedDatasetReader.ReadSplitAsync(_temp.Combine(folder), file, Ct))!;
        string[] users = (await PreparedDatasetReader.ReadTextColumnsAsync(_temp.Combine(folder), PreparedFiles.Users, Ct))["id"];
        string[] items = (await PreparedDatasetReader.ReadTextColumnsAsync(_temp.Combine(folder), PreparedFiles.Items, Ct))["id"];
        return [.. Enumerable.Range(0, rows.Count).Select(r => (users[rows.Users[r] - 1], items[rows.Items[r] - 1], rows.Labels[r]))
            .OrderBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Item2, StringComparer.Ordinal)];
    }

    [Fact]
    public async Task EventOptions_WithoutEvents_AreBadInput()
    {
        string data = _temp.Write("ratings.csv", "user,item\nu1,a\n");

        var error = await Assert.ThrowsAsync<DatasetException>(() => PrepareAsync(new PrepareOptions { Dataset = data, Format = DatasetFormat.Csv, ClickRating = 4 }, "out"));
        var negatives = await Assert.ThrowsAsync<DatasetException>(() => PrepareAsync(new PrepareOptions { Dataset = data, Format = DatasetFormat.Csv, ImpressionNegatives = true }, "out"));

        Assert.Equal("--events-model, --events-since, --click-rating and --impression-negatives need --events.", error.Message);
        Assert.Equal(error.Message, negatives.Message);
    }

    public void Dispose() => _temp.Dispose();
}

using System.Text.Json;
using Recsys.Features;
using Recsys.Serving.Contracts;
using Recsys.Serving.Feedback;
using Recsys.Testing;
using Xunit;

namespace Recsys.Cli.Tests;

/// <summary><c>recsys report online</c> over events in a real Azurite.</summary>
[Collection(ConsoleTests.Name)]
public sealed class ReportCommandTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();

    public ValueTask InitializeAsync() => _azurite.InitializeAsync();

    public ValueTask DisposeAsync() => _azurite.DisposeAsync();

    [Fact]
    public async Task ReportOnline_GivesEachVariantsClickThrough_AsJson()
    {
        var sink = new FeedbackSink(_azurite.BlobService.GetBlobContainerClient(FeedbackSink.ContainerName));
        await _azurite.BlobService.GetBlobContainerClient(FeedbackSink.ContainerName).CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var champion = new RankResponse("movies", "v1", "champion", [new("1", 0.9f), new("2", 0.8f)], 1);
        var challenger = new RankResponse("movies", "v2", "challenger", [new("2", 0.7f), new("1", 0.6f)], 1);
        sink.TryRecordServed("a", champion);
        sink.TryRecordServed("b", challenger);
        Assert.True(sink.TryAccept([new FeedbackEvent { Type = "click", UserId = "b", ItemId = "1", RequestId = challenger.RequestId }]));
        await sink.DisposeAsync();
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["report", "online", "--model", "movies", "--connection-string", _azurite.ConnectionString, "--json"]);

        Assert.True(exit == RecsysCli.Success, console.Error);
        OnlineReport report = JsonSerializer.Deserialize<OnlineReport>(console.Out, FeatureSpec.JsonOptions)!;
        Assert.Equal([("champion", "v1", 2L, 0L), ("challenger", "v2", 2L, 1L)], report.Variants.Select(v => (v.Variant, v.Version, v.Impressions, v.Clicks)));
        Assert.Equal(1.0, report.Variants[1].CtrAtPosition[1]);
        Assert.Equal(0.5, report.Variants[1].AgainstChampion!.Difference);

        using var temp = new TempFolder();
        exit = await RecsysCli.RunAsync(["report", "online", "--model", "movies", "--connection-string", _azurite.ConnectionString, "--html", temp.Combine("online.html")]);

        Assert.True(exit == RecsysCli.Success, console.Error);
        string html = await File.ReadAllTextAsync(temp.Combine("online.html"), TestContext.Current.CancellationToken);
        Assert.Contains("<td>challenger</td><td>v2</td><td>1</td><td>1</td><td>2</td><td>1</td><td>0.5000</td>", html, StringComparison.Ordinal);
        Assert.Contains("click-through over time per variant", html, StringComparison.Ordinal);
    }
}

using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Recsys.Preparation;
using Recsys.Testing;
using Xunit;

namespace Recsys.Cli.Tests;

[Collection(ConsoleTests.Name)]
public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_OnItsOwnAzurite_ExitsZeroAndStopsAzurite()
    {
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["demo"]);

        Assert.Equal(RecsysCli.Success, exit);
        Assert.Contains("Azurite blob endpoint http://127.0.0.1:", console.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_AgainstGivenStorage_DropsTheSampleAndPublishesThePreparedDataset()
    {
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        using var console = new ConsoleCapture();

        int first = await RecsysCli.RunAsync(["demo", "--connection-string", azurite.ConnectionString]);
        int second = await RecsysCli.RunAsync(["demo", "--connection-string", azurite.ConnectionString]);

        Assert.Equal(RecsysCli.Success, first);
        Assert.Equal(RecsysCli.Success, second);
        BlobServiceClient service = azurite.BlobService;
        var dropped = new List<string>();
        await foreach (BlobItem blob in service.GetBlobContainerClient("datasets").GetBlobsAsync(new GetBlobsOptions(), TestContext.Current.CancellationToken))
        {
            dropped.Add(blob.Name);
        }

        Assert.Equal(
            ["ml-latest-small/README.txt", "ml-latest-small/links.csv", "ml-latest-small/movies.csv", "ml-latest-small/ratings.csv", "ml-latest-small/tags.csv"],
            dropped.Order(StringComparer.Ordinal));
        var stats = new List<string>();
        await foreach (BlobItem blob in service.GetBlobContainerClient("prepared").GetBlobsAsync(new GetBlobsOptions { Prefix = "ml-latest-small/" }, TestContext.Current.CancellationToken))
        {
            if (blob.Name.EndsWith(PreparedFiles.Stats, StringComparison.Ordinal))
            {
                stats.Add(blob.Name);
            }
        }

        Assert.Single(stats);
        Assert.Contains("Reused", console.Out, StringComparison.Ordinal);
    }
}

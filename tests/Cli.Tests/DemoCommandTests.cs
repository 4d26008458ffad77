using Azure.Storage.Blobs;
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

        using var temp = new TempFolder();

        int exit = await RecsysCli.RunAsync(["demo", "--models", "pop", "--output", temp.Path]);

        Assert.Equal(RecsysCli.Success, exit);
        Assert.Contains("Azurite blob endpoint http://127.0.0.1:", console.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(temp.Combine("report.html")));
        Assert.Contains("hr@10", console.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_AgainstGivenStorage_DropsTheSampleAndPublishesThePreparedDataset()
    {
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        using var console = new ConsoleCapture();

        using var temp = new TempFolder();

        int first = await RecsysCli.RunAsync(["demo", "--connection-string", azurite.ConnectionString, "--models", "pop", "--output", temp.Path]);
        int second = await RecsysCli.RunAsync(["demo", "--connection-string", azurite.ConnectionString, "--models", "pop", "--output", temp.Path]);

        Assert.Equal(RecsysCli.Success, first);
        Assert.Equal(RecsysCli.Success, second);
        BlobServiceClient service = azurite.BlobService;
        Assert.Equal(
            ["ml-latest-small/README.txt", "ml-latest-small/links.csv", "ml-latest-small/movies.csv", "ml-latest-small/ratings.csv", "ml-latest-small/tags.csv"],
            await BlobNames.ListAsync(service.GetBlobContainerClient("datasets"), cancellationToken: TestContext.Current.CancellationToken));
        List<string> prepared = await BlobNames.ListAsync(service.GetBlobContainerClient("prepared"), "ml-latest-small/", TestContext.Current.CancellationToken);
        Assert.Single(prepared, n => n.EndsWith(PreparedFiles.Stats, StringComparison.Ordinal));
        Assert.Contains("Reused", console.Out, StringComparison.Ordinal);
    }
}

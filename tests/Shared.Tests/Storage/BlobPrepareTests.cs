using Azure.Storage.Blobs;
using Recsys.Data;
using Recsys.Preparation;
using Recsys.Storage;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Storage;

public sealed class BlobPrepareTests : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly AzuriteFixture _azurite;
    private readonly TempFolder _temp = new();

    public BlobPrepareTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
    }

    private static Task<List<string>> ListAsync(BlobContainerClient container) =>
        BlobNames.ListAsync(container, cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task Prepare_ToBlob_PublishesUnderTheContentHashAndReusesIt()
    {
        // Given a prepared-datasets container
        BlobContainerClient prepared = await _azurite.CreateContainerAsync("prepared");
        var output = new BlobPreparedOutput(prepared, "ml-100k");
        var options = new PrepareOptions { Dataset = TestData.MovieLens100K };

        // When the same dataset is prepared twice
        PrepareResult first = await DatasetPreparer.PrepareAsync(options, output, cancellationToken: TestContext.Current.CancellationToken);
        PrepareResult second = await DatasetPreparer.PrepareAsync(options, output, cancellationToken: TestContext.Current.CancellationToken);

        // Then it is written once under prepared/{name}/{hash}/ and reused the second time
        Assert.False(first.Reused);
        Assert.True(second.Reused);
        Assert.Equal(first.Stats.ToJson(), second.Stats.ToJson());
        string[] expected = [.. new[] { "items.parquet", "quarantine.csv", "spec.json", "stats.json", "test.parquet", "train.parquet", "users.parquet" }
            .Select(f => $"ml-100k/{first.ContentHash}/{f}")];
        Assert.Equal(expected, await ListAsync(prepared));
        Assert.EndsWith($"/ml-100k/{first.ContentHash}", first.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prepare_DatasetDroppedInBlob_GivesTheSameHashAsTheLocalCopy()
    {
        // Given the sample dataset dropped into a datasets container
        BlobContainerClient datasets = await _azurite.CreateContainerAsync("datasets");
        foreach (string file in Directory.EnumerateFiles(TestData.SampleMovieLensLatest))
        {
            await datasets.GetBlobClient($"ml-latest-small/{Path.GetFileName(file)}").UploadAsync(file, TestContext.Current.CancellationToken);
        }

        // When it is downloaded and prepared
        string local = await BlobDatasetDownloader.DownloadAsync(datasets, "ml-latest-small", _temp.Combine("download"), TestContext.Current.CancellationToken);
        PrepareResult fromBlob = await DatasetPreparer.PrepareAsync(new PrepareOptions { Dataset = local }, new LocalPreparedOutput(_temp.Combine("a")), cancellationToken: TestContext.Current.CancellationToken);
        PrepareResult fromDisk = await DatasetPreparer.PrepareAsync(new PrepareOptions { Dataset = TestData.SampleMovieLensLatest }, new LocalPreparedOutput(_temp.Combine("b")), cancellationToken: TestContext.Current.CancellationToken);

        // Then the content hash depends on the bytes, not on where they came from
        Assert.Equal(fromDisk.ContentHash, fromBlob.ContentHash);
        Assert.Equal(100_836, fromBlob.Stats.Interactions);
    }

    [Fact]
    public async Task Prepare_BadDatasetToBlob_PublishesNothingAndKeepsTheQuarantine()
    {
        // Given a dataset whose every row is malformed
        BlobContainerClient prepared = await _azurite.CreateContainerAsync("prepared");
        string data = _temp.Write("u.data", "1,2,3,4\n5,6,7,8\n");

        // When it is prepared into Blob Storage
        var error = await Assert.ThrowsAsync<DatasetException>(() => DatasetPreparer.PrepareAsync(
            new PrepareOptions { Dataset = data, Name = "broken" }, new BlobPreparedOutput(prepared, "broken"), cancellationToken: TestContext.Current.CancellationToken));

        // Then no prepared dataset exists and the rejected rows are in the quarantine container
        Assert.Empty(await ListAsync(prepared));
        BlobContainerClient quarantine = _azurite.BlobService.GetBlobContainerClient(BlobPreparedOutput.QuarantineContainer);
        string blob = Assert.Single(await ListAsync(quarantine), n => n.StartsWith("broken/", StringComparison.Ordinal));
        string content = (await quarantine.GetBlobClient(blob).DownloadContentAsync(TestContext.Current.CancellationToken)).Value.Content.ToString();
        Assert.Equal(3, content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains(blob, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_AfterAnotherWriterPublishedTheSameHash_KeepsTheFirstStats()
    {
        // Given a dataset already published under a hash
        BlobContainerClient prepared = await _azurite.CreateContainerAsync("prepared");
        var output = new BlobPreparedOutput(prepared, "race");
        string staging = _temp.Combine("staging");
        Directory.CreateDirectory(staging);
        await File.WriteAllTextAsync(Path.Combine(staging, PreparedFiles.Stats), "{\"first\":true}", TestContext.Current.CancellationToken);
        await output.PublishAsync(staging, "abc", TestContext.Current.CancellationToken);

        // When a second writer publishes the same hash
        await File.WriteAllTextAsync(Path.Combine(staging, PreparedFiles.Stats), "{\"first\":false}", TestContext.Current.CancellationToken);
        await output.PublishAsync(staging, "abc", TestContext.Current.CancellationToken);

        // Then the commit marker is not overwritten (If-None-Match: *)
        string stats = (await prepared.GetBlobClient($"race/abc/{PreparedFiles.Stats}").DownloadContentAsync(TestContext.Current.CancellationToken)).Value.Content.ToString();
        Assert.Equal("{\"first\":true}", stats);
    }

    public void Dispose() => _temp.Dispose();
}

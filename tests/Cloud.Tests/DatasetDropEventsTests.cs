using Xunit;

namespace Recsys.Cloud.Tests;

public sealed class DatasetDropEventsTests
{
    [Fact]
    public void ReadyFileCreated_NamesItsDataset()
    {
        Assert.Equal(["shop"], DatasetDropEvents.CompletedDatasets(BlobEvents.ShopReady));
    }

    [Fact]
    public void AnArrayOfEvents_NamesEachDatasetOnce()
    {
        string one = BlobEvents.ShopReady.ToString();
        string other = BlobEvents.Created("datasets", "books/recsys-ready").ToString();

        Assert.Equal(["shop", "books"], DatasetDropEvents.CompletedDatasets(BinaryData.FromString($"[{one},{other},{one}]")));
    }

    [Theory]
    [InlineData("datasets", "shop/ratings.csv")] // a data file: the drop may still be uploading
    [InlineData("datasets", "shop/nested/recsys-ready")]
    [InlineData("datasets", "recsys-ready")]
    [InlineData("models", "shop/recsys-ready")]
    [InlineData("datasets", "..%2Fetc/recsys-ready")]
    public void OtherBlobs_AreNotDrops(string container, string blob)
    {
        Assert.Empty(DatasetDropEvents.CompletedDatasets(BlobEvents.Created(container, blob)));
    }

    [Fact]
    public void BlobDeleted_IsNotADrop()
    {
        string deleted = BlobEvents.ShopReady.ToString().Replace("Microsoft.Storage.BlobCreated", "Microsoft.Storage.BlobDeleted", StringComparison.Ordinal);

        Assert.Empty(DatasetDropEvents.CompletedDatasets(BinaryData.FromString(deleted)));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{"schemaVersion":1,"stage":"prepare","jobId":"j","dataset":"shop"}""")]
    public void ABodyThatIsNoEvent_IsAFormatError(string body)
    {
        Assert.Throws<FormatException>(() => DatasetDropEvents.CompletedDatasets(BinaryData.FromString(body)));
    }
}

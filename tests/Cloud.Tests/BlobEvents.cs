namespace Recsys.Cloud.Tests;

/// <summary>BlobCreated events as Event Grid puts them on the drops queue: the documented body (Data/), for any blob.</summary>
internal static class BlobEvents
{
    private static readonly string Ready = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "blob-created-ready.json"));

    /// <summary>The stored body itself: the ready file of <c>datasets/shop/</c>.</summary>
    public static BinaryData ShopReady => BinaryData.FromString(Ready);

    /// <summary>The same event for another blob, e.g. <c>datasets/shop/ratings.csv</c>.</summary>
    public static BinaryData Created(string container, string blob) => BinaryData.FromString(Ready
        .Replace("/containers/datasets/blobs/shop/recsys-ready", $"/containers/{container}/blobs/{blob}", StringComparison.Ordinal)
        .Replace("/datasets/shop/recsys-ready", $"/{container}/{blob}", StringComparison.Ordinal));
}

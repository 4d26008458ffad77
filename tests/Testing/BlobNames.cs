using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Recsys.Testing;

public static class BlobNames
{
    /// <summary>The names of the blobs in <paramref name="container"/> under <paramref name="prefix"/>, in ordinal order.</summary>
    public static async Task<List<string>> ListAsync(BlobContainerClient container, string? prefix = null, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        await foreach (BlobItem blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            names.Add(blob.Name);
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>Each blob's ETag and length under <paramref name="prefix"/>: equal snapshots mean nothing there was written.</summary>
    public static async Task<Dictionary<string, BlobState>> SnapshotAsync(BlobContainerClient container, string? prefix = null, CancellationToken cancellationToken = default)
    {
        var blobs = new Dictionary<string, BlobState>(StringComparer.Ordinal);
        await foreach (BlobItem blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            blobs[blob.Name] = new BlobState(blob.Properties.ETag.ToString()!, blob.Properties.ContentLength ?? -1);
        }

        return blobs;
    }
}

public sealed record BlobState(string ETag, long Length);

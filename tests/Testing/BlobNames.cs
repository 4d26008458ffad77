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
}

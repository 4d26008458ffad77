using Azure.Identity;
using Azure.Storage.Blobs;

namespace Recsys.Storage;

/// <summary>
/// A <c>--dataset</c> or <c>--output</c> value: a local path, or an http(s) Blob URI
/// (<c>https://account.blob.core.windows.net/container/prefix</c>, or Azurite's path-style
/// <c>http://127.0.0.1:10000/devstoreaccount1/container/prefix</c>).
/// </summary>
public static class StorageLocation
{
    public static bool IsBlobUri(string location) =>
        Uri.TryCreate(location, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>
    /// The container and blob prefix a URI points at. With a connection string (Azurite, or keys) the client
    /// authenticates with it; otherwise with the ambient Azure identity (managed identity in Azure).
    /// </summary>
    public static (BlobContainerClient Container, string Prefix) OpenContainer(string location, string? connectionString)
    {
        var parts = new BlobUriBuilder(new Uri(location));
        if (string.IsNullOrEmpty(parts.BlobContainerName))
        {
            throw new ArgumentException($"'{location}' names no container.", nameof(location));
        }

        string prefix = parts.BlobName ?? string.Empty;
        if (!string.IsNullOrEmpty(connectionString))
        {
            return (new BlobServiceClient(connectionString).GetBlobContainerClient(parts.BlobContainerName), prefix);
        }

        parts.BlobName = null;
        return (new BlobContainerClient(parts.ToUri(), new DefaultAzureCredential()), prefix);
    }
}

using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Recsys.Data;

namespace Recsys.Storage;

/// <summary>Copies a dataset dropped in Blob Storage to a local folder so the streaming readers can use it.</summary>
public static class BlobDatasetDownloader
{
    public static async Task<string> DownloadAsync(BlobContainerClient container, string prefix, string targetFolder, CancellationToken cancellationToken = default)
    {
        string normalized = prefix.Trim('/');
        Directory.CreateDirectory(targetFolder);
        int count = 0;
        var options = new GetBlobsOptions { Prefix = normalized.Length == 0 ? null : normalized };
        await foreach (BlobItem blob in container.GetBlobsAsync(options, cancellationToken))
        {
            if (normalized.Length > 0 && blob.Name != normalized && !blob.Name.StartsWith(normalized + "/", StringComparison.Ordinal))
            {
                continue; // "shop" must not take "shopping/..." along
            }

            string relative = blob.Name[normalized.Length..].TrimStart('/');
            if (relative.Length == 0)
            {
                relative = Path.GetFileName(blob.Name); // the prefix named a single blob
            }

            if (relative.Split('/').Any(segment => segment is "" or "." or ".."))
            {
                continue; // never let a blob name write outside the target folder
            }

            string local = Path.Combine(targetFolder, relative.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await container.GetBlobClient(blob.Name).DownloadToAsync(local, cancellationToken);
            count++;
        }

        if (count == 0)
        {
            throw new DatasetException($"No dataset blobs under '{container.Uri}/{normalized}'.");
        }

        return count == 1 ? Directory.EnumerateFiles(targetFolder, "*", SearchOption.AllDirectories).Single() : targetFolder;
    }
}

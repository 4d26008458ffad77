using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Recsys.Preparation;

namespace Recsys.Storage;

/// <summary>
/// Prepared datasets in Blob Storage at <c>{prefix}/{contentHash}/</c>. Blob has no rename, so
/// <c>stats.json</c> is uploaded last, only if absent: a folder without it is incomplete and ignored.
/// </summary>
public sealed class BlobPreparedOutput : IPreparedOutput
{
    public const string QuarantineContainer = "quarantine";

    private readonly BlobContainerClient _container;
    private readonly string _prefix;

    public BlobPreparedOutput(BlobContainerClient container, string prefix)
    {
        _container = container;
        _prefix = prefix.Trim('/');
    }

    public string Describe(string contentHash) => $"{_container.Uri}/{PathOf(contentHash, "")}".TrimEnd('/');

    public string CreateStagingFolder(string contentHash) =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"recsys-prepare-{contentHash}-{Guid.NewGuid():N}")).FullName;

    public async Task<PrepareStats?> TryGetExistingAsync(string contentHash, CancellationToken cancellationToken = default)
    {
        try
        {
            BlobDownloadResult stats = await _container.GetBlobClient(PathOf(contentHash, PreparedFiles.Stats))
                .DownloadContentAsync(cancellationToken);
            return PrepareStats.FromJson(stats.Content.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task PublishAsync(string stagingFolder, string contentHash, CancellationToken cancellationToken = default)
    {
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        foreach (string file in Directory.EnumerateFiles(stagingFolder).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(file);
            if (name != PreparedFiles.Stats)
            {
                await _container.GetBlobClient(PathOf(contentHash, name)).UploadAsync(file, cancellationToken);
            }
        }

        try
        {
            await _container.GetBlobClient(PathOf(contentHash, PreparedFiles.Stats)).UploadAsync(
                Path.Combine(stagingFolder, PreparedFiles.Stats),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Another run published the same content hash first; its files are identical to ours.
        }
    }

    public async Task<string> SaveRejectedAsync(string quarantineFile, string datasetName, string contentHash, CancellationToken cancellationToken = default)
    {
        BlobContainerClient quarantine = _container.GetParentBlobServiceClient().GetBlobContainerClient(QuarantineContainer);
        await quarantine.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        BlobClient blob = quarantine.GetBlobClient($"{datasetName}/{contentHash}/{QuarantineWriter.FileName}");
        await blob.UploadAsync(quarantineFile, overwrite: true, cancellationToken);
        return blob.Uri.ToString();
    }

    private string PathOf(string contentHash, string file) =>
        string.Join('/', new[] { _prefix, contentHash, file }.Where(p => p.Length > 0));
}

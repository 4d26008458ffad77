using Recsys.Preparation;

namespace Recsys.Storage;

/// <summary>
/// A prepared dataset in a local folder. It is built in a sibling staging folder and renamed into place, so
/// the folder is either absent, the previous complete version, or the new complete version.
/// </summary>
public sealed class LocalPreparedOutput : IPreparedOutput
{
    private readonly string _folder;

    public LocalPreparedOutput(string folder)
    {
        _folder = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
    }

    public string Describe(string contentHash) => _folder;

    public string CreateStagingFolder(string contentHash)
    {
        string staging = $"{_folder}.staging-{contentHash}-{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        return staging;
    }

    public async Task<PrepareStats?> TryGetExistingAsync(string contentHash, CancellationToken cancellationToken = default)
    {
        string stats = Path.Combine(_folder, PreparedFiles.Stats);
        if (!File.Exists(stats))
        {
            return null;
        }

        PrepareStats existing = PrepareStats.FromJson(await File.ReadAllTextAsync(stats, cancellationToken));
        return existing.ContentHash == contentHash ? existing : null;
    }

    public Task PublishAsync(string stagingFolder, string contentHash, CancellationToken cancellationToken = default)
    {
        string? previous = null;
        if (Directory.Exists(_folder))
        {
            previous = $"{_folder}.previous-{Guid.NewGuid():N}";
            Directory.Move(_folder, previous);
        }

        try
        {
            Directory.Move(stagingFolder, _folder);
        }
        catch
        {
            if (previous is not null)
            {
                Directory.Move(previous, _folder);
            }

            throw;
        }

        if (previous is not null)
        {
            Directory.Delete(previous, recursive: true);
        }

        return Task.CompletedTask;
    }

    public Task<string> SaveRejectedAsync(string quarantineFile, string datasetName, string contentHash, CancellationToken cancellationToken = default)
    {
        string target = $"{_folder}.{QuarantineWriter.FileName}";
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(quarantineFile, target, overwrite: true);
        return Task.FromResult(target);
    }
}

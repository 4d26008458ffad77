using Recsys.Preparation;

namespace Recsys.Storage;

/// <summary>Where prepared datasets are published. Publishing is all-or-nothing: readers never see a partial one.</summary>
public interface IPreparedOutput
{
    /// <summary>Where the dataset with this hash lives, for messages.</summary>
    string Describe(string contentHash);

    /// <summary>A scratch folder on storage that <see cref="PublishAsync"/> can move cheaply.</summary>
    string CreateStagingFolder(string contentHash);

    /// <summary>The stats of an already published dataset with this hash, or null.</summary>
    Task<PrepareStats?> TryGetExistingAsync(string contentHash, CancellationToken cancellationToken = default);

    Task PublishAsync(string stagingFolder, string contentHash, CancellationToken cancellationToken = default);

    /// <summary>Keeps the quarantine report of a dataset that could not be prepared; returns where.</summary>
    Task<string> SaveRejectedAsync(string quarantineFile, string datasetName, string contentHash, CancellationToken cancellationToken = default);
}

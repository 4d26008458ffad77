using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Recsys.Storage;

namespace Recsys.Pipeline;

/// <summary>
/// Turns datasets dropped into <c>datasets/{name}/</c> into prepare messages: lists the folder, fingerprints it
/// (blob names, ETags and sizes), and sends one prepare message per new fingerprint, remembered by a marker blob
/// <c>pipeline/markers/{name}/{fingerprint}</c>, so a repeated scan or event never starts a second job. The drop
/// zone itself is never written to.
/// <para>
/// A drop is complete when its folder holds <see cref="ReadyFileName"/>, uploaded after every other file: then it
/// is prepared at once. In Azure that file is the only one whose BlobCreated event is delivered
/// (<see cref="RequireReadyFile"/>), so a half-uploaded folder never starts a job. Locally a folder without it is
/// also taken once it has not changed for <see cref="SettleTime"/>.
/// </para>
/// </summary>
public sealed class DatasetWatcher
{
    /// <summary>The file that marks a drop complete (any content, uploaded last).</summary>
    public const string ReadyFileName = "recsys-ready";

    private readonly PipelineStorage _storage;
    private readonly IPipelineSender _sender;
    private readonly ILogger _logger;

    /// <param name="sender">Where prepare messages go; by default the Storage Queues of <paramref name="storage"/>.</param>
    public DatasetWatcher(PipelineStorage storage, ILogger? logger = null, IPipelineSender? sender = null)
    {
        _storage = storage;
        _sender = sender ?? storage;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Without the ready file, a folder must be unchanged this long before it is prepared.</summary>
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Only folders with the ready file are complete (Azure); settling alone is not enough.</summary>
    public bool RequireReadyFile { get; init; }

    /// <summary>The job id of a dataset drop: its name and content fingerprint, so a re-scan maps to the same job.</summary>
    public static string JobId(string dataset, string fingerprint) => $"{(dataset.Length > 40 ? dataset[..40] : dataset)}-{fingerprint}";

    /// <summary>
    /// The job id the drop of <paramref name="dataset"/> gets from its current content: what the watcher assigns once
    /// the folder is complete, as long as nothing is added to it afterwards.
    /// </summary>
    public static async Task<string> JobIdOfDropAsync(BlobContainerClient datasets, string dataset, CancellationToken cancellationToken = default)
    {
        var blobs = new List<BlobItem>();
        await foreach (BlobItem blob in datasets.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{dataset}/" }, cancellationToken))
        {
            blobs.Add(blob);
        }

        return JobId(dataset, Fingerprint(blobs));
    }

    /// <summary>The jobs started so far for drops of <paramref name="dataset"/>, one per fingerprint.</summary>
    public static async Task<IReadOnlyList<string>> JobIdsAsync(PipelineStorage storage, string dataset, CancellationToken cancellationToken = default)
    {
        var jobs = new List<string>();
        BlobContainerClient markers = storage.Container(PipelineStorage.Markers);
        if (await markers.ExistsAsync(cancellationToken))
        {
            await foreach (BlobItem marker in markers.GetBlobsAsync(new GetBlobsOptions { Prefix = MarkerPrefix(dataset) }, cancellationToken))
            {
                jobs.Add(JobId(dataset, marker.Name[MarkerPrefix(dataset).Length..]));
            }
        }

        return jobs;
    }

    /// <summary>Sends prepare messages for new drops (of one dataset, or all); returns how many.</summary>
    public async Task<int> ScanAsync(string? dataset = null, CancellationToken cancellationToken = default)
    {
        BlobContainerClient datasets = _storage.Container(PipelineStorage.Datasets);
        if (!await datasets.ExistsAsync(cancellationToken))
        {
            return 0;
        }

        var folders = new SortedDictionary<string, List<BlobItem>>(StringComparer.Ordinal);
        await foreach (BlobItem blob in datasets.GetBlobsAsync(new GetBlobsOptions { Prefix = dataset is null ? null : $"{dataset}/" }, cancellationToken))
        {
            int slash = blob.Name.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0)
            {
                string name = blob.Name[..slash];
                (folders.TryGetValue(name, out var list) ? list : folders[name] = []).Add(blob);
            }
        }

        BlobContainerClient markers = _storage.Container(PipelineStorage.Markers);
        await markers.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        int sent = 0;
        foreach (var (name, blobs) in folders)
        {
            if (!Storage.ResourceName.IsValid(name))
            {
                PipelineLog.InvalidDatasetName(_logger, name);
                continue;
            }

            if (!IsComplete(name, blobs))
            {
                continue;
            }

            string fingerprint = Fingerprint(blobs);
            BlobClient marker = markers.GetBlobClient(MarkerPrefix(name) + fingerprint);
            if (await marker.ExistsAsync(cancellationToken))
            {
                continue;
            }

            // Send first, then mark: a crash in between sends the message again, which prepare absorbs.
            string jobId = JobId(name, fingerprint);
            await _sender.SendAsync(new PipelineMessage { Stage = PipelineStage.Prepare, JobId = jobId, Dataset = name }, cancellationToken);
            try
            {
                await marker.UploadAsync(BinaryData.FromString(jobId), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Another worker marked it at the same moment.
            }

            PipelineLog.NewDrop(_logger, name, jobId);
            sent++;
        }

        return sent;
    }

    private bool IsComplete(string name, List<BlobItem> blobs)
    {
        if (blobs.Any(b => b.Name == $"{name}/{ReadyFileName}"))
        {
            return true;
        }

        if (RequireReadyFile)
        {
            PipelineLog.DropNotReady(_logger, name, ReadyFileName);
            return false;
        }

        return blobs.Max(b => b.Properties.LastModified ?? DateTimeOffset.MinValue) <= DateTimeOffset.UtcNow - SettleTime;
    }

    /// <summary>Where the drop markers of <paramref name="dataset"/> sit in the markers container, one per job started.</summary>
    internal static string MarkerPrefix(string dataset) => $"markers/{dataset}/";

    private static string Fingerprint(IEnumerable<BlobItem> blobs)
    {
        var text = new StringBuilder();
        foreach (BlobItem blob in blobs.OrderBy(b => b.Name, StringComparer.Ordinal))
        {
            text.Append(blob.Name).Append('\n').Append(blob.Properties.ETag).Append('\n').Append(blob.Properties.ContentLength).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..12];
    }
}

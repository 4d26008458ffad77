using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Recsys.Serving.Feedback;

namespace Recsys.Pipeline;

/// <summary>
/// The scheduled retrain: on each tick (a Functions timer in Azure, <c>recsys worker --retrain-every</c> locally),
/// every dataset whose plan sets <c>prepare.events.retrainAfter</c> gets a new job once that many clicks and ratings
/// for its model have arrived since its last job. The job prepares the same dropped files with the events of the
/// plan's window merged in, so the prepared input, and the model trained on it, are new. A tick that starts a job
/// marks it in <c>pipeline/retrains/{dataset}/{time}</c>; the next tick counts from there.
/// </summary>
public sealed class RetrainScheduler
{
    private readonly PipelineStorage _storage;
    private readonly IPipelineSender _sender;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public RetrainScheduler(PipelineStorage storage, ILogger? logger = null, IPipelineSender? sender = null, TimeProvider? time = null)
    {
        _storage = storage;
        _sender = sender ?? storage;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>One tick: starts the retrains that are due; returns their job ids.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken cancellationToken = default)
    {
        BlobContainerClient datasets = _storage.Container(PipelineStorage.Datasets);
        BlobContainerClient markers = _storage.Container(PipelineStorage.Markers);
        if (!await datasets.ExistsAsync(cancellationToken) || !await markers.ExistsAsync(cancellationToken))
        {
            return [];
        }

        var started = new List<string>();
        await foreach (BlobHierarchyItem folder in datasets.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", null, cancellationToken))
        {
            string dataset = folder.Prefix?.TrimEnd('/') ?? string.Empty;
            if (!folder.IsPrefix || !Storage.ResourceName.IsValid(dataset)
                || await ReadPlanAsync(datasets, dataset, cancellationToken) is not { Prepare.Events.RetrainAfter: { } threshold } plan)
            {
                continue;
            }

            // Only a drop the watcher has taken is retrained: its first job is the start of the count.
            DateTimeOffset? last = await LastJobAsync(markers, dataset, cancellationToken);
            if (last is null)
            {
                continue;
            }

            DateTimeOffset now = _time.GetUtcNow();
            string model = plan.Model ?? dataset;
            long fresh = NewFeedback(model, (await EventLog.ReadAsync(_storage.Container(FeedbackSink.ContainerName), last.Value, now, cancellationToken)).Events, last.Value);
            if (fresh < threshold)
            {
                PipelineLog.RetrainNotDue(_logger, dataset, fresh, threshold);
                continue;
            }

            string stamp = now.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture);
            string jobId = $"{await DatasetWatcher.JobIdOfDropAsync(datasets, dataset, cancellationToken)}-r{stamp}";
            // Send first, then mark, as the watcher does: a crash in between retrains twice rather than never.
            await _sender.SendAsync(new PipelineMessage { Stage = PipelineStage.Prepare, JobId = jobId, Dataset = dataset }, cancellationToken);
            try
            {
                await markers.GetBlobClient($"{RetrainPrefix(dataset)}{stamp}").UploadAsync(
                    BinaryData.FromString(jobId), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Another tick marked the same second.
            }

            PipelineLog.RetrainStarted(_logger, dataset, jobId, fresh);
            started.Add(jobId);
        }

        return started;
    }

    /// <summary>The clicks and ratings on <paramref name="model"/>'s lists (by their own model or their request id's list) since <paramref name="since"/>.</summary>
    public static long NewFeedback(string model, IReadOnlyList<FeedbackEvent> events, DateTimeOffset since)
    {
        Dictionary<string, string?> listModels = EventLog.ServedModels(events);
        return events.LongCount(e => e.Type is "click" or "rating" && e.Timestamp > since
            && (e.Model ?? (e.RequestId is { } id ? listModels.GetValueOrDefault(id) : null)) == model);
    }

    private const string StampFormat = "yyyyMMddHHmmssfff";

    private static string RetrainPrefix(string dataset) => $"retrains/{dataset}/";

    /// <summary>When the dataset's newest job started: its drop's marker or its last retrain's; null before its drop was taken.</summary>
    private static async Task<DateTimeOffset?> LastJobAsync(BlobContainerClient markers, string dataset, CancellationToken cancellationToken)
    {
        DateTimeOffset? last = null;
        void Later(DateTimeOffset? time) => last = time > last || last is null ? time : last;
        await foreach (BlobItem marker in markers.GetBlobsAsync(new GetBlobsOptions { Prefix = DatasetWatcher.MarkerPrefix(dataset) }, cancellationToken))
        {
            Later(marker.Properties.CreatedOn ?? marker.Properties.LastModified);
        }

        // A retrain's marker is named by the time it counted up to, to the millisecond (blob times have whole seconds).
        await foreach (BlobItem marker in markers.GetBlobsAsync(new GetBlobsOptions { Prefix = RetrainPrefix(dataset) }, cancellationToken))
        {
            if (DateTime.TryParseExact(marker.Name[RetrainPrefix(dataset).Length..], StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime time))
            {
                Later(new DateTimeOffset(time, TimeSpan.Zero));
            }
        }

        return last;
    }

    /// <summary>The dataset's plan; null without one, or when it cannot be read (the job itself reports that).</summary>
    private static async Task<TrainingPlan?> ReadPlanAsync(BlobContainerClient datasets, string dataset, CancellationToken cancellationToken)
    {
        try
        {
            return await TrainingPlan.ReadAsync(datasets, dataset, cancellationToken);
        }
        catch (Exception ex) when (ex is Data.DatasetException or JsonException)
        {
            return null;
        }
    }
}

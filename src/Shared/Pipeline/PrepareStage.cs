using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Recsys.Data;
using Recsys.Preparation;
using Recsys.Storage;
using Recsys.Text;

namespace Recsys.Pipeline;

/// <summary>
/// Prepare: downloads <c>datasets/{name}/</c> (only ever read), prepares it into
/// <c>prepared/{name}/{contentHash}/</c> (reused when identical), and fans out one train message per model in
/// the dataset's training plan. A bad dataset fails the job with the reason and the quarantine report.
/// </summary>
public sealed class PrepareStage : IPipelineStage
{
    public const string StageKey = "prepare";

    private readonly PipelineStorage _storage;
    private readonly TrainableArchitectures? _trainable;

    /// <param name="trainable">
    /// The architectures the train stage knows; a plan naming another fails here, before prepare runs. A plan naming
    /// one that reads item text gets the item text vectors encoded here, once, beside the prepared dataset.
    /// </param>
    public PrepareStage(PipelineStorage storage, TrainableArchitectures? trainable = null)
    {
        _storage = storage;
        _trainable = trainable;
    }

    public PipelineStage Stage => PipelineStage.Prepare;

    public async Task<IReadOnlyList<PipelineMessage>> HandleAsync(PipelineMessage message, CancellationToken cancellationToken)
    {
        StageRecord? done = await _storage.Jobs.GetStageAsync(message.JobId, StageKey, cancellationToken);
        if (done?.Status == JobStatus.Failed)
        {
            return [];
        }

        TrainingPlan plan = await ReadPlanAsync(message, cancellationToken);
        if (done?.Status == JobStatus.Completed && done.Details?.GetValueOrDefault("contentHash") is { ValueKind: JsonValueKind.String } hash)
        {
            return FanOut(message, plan, hash.GetString()!);
        }

        await _storage.Jobs.StartAsync(message.JobId, StageKey, message.Attempt, cancellationToken);
        string temp = Path.Combine(Path.GetTempPath(), $"recsys-prepare-{Guid.NewGuid():N}");
        try
        {
            BlobContainerClient datasets = _storage.Container(PipelineStorage.Datasets);
            string folder = Path.Combine(temp, message.Dataset);
            string local = await BlobDatasetDownloader.DownloadAsync(datasets, message.Dataset, folder, cancellationToken);
            foreach (string control in (string[])[TrainingPlan.FileName, DatasetWatcher.ReadyFileName])
            {
                // The plan and the ready file are not data; the folder is prepared without them.
                if (File.Exists(Path.Combine(folder, control)))
                {
                    File.Delete(Path.Combine(folder, control));
                    local = folder;
                }
            }

            PrepareOptions options = (plan.Prepare ?? new PlannedPreparation()).ToOptions(local, message.Dataset);
            if (options.ItemsFile is { } items)
            {
                // Item metadata sits beside the ratings in the drop; moved aside so the folder has one data file.
                string aside = Path.Combine(temp, "items", Path.GetFileName(items));
                Directory.CreateDirectory(Path.GetDirectoryName(aside)!);
                File.Move(File.Exists(items) ? items : throw new DatasetException($"prepare.items: datasets/{message.Dataset}/{Path.GetFileName(items)} was not dropped."), aside);
                options = options with { Dataset = folder, ItemsFile = aside };
            }

            if (plan.Prepare?.Events is { } planned)
            {
                DateTimeOffset since = DateTimeOffset.UtcNow.AddDays(-planned.Days);
                options = options with
                {
                    Events = await DownloadEventsAsync(since, Path.Combine(temp, "events"), cancellationToken),
                    EventsModel = plan.Model ?? message.Dataset,
                    EventsSince = since,
                    ClickRating = planned.ClickRating,
                    ImpressionNegatives = planned.Negatives,
                };
            }

            var output = new BlobPreparedOutput(_storage.Container(PipelineStorage.Prepared), message.Dataset);
            PrepareResult result = await DatasetPreparer.PrepareAsync(options, output, cancellationToken: cancellationToken);
            TextVectorInfo? text = await EncodeTextAsync(message with { ContentHash = result.ContentHash }, plan, Path.Combine(temp, "prepared"), cancellationToken);
            await _storage.Jobs.CompleteAsync(message.JobId, StageKey, new Dictionary<string, object>
            {
                ["contentHash"] = result.ContentHash,
                ["reused"] = result.Reused,
                ["interactions"] = result.Stats.Interactions,
                ["users"] = result.Stats.Users,
                ["items"] = result.Stats.Items,
                ["rejected"] = result.Stats.Rows.Rejected,
                ["models"] = plan.Models.Select(m => m.Architecture).ToArray(),
                ["itemsWithText"] = text?.ItemsWithText ?? 0,
                ["feedbackEvents"] = result.Stats.FeedbackEvents,
            }, cancellationToken);
            return FanOut(message, plan, result.ContentHash);
        }
        catch (Exception ex) when (ex is DatasetException or InvalidDataException)
        {
            await _storage.Jobs.FailAsync(message.JobId, StageKey, ex.Message, cancellationToken: cancellationToken);
            throw new PermanentStageException(ex.Message, ex);
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }

    /// <summary>The feedback event files the rank API wrote from <paramref name="since"/>'s day on, into <paramref name="folder"/> (empty when there are none).</summary>
    private async Task<string> DownloadEventsAsync(DateTimeOffset since, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        BlobContainerClient events = _storage.Container(Serving.Feedback.FeedbackSink.ContainerName);
        await foreach (string name in Serving.Feedback.EventLog.BlobNamesAsync(events, since, DateTimeOffset.UtcNow, cancellationToken))
        {
            if (name.Contains("..", StringComparison.Ordinal) || !name.EndsWith(".jsonl", StringComparison.Ordinal))
            {
                continue; // not a file the sink writes
            }

            string local = Path.Combine(folder, name.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await events.GetBlobClient(name).DownloadToAsync(local, cancellationToken);
        }

        return folder;
    }

    /// <summary>
    /// Encodes the items' text into <c>prepared/{name}/{contentHash}/</c> when the plan names a model that reads it
    /// and the vectors there are missing or from another encoder version; the info file is uploaded last, so its
    /// presence means the vectors are whole. The machine's vector cache means a second job encodes nothing.
    /// </summary>
    private async Task<TextVectorInfo?> EncodeTextAsync(PipelineMessage prepared, TrainingPlan plan, string folder, CancellationToken cancellationToken)
    {
        string[] readers = [.. plan.Models.Select(m => m.Architecture).Where(a => _trainable?.ReadText.Contains(a, StringComparer.OrdinalIgnoreCase) == true)];
        if (readers.Length == 0)
        {
            return null;
        }

        BlobContainerClient container = _storage.Container(PipelineStorage.Prepared);
        string prefix = $"{prepared.Dataset}/{prepared.ContentHash}";
        BlobClient infoBlob = container.GetBlobClient($"{prefix}/{ItemTextVectors.InfoFile}");
        if (await infoBlob.ExistsAsync(cancellationToken)
            && TextVectorInfo.FromJson((await infoBlob.DownloadContentAsync(cancellationToken)).Value.Content.ToString()) is { } stored
            && stored.MadeBy(MiniLmEncoder.ModelName, MiniLmEncoder.CurrentVersion))
        {
            return stored;
        }

        await _storage.Jobs.ProgressAsync(prepared.JobId, StageKey, $"encoding item text for {string.Join(", ", readers)}", cancellationToken);
        string local = await _storage.DownloadPreparedAsync(prepared, folder, cancellationToken);
        TextVectorInfo info;
        using (var encoder = new MiniLmEncoder())
        {
            info = await ItemTextVectors.BuildAsync(local, encoder, ItemTextVectors.DefaultCache, cancellationToken: cancellationToken)
                ?? throw new DatasetException(
                    $"The plan names {string.Join(", ", readers)}, which read item text, and no item of datasets/{prepared.Dataset} has any (titles, genres, tags or prepare.items).");
        }

        foreach (string file in (string[])[ItemTextVectors.VectorsFile, ItemTextVectors.UserVectorsFile, ItemTextVectors.InfoFile])
        {
            if (!File.Exists(Path.Combine(local, file)))
            {
                continue; // no user-written text
            }

            await container.GetBlobClient($"{prefix}/{file}").UploadAsync(Path.Combine(local, file), overwrite: true, cancellationToken);
        }

        return info;
    }

    private async Task<TrainingPlan> ReadPlanAsync(PipelineMessage message, CancellationToken cancellationToken)
    {
        try
        {
            TrainingPlan plan = await TrainingPlan.ReadAsync(_storage.Container(PipelineStorage.Datasets), message.Dataset, cancellationToken) ?? TrainingPlan.Default;

            if (_trainable is not null)
            {
                plan.RequireTrainable(_trainable.Names);
            }

            return plan;
        }
        catch (Exception ex) when (ex is DatasetException or JsonException)
        {
            await _storage.Jobs.FailAsync(message.JobId, StageKey, $"{TrainingPlan.FileName}: {ex.Message}", cancellationToken: cancellationToken);
            throw new PermanentStageException(ex.Message, ex);
        }
    }

    private static PipelineMessage[] FanOut(PipelineMessage message, TrainingPlan plan, string contentHash) =>
    [
        .. plan.Models.Select(model => message with
        {
            Stage = PipelineStage.Train,
            ContentHash = contentHash,
            Model = plan.Model ?? message.Dataset,
            Training = model,
            Attempt = 1,
        }),
    ];
}

using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Recsys.Data;
using Recsys.Preparation;
using Recsys.Storage;

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
    private readonly IReadOnlyCollection<string>? _trainable;

    /// <param name="trainable">The architectures the train stage knows; a plan naming another fails here, before prepare runs.</param>
    public PrepareStage(PipelineStorage storage, IReadOnlyCollection<string>? trainable = null)
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

            var output = new BlobPreparedOutput(_storage.Container(PipelineStorage.Prepared), message.Dataset);
            PrepareResult result = await DatasetPreparer.PrepareAsync(options, output, cancellationToken: cancellationToken);
            await _storage.Jobs.CompleteAsync(message.JobId, StageKey, new Dictionary<string, object>
            {
                ["contentHash"] = result.ContentHash,
                ["reused"] = result.Reused,
                ["interactions"] = result.Stats.Interactions,
                ["users"] = result.Stats.Users,
                ["items"] = result.Stats.Items,
                ["rejected"] = result.Stats.Rows.Rejected,
                ["models"] = plan.Models.Select(m => m.Architecture).ToArray(),
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

    private async Task<TrainingPlan> ReadPlanAsync(PipelineMessage message, CancellationToken cancellationToken)
    {
        try
        {
            TrainingPlan plan;
            try
            {
                var content = await _storage.Container(PipelineStorage.Datasets).GetBlobClient($"{message.Dataset}/{TrainingPlan.FileName}").DownloadContentAsync(cancellationToken);
                plan = TrainingPlan.FromJson(content.Value.Content.ToString());
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                plan = TrainingPlan.Default;
            }

            if (_trainable is not null)
            {
                plan.RequireTrainable(_trainable);
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

using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Recsys.Models;
using Recsys.Pipeline;
using Recsys.Preparation;
using Recsys.Storage;
using Recsys.Training.Models;
using Recsys.Training.Trainer;

namespace Recsys.Training.Pipeline;

/// <summary>
/// Train: fits one planned model on the prepared dataset, checkpointing every epoch to
/// <c>checkpoints/{jobId}/{architecture}/</c> so a redelivered message resumes where the last attempt stopped,
/// publishes the exported package as version <c>{architecture}-{job hash}</c> (the same name on every attempt,
/// so a rerun can never create a second version) and asks for its evaluation.
/// </summary>
public sealed class TrainStage : IPipelineStage
{
    private readonly PipelineStorage _storage;
    private readonly Func<string, TrainingOptions, TrainingOptions> _adjust;
    private readonly Action<PipelineMessage, EpochReport>? _onEpoch;

    /// <param name="adjust">Last say over the training options (tests use small settings).</param>
    /// <param name="onEpoch">Called after each epoch (after its checkpoint is stored), e.g. to show progress.</param>
    public TrainStage(PipelineStorage storage, Func<string, TrainingOptions, TrainingOptions>? adjust = null, Action<PipelineMessage, EpochReport>? onEpoch = null)
    {
        _storage = storage;
        _adjust = adjust ?? ((_, options) => options);
        _onEpoch = onEpoch;
    }

    public PipelineStage Stage => PipelineStage.Train;

    public static string StageKey(string architecture) => $"train-{architecture}";

    public static string VersionFor(string jobId, string architecture) =>
        $"{architecture}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(jobId)))[..12]}";

    public async Task<IReadOnlyList<PipelineMessage>> HandleAsync(PipelineMessage message, CancellationToken cancellationToken)
    {
        PlannedModel planned = message.Training ?? throw new PermanentStageException("A train message names no model.");
        string model = message.Model ?? message.Dataset;
        string key = StageKey(planned.Architecture);
        string version = VersionFor(message.JobId, planned.Architecture);
        PipelineMessage evaluate = message with { Stage = PipelineStage.Evaluate, Model = model, Version = version, Attempt = 1 };
        StageRecord? record = await _storage.Jobs.GetStageAsync(message.JobId, key, cancellationToken);
        if (record?.Status == JobStatus.Failed)
        {
            return [];
        }

        if (record?.Status == JobStatus.Completed || await _storage.Registry.HasVersionAsync(model, version, cancellationToken))
        {
            return [evaluate];
        }

        if (!NeuralModels.Exportable.Contains(planned.Architecture, StringComparer.OrdinalIgnoreCase))
        {
            string reason = $"Unknown model '{planned.Architecture}'; trainable: {string.Join(", ", NeuralModels.Exportable)}.";
            await _storage.Jobs.FailAsync(message.JobId, key, reason, cancellationToken: cancellationToken);
            throw new PermanentStageException(reason);
        }

        await _storage.Jobs.StartAsync(message.JobId, key, message.Attempt, cancellationToken);
        string temp = Path.Combine(Path.GetTempPath(), $"recsys-train-{Guid.NewGuid():N}");
        try
        {
            string prepared = await _storage.DownloadPreparedAsync(message, Path.Combine(temp, "prepared"), cancellationToken);
            string output = Path.Combine(temp, "model");
            string checkpoints = Path.Combine(output, TrainingRun.CheckpointsFolder);
            var remote = new CheckpointMirror(_storage.Container(PipelineStorage.Checkpoints), $"{message.JobId}/{planned.Architecture}");
            bool resume = await remote.RestoreAsync(checkpoints, cancellationToken);

            TrainingOptions defaults = NeuralDefaults.For(planned.Architecture);
            TrainingOptions options = _adjust(planned.Architecture, defaults with { Epochs = planned.Epochs ?? defaults.Epochs, Resume = resume });
            TrainResult result = await TrainingRun.TrainAsync(
                new TrainRequest
                {
                    Dataset = new PrepareOptions { Dataset = prepared, Name = message.Dataset },
                    Model = planned.Architecture,
                    Output = output,
                    Training = options,
                    ModelName = model,
                    Version = version,
                },
                new SynchronousProgress(epoch =>
                {
                    remote.Save(checkpoints, cancellationToken);
                    _storage.Jobs.ProgressAsync(message.JobId, key, $"epoch {epoch.Epoch}/{epoch.Epochs}, loss {epoch.Loss:0.0000}, validation nDCG@10 {epoch.ValidationMetric:0.0000}", cancellationToken)
                        .GetAwaiter().GetResult();
                    _onEpoch?.Invoke(message, epoch);
                }),
                cancellationToken);

            // Checkpoints are not part of the model package.
            Directory.Delete(checkpoints, recursive: true);
            try
            {
                await _storage.Registry.PublishAsync(model, output, cancellationToken);
            }
            catch (Serving.ProblemException ex) when (ex.Type == Serving.ProblemTypes.VersionExists)
            {
                // Published by an earlier attempt that died before recording it: same version, nothing to do.
            }

            await _storage.Jobs.CompleteAsync(message.JobId, key, new Dictionary<string, object>
            {
                ["version"] = version,
                ["epochs"] = result.Outcome.EpochsRun,
                ["bestEpoch"] = result.Outcome.BestEpoch,
                ["validationNdcg@10"] = result.Outcome.BestValidationMetric,
                ["resumed"] = result.Outcome.Resumed,
            }, cancellationToken);
            return [evaluate];
        }
        catch (Exception ex) when (ex is Data.DatasetException or InvalidDataException)
        {
            await _storage.Jobs.FailAsync(message.JobId, key, ex.Message, cancellationToken: cancellationToken);
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

    /// <summary>Reports synchronously on the training thread, so the checkpoint is uploaded before the next epoch starts.</summary>
    private sealed class SynchronousProgress(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }

    /// <summary>The local checkpoint folder mirrored to Blob Storage.</summary>
    private sealed class CheckpointMirror(BlobContainerClient container, string prefix)
    {
        public async Task<bool> RestoreAsync(string folder, CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(folder);
            try
            {
                await container.GetBlobClient($"{prefix}/{Checkpoint.FileName}").DownloadToAsync(Path.Combine(folder, Checkpoint.FileName), cancellationToken);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                File.Delete(Path.Combine(folder, Checkpoint.FileName));
                return false;
            }
        }

        public void Save(string folder, CancellationToken cancellationToken)
        {
            string file = Path.Combine(folder, Checkpoint.FileName);
            if (File.Exists(file))
            {
                container.CreateIfNotExists(cancellationToken: cancellationToken);
                container.GetBlobClient($"{prefix}/{Checkpoint.FileName}").Upload(file, overwrite: true, cancellationToken);
            }
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Azure;
using Azure.Storage.Blobs;
using Recsys.Models;
using Recsys.Pipeline;
using Recsys.Preparation;
using Recsys.Serving.Runtime;
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
            // The training thread only hands each epoch over; uploading its checkpoint and recording its progress
            // happen asynchronously, so a slow or unreachable store never stalls training (nor blocks a thread on I/O).
            var epochs = new EpochUploads(remote, checkpoints, (epoch, ct) => _storage.Jobs.ProgressAsync(
                message.JobId, key, $"epoch {epoch.Epoch}/{epoch.Epochs}, loss {epoch.Loss:0.0000}, validation nDCG@10 {epoch.ValidationMetric:0.0000}", ct));
            Task uploading = epochs.RunAsync(cancellationToken);
            TrainResult result;
            try
            {
                result = await TrainingRun.TrainAsync(
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
                        epochs.Add(epoch);
                        _onEpoch?.Invoke(message, epoch);
                    }),
                    cancellationToken);
            }
            finally
            {
                epochs.Complete();
            }

            await uploading; // the last epoch's checkpoint and progress are stored before the stage moves on

            // Checkpoints are not part of the model package (a closed-form model writes none).
            if (Directory.Exists(checkpoints))
            {
                Directory.Delete(checkpoints, recursive: true);
            }
            try
            {
                await _storage.Registry.PublishAsync(model, output, cancellationToken);
            }
            catch (VersionExistsException)
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

    /// <summary>Reports on the training thread, in epoch order (Progress&lt;T&gt; would post to the thread pool and reorder).</summary>
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

        public async Task SaveAsync(string folder, CancellationToken cancellationToken)
        {
            string file = Path.Combine(folder, Checkpoint.FileName);
            if (File.Exists(file))
            {
                // Opened before the upload: the next epoch's checkpoint replaces the file by a rename, never in place.
                await using FileStream stream = File.OpenRead(file);
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await container.GetBlobClient($"{prefix}/{Checkpoint.FileName}").UploadAsync(stream, overwrite: true, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Stores each epoch's checkpoint and progress off the training thread. Only the latest epoch matters (a
    /// checkpoint replaces the one before), so epochs that arrive while a store is in flight are coalesced. A store
    /// that fails is not retried on its own: the next epoch stores a newer checkpoint, and the last one is
    /// awaited, so a stage never completes with a stale checkpoint unnoticed.
    /// </summary>
    private sealed class EpochUploads(CheckpointMirror remote, string checkpoints, Func<EpochReport, CancellationToken, Task> recordProgress)
    {
        private readonly Channel<EpochReport> _epochs = Channel.CreateUnbounded<EpochReport>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        public void Add(EpochReport epoch) => _epochs.Writer.TryWrite(epoch);

        public void Complete() => _epochs.Writer.TryComplete();

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            Exception? last = null;
            while (await _epochs.Reader.WaitToReadAsync(cancellationToken))
            {
                EpochReport latest = default!;
                while (_epochs.Reader.TryRead(out EpochReport? epoch))
                {
                    latest = epoch;
                }

                try
                {
                    await remote.SaveAsync(checkpoints, cancellationToken);
                    await recordProgress(latest, cancellationToken);
                    last = null;
                }
                catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or AggregateException or IOException)
                {
                    last = ex; // storage is unreachable now; training goes on and the next epoch tries again
                }
            }

            if (last is not null)
            {
                throw last;
            }
        }
    }
}

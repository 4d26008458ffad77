using System.Diagnostics;
using System.Text;
using Azure.Storage.Blobs;
using Recsys.Pipeline;
using Recsys.Serving;
using Recsys.Testing;
using Recsys.Training.Pipeline;
using Xunit;

namespace Recsys.Cli.Tests;

/// <summary>
/// The worker as a real process, killed (SIGKILL) in the middle of training and started again: the job still
/// completes, training resumes from its blob checkpoint, and exactly one model version exists.
/// </summary>
public sealed class WorkerProcessTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _azurite.InitializeAsync();

    public ValueTask DisposeAsync() => _azurite.DisposeAsync();

    private Process StartWorker(StringBuilder log)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "recsys.dll"), "worker", "--once", "--settle-seconds", "0", "--poll-seconds", "0.2", "--lease-seconds", "6", "--connection-string", _azurite.ConnectionString })
        {
            start.ArgumentList.Add(arg);
        }

        Process process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    [Fact]
    public async Task Worker_KilledMidTraining_ResumesOnRestart_AndTheJobCompletesWithOneVersion()
    {
        PipelineStorage storage = PipelineStorage.FromConnectionString(_azurite.ConnectionString);
        BlobContainerClient datasets = storage.Container(PipelineStorage.Datasets);
        await datasets.CreateIfNotExistsAsync(cancellationToken: Ct);
        await datasets.UploadBlobAsync("shop/ratings.csv", BinaryData.FromBytes(await File.ReadAllBytesAsync(Path.Combine(TestData.SampleMovieLensLatest, "ratings.csv"), Ct)), Ct);
        await datasets.UploadBlobAsync($"shop/{TrainingPlan.FileName}", BinaryData.FromString("""{ "model": "shop", "models": [ { "architecture": "bpr", "epochs": 40 } ] }"""), Ct);

        // First worker: kill it once the first epoch's checkpoint is in Blob Storage.
        var log = new StringBuilder();
        using (Process first = StartWorker(log))
        {
            BlobContainerClient checkpoints = storage.Container(PipelineStorage.Checkpoints);
            var waited = Stopwatch.StartNew();
            while (!await AnyBlobAsync(checkpoints))
            {
                Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), $"no checkpoint appeared; worker said:\n{log}");
                Assert.False(first.HasExited, $"the worker ended before training; it said:\n{log}");
                await Task.Delay(100, Ct);
            }

            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync(Ct);
        }

        // The train message is still queued, invisible until its lease (6 s) runs out.
        Assert.Equal(1, (await storage.Queue(PipelineStage.Train).GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);

        // Second worker: takes the message again once the lease has run out, resumes and finishes.
        using (Process second = StartWorker(log))
        {
            Assert.True(second.WaitForExit(TimeSpan.FromMinutes(5)), $"the restarted worker did not finish; it said:\n{log}");
            Assert.True(second.ExitCode == 0, log.ToString());
        }

        JobView job = (await storage.Jobs.GetAsync(Assert.Single(await DatasetWatcher.JobIdsAsync(storage, "shop", Ct)), Ct))!;
        Assert.Equal(JobStatus.Completed, job.Status);
        StageRecord training = job.Stages.Single(s => s.Stage == TrainStage.StageKey("bpr"));
        Assert.True(training.Details!["resumed"].GetBoolean());
        Assert.True(training.Attempt >= 2);
        ModelEntry shop = (await storage.Registry.GetModelAsync("shop", Ct))!;
        Assert.Equal([TrainStage.VersionFor(job.JobId, "bpr")], shop.Versions);
        Assert.Equal(shop.Versions[0], shop.Aliases["champion"]);
    }

    private static async Task<bool> AnyBlobAsync(BlobContainerClient container)
    {
        if (!await container.ExistsAsync(Ct))
        {
            return false;
        }

        await foreach (var _ in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions(), Ct))
        {
            return true;
        }

        return false;
    }
}

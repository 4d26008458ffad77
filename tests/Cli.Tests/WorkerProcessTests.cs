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
/// The worker as a real process, killed (SIGKILL) in the middle of a stage and started again: the job still
/// completes, training resumes from its blob checkpoint, exactly one model version exists, nothing half-written
/// is visible and the dataset is untouched.
/// </summary>
public sealed class WorkerProcessTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = AzuriteFixture.Persistent();
    private readonly List<Process> _started = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _azurite.InitializeAsync();

    /// <summary>Whatever a test did or failed, no worker it started outlives it.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (Process process in _started)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None);
                }
            }
            catch (InvalidOperationException)
            {
                // never started or already reaped
            }

            process.Dispose();
        }

        await _azurite.DisposeAsync();
    }

    private Process StartWorker(StringBuilder log, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "recsys.dll"), "worker", "--once", "--settle-seconds", "0", "--poll-seconds", "0.2", "--lease-seconds", "6", "--connection-string", _azurite.ConnectionString }.Concat(extra))
        {
            start.ArgumentList.Add(arg);
        }

        Process process = Process.Start(start)!;
        _started.Add(process);
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    [Fact]
    public async Task Worker_KilledMidTraining_ResumesOnRestart_AndTheJobCompletesWithOneVersion()
    {
        (PipelineStorage storage, _) = await DropShopAsync(epochs: 40);

        // First worker: kill it once the first epoch's checkpoint is in Blob Storage.
        var log = new StringBuilder();
        Process first = StartWorker(log);
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
        Process second = StartWorker(log);
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

    [Fact]
    public async Task Worker_KilledMidPrepare_MidTraining_AndMidEvaluation_StillCompletesTheJobOnce()
    {
        (PipelineStorage storage, BlobContainerClient datasets) = await DropShopAsync(epochs: 3);
        Dictionary<string, BlobState> datasetBefore = await BlobNames.SnapshotAsync(datasets, cancellationToken: Ct);

        var log = new StringBuilder();
        foreach (Func<string, bool> stage in new Func<string, bool>[]
        {
            key => key == PrepareStage.StageKey,
            key => key == TrainStage.StageKey("bpr"),
            key => key.StartsWith("evaluate-", StringComparison.Ordinal),
        })
        {
            Process worker = StartWorker(log);
            StageRecord running = await WaitForRunningStageAsync(storage, stage, worker, log);
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync(Ct);

            // Killed mid-stage: its record still says running, so the next worker has to finish it.
            StageRecord after = (await storage.Jobs.GetStageAsync(Assert.Single(await DatasetWatcher.JobIdsAsync(storage, "shop", Ct)), running.Stage, Ct))!;
            Assert.True(after.Status == JobStatus.Running, $"{running.Stage} finished before the kill; the worker said:\n{log}");
        }

        Process last = StartWorker(log);
        {
            Assert.True(last.WaitForExit(TimeSpan.FromMinutes(5)), $"the restarted worker did not finish; it said:\n{log}");
            Assert.True(last.ExitCode == 0, log.ToString());
        }

        JobView job = (await storage.Jobs.GetAsync(Assert.Single(await DatasetWatcher.JobIdsAsync(storage, "shop", Ct)), Ct))!;
        Assert.True(job.Status == JobStatus.Completed, string.Join("; ", job.Stages.Select(s => $"{s.Stage} {s.Status} {s.Error}")));
        Assert.All(job.Stages, s => Assert.True(s.Attempt >= 2, $"{s.Stage} ran once; it was meant to be interrupted"));

        ModelEntry shop = (await storage.Registry.GetModelAsync("shop", Ct))!;
        Assert.Equal([TrainStage.VersionFor(job.JobId, "bpr")], shop.Versions);
        Assert.Equal(shop.Versions[0], shop.Aliases["champion"]);

        // One prepared copy, complete (its stats.json is written last), and no staging or temporary blobs anywhere.
        List<string> prepared = await BlobNames.ListAsync(storage.Container(PipelineStorage.Prepared), cancellationToken: Ct);
        string[] hashes = prepared.Select(k => k.Split('/')[1]).Distinct().ToArray();
        Assert.Single(hashes);
        Assert.Contains(prepared, k => k.EndsWith("/stats.json", StringComparison.Ordinal));
        Assert.Equal(datasetBefore, await BlobNames.SnapshotAsync(datasets, cancellationToken: Ct));
    }

    [Fact]
    public async Task StorageStoppedMidTraining_AndRestarted_TheJobStillCompletesOnce()
    {
        (PipelineStorage storage, BlobContainerClient datasets) = await DropShopAsync(epochs: 10);
        Dictionary<string, BlobState> datasetBefore = await BlobNames.SnapshotAsync(datasets, cancellationToken: Ct);

        var log = new StringBuilder();
        Process worker = StartWorker(log);
        await WaitForRunningStageAsync(storage, key => key == TrainStage.StageKey("bpr"), worker, log);
        await _azurite.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(12), Ct); // longer than the storage client's own retries (about 6 s)
        await _azurite.RestartAsync();

        Assert.True(worker.WaitForExit(TimeSpan.FromMinutes(5)), $"the worker did not finish; it said:\n{log}");
        TestContext.Current.TestOutputHelper?.WriteLine($"first worker exit code {worker.ExitCode}; it said:\n{log}");
        if (worker.ExitCode != 0)
        {
            // A worker may give up while storage is gone; the queue still holds its message for the next one.
            worker = StartWorker(log);
            Assert.True(worker.WaitForExit(TimeSpan.FromMinutes(5)), $"the restarted worker did not finish; it said:\n{log}");
        }

        Assert.True(worker.ExitCode == 0, log.ToString());

        JobView job = (await storage.Jobs.GetAsync(Assert.Single(await DatasetWatcher.JobIdsAsync(storage, "shop", Ct)), Ct))!;
        Assert.True(job.Status == JobStatus.Completed, string.Join("; ", job.Stages.Select(s => $"{s.Stage} {s.Status} {s.Error}")));
        ModelEntry shop = (await storage.Registry.GetModelAsync("shop", Ct))!;
        Assert.Equal([TrainStage.VersionFor(job.JobId, "bpr")], shop.Versions);
        Assert.Equal(shop.Versions[0], shop.Aliases["champion"]);
        Assert.Equal(datasetBefore, await BlobNames.SnapshotAsync(datasets, cancellationToken: Ct));
    }

    [Fact]
    public async Task AStageStuckPastItsTimeLimit_IsDeadLettered_AndTheWorkerExitsToBeRestarted()
    {
        // A Parquet file (found by fuzzing) whose footer sends the Parquet library into an endless loop that
        // ignores cancellation: the one kind of hang only a time limit and a process restart can end.
        (PipelineStorage storage, BlobContainerClient datasets) = await DropAsync(
            ("stuck/ratings.parquet", BinaryData.FromBytes(await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Data", "parquet-footer-loop.parquet"), Ct))));
        Dictionary<string, BlobState> datasetBefore = await BlobNames.SnapshotAsync(datasets, cancellationToken: Ct);

        var log = new StringBuilder();
        Process worker = StartWorker(log, "--stage-timeout-minutes", "0.05");
        {
            Assert.True(worker.WaitForExit(TimeSpan.FromMinutes(2)), $"the worker did not give up on the stuck stage; it said:\n{log}");
            Assert.True(worker.ExitCode == 1, $"exit code {worker.ExitCode}; it said:\n{log}");
        }

        Assert.Contains("StageTimeoutException: the prepare stage did not finish within its time limit", log.ToString(), StringComparison.Ordinal);
        JobView job = (await storage.Jobs.GetAsync(Assert.Single(await DatasetWatcher.JobIdsAsync(storage, "stuck", Ct)), Ct))!;
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Contains(job.Stages, s => s.Status == JobStatus.Failed && s.Error!.Contains("time limit", StringComparison.Ordinal));
        Assert.Equal(1, (await storage.PoisonQueue(PipelineStage.Prepare).GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        Assert.Equal(0, (await storage.Queue(PipelineStage.Prepare).GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        Assert.Equal(datasetBefore, await BlobNames.SnapshotAsync(datasets, cancellationToken: Ct));

        // The restarted worker finds nothing left to do: the stuck message does not come back.
        Process restarted = StartWorker(log);
        {
            Assert.True(restarted.WaitForExit(TimeSpan.FromMinutes(1)) && restarted.ExitCode == 0, log.ToString());
        }
    }

    /// <summary>The bundled ratings dropped as dataset <c>shop</c>, with a plan that trains bpr for <paramref name="epochs"/>.</summary>
    private async Task<(PipelineStorage Storage, BlobContainerClient Datasets)> DropShopAsync(int epochs) => await DropAsync(
        ("shop/ratings.csv", BinaryData.FromBytes(await File.ReadAllBytesAsync(Path.Combine(TestData.SampleMovieLensLatest, "ratings.csv"), Ct))),
        ($"shop/{TrainingPlan.FileName}", BinaryData.FromString($$"""{ "model": "shop", "models": [ { "architecture": "bpr", "epochs": {{epochs}} } ] }""")));

    private async Task<(PipelineStorage Storage, BlobContainerClient Datasets)> DropAsync(params (string Name, BinaryData Content)[] blobs)
    {
        PipelineStorage storage = PipelineStorage.FromConnectionString(_azurite.ConnectionString);
        BlobContainerClient datasets = storage.Container(PipelineStorage.Datasets);
        await datasets.CreateIfNotExistsAsync(cancellationToken: Ct);
        foreach ((string name, BinaryData content) in blobs)
        {
            await datasets.UploadBlobAsync(name, content, Ct);
        }

        return (storage, datasets);
    }

    /// <summary>Polls the job record until a stage matching <paramref name="stage"/> is running.</summary>
    private static async Task<StageRecord> WaitForRunningStageAsync(PipelineStorage storage, Func<string, bool> stage, Process worker, StringBuilder log)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), $"the stage never started; the worker said:\n{log}");
            Assert.False(worker.HasExited, $"the worker ended early; it said:\n{log}");
            foreach (string id in await DatasetWatcher.JobIdsAsync(storage, "shop", Ct))
            {
                if (await storage.Jobs.GetAsync(id, Ct) is { } job && job.Stages.FirstOrDefault(s => stage(s.Stage) && s.Status == JobStatus.Running) is { } running)
                {
                    return running;
                }
            }

            await Task.Delay(10, Ct);
        }
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

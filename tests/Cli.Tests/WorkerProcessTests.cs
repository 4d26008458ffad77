using System.Diagnostics;
using System.Text;
using Azure.Storage.Blobs;
using Recsys.Pipeline;
using Recsys.Serving.Runtime;
using Recsys.Testing;
using Recsys.Training.Pipeline;
using Xunit;

namespace Recsys.Cli.Tests;

/// <summary>
/// The worker as a real process, killed (SIGKILL) in the middle of a stage and started again: the job still
/// completes, training resumes from its blob checkpoint, exactly one model version exists, nothing half-written
/// is visible and the dataset is untouched. Every wait ends on what the worker says or does (a stage's start line,
/// a checkpoint blob, its exit); the limits only turn a hang into a failure and scale with
/// <see cref="TestLimits.Factor"/>. Every worker a test starts is killed, tree and all, when the test ends.
/// </summary>
public sealed class WorkerProcessTests : IAsyncLifetime
{
    private static readonly TimeSpan StageStart = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan JobEnd = TimeSpan.FromMinutes(8);

    private readonly AzuriteFixture _azurite = AzuriteFixture.Persistent();
    private readonly List<WorkerProcess> _started = [];
    private readonly StringBuilder _log = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _azurite.InitializeAsync();

    /// <summary>Whatever a test did or failed, no worker it started outlives it.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (WorkerProcess worker in _started)
        {
            await worker.DisposeAsync();
        }

        await _azurite.DisposeAsync();
    }

    private WorkerProcess StartWorker(params string[] extra)
    {
        var worker = new WorkerProcess(_log, ["worker", "--once", "--settle-seconds", "0", "--poll-seconds", "0.2", "--lease-seconds", "6", "--connection-string", _azurite.ConnectionString, .. extra]);
        _started.Add(worker);
        return worker;
    }

    [Fact]
    public async Task Worker_KilledMidTraining_ResumesOnRestart_AndTheJobCompletesWithOneVersion()
    {
        (PipelineStorage storage, _) = await DropShopAsync(epochs: 15);

        // First worker: kill it once the first epoch's checkpoint is in Blob Storage.
        WorkerProcess first = StartWorker();
        await first.WaitForLineAsync(StageStarted("train bpr"), "training started", StageStart, Ct);
        BlobContainerClient checkpoints = storage.Container(PipelineStorage.Checkpoints);
        var waited = Stopwatch.StartNew();
        while (!await AnyBlobAsync(checkpoints))
        {
            // A blob has no event to wait on: poll it, while the worker is alive and within the limit.
            Assert.True(waited.Elapsed < TestLimits.Scaled(StageStart), $"no checkpoint appeared; worker said:\n{first.Log}");
            Assert.False(first.HasExited, $"the worker ended before its first checkpoint; it said:\n{first.Log}");
            await Task.Delay(50, Ct);
        }

        await first.KillAsync();

        // The train message is still queued, invisible until its lease (6 s) runs out.
        Assert.Equal(1, (await storage.Queue(PipelineStage.Train).GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);

        // Second worker: takes the message again once the lease has run out, resumes and finishes.
        WorkerProcess second = StartWorker();
        Assert.True(await second.WaitForExitAsync("the restarted worker's end", JobEnd, Ct) == 0, second.Log);

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

        // Each stage as the worker's log names it, and the key of its record.
        foreach ((string logged, Func<string, string> recordKey) in new (string, Func<string, string>)[]
        {
            ("prepare", _ => PrepareStage.StageKey),
            ("train bpr", _ => TrainStage.StageKey("bpr")),
            ("evaluate shop/", line => EvaluateStage.StageKey(line.Split("evaluate shop/")[1].Split(' ')[0])),
        })
        {
            // Killed once the worker says the stage started and its record says running: the next worker has to
            // finish it.
            WorkerProcess worker = StartWorker();
            string started = await worker.WaitForLineAsync(StageStarted(logged), $"{logged} started", StageStart, Ct);
            string key = recordKey(started);
            string jobId = Assert.Single(await DatasetWatcher.JobIdsAsync(storage, "shop", Ct));
            await WaitUntilRecordedRunningAsync(storage, jobId, key, worker);
            await worker.KillAsync();

            StageRecord after = (await storage.Jobs.GetStageAsync(jobId, key, Ct))!;
            Assert.True(after.Status == JobStatus.Running, $"{key} finished before the kill; the worker said:\n{worker.Log}");
        }

        WorkerProcess last = StartWorker();
        Assert.True(await last.WaitForExitAsync("the restarted worker's end", JobEnd, Ct) == 0, last.Log);

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

        WorkerProcess worker = StartWorker();
        await worker.WaitForLineAsync(StageStarted("train bpr"), "training started", StageStart, Ct);
        await _azurite.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(12), Ct); // the outage under test: longer than the storage client's own retries (about 6 s)
        await _azurite.RestartAsync();

        int exit = await worker.WaitForExitAsync("the worker's end", JobEnd, Ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"first worker exit code {exit}; it said:\n{worker.Log}");
        if (exit != 0)
        {
            // A worker may give up while storage is gone; the queue still holds its message for the next one.
            worker = StartWorker();
            exit = await worker.WaitForExitAsync("the restarted worker's end", JobEnd, Ct);
        }

        Assert.True(exit == 0, worker.Log);

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

        WorkerProcess worker = StartWorker("--stage-timeout-minutes", "0.05");
        int exit = await worker.WaitForExitAsync("giving up on the stuck stage", StageStart, Ct);
        Assert.True(exit == 1, $"exit code {exit}; it said:\n{worker.Log}");

        Assert.Contains("StageTimeoutException: the prepare stage did not finish within its time limit", worker.Log, StringComparison.Ordinal);
        JobView job = (await storage.Jobs.GetAsync(Assert.Single(await DatasetWatcher.JobIdsAsync(storage, "stuck", Ct)), Ct))!;
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Contains(job.Stages, s => s.Status == JobStatus.Failed && s.Error!.Contains("time limit", StringComparison.Ordinal));
        Assert.Equal(1, (await storage.PoisonQueue(PipelineStage.Prepare).GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        Assert.Equal(0, (await storage.Queue(PipelineStage.Prepare).GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        Assert.Equal(datasetBefore, await BlobNames.SnapshotAsync(datasets, cancellationToken: Ct));

        // The restarted worker finds nothing left to do: the stuck message does not come back.
        WorkerProcess restarted = StartWorker();
        Assert.True(await restarted.WaitForExitAsync("the restarted worker's end", StageStart, Ct) == 0, restarted.Log);
    }

    /// <summary>
    /// The stage logs its start just before it records it: the record is read until it says running (a few
    /// milliseconds), so the kill lands inside the stage.
    /// </summary>
    private static async Task WaitUntilRecordedRunningAsync(PipelineStorage storage, string jobId, string key, WorkerProcess worker)
    {
        var waited = Stopwatch.StartNew();
        while ((await storage.Jobs.GetStageAsync(jobId, key, Ct))?.Status != JobStatus.Running)
        {
            Assert.True(waited.Elapsed < TestLimits.Scaled(TimeSpan.FromSeconds(30)), $"{key} was never recorded as running; the worker said:\n{worker.Log}");
            Assert.False(worker.HasExited, $"the worker ended before {key} was recorded; it said:\n{worker.Log}");
            await Task.Delay(5, Ct);
        }
    }

    /// <summary>Matches the worker's log line for a stage starting ("Job shop-…: train bpr started (delivery 1).").</summary>
    private static Func<string, bool> StageStarted(string stage) =>
        line => line.Contains($": {stage}", StringComparison.Ordinal) && line.Contains(" started (delivery ", StringComparison.Ordinal);

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

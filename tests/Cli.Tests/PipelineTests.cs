using System.Net;
using System.Net.Http.Json;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues.Models;
using Recsys.Cli.Commands;
using Recsys.Cli.Serving;
using Recsys.Models;
using Recsys.Pipeline;
using Recsys.Serving;
using Recsys.Serving.Contracts;
using Recsys.Serving.Feedback;
using Recsys.Serving.Runtime;
using Recsys.Testing;
using Recsys.Training.Pipeline;
using Xunit;

namespace Recsys.Cli.Tests;

/// <summary>The local pipeline end to end on a real Azurite: drop → prepare → train → evaluate → champion → rank.</summary>
[Collection(ConsoleTests.Name)]
public sealed class PipelineTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private PipelineStorage _storage = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _storage = PipelineStorage.FromConnectionString(_azurite.ConnectionString);
    }

    public ValueTask DisposeAsync() => _azurite.DisposeAsync();

    private LocalPipeline Pipeline() => new(
        new DatasetWatcher(_storage) { SettleTime = TimeSpan.Zero },
        new QueueWorker(_storage, new StageRunner(_storage.Jobs, WorkerCommand.Stages(_storage))) { Visibility = TimeSpan.FromSeconds(30) })
    { PollInterval = TimeSpan.FromMilliseconds(100) };

    /// <summary>A small clustered shop: 150 users, 60 items in 3 taste groups, ~16 ratings each, with timestamps.</summary>
    private async Task<Dictionary<string, BlobState>> DropAsync(string name, string? ratings = null, string? plan = null)
    {
        if (ratings is null)
        {
            var random = new Random(7);
            var lines = new StringBuilder("userId,movieId,rating,timestamp\n");
            for (int user = 1; user <= 150; user++)
            {
                int group = user % 3;
                foreach (int item in Enumerable.Range(0, 60).Where(i => i % 3 == group || random.NextDouble() < 0.05).OrderBy(_ => random.Next()).Take(16))
                {
                    lines.Append(FormattableString.Invariant($"{user},{item + 1},{3 + random.Next(3)},{1_000_000 + (user * 100) + item}\n"));
                }
            }

            ratings = lines.ToString();
        }

        BlobContainerClient datasets = _storage.Container(PipelineStorage.Datasets);
        await datasets.CreateIfNotExistsAsync(cancellationToken: Ct);
        await datasets.UploadBlobAsync($"{name}/ratings.csv", BinaryData.FromString(ratings), Ct);
        if (plan is not null)
        {
            await datasets.UploadBlobAsync($"{name}/{TrainingPlan.FileName}", BinaryData.FromString(plan), Ct);
        }

        return await SnapshotAsync(name);
    }

    private Task<Dictionary<string, BlobState>> SnapshotAsync(string name) =>
        BlobNames.SnapshotAsync(_storage.Container(PipelineStorage.Datasets), $"{name}/", Ct);

    private async Task<JobView> OnlyJobAsync(string dataset)
    {
        string jobId = Assert.Single(await DatasetWatcher.JobIdsAsync(_storage, dataset, Ct));
        return (await _storage.Jobs.GetAsync(jobId, Ct))!;
    }

    [Fact]
    public async Task Drop_RunsToAChampion_AndServeRanksWithIt()
    {
        var before = await DropAsync("shop", plan: """{ "model": "shop", "models": [ { "architecture": "bpr", "epochs": 3 } ] }""");

        await Pipeline().RunAsync(untilIdle: true, Ct);

        JobView job = await OnlyJobAsync("shop");
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(["prepare", "train-bpr", $"evaluate-{TrainStage.VersionFor(job.JobId, "bpr")}"], job.Stages.Select(s => s.Stage));
        Assert.True(job.Stages[2].Details!["promoted"].GetBoolean());
        AliasPointer champion = (await _storage.Registry.ReadAliasAsync("shop", "champion", Ct))!;
        Assert.Equal(TrainStage.VersionFor(job.JobId, "bpr"), champion.Version);
        Assert.Equal(before, await SnapshotAsync("shop"));

        await using RankServer server = await RankServer.StartAsync(_azurite.ConnectionString, new ServingOptions { DefaultModel = "shop" }, port: 0, cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = server.Address };
        using HttpResponseMessage ranked = await http.PostAsJsonAsync("/api/rank", new { userId = "1", candidates = new[] { new { id = "1" }, new { id = "2" }, new { id = "4" } } }, Ct);
        Assert.Equal(HttpStatusCode.OK, ranked.StatusCode);
        Assert.Equal(champion.Version, (await ranked.Content.ReadFromJsonAsync<RankResponse>(Ct))!.Version);
        using HttpResponseMessage jobResponse = await http.GetAsync($"/api/jobs/{job.JobId}", Ct);
        Assert.Equal(HttpStatusCode.OK, jobResponse.StatusCode);
        using HttpResponseMessage unknownJob = await http.GetAsync("/api/jobs/nope", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknownJob.StatusCode);

        // Redelivery: the same prepare message again (as a duplicate Event Grid event would) changes nothing.
        await _storage.SendAsync(new PipelineMessage { Stage = PipelineStage.Prepare, JobId = job.JobId, Dataset = "shop" }, Ct);
        await Pipeline().RunAsync(untilIdle: true, Ct);
        ModelEntry entry = (await _storage.Registry.GetModelAsync("shop", Ct))!;
        Assert.Single(entry.Versions);
        Assert.Equal(JobStatus.Completed, (await _storage.Jobs.GetAsync(job.JobId, Ct))!.Status);
    }

    [Fact]
    public async Task ReadyFile_CompletesADropAtOnce_AndIsNotPreparedAsData()
    {
        await DropAsync("ready");
        var patient = new DatasetWatcher(_storage) { SettleTime = TimeSpan.FromHours(1) };
        Assert.Equal(0, await patient.ScanAsync(cancellationToken: Ct));

        await _storage.Container(PipelineStorage.Datasets).UploadBlobAsync($"ready/{DatasetWatcher.ReadyFileName}", BinaryData.FromString("done"), Ct);
        Assert.Equal(1, await patient.ScanAsync(cancellationToken: Ct));
        Assert.Equal(0, await patient.ScanAsync(cancellationToken: Ct));

        QueueMessage sent = Assert.Single((await _storage.Queue(PipelineStage.Prepare).ReceiveMessagesAsync(10, cancellationToken: Ct)).Value);
        await new PrepareStage(_storage).HandleAsync(PipelineMessage.FromJson(sent.Body.ToString()), Ct);
        StageRecord prepared = (await _storage.Jobs.GetStageAsync(Assert.Single(await DatasetWatcher.JobIdsAsync(_storage, "ready", Ct)), PrepareStage.StageKey, Ct))!;
        Assert.Equal(JobStatus.Completed, prepared.Status);
        Assert.Equal(0, prepared.Details!["rejected"].GetInt64());
    }

    [Fact]
    public async Task UploadingTheReadyFile_ReturnsTheJobTheWatcherThenStarts()
    {
        var drop = new DatasetDropZone(_storage.Container(PipelineStorage.Datasets));
        DatasetUpload ratings = await drop.UploadAsync("posted", "ratings.csv", new MemoryStream("userId,movieId,rating\n1,2,5\n"u8.ToArray()), null, Ct);
        DatasetUpload ready = await drop.UploadAsync("posted", DatasetWatcher.ReadyFileName, new MemoryStream("done"u8.ToArray()), null, Ct);

        Assert.Equal((null, null, "Upload recsys-ready last to start the job."), (ratings.JobId, ratings.Job, ratings.Next));
        Assert.Equal(1, await new DatasetWatcher(_storage) { RequireReadyFile = true }.ScanAsync(cancellationToken: Ct));
        string started = Assert.Single(await DatasetWatcher.JobIdsAsync(_storage, "posted", Ct));
        Assert.Equal((started, $"/api/jobs/{started}", (string?)null), (ready.JobId, ready.Job, ready.Next));
    }

    [Fact]
    public async Task WithoutItsReadyFile_ADropIsNeverTaken_WhenTheWatcherRequiresOne()
    {
        await DropAsync("unready");

        Assert.Equal(0, await new DatasetWatcher(_storage) { SettleTime = TimeSpan.Zero, RequireReadyFile = true }.ScanAsync(cancellationToken: Ct));
        Assert.Empty(await DatasetWatcher.JobIdsAsync(_storage, "unready", Ct));
    }

    [Fact]
    public async Task PoisonDataset_FailsItsJob_KeepsTheDataset_AndWritesTheQuarantine()
    {
        var before = await DropAsync("broken", ratings: "userId,movieId,rating,timestamp\n1,2,lots,3\n,5,4,1\n");

        await Pipeline().RunAsync(untilIdle: true, Ct);

        JobView job = await OnlyJobAsync("broken");
        Assert.True(job.Status == JobStatus.Failed, string.Join("; ", job.Stages.Select(s => $"{s.Stage} {s.Status} {s.Error}")));
        Assert.Contains("No usable rows", job.Stages.Single().Error, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync("broken"));
        int quarantined = 0;
        await foreach (BlobItem _ in _storage.Container("quarantine").GetBlobsAsync(new GetBlobsOptions { Prefix = "broken/" }, Ct))
        {
            quarantined++;
        }

        Assert.Equal(1, quarantined);
        Assert.Null(await _storage.Registry.GetModelAsync("broken", Ct));
    }

    [Theory]
    [InlineData("""{ "models": [ { "architecture": "bpr" }, { "architecture": "gpt" } ] }""", "recsys-plan.json: 'gpt' is not a trainable architecture; use one of bpr, content, content-text, dcn, dcn-text, ease, itemknn, multdae, neumf, ranknet, sasrec, text.")]
    [InlineData("""{ "prepare": { "split": "random" }, "models": [ { "architecture": "bpr" } ] }""", "recsys-plan.json: ")]
    [InlineData("""{ "prepare": { "items": "../secrets.csv" }, "models": [ { "architecture": "bpr" } ] }""", "recsys-plan.json: prepare.items must name a file in the dropped folder, not '../secrets.csv'.")]
    [InlineData("""{ "prepare": { "events": { "days": 0 } }, "models": [ { "architecture": "bpr" } ] }""", "recsys-plan.json: prepare.events.days must be between 1 and 366, not 0.")]
    [InlineData("""{ "prepare": { "events": { "retrainAfter": 0 } }, "models": [ { "architecture": "bpr" } ] }""", "recsys-plan.json: prepare.events.retrainAfter must be a positive count of new events, not 0.")]
    public async Task ABadPlan_FailsTheJobBeforeAnythingIsPrepared(string plan, string error)
    {
        var before = await DropAsync("badplan", plan: plan);

        await Pipeline().RunAsync(untilIdle: true, Ct);

        JobView job = await OnlyJobAsync("badplan");
        StageRecord prepare = Assert.Single(job.Stages);
        Assert.Equal((JobStatus.Failed, JobStatus.Failed), (job.Status, prepare.Status));
        Assert.StartsWith(error, prepare.Error, StringComparison.Ordinal);
        Assert.Null(prepare.Details);
        Assert.False(await _storage.Container(PipelineStorage.Prepared).ExistsAsync(Ct) && await AnyAsync(_storage.Container(PipelineStorage.Prepared), "badplan/"));
        Assert.Equal(before, await SnapshotAsync("badplan"));
    }

    [Fact]
    public async Task ThePlansPrepareBlock_ReadsAGenericFile_WithItsColumnsAndItemsFile()
    {
        // Header names no reader guesses, a second data-like file (the items), and a leave-last-out split.
        var ratings = new StringBuilder("listener\tartist\tplays\twhen\n");
        for (int user = 1; user <= 30; user++)
        {
            for (int item = 1; item <= 8; item++)
            {
                ratings.Append(FormattableString.Invariant($"{user}\t{((user + item) % 20) + 1}\t{item}\t{1_000 + item}\n"));
            }
        }

        string plan = """
            { "prepare": { "format": "csv", "columns": "user=listener,item=artist,rating=plays,timestamp=when", "items": "artists.csv", "split": "leave-last-out" },
              "models": [ { "architecture": "bpr", "epochs": 1 } ] }
            """;
        BlobContainerClient datasets = _storage.Container(PipelineStorage.Datasets);
        await datasets.CreateIfNotExistsAsync(cancellationToken: Ct);
        await datasets.UploadBlobAsync("plays/plays.tsv", BinaryData.FromString(ratings.ToString()), Ct);
        await datasets.UploadBlobAsync("plays/artists.csv", BinaryData.FromString("id,title,genres\n" + string.Join('\n', Enumerable.Range(1, 20).Select(i => $"{i},Artist {i},Rock")) + "\n"), Ct);
        await datasets.UploadBlobAsync($"plays/{TrainingPlan.FileName}", BinaryData.FromString(plan), Ct);
        Assert.Equal(1, await new DatasetWatcher(_storage) { SettleTime = TimeSpan.Zero }.ScanAsync(cancellationToken: Ct));
        QueueMessage sent = Assert.Single((await _storage.Queue(PipelineStage.Prepare).ReceiveMessagesAsync(10, cancellationToken: Ct)).Value);

        IReadOnlyList<PipelineMessage> next = await new PrepareStage(_storage, Training.NeuralArchitectures.Trainable).HandleAsync(PipelineMessage.FromJson(sent.Body.ToString()), Ct);

        StageRecord prepared = (await _storage.Jobs.GetStageAsync(Assert.Single(await DatasetWatcher.JobIdsAsync(_storage, "plays", Ct)), PrepareStage.StageKey, Ct))!;
        Assert.Equal((240L, 30L, 20L, 0L), (prepared.Details!["interactions"].GetInt64(), prepared.Details["users"].GetInt64(), prepared.Details["items"].GetInt64(), prepared.Details["rejected"].GetInt64()));
        Assert.Equal("bpr", Assert.Single(next).Training!.Architecture);
    }

    [Fact]
    public async Task APlanNamingATextModel_EncodesItemTextOnceAtPrepare_AndServesWithTheEncoderNamed()
    {
        // Two taste groups the titles tell apart: users 1..20 play the space bands, 21..40 the love-song ones.
        var ratings = new StringBuilder("userId,movieId,rating,timestamp\n");
        var random = new Random(3);
        for (int user = 1; user <= 40; user++)
        {
            foreach (int item in Enumerable.Range(user <= 20 ? 1 : 11, 10).OrderBy(_ => random.Next()).Take(7))
            {
                ratings.Append(FormattableString.Invariant($"{user},{item},5,{1_000 + item}\n"));
            }
        }

        // A MovieLens-style drop: the titles come from movies.csv beside the ratings.
        string movies = "movieId,title,genres\n" + string.Join('\n', Enumerable.Range(1, 20).Select(i => i <= 10 ? $"{i},Rockets to Mars vol. {i},Space" : $"{i},Love songs for a wedding vol. {i},Romance")) + "\n";
        BlobContainerClient datasets = _storage.Container(PipelineStorage.Datasets);
        await datasets.CreateIfNotExistsAsync(cancellationToken: Ct);
        await datasets.UploadBlobAsync("bands/movies.csv", BinaryData.FromString(movies), Ct);
        await DropAsync("bands", ratings.ToString(), """{ "model": "bands", "models": [ { "architecture": "text", "epochs": 2 } ] }""");

        await Pipeline().RunAsync(untilIdle: true, Ct);

        JobView job = await OnlyJobAsync("bands");
        Assert.True(job.Status == JobStatus.Completed, string.Join("; ", job.Stages.Select(s => $"{s.Stage} {s.Status} {s.Error}")));
        Assert.Equal(20, job.Stages[0].Details!["itemsWithText"].GetInt32());
        string hash = job.Stages[0].Details!["contentHash"].GetString()!;
        BlobClient vectors = _storage.Container(PipelineStorage.Prepared).GetBlobClient($"bands/{hash}/{Text.ItemTextVectors.VectorsFile}");
        Assert.Equal(21L * Text.MiniLmEncoder.Dimensions * sizeof(float), (await vectors.GetPropertiesAsync(cancellationToken: Ct)).Value.ContentLength);
        AliasPointer champion = (await _storage.Registry.ReadAliasAsync("bands", "champion", Ct))!;
        string manifest = (await _storage.Registry.Container.GetBlobClient($"bands/{champion.Version}/{ModelManifest.FileName}").DownloadContentAsync(Ct)).Value.Content.ToString();
        Assert.Equal(Text.MiniLmEncoder.Qualified, ModelManifest.FromJson(manifest).TextEncoder);

        // Another job over the same data reuses the prepared dataset and its vectors: nothing is encoded or uploaded again.
        Azure.ETag stored = (await vectors.GetPropertiesAsync(cancellationToken: Ct)).Value.ETag;
        var again = new PipelineMessage { Stage = PipelineStage.Prepare, JobId = "bands-again", Dataset = "bands" };
        Assert.Equal("text", Assert.Single(await new PrepareStage(_storage, Training.NeuralArchitectures.Trainable).HandleAsync(again, Ct)).Training!.Architecture);
        Assert.Equal(stored, (await vectors.GetPropertiesAsync(cancellationToken: Ct)).Value.ETag);
    }

    [Fact]
    public async Task APlanWithEvents_MergesTheModelsFeedback_IntoThePreparedInteractions()
    {
        // What the rank API wrote for this model: a new user shown a list, who clicked its second item; and a
        // click on another model's list, which this job leaves alone.
        var sink = new FeedbackSink(_storage.Container(FeedbackSink.ContainerName));
        await _storage.Container(FeedbackSink.ContainerName).CreateIfNotExistsAsync(cancellationToken: Ct);
        var shown = new RankResponse("feedback-shop", "v1", "champion", [new("7", 0.9f), new("8", 0.8f)], 1);
        var other = new RankResponse("books", "v1", "champion", [new("9", 0.9f)], 1);
        sink.TryRecordServed("newcomer", shown);
        sink.TryRecordServed("reader", other);
        Assert.True(sink.TryAccept(
        [
            new FeedbackEvent { Type = "click", UserId = "newcomer", ItemId = "8", RequestId = shown.RequestId },
            new FeedbackEvent { Type = "click", UserId = "reader", ItemId = "9", RequestId = other.RequestId },
        ]));
        await sink.DisposeAsync();
        var before = await DropAsync("feedback-shop", plan: """{ "prepare": { "events": { "days": 2 } }, "models": [ { "architecture": "bpr", "epochs": 1 } ] }""");
        Assert.Equal(1, await new DatasetWatcher(_storage) { SettleTime = TimeSpan.Zero }.ScanAsync(cancellationToken: Ct));
        QueueMessage sent = Assert.Single((await _storage.Queue(PipelineStage.Prepare).ReceiveMessagesAsync(10, cancellationToken: Ct)).Value);

        await new PrepareStage(_storage, Training.NeuralArchitectures.Trainable).HandleAsync(PipelineMessage.FromJson(sent.Body.ToString()), Ct);

        StageRecord prepared = (await _storage.Jobs.GetStageAsync(Assert.Single(await DatasetWatcher.JobIdsAsync(_storage, "feedback-shop", Ct)), PrepareStage.StageKey, Ct))!;
        Assert.Equal((1L, 151L), (prepared.Details!["feedbackEvents"].GetInt64(), prepared.Details["users"].GetInt64()));
        Assert.Equal(before, await SnapshotAsync("feedback-shop"));
    }

    [Fact]
    public async Task APlanWithRetrainAfter_StartsANewJob_OnceEnoughNewFeedbackArrivedSinceTheLastOne()
    {
        var before = await DropAsync("loop-shop", plan: """{ "prepare": { "events": { "days": 2, "retrainAfter": 3 } }, "models": [ { "architecture": "bpr", "epochs": 1 } ] }""");
        var retrain = new RetrainScheduler(_storage);
        await _storage.Container(FeedbackSink.ContainerName).CreateIfNotExistsAsync(cancellationToken: Ct);
        Assert.Empty(await retrain.RunAsync(Ct)); // the drop is not taken yet: its first job comes from the watcher
        Assert.Equal(1, await new DatasetWatcher(_storage) { SettleTime = TimeSpan.Zero }.ScanAsync(cancellationToken: Ct));
        string dropJob = Assert.Single(await DatasetWatcher.JobIdsAsync(_storage, "loop-shop", Ct));

        await ClickAsync("loop-shop", 2);
        await ClickAsync("other-shop", 5); // another model's feedback does not count
        Assert.Empty(await retrain.RunAsync(Ct));

        await ClickAsync("loop-shop", 1);
        string job = Assert.Single(await retrain.RunAsync(Ct));
        Assert.StartsWith($"{dropJob}-r", job, StringComparison.Ordinal);
        var sent = (await _storage.Queue(PipelineStage.Prepare).ReceiveMessagesAsync(10, cancellationToken: Ct)).Value.Select(m => PipelineMessage.FromJson(m.Body.ToString())).ToList();
        Assert.Contains(sent, m => m.JobId == job && m.Dataset == "loop-shop");

        // The count starts again from the retrain: the same three clicks do not start another job.
        Assert.Empty(await retrain.RunAsync(Ct));
        await ClickAsync("loop-shop", 3);
        Assert.Single(await retrain.RunAsync(Ct));
        Assert.Equal(before, await SnapshotAsync("loop-shop"));
    }

    /// <summary>Serves <paramref name="model"/> one list per click and clicks its first item, through the sink the rank API uses.</summary>
    private async Task ClickAsync(string model, int clicks)
    {
        var sink = new FeedbackSink(_storage.Container(FeedbackSink.ContainerName));
        for (int i = 0; i < clicks; i++)
        {
            var shown = new RankResponse(model, "v1", "champion", [new("7", 0.9f)], 1);
            sink.TryRecordServed($"user{i}", shown);
            Assert.True(sink.TryAccept([new FeedbackEvent { Type = "click", UserId = $"user{i}", ItemId = "7", RequestId = shown.RequestId }]));
        }

        await sink.DisposeAsync();
    }

    [Fact]
    public async Task APlanNamingATextModel_ForADatasetWithoutText_FailsPrepareWithTheReason()
    {
        var before = await DropAsync("textless", plan: """{ "models": [ { "architecture": "content-text" } ] }""");

        await Pipeline().RunAsync(untilIdle: true, Ct);

        JobView job = await OnlyJobAsync("textless");
        StageRecord prepare = Assert.Single(job.Stages);
        Assert.Equal(JobStatus.Failed, prepare.Status);
        Assert.Equal("The plan names content-text, which read item text, and no item of datasets/textless has any (titles, genres, tags or prepare.items).", prepare.Error);
        Assert.Equal(before, await SnapshotAsync("textless"));
    }

    [Fact]
    public async Task UnreadableMessage_GoesToThePoisonQueueWithTheReason()
    {
        await _storage.Queue(PipelineStage.Train).CreateIfNotExistsAsync(cancellationToken: Ct);
        await _storage.Queue(PipelineStage.Train).SendMessageAsync("{ not a message", Ct);

        await Pipeline().RunAsync(untilIdle: true, Ct);

        QueueMessage[] poisoned = (await _storage.PoisonQueue(PipelineStage.Train).ReceiveMessagesAsync(10, cancellationToken: Ct)).Value;
        Assert.Contains("unreadable message", Assert.Single(poisoned).Body.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_StoppedDuringAStage_LeavesItsMessageForTheNextWorker()
    {
        await DropAsync(
            "stopping",
            ratings: await File.ReadAllTextAsync(Path.Combine(TestData.SampleMovieLensLatest, "ratings.csv"), Ct),
            plan: """{ "model": "stopping", "models": [ { "architecture": "bpr", "epochs": 200 } ] }""");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task watch = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (string id in await DatasetWatcher.JobIdsAsync(_storage, "stopping", CancellationToken.None))
                {
                    if ((await _storage.Jobs.GetStageAsync(id, TrainStage.StageKey("bpr"), CancellationToken.None))?.Status == JobStatus.Running)
                    {
                        await stop.CancelAsync();
                        return;
                    }
                }

                await Task.Delay(50, CancellationToken.None);
            }
        }, Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Pipeline().RunAsync(untilIdle: true, stop.Token));
        await watch;

        // A shutdown is not a failure: nothing dead-lettered, the job still running, its message still queued.
        Assert.False(await _storage.PoisonQueue(PipelineStage.Train).ExistsAsync(Ct) && (await _storage.PoisonQueue(PipelineStage.Train).GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount > 0);
        Assert.Equal(1, (await _storage.Queue(PipelineStage.Train).GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        JobView job = (await _storage.Jobs.GetAsync(Assert.Single(await DatasetWatcher.JobIdsAsync(_storage, "stopping", Ct)), Ct))!;
        Assert.Equal(JobStatus.Running, job.Status);
    }

    [Fact]
    public async Task Training_KeepsGoingWhileStorageIsUnreachable_OnlyStoringNeedsIt()
    {
        PipelineMessage train = await PreparedTrainMessageAsync("outage", epochs: 4);
        var reported = new List<int>();
        var stage = new TrainStage(_storage, (_, o) => o with { Patience = 100 }, (_, epoch) =>
        {
            reported.Add(epoch.Epoch);
            if (epoch.Epoch == 1)
            {
                // Storage goes away after the first epoch (test code may block here; the stage must not).
                _azurite.StopAsync().GetAwaiter().GetResult();
            }
        });

        Exception failed = await Assert.ThrowsAnyAsync<Exception>(() => stage.HandleAsync(train, Ct));

        // Every epoch trained although no checkpoint could be stored after the first; only then did the stage fail.
        Assert.Equal([1, 2, 3, 4], reported);
        Assert.True(failed is Azure.RequestFailedException or HttpRequestException or AggregateException, failed.ToString());
    }

    [Fact]
    public async Task Training_StoppedMidway_ResumesFromItsBlobCheckpoint()
    {
        PipelineMessage train = await PreparedTrainMessageAsync("resume", epochs: 6);
        var patient = new TrainStage(_storage, (_, o) => o with { Patience = 100 });

        // Stop the first attempt as soon as its first checkpoint reaches Blob Storage (a killed worker).
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task watch = Task.Run(async () =>
        {
            var checkpoint = _storage.Container(PipelineStorage.Checkpoints).GetBlobClient("resume-job/bpr/checkpoint.bin");
            while (!kill.IsCancellationRequested && !await checkpoint.ExistsAsync(CancellationToken.None).ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default))
            {
                await Task.Delay(50, CancellationToken.None);
            }

            await kill.CancelAsync();
        }, Ct);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => patient.HandleAsync(train, kill.Token));
        await watch;
        Assert.Equal(JobStatus.Running, (await _storage.Jobs.GetStageAsync("resume-job", TrainStage.StageKey("bpr"), Ct))!.Status);

        IReadOnlyList<PipelineMessage> next = await patient.HandleAsync(train with { Attempt = 2 }, Ct);

        StageRecord record = (await _storage.Jobs.GetStageAsync("resume-job", TrainStage.StageKey("bpr"), Ct))!;
        Assert.Equal(JobStatus.Completed, record.Status);
        Assert.True(record.Details!["resumed"].GetBoolean());
        Assert.Equal(PipelineStage.Evaluate, Assert.Single(next).Stage);
    }

    /// <summary>Drops and prepares <paramref name="dataset"/> (job <c>{dataset}-job</c>) and returns its train message for bpr.</summary>
    private async Task<PipelineMessage> PreparedTrainMessageAsync(string dataset, int epochs)
    {
        await DropAsync(dataset);
        await _storage.Container(PipelineStorage.Markers).CreateIfNotExistsAsync(cancellationToken: Ct);
        var prepare = new PipelineMessage { Stage = PipelineStage.Prepare, JobId = $"{dataset}-job", Dataset = dataset };
        return (await new PrepareStage(_storage).HandleAsync(prepare, Ct)).Single() with { Training = new PlannedModel("bpr", epochs) };
    }

    private static async Task<bool> AnyAsync(BlobContainerClient container, string prefix)
    {
        await foreach (BlobItem _ in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, Ct))
        {
            return true;
        }

        return false;
    }
}

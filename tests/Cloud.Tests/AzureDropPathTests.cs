using System.Text;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Recsys.Pipeline;
using Recsys.Testing;
using Recsys.Training.Pipeline;
using Xunit;

namespace Recsys.Cloud.Tests;

/// <summary>
/// The Azure message path end to end: dataset blobs in a real Azurite, Event Grid's BlobCreated bodies on the drops
/// queue, Service Bus messages through prepare, train and evaluate, and the champion alias at the end.
/// </summary>
public sealed class AzureDropPathTests : CloudHostTest
{

    [Fact]
    public async Task Drop_CompletedByItsReadyFile_RunsOnceToAChampion_OverServiceBus()
    {
        BlobContainerClient datasets = Storage.Container(PipelineStorage.Datasets);
        await datasets.CreateIfNotExistsAsync(cancellationToken: Ct);
        await datasets.UploadBlobAsync("shop/ratings.csv", BinaryData.FromString(ClusteredRatings()), Ct);
        await datasets.UploadBlobAsync($"shop/{TrainingPlan.FileName}", BinaryData.FromString("""{ "model": "shop", "models": [ { "architecture": "bpr", "epochs": 3 } ] }"""), Ct);

        // A data file's event (if the subscription's filter ever let one through) starts nothing: the drop is not complete.
        Host.Bus.Enqueue(CloudHost.Drops, BlobEvents.Created("datasets", "shop/ratings.csv"));
        await Host.PumpAsync(Ct);
        Assert.Empty(await DatasetWatcher.JobIdsAsync(Storage, "shop", Ct));

        await datasets.UploadBlobAsync($"shop/{DatasetWatcher.ReadyFileName}", BinaryData.FromString(""), Ct);
        var before = await BlobNames.SnapshotAsync(datasets, "shop/", Ct);

        // Event Grid delivers at least once: the same event twice still makes one job.
        Host.Bus.Enqueue(CloudHost.Drops, BlobEvents.ShopReady);
        Host.Bus.Enqueue(CloudHost.Drops, BlobEvents.ShopReady);
        await Host.PumpAsync(Ct);

        string jobId = Assert.Single(await DatasetWatcher.JobIdsAsync(Storage, "shop", Ct));
        JobView job = (await Storage.Jobs.GetAsync(jobId, Ct))!;
        Assert.True(job.Status == JobStatus.Completed, string.Join("; ", job.Stages.Select(s => $"{s.Stage} {s.Status} {s.Error}")));
        string version = TrainStage.VersionFor(jobId, "bpr");
        Assert.Equal(["prepare", "train-bpr", $"evaluate-{version}"], job.Stages.Select(s => s.Stage));
        Assert.Equal(version, (await Storage.Registry.ReadAliasAsync("shop", "champion", Ct))!.Version);
        Assert.Single((await Storage.Registry.GetModelAsync("shop", Ct))!.Versions);
        Assert.Equal(before, await BlobNames.SnapshotAsync(datasets, "shop/", Ct));
        Assert.Empty(Host.Bus.DeadLetters);

        // Each hop went through Service Bus as the stage's JSON, named by its subject.
        Assert.Equal(["prepare", "train", "evaluate"], Host.Bus.Sent.Select(m => m.Subject));
        Assert.All(Host.Bus.Sent, m => Assert.Equal("application/json", m.ContentType));
        Assert.Equal(jobId, PipelineMessage.FromJson(Host.Bus.Sent[0].Body.ToString()).JobId);
    }

    [Fact]
    public async Task ReadyFileOfAnotherDataset_LeavesAHalfUploadedFolderAlone()
    {
        BlobContainerClient datasets = Storage.Container(PipelineStorage.Datasets);
        await datasets.CreateIfNotExistsAsync(cancellationToken: Ct);
        await datasets.UploadBlobAsync("shop/ratings.csv", BinaryData.FromString(ClusteredRatings()), Ct);
        await datasets.UploadBlobAsync($"books/{DatasetWatcher.ReadyFileName}", BinaryData.FromString(""), Ct);

        Host.Bus.Enqueue(CloudHost.Drops, BlobEvents.Created("datasets", $"books/{DatasetWatcher.ReadyFileName}"));
        await Host.PumpAsync(Ct);

        Assert.Empty(await DatasetWatcher.JobIdsAsync(Storage, "shop", Ct));
        Assert.Equal(0, Host.Bus.Count(PipelineStorage.QueueName(PipelineStage.Prepare)));
    }

    [Fact]
    public async Task NotAnEvent_OnTheDropsQueue_IsDeadLetteredWithTheReason()
    {
        Host.Bus.Enqueue(CloudHost.Drops, BinaryData.FromString("{ not an event"));

        await Host.PumpAsync(Ct);

        var dead = Assert.Single(Host.Bus.DeadLetters[CloudHost.Drops]);
        Assert.Equal("not-an-event", dead.Reason);
        Assert.Contains("Not an Event Grid event", dead.Description, StringComparison.Ordinal);
    }

    /// <summary>60 users, 30 items in 3 taste groups, 10 ratings each.</summary>
    private static string ClusteredRatings()
    {
        var random = new Random(11);
        var lines = new StringBuilder("userId,movieId,rating,timestamp\n");
        for (int user = 1; user <= 60; user++)
        {
            foreach (int item in Enumerable.Range(0, 30).Where(i => i % 3 == user % 3 || random.NextDouble() < 0.05).OrderBy(_ => random.Next()).Take(10))
            {
                lines.Append(FormattableString.Invariant($"{user},{item + 1},{3 + random.Next(3)},{1_000_000 + (user * 100) + item}\n"));
            }
        }

        return lines.ToString();
    }
}

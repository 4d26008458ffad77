using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Recsys.Serving.Contracts;
using Recsys.Serving.Feedback;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>The feedback writer at its edges: fresh storage, a full queue, and shutdown while storage is gone.</summary>
public sealed class FeedbackSinkTests(ServingFixture fixture) : IClassFixture<ServingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FeedbackEvent[] Events(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new FeedbackEvent { UserId = "u1", ItemId = $"{i}", Type = "click" })];

    /// <summary>A container on a port nothing listens on, with no client retries: every append fails at once.</summary>
    private static BlobContainerClient Unreachable() =>
        new(new Uri("http://127.0.0.1:9/devstoreaccount1/events"), new BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(2) } });

    [Fact]
    public async Task TheFirstWrite_OnStorageWithoutTheContainer_CreatesIt_WithoutAWarning()
    {
        BlobContainerClient events = fixture.Storage.GetBlobContainerClient($"events-{Guid.NewGuid():N}");
        var log = new ListLogger();
        var sink = new FeedbackSink(events, log);

        Assert.True(sink.TryAccept(Events(3)));
        await sink.DisposeAsync();

        Assert.Equal(3, sink.Written);
        Assert.Empty(log.AtLeast(LogLevel.Warning));
    }

    [Fact]
    public async Task ABlobWithAsManyAppendsAsAllowed_IsFollowedByTheNextPart_AndTheLogReadsEveryEventBack()
    {
        BlobContainerClient events = fixture.Storage.GetBlobContainerClient($"events-{Guid.NewGuid():N}");
        var sink = new FeedbackSink(events) { MaxBlocksPerBlob = 2 };
        DateTimeOffset since = DateTimeOffset.UtcNow.AddMinutes(-1);
        var served = new RankResponse("movies", "v1", "champion", [new RankedItem("<é&\"'>", 0.7617831f), new RankedItem("42", 0.5f)], 1);
        sink.TryRecordServed("u1", served);
        for (int batch = 0; batch < 3; batch++)
        {
            Assert.True(sink.TryAccept(Events(2)));
            await WrittenAsync(sink, 1 + (2 * (batch + 1))); // one append per flush
        }

        await sink.DisposeAsync();

        List<string> names = [];
        await foreach (Azure.Storage.Blobs.Models.BlobItem blob in events.GetBlobsAsync(cancellationToken: Ct))
        {
            names.Add(blob.Name);
        }

        // Three appends (four if the served record was taken alone), two to a blob.
        Assert.InRange(names.Count, 2, 3);
        Assert.Contains(names, n => n.EndsWith("-1.jsonl", StringComparison.Ordinal));
        var (read, unreadable) = await EventLog.ReadAsync(events, since, DateTimeOffset.UtcNow.AddMinutes(1), Ct);
        Assert.Equal(0, unreadable);
        Assert.Equal(7, read.Count);
        FeedbackEvent record = Assert.Single(read, e => e.Type == FeedbackEvent.Served);
        Assert.Equal(served.RequestId, record.RequestId);
        Assert.Equal(["<é&\"'>", "42"], record.Items);
        Assert.Equal([0.7617831f, 0.5f], record.Scores);
        Assert.Equal(FeedbackEvent.CurrentSchema, record.Schema);
        Assert.NotNull(record.Timestamp);
    }

    [Fact]
    public async Task ABatchLargerThanABlock_IsAppendedInPiecesOfWholeLines()
    {
        BlobContainerClient events = fixture.Storage.GetBlobContainerClient($"events-{Guid.NewGuid():N}");
        var sink = new FeedbackSink(events) { MaxBlockBytes = 300 };
        DateTimeOffset since = DateTimeOffset.UtcNow.AddMinutes(-1);

        Assert.True(sink.TryAccept(Events(12))); // about 100 bytes a line: four or more appends
        await sink.DisposeAsync();

        Assert.Equal(12, sink.Written);
        var (read, unreadable) = await EventLog.ReadAsync(events, since, DateTimeOffset.UtcNow.AddMinutes(1), Ct);
        Assert.Equal(0, unreadable);
        Assert.Equal([.. Enumerable.Range(0, 12).Select(i => $"{i}")], read.Select(e => e.ItemId));
        Azure.Storage.Blobs.Models.BlobItem blob = Assert.Single(await events.GetBlobsAsync(cancellationToken: Ct).ToListAsync(Ct));
        var properties = await events.GetBlobClient(blob.Name).GetPropertiesAsync(cancellationToken: Ct);
        Assert.InRange(properties.Value.BlobCommittedBlockCount, 4, 12);
    }

    private static async Task WrittenAsync(FeedbackSink sink, long count)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromMinutes(1));
        while (sink.Written < count)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    [Fact]
    public async Task AFullQueue_RefusesARequestAsAWhole_AndAcceptsAgainWhenThereIsRoom()
    {
        var sink = new FeedbackSink(Unreachable(), time: null) { Capacity = 5, ShutdownDeadline = TimeSpan.Zero };
        await using var _ = sink;

        Assert.True(sink.TryAccept(Events(3)));
        Assert.False(sink.TryAccept(Events(3)), "accepting 3 more would pass the capacity of 5");
        Assert.True(sink.TryAccept(Events(2)), "2 more fit exactly; the refused request took no room");
        Assert.False(sink.TryAccept(Events(1)));
    }

    [Fact]
    public async Task Shutdown_WhileStorageIsUnreachable_EndsAtTheDeadline_AndSaysHowManyEventsWereLost()
    {
        var log = new ListLogger();
        var sink = new FeedbackSink(Unreachable(), log) { ShutdownDeadline = TimeSpan.FromSeconds(1) };
        Assert.True(sink.TryAccept(Events(4)));

        // Without a deadline this never returns: the writer retries for as long as the process lives.
        await sink.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1), Ct);

        Assert.Equal(0, sink.Written);
        Assert.Contains(log.AtLeast(LogLevel.Error), line => line.Contains("4 feedback events were not written", StringComparison.Ordinal));
    }
}

using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Recsys.Features;

namespace Recsys.Serving.Feedback;

/// <summary>
/// Appends feedback events, as JSON lines, to append blobs <c>events/{yyyy}/{MM}/{dd}/{instance}.jsonl</c>,
/// off the request path: requests only enqueue; a background writer flushes every second or every 1,000
/// events, and once more on shutdown. A failed append keeps its events and retries them, so nothing accepted
/// is lost while the process lives and storage comes back before shutdown. The queue is bounded
/// (<see cref="Capacity"/>): when storage is slow or gone, requests are refused rather than memory growing; and
/// shutdown waits at most <see cref="ShutdownDeadline"/> for the last writes, then logs what it could not write.
/// </summary>
public sealed class FeedbackSink : IAsyncDisposable
{
    public const string ContainerName = "events";
    private const int BatchSize = 1_000;

    private readonly BlobContainerClient _container;
    private readonly ILogger _logger;
    private readonly Channel<FeedbackEvent> _channel = Channel.CreateUnbounded<FeedbackEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _instance = InstanceName();
    private readonly Task _writer;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _abandon = new();
    private long _written;
    private long _queued;
    private long _servedDropped;

    public FeedbackSink(BlobContainerClient container, ILogger? logger = null, TimeProvider? time = null)
    {
        _container = container;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The events container written to (and read back by <see cref="EventLog"/>).</summary>
    public BlobContainerClient Container => _container;

    /// <summary>Events appended to storage so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Most events held in memory, queued or being appended; a request that would pass it is refused.</summary>
    public int Capacity { get; init; } = 100_000;

    /// <summary>How long shutdown waits for queued events to be appended before giving them up.</summary>
    public TimeSpan ShutdownDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Queues all of <paramref name="events"/> or none: false when the queue is full or shutdown began.</summary>
    public bool TryAccept(IReadOnlyList<FeedbackEvent> events)
    {
        // Room is reserved for the whole request first, so a refused request leaves nothing half-queued.
        if (Interlocked.Add(ref _queued, events.Count) > Capacity)
        {
            Interlocked.Add(ref _queued, -events.Count);
            return false;
        }

        DateTimeOffset now = _time.GetUtcNow();
        for (int i = 0; i < events.Count; i++)
        {
            FeedbackEvent e = events[i];
            if (!_channel.Writer.TryWrite(e with { Schema = FeedbackEvent.CurrentSchema, Timestamp = e.Timestamp ?? now }))
            {
                Interlocked.Add(ref _queued, -(events.Count - i)); // shutdown began mid-request
                return false;
            }
        }

        return true;
    }

    /// <summary>How many positions of a ranked list a served record keeps: the ones online metrics report on.</summary>
    public const int ServedPositions = 10;

    /// <summary>Served records dropped because the queue was full or shutdown began (the response went out regardless).</summary>
    public long ServedDropped => Interlocked.Read(ref _servedDropped);

    /// <summary>
    /// Records that <paramref name="response"/> was served to <paramref name="userId"/>: its request id, model,
    /// version, variant and top <see cref="ServedPositions"/> items with their scores, so feedback that names the
    /// request id is attributed to them. Never fails the request: a full queue drops the record and counts it.
    /// </summary>
    public void TryRecordServed(string? userId, Contracts.RankResponse response)
    {
        int n = Math.Min(ServedPositions, response.Items.Count);
        string[] items = new string[n];
        float[] scores = new float[n];
        for (int i = 0; i < n; i++)
        {
            (items[i], scores[i]) = (response.Items[i].Id, response.Items[i].Score);
        }

        var served = new FeedbackEvent
        {
            Type = FeedbackEvent.Served, RequestId = response.RequestId, UserId = userId,
            Model = response.Model, Version = response.Version, Variant = response.Variant, Items = items, Scores = scores,
        };
        if (!TryAccept([served]))
        {
            Interlocked.Increment(ref _servedDropped);
        }
    }

    /// <summary>Stops accepting and writes everything queued, giving up after <see cref="ShutdownDeadline"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(ShutdownDeadline);
        }
        catch (TimeoutException)
        {
            await _abandon.CancelAsync();
            await _writer;
        }

        long lost = Interlocked.Read(ref _queued);
        if (lost > 0)
        {
            ServingLog.FeedbackLost(_logger, lost, ShutdownDeadline);
        }

        _abandon.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<FeedbackEvent>(BatchSize);
        ChannelReader<FeedbackEvent> reader = _channel.Reader;
        while (await reader.WaitToReadAsync())
        {
            using (var window = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
            {
                try
                {
                    while (batch.Count < BatchSize && await reader.WaitToReadAsync(window.Token))
                    {
                        while (batch.Count < BatchSize && reader.TryRead(out FeedbackEvent? e))
                        {
                            batch.Add(e);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // the second is up: write what we have
                }
            }

            while (batch.Count < BatchSize * 10 && reader.TryRead(out FeedbackEvent? e)) // count first: a read event is never dropped
            {
                batch.Add(e);
            }

            try
            {
                await AppendWithRetryAsync(batch, _abandon.Token);
            }
            catch (OperationCanceledException)
            {
                return; // shutdown deadline passed; DisposeAsync reports what was left
            }

            batch.Clear();
        }
    }

    private async Task AppendWithRetryAsync(List<FeedbackEvent> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var text = new StringBuilder();
        foreach (FeedbackEvent e in batch)
        {
            text.Append(JsonSerializer.Serialize(e, CompactJson)).Append('\n');
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                DateTimeOffset now = _time.GetUtcNow();
                AppendBlobClient blob = _container.GetAppendBlobClient($"{EventLog.DayFolder(now)}{_instance}.jsonl");
                await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                using var stream = new MemoryStream(bytes, writable: false);
                await blob.AppendBlockAsync(stream, cancellationToken: cancellationToken);
                Interlocked.Add(ref _written, batch.Count);
                Interlocked.Add(ref _queued, -batch.Count);
                return;
            }
            catch (Azure.RequestFailedException ex) when (ex.ErrorCode == "ContainerNotFound")
            {
                // Fresh storage: expected once, not a failure worth a warning.
                await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException)
            {
                // The status and error code, not the message: the storage message carries the whole XML error body.
                string reason = ex is Azure.RequestFailedException failed && failed.Status != 0 ? $"{failed.Status} {failed.ErrorCode}" : ex.GetBaseException().Message;
                TimeSpan delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * Math.Pow(2, Math.Min(attempt, 9))));
                ServingLog.FeedbackAppendFailed(_logger, batch.Count, attempt, reason, delay);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    /// <summary>One blob per process: host name (letters, digits and '-' only), process id and a random part.</summary>
    private static string InstanceName()
    {
        string host = new([.. Environment.MachineName.Where(char.IsAsciiLetterOrDigit).Take(24)]);
        return $"{(host.Length == 0 ? "host" : host)}-{Environment.ProcessId}-{Guid.NewGuid():N}";
    }

    private static readonly JsonSerializerOptions CompactJson = new(FeatureSpec.JsonOptions) { WriteIndented = false };
}

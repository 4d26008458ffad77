using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Recsys.Features;

namespace Recsys.Serving.Feedback;

/// <summary>
/// Appends feedback events, as JSON lines, to append blobs <c>events/{yyyy}/{MM}/{dd}/{instance}.jsonl</c>
/// (then <c>{instance}-1.jsonl</c>, <c>-2</c>, … as each takes <see cref="MaxBlocksPerBlob"/> appends), off the
/// request path: a request only adds its lines (<see cref="EventLines"/>); a background writer flushes every
/// second or every 1,000 events, and once more on shutdown. A failed append keeps its events and retries them, so
/// nothing accepted is lost while the process lives and storage comes back before shutdown. The queue is bounded
/// (<see cref="Capacity"/>): when storage is slow or gone, requests are refused rather than memory growing; and
/// shutdown waits at most <see cref="ShutdownDeadline"/> for the last writes, then logs what it could not write.
/// </summary>
public sealed class FeedbackSink : IAsyncDisposable
{
    public const string ContainerName = "events";
    private const int BatchSize = 1_000;

    private readonly BlobContainerClient _container;
    private readonly ILogger _logger;
    private readonly EventLines _lines = new(CompactJson);
    private readonly SemaphoreSlim _pending = new(0);
    private readonly string _instance = InstanceName();
    private readonly Task _writer;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _abandon = new();
    private long _written;
    private long _queued;
    private long _servedDropped;
    private volatile bool _closing;
    private int _signalled; // 1 from the first lines of a batch until the writer takes them: one wake per batch
    private string? _day;
    private int _part;
    private int _blocks;
    private string? _created;

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

    /// <summary>Appends to one blob before the next part begins; storage refuses an append blob's 50,001st block.</summary>
    internal int MaxBlocksPerBlob { get; init; } = 49_000;

    /// <summary>Bytes in one append at most: 4 MiB, the block limit of every storage service version.</summary>
    internal int MaxBlockBytes { get; init; } = 4 << 20;

    /// <summary>Queues all of <paramref name="events"/> or none: false when the queue is full or shutdown began.</summary>
    public bool TryAccept(IReadOnlyList<FeedbackEvent> events) =>
        Reserve(events.Count) && Added(_lines.TryAdd(events, _time.GetUtcNow()), events.Count);

    // Room is reserved for the whole request first, so a refused request leaves nothing half-queued.
    private bool Reserve(int events)
    {
        if (Interlocked.Add(ref _queued, events) > Capacity)
        {
            Interlocked.Add(ref _queued, -events);
            return false;
        }

        return true;
    }

    // Lines added wake the writer (once per batch); lines refused because shutdown began give their room back.
    private bool Added(bool added, int events)
    {
        if (!added)
        {
            Interlocked.Add(ref _queued, -events);
        }
        else if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _pending.Release();
        }

        return added;
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
        if (!(Reserve(1) && Added(_lines.TryAddServed(userId, response, ServedPositions, _time.GetUtcNow()), 1)))
        {
            Interlocked.Increment(ref _servedDropped);
        }
    }

    /// <summary>Stops accepting and writes everything queued, giving up after <see cref="ShutdownDeadline"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        // Lines refused first, then the writer told: when it sees the close, nothing more can arrive after its last take.
        _lines.Complete();
        _closing = true;
        _pending.Release();
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
        _pending.Dispose();
    }

    // The writer wakes for the first lines of a batch, then looks at the queue every PollInterval until the batch
    // is full or a second has passed: waiting on each event instead would wake it (a thread-pool dispatch and a
    // thread switch) once per ranked list.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private async Task WriteLoopAsync()
    {
        while (true)
        {
            await _pending.WaitAsync();
            bool closing = _closing;
            long first = Stopwatch.GetTimestamp();
            while (!closing && Interlocked.Read(ref _queued) < BatchSize && Stopwatch.GetElapsedTime(first) < TimeSpan.FromSeconds(1))
            {
                await Task.Delay(PollInterval);
                closing = _closing;
            }

            Volatile.Write(ref _signalled, 0); // lines added from here on wake the writer again
            List<EventLines.Segment> segments = _lines.TakeAll();
            try
            {
                foreach (EventLines.Segment segment in segments)
                {
                    await AppendWithRetryAsync(segment, _abandon.Token);
                }
            }
            catch (OperationCanceledException)
            {
                return; // shutdown deadline passed; DisposeAsync reports what was left
            }
            finally
            {
                segments.ForEach(_lines.Return);
            }

            if (closing)
            {
                return;
            }
        }
    }

    private async Task AppendWithRetryAsync(EventLines.Segment segment, CancellationToken cancellationToken)
    {
        for (int offset = 0, length; offset < segment.Length; offset += length)
        {
            length = PieceLength(segment.Bytes.AsSpan(offset, segment.Length - offset));
            await AppendPieceWithRetryAsync(segment.Bytes, offset, length, cancellationToken);
        }
    }

    // Whole lines up to MaxBlockBytes, the largest block every storage version takes (one feedback request of
    // 10,000 events with long ids can pass it); a single longer line goes alone.
    private int PieceLength(ReadOnlySpan<byte> rest)
    {
        if (rest.Length <= MaxBlockBytes)
        {
            return rest.Length;
        }

        int end = rest[..MaxBlockBytes].LastIndexOf((byte)'\n');
        return (end >= 0 ? end : rest.IndexOf((byte)'\n')) + 1;
    }

    private async Task AppendPieceWithRetryAsync(byte[] bytes, int offset, int length, CancellationToken cancellationToken)
    {
        int events = bytes.AsSpan(offset, length).Count((byte)'\n');
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                AppendBlobClient blob = _container.GetAppendBlobClient(BlobName(_time.GetUtcNow()));
                if (_created != blob.Name)
                {
                    await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                    _created = blob.Name;
                }

                using var stream = new MemoryStream(bytes, offset, length, writable: false);
                await blob.AppendBlockAsync(stream, cancellationToken: cancellationToken);
                _blocks++;
                Interlocked.Add(ref _written, events);
                Interlocked.Add(ref _queued, -events);
                return;
            }
            catch (Azure.RequestFailedException ex) when (ex.ErrorCode == "ContainerNotFound")
            {
                // Fresh storage: expected once, not a failure worth a warning.
                await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                _created = null;
            }
            catch (Azure.RequestFailedException ex) when (ex.ErrorCode == "BlockCountExceedsLimit")
            {
                _blocks = MaxBlocksPerBlob; // storage says this blob is full: go on in the next part
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException)
            {
                // The blob may have been deleted: create it again before the next attempt.
                _created = null;

                // The status and error code, not the message: the storage message carries the whole XML error body.
                string reason = ex is Azure.RequestFailedException failed && failed.Status != 0 ? $"{failed.Status} {failed.ErrorCode}" : ex.GetBaseException().Message;
                TimeSpan delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * Math.Pow(2, Math.Min(attempt, 9))));
                ServingLog.FeedbackAppendFailed(_logger, events, attempt, reason, delay);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    // events/{day}/{instance}.jsonl, then {instance}-1.jsonl, -2, … as each reaches MaxBlocksPerBlob appends.
    private string BlobName(DateTimeOffset now)
    {
        string day = EventLog.DayFolder(now);
        if (day != _day || _blocks >= MaxBlocksPerBlob)
        {
            _part = day == _day ? _part + 1 : 0;
            (_day, _blocks) = (day, 0);
        }

        return $"{day}{_instance}{(_part == 0 ? string.Empty : $"-{_part}")}.jsonl";
    }

    /// <summary>One blob per process: host name (letters, digits and '-' only), process id and a random part.</summary>
    private static string InstanceName()
    {
        string host = new([.. Environment.MachineName.Where(char.IsAsciiLetterOrDigit).Take(24)]);
        return $"{(host.Length == 0 ? "host" : host)}-{Environment.ProcessId}-{Guid.NewGuid():N}";
    }

    private static readonly JsonSerializerOptions CompactJson = new(FeatureSpec.JsonOptions) { WriteIndented = false };
}

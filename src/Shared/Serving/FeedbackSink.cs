using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Recsys.Features;

namespace Recsys.Serving;

/// <summary>
/// Appends feedback events, as JSON lines, to append blobs <c>events/{yyyy}/{MM}/{dd}/{instance}.jsonl</c>,
/// off the request path: requests only enqueue; a background writer flushes every second or every 1,000
/// events, and once more on shutdown. A failed append keeps its events and retries them, so nothing accepted
/// is lost while the process lives.
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
    private long _written;

    public FeedbackSink(BlobContainerClient container, ILogger? logger = null, TimeProvider? time = null)
    {
        _container = container;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Events appended to storage so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Queues events; false only after shutdown began.</summary>
    public bool TryAccept(IReadOnlyList<FeedbackEvent> events)
    {
        DateTimeOffset now = _time.GetUtcNow();
        foreach (FeedbackEvent e in events)
        {
            if (!_channel.Writer.TryWrite(e.Timestamp is null ? e with { Timestamp = now } : e))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Stops accepting and writes everything queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _writer;
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

            while (reader.TryRead(out FeedbackEvent? e) && batch.Count < BatchSize * 10)
            {
                batch.Add(e);
            }

            await AppendWithRetryAsync(batch);
            batch.Clear();
        }
    }

    private async Task AppendWithRetryAsync(List<FeedbackEvent> batch)
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
                AppendBlobClient blob = _container.GetAppendBlobClient($"{now:yyyy}/{now:MM}/{now:dd}/{_instance}.jsonl");
                await blob.CreateIfNotExistsAsync();
                using var stream = new MemoryStream(bytes, writable: false);
                await blob.AppendBlockAsync(stream);
                Interlocked.Add(ref _written, batch.Count);
                return;
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException)
            {
                if (ex is Azure.RequestFailedException { Status: 404 })
                {
                    await _container.CreateIfNotExistsAsync();
                }

                TimeSpan delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * Math.Pow(2, Math.Min(attempt, 9))));
                _logger.LogWarning("Appending {Count} feedback events failed (attempt {Attempt}): {Reason}; retrying in {Delay}.", batch.Count, attempt, ex.Message, delay);
                await Task.Delay(delay);
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

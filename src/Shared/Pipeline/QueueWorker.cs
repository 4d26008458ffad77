using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Recsys.Pipeline;

/// <summary>
/// Runs the stage handlers over Azure Storage Queues (locally on Azurite): receive, handle, send the next
/// stage's messages, delete. While a handler runs, the message's visibility is extended so no other worker
/// takes it. A failing message is retried with backoff; after <see cref="MaxDeliveryCount"/> deliveries it
/// goes to the stage's <c>-poison</c> queue with the reason and its job is marked failed. Permanent failures
/// (a bad dataset) are not retried. A stage that outlives <see cref="StageTimeout"/> is cancelled and its
/// message dead-lettered with the reason; if the handler is stuck where cancellation cannot reach it,
/// <see cref="StageTimeoutException"/> ends the run so the host restarts the process (as Azure Functions does
/// when <c>functionTimeout</c> passes).
/// </summary>
public sealed class QueueWorker
{
    private readonly PipelineStorage _storage;
    private readonly Dictionary<PipelineStage, IPipelineStage> _stages;
    private readonly ILogger _logger;

    public QueueWorker(PipelineStorage storage, IEnumerable<IPipelineStage> stages, ILogger? logger = null)
    {
        _storage = storage;
        _stages = stages.ToDictionary(s => s.Stage);
        _logger = logger ?? NullLogger.Instance;
    }

    public int MaxDeliveryCount { get; init; } = 5;

    public TimeSpan Visibility { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest any one stage may run; matches <c>functionTimeout</c> in host.json.</summary>
    public TimeSpan StageTimeout { get; init; } = TimeSpan.FromHours(4);

    /// <summary>How long a cancelled stage gets to stop before it is given up as stuck.</summary>
    public TimeSpan CancellationGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Handles at most one message from each stage queue; returns how many were handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        int handled = 0;
        foreach (PipelineStage stage in Enum.GetValues<PipelineStage>())
        {
            if (!_stages.TryGetValue(stage, out IPipelineStage? handler))
            {
                continue;
            }

            QueueClient queue = _storage.Queue(stage);
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            QueueMessage[] messages = (await queue.ReceiveMessagesAsync(1, Visibility, cancellationToken)).Value;
            foreach (QueueMessage received in messages)
            {
                await HandleAsync(queue, handler, received, cancellationToken);
                handled++;
            }
        }

        return handled;
    }

    /// <summary>Messages still queued on any stage, including ones waiting out a retry backoff.</summary>
    public async Task<int> PendingAsync(CancellationToken cancellationToken = default)
    {
        int pending = 0;
        foreach (PipelineStage stage in _stages.Keys)
        {
            QueueClient queue = _storage.Queue(stage);
            if (await queue.ExistsAsync(cancellationToken))
            {
                pending += (await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
            }
        }

        return pending;
    }

    private async Task HandleAsync(QueueClient queue, IPipelineStage handler, QueueMessage received, CancellationToken cancellationToken)
    {
        string popReceipt = received.PopReceipt;
        PipelineMessage message;
        try
        {
            message = PipelineMessage.FromJson(received.Body.ToString()) with { Attempt = (int)received.DequeueCount };
        }
        catch (Exception ex) when (ex is InvalidDataException or Serving.ProblemException)
        {
            await PoisonAsync(queue, handler.Stage, received.Body.ToString(), popReceipt, received.MessageId, $"unreadable message: {ex.Message}", null, cancellationToken);
            return;
        }

        if (received.DequeueCount > MaxDeliveryCount)
        {
            await PoisonAsync(queue, handler.Stage, received.Body.ToString(), popReceipt, received.MessageId, $"delivered {received.DequeueCount} times without success", message, cancellationToken);
            return;
        }

        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StageTimeout);
        Task renewal = RenewAsync(queue, received.MessageId, () => popReceipt, r => popReceipt = r, renewing.Token);
        try
        {
            // Run on the thread pool: a handler stuck in synchronous code must not hold this loop.
            Task<IReadOnlyList<PipelineMessage>> work = Task.Run(() => handler.HandleAsync(message, deadline.Token), CancellationToken.None);
            if (await Task.WhenAny(work, Task.Delay(StageTimeout + CancellationGrace, cancellationToken)) != work)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    // Shutting down, not timed out: the stage saw the cancellation; give it the grace period, then
                    // leave the message to reappear for the next worker after its lease.
                    await Task.WhenAny(work, Task.Delay(CancellationGrace, CancellationToken.None));
                    cancellationToken.ThrowIfCancellationRequested();
                }

                await StopAsync(renewing, renewal);
                string reason = $"{OverTime(handler.Stage)} and did not stop when cancelled";
                await PoisonAsync(queue, handler.Stage, received.Body.ToString(), popReceipt, received.MessageId, reason, message, cancellationToken);
                throw new StageTimeoutException(reason);
            }

            IReadOnlyList<PipelineMessage> next = await work;
            await StopAsync(renewing, renewal);
            foreach (PipelineMessage m in next)
            {
                await _storage.SendAsync(m, cancellationToken);
            }

            await queue.DeleteMessageAsync(received.MessageId, popReceipt, cancellationToken);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await StopAsync(renewing, renewal);
            await PoisonAsync(queue, handler.Stage, received.Body.ToString(), popReceipt, received.MessageId, OverTime(handler.Stage), message, cancellationToken);
        }
        catch (PermanentStageException ex)
        {
            await StopAsync(renewing, renewal);
            _logger.LogWarning("Job {JobId} failed at {Stage}: {Reason}", message.JobId, handler.Stage, ex.Message);
            await queue.DeleteMessageAsync(received.MessageId, popReceipt, cancellationToken);
        }
        catch (Exception ex) when (ex is not StageTimeoutException && (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            await StopAsync(renewing, renewal);
            TimeSpan backoff = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, received.DequeueCount)));
            _logger.LogWarning(ex, "Job {JobId} {Stage} attempt {Attempt} failed; retrying in {Backoff}.", message.JobId, handler.Stage, received.DequeueCount, backoff);
            await queue.UpdateMessageAsync(received.MessageId, popReceipt, visibilityTimeout: backoff, cancellationToken: cancellationToken);
        }
        finally
        {
            await StopAsync(renewing, renewal);
        }
    }

    private string OverTime(PipelineStage stage) =>
        $"the {PipelineStorage.QueueName(stage)} stage did not finish within its time limit ({StageTimeout})";

    private async Task PoisonAsync(
        QueueClient queue, PipelineStage stage, string body, string popReceipt, string messageId, string reason, PipelineMessage? message, CancellationToken cancellationToken)
    {
        QueueClient poison = _storage.PoisonQueue(stage);
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poison.SendMessageAsync(System.Text.Json.JsonSerializer.Serialize(new { reason, message = body }), cancellationToken);
        await queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken);
        if (message is not null)
        {
            await _storage.Jobs.FailAsync(message.JobId, $"{PipelineStorage.QueueName(stage)}-dead-letter", reason, cancellationToken: cancellationToken);
        }

        _logger.LogError("Dead-lettered a {Stage} message: {Reason}", stage, reason);
    }

    /// <summary>Keeps the message invisible while it is worked on; each update returns a new pop receipt.</summary>
    private async Task RenewAsync(QueueClient queue, string messageId, Func<string> current, Action<string> update, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Visibility / 2, cancellationToken);
                UpdateReceipt receipt = await queue.UpdateMessageAsync(messageId, current(), visibilityTimeout: Visibility, cancellationToken: cancellationToken);
                update(receipt.PopReceipt);
            }
        }
        catch (OperationCanceledException)
        {
            // handler finished
        }
        catch (RequestFailedException ex)
        {
            _logger.LogWarning("Could not extend message {MessageId}: {Reason}", messageId, ex.Message);
        }
    }

    private static async Task StopAsync(CancellationTokenSource renewing, Task renewal)
    {
        if (!renewing.IsCancellationRequested)
        {
            await renewing.CancelAsync();
        }

        await renewal;
    }
}

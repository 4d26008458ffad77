using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Recsys.Pipeline;

/// <summary>
/// The Storage Queues transport for <see cref="StageRunner"/> (locally on Azurite): receive a message, keep it
/// invisible while its stage runs, then settle it as the runner decided: send the next stage's messages and
/// delete it, make it visible again after the backoff, or move it to the stage's <c>-poison</c> queue with the
/// reason. A stage stuck past its time limit ends the run with <see cref="StageTimeoutException"/> (after its
/// message is dead-lettered) so the host restarts the process, as Azure Functions does at <c>functionTimeout</c>.
/// </summary>
public sealed class QueueWorker
{
    private readonly PipelineStorage _storage;
    private readonly StageRunner _runner;
    private readonly ILogger _logger;

    public QueueWorker(PipelineStorage storage, StageRunner runner, ILogger? logger = null)
    {
        _storage = storage;
        _runner = runner;
        _logger = logger ?? NullLogger.Instance;
    }

    public TimeSpan Visibility { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Handles at most one message from each stage queue; returns how many were handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        int handled = 0;
        foreach (PipelineStage stage in Enum.GetValues<PipelineStage>().Where(_runner.Stages.Contains))
        {
            QueueClient queue = _storage.Queue(stage);
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            QueueMessage[] messages = (await queue.ReceiveMessagesAsync(1, Visibility, cancellationToken)).Value;
            foreach (QueueMessage received in messages)
            {
                await HandleAsync(queue, stage, received, cancellationToken);
                handled++;
            }
        }

        return handled;
    }

    /// <summary>Messages still queued on any stage, including ones waiting out a retry backoff.</summary>
    public async Task<int> PendingAsync(CancellationToken cancellationToken = default)
    {
        int pending = 0;
        foreach (PipelineStage stage in _runner.Stages)
        {
            QueueClient queue = _storage.Queue(stage);
            if (await queue.ExistsAsync(cancellationToken))
            {
                pending += (await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
            }
        }

        return pending;
    }

    private async Task HandleAsync(QueueClient queue, PipelineStage stage, QueueMessage received, CancellationToken cancellationToken)
    {
        string popReceipt = received.PopReceipt;
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task renewal = RenewAsync(queue, received.MessageId, () => popReceipt, r => popReceipt = r, renewing.Token);
        StageOutcome outcome;
        try
        {
            outcome = await _runner.RunAsync(stage, received.Body.ToString(), (int)received.DequeueCount, cancellationToken);
        }
        finally
        {
            await StopAsync(renewing, renewal);
        }

        switch (outcome)
        {
            case StageOutcome.Succeeded succeeded:
                foreach (PipelineMessage next in succeeded.Next)
                {
                    await _storage.SendAsync(next, cancellationToken);
                }

                await queue.DeleteMessageAsync(received.MessageId, popReceipt, cancellationToken);
                break;
            case StageOutcome.Failed:
                await queue.DeleteMessageAsync(received.MessageId, popReceipt, cancellationToken);
                break;
            case StageOutcome.Retry retry:
                await queue.UpdateMessageAsync(received.MessageId, popReceipt, visibilityTimeout: retry.Backoff, cancellationToken: cancellationToken);
                break;
            case StageOutcome.DeadLetter dead:
                QueueClient poison = _storage.PoisonQueue(stage);
                await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await poison.SendMessageAsync(System.Text.Json.JsonSerializer.Serialize(new { reason = dead.Reason, message = received.Body.ToString() }), cancellationToken);
                await queue.DeleteMessageAsync(received.MessageId, popReceipt, cancellationToken);
                if (dead.Stuck)
                {
                    throw new StageTimeoutException(dead.Reason);
                }

                break;
        }
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
            PipelineLog.LeaseNotExtended(_logger, messageId, ex.Message);
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

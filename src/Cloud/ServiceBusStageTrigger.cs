using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Recsys.Pipeline;

namespace Recsys.Cloud;

/// <summary>
/// The Service Bus transport for <see cref="StageRunner"/>: runs one delivered stage message and settles it as the
/// runner decided. Next-stage messages are sent before the input is completed, so a crash in between delivers the
/// input again (the stages are idempotent) rather than losing the job. A retry waits out its backoff while the
/// host keeps renewing the lock, then abandons, since Service Bus itself redelivers at once.
/// </summary>
public sealed class ServiceBusStageTrigger(StageRunner runner, IPipelineSender sender, IHostApplicationLifetime lifetime, ILogger<ServiceBusStageTrigger> logger)
{
    /// <summary>Service Bus keeps at most this much of a dead-letter description; longer reasons are cut.</summary>
    internal const int MaxDescription = 4096;

    public async Task HandleAsync(PipelineStage stage, ServiceBusReceivedMessage message, IMessageSettlement settlement, CancellationToken cancellationToken)
    {
        StageOutcome outcome = await runner.RunAsync(stage, message.Body.ToString(), message.DeliveryCount, cancellationToken);
        switch (outcome)
        {
            case StageOutcome.Succeeded succeeded:
                foreach (PipelineMessage next in succeeded.Next)
                {
                    await sender.SendAsync(next, cancellationToken);
                }

                await settlement.CompleteAsync(message, cancellationToken);
                break;
            case StageOutcome.Failed:
                await settlement.CompleteAsync(message, cancellationToken);
                break;
            case StageOutcome.Retry retry:
                await Task.Delay(retry.Backoff, cancellationToken);
                await settlement.AbandonAsync(message, cancellationToken);
                break;
            case StageOutcome.DeadLetter dead:
                string description = dead.Reason.Length > MaxDescription ? dead.Reason[..MaxDescription] : dead.Reason;
                await settlement.DeadLetterAsync(message, dead.Code, description, cancellationToken);
                if (dead.Stuck)
                {
                    // The stuck stage still holds a thread (and maybe the GPU): stop the worker so the host restarts it.
                    CloudLog.StageStuck(logger, stage);
                    lifetime.StopApplication();
                }

                break;
        }
    }
}

using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using Recsys.Pipeline;

namespace Recsys.Cloud;

/// <summary>
/// Handles one message of the <c>drops</c> queue, where Event Grid delivers BlobCreated events for ready files:
/// scans each completed dataset folder, which sends exactly one prepare message per drop (the watcher's marker
/// absorbs repeated events). A body that is not an event is dead-lettered; a storage failure abandons the
/// message so Service Bus delivers it again.
/// </summary>
public sealed class DatasetDropTrigger(DatasetWatcher watcher, ILogger<DatasetDropTrigger> logger)
{
    public async Task HandleAsync(ServiceBusReceivedMessage message, IMessageSettlement settlement, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> datasets;
        try
        {
            datasets = DatasetDropEvents.CompletedDatasets(message.Body);
        }
        catch (FormatException ex)
        {
            await settlement.DeadLetterAsync(message, "not-an-event", ex.Message, cancellationToken);
            return;
        }

        try
        {
            foreach (string dataset in datasets)
            {
                int started = await watcher.ScanAsync(dataset, cancellationToken);
                CloudLog.DropReady(logger, dataset, started);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            CloudLog.DropScanFailed(logger, ex, message.DeliveryCount);
            await settlement.AbandonAsync(message, cancellationToken);
            return;
        }

        await settlement.CompleteAsync(message, cancellationToken);
    }
}

using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Recsys.Cloud;

namespace Recsys.Functions.Train;

/// <summary>Settles through the trigger's <see cref="ServiceBusMessageActions"/>.</summary>
internal sealed class MessageActionsSettlement(ServiceBusMessageActions actions) : IMessageSettlement
{
    public Task CompleteAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken) =>
        actions.CompleteMessageAsync(message, cancellationToken);

    public Task AbandonAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken) =>
        actions.AbandonMessageAsync(message, cancellationToken: cancellationToken);

    public Task DeadLetterAsync(ServiceBusReceivedMessage message, string reason, string description, CancellationToken cancellationToken) =>
        actions.DeadLetterMessageAsync(message, deadLetterReason: reason, deadLetterErrorDescription: description, cancellationToken: cancellationToken);
}

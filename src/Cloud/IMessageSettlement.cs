using Azure.Messaging.ServiceBus;

namespace Recsys.Cloud;

/// <summary>
/// How a received Service Bus message is settled. In the Functions app this is the trigger's
/// <c>ServiceBusMessageActions</c> (with <c>AutoCompleteMessages = false</c>); a receiver elsewhere settles
/// through its <c>ServiceBusReceiver</c>.
/// </summary>
public interface IMessageSettlement
{
    Task CompleteAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken);

    /// <summary>Releases the lock so the message is delivered again (its delivery count goes up).</summary>
    Task AbandonAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken);

    Task DeadLetterAsync(ServiceBusReceivedMessage message, string reason, string description, CancellationToken cancellationToken);
}

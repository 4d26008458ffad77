using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;

namespace Recsys.Cloud.Tests;

/// <summary>
/// Service Bus queues in memory, behind the SDK's own types: a <see cref="ServiceBusClient"/> whose senders enqueue,
/// messages delivered as real <see cref="ServiceBusReceivedMessage"/>s (<see cref="ServiceBusModelFactory"/>), and
/// settlement with the broker's rules: abandon redelivers with a higher delivery count, and a message abandoned on
/// its last delivery goes to the dead-letter queue as <c>MaxDeliveryCountExceeded</c>. No Service Bus namespace or
/// emulator can be reached from here; this stands in for the broker only.
/// </summary>
internal sealed class InMemoryServiceBus(int maxDeliveryCount = 5) : ServiceBusClient, IMessageSettlement
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Entry>> _queues = new();
    private readonly ConcurrentDictionary<Guid, (string Queue, Entry Entry)> _locked = new();

    public ConcurrentDictionary<string, List<(BinaryData Body, string Reason, string Description)>> DeadLetters { get; } = new();

    public List<ServiceBusMessage> Sent { get; } = [];

    public override ServiceBusSender CreateSender(string queueOrTopicName) => new Sender(this, queueOrTopicName);

    public void Enqueue(string queue, BinaryData body) => Queue(queue).Enqueue(new Entry(body, Guid.NewGuid().ToString("N"), 0));

    public int Count(string queue) => Queue(queue).Count;

    /// <summary>Takes the next message of <paramref name="queue"/> under a lock, or null when it is empty.</summary>
    public ServiceBusReceivedMessage? Receive(string queue)
    {
        if (!Queue(queue).TryDequeue(out Entry? entry))
        {
            return null;
        }

        entry = entry with { DeliveryCount = entry.DeliveryCount + 1 };
        var lockToken = Guid.NewGuid();
        _locked[lockToken] = (queue, entry);
        return ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: entry.Body, messageId: entry.MessageId, contentType: "application/json", lockTokenGuid: lockToken, deliveryCount: entry.DeliveryCount);
    }

    public Task CompleteAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken)
    {
        Settle(message);
        return Task.CompletedTask;
    }

    public Task AbandonAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken)
    {
        (string queue, Entry entry) = Settle(message);
        if (entry.DeliveryCount >= maxDeliveryCount)
        {
            DeadLetter(queue, entry.Body, "MaxDeliveryCountExceeded", $"delivered {entry.DeliveryCount} times");
        }
        else
        {
            Queue(queue).Enqueue(entry);
        }

        return Task.CompletedTask;
    }

    public Task DeadLetterAsync(ServiceBusReceivedMessage message, string reason, string description, CancellationToken cancellationToken)
    {
        (string queue, Entry entry) = Settle(message);
        DeadLetter(queue, entry.Body, reason, description);
        return Task.CompletedTask;
    }

#pragma warning disable CA2215 // The mocking constructor leaves the base without a connection to dispose.
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
#pragma warning restore CA2215

    private void DeadLetter(string queue, BinaryData body, string reason, string description) =>
        DeadLetters.GetOrAdd(queue, _ => []).Add((body, reason, description));

    private (string Queue, Entry Entry) Settle(ServiceBusReceivedMessage message) =>
        _locked.TryRemove(Guid.Parse(message.LockToken), out var locked)
            ? locked
            : throw new InvalidOperationException("The message's lock was already settled (or never taken).");

    private ConcurrentQueue<Entry> Queue(string name) => _queues.GetOrAdd(name, _ => new ConcurrentQueue<Entry>());

    private sealed record Entry(BinaryData Body, string MessageId, int DeliveryCount);

    private sealed class Sender(InMemoryServiceBus bus, string queue) : ServiceBusSender
    {
        public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
        {
            lock (bus.Sent)
            {
                bus.Sent.Add(message);
            }

            bus.Enqueue(queue, message.Body);
            return Task.CompletedTask;
        }

#pragma warning disable CA2215 // as above
        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
#pragma warning restore CA2215
    }
}

using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using Recsys.Pipeline;

namespace Recsys.Cloud;

/// <summary>Sends pipeline messages to the Service Bus queue of their stage (<c>prepare</c>, <c>train</c>, <c>evaluate</c>).</summary>
public sealed class ServiceBusPipelineSender(ServiceBusClient client) : IPipelineSender, IAsyncDisposable
{
    private readonly ConcurrentDictionary<PipelineStage, ServiceBusSender> _senders = new();

    public Task SendAsync(PipelineMessage message, CancellationToken cancellationToken = default) =>
        _senders.GetOrAdd(message.Stage, stage => client.CreateSender(PipelineStorage.QueueName(stage)))
            .SendMessageAsync(ToServiceBusMessage(message), cancellationToken);

    /// <summary>The same JSON as on Storage Queues; the subject names the stage for anyone browsing the queue.</summary>
    internal static ServiceBusMessage ToServiceBusMessage(PipelineMessage message) =>
        new(BinaryData.FromString(message.ToJson()))
        {
            ContentType = "application/json",
            Subject = PipelineStorage.QueueName(message.Stage),
        };

    public async ValueTask DisposeAsync()
    {
        foreach (ServiceBusSender sender in _senders.Values)
        {
            await sender.DisposeAsync();
        }
    }
}

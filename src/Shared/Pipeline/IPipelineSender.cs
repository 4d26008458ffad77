namespace Recsys.Pipeline;

/// <summary>
/// The send side of a pipeline transport: where new drops' prepare messages and each stage's next messages go
/// (Storage Queues locally through <see cref="PipelineStorage"/>, Service Bus queues in Azure).
/// </summary>
public interface IPipelineSender
{
    Task SendAsync(PipelineMessage message, CancellationToken cancellationToken = default);
}

using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Recsys.Cloud;
using Recsys.Pipeline;

namespace Recsys.Functions.Train;

/// <summary>
/// One Service Bus trigger per queue, each one line onto the handlers in Cloud: Event Grid's BlobCreated events for
/// ready files arrive on <c>drops</c>; the stages on <c>prepare</c>, <c>train</c> and <c>evaluate</c>. Messages are
/// settled by the handlers (<c>AutoCompleteMessages = false</c>), which send the next stage's messages first. A timer
/// on the <c>RetrainSchedule</c> setting (a six-field CRON expression) starts the scheduled retrains.
/// </summary>
public sealed class PipelineFunctions(DatasetDropTrigger drops, ServiceBusStageTrigger stages, RetrainScheduler retrain)
{
    private const string Connection = ServiceBusConnection.Name;

    [Function("DatasetDropped")]
    public Task DatasetDropped(
        [ServiceBusTrigger("drops", Connection = Connection, AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken) =>
        drops.HandleAsync(message, new MessageActionsSettlement(actions), cancellationToken);

    [Function("Prepare")]
    public Task Prepare(
        [ServiceBusTrigger("prepare", Connection = Connection, AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken) =>
        stages.HandleAsync(PipelineStage.Prepare, message, new MessageActionsSettlement(actions), cancellationToken);

    [Function("Train")]
    public Task Train(
        [ServiceBusTrigger("train", Connection = Connection, AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken) =>
        stages.HandleAsync(PipelineStage.Train, message, new MessageActionsSettlement(actions), cancellationToken);

    [Function("Evaluate")]
    public Task Evaluate(
        [ServiceBusTrigger("evaluate", Connection = Connection, AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken) =>
        stages.HandleAsync(PipelineStage.Evaluate, message, new MessageActionsSettlement(actions), cancellationToken);

    [Function("Retrain")]
    public async Task Retrain([TimerTrigger("%RetrainSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        await retrain.RunAsync(cancellationToken);
}

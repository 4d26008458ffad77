using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Recsys.Pipeline;
using Recsys.Training.Pipeline;

namespace Recsys.Functions.Train;

/// <summary>
/// One Service Bus trigger per stage; each returns the next stage's messages through an output binding, which
/// the host sends before completing the input. A permanent failure (bad dataset) completes the message with the
/// job marked failed; any other failure is retried by Service Bus and dead-lettered after the queue's
/// MaxDeliveryCount, with the job marked failed on that last attempt.
/// </summary>
public sealed class PipelineFunctions(
    PipelineStorage storage, PrepareStage prepare, TrainStage train, EvaluateStage evaluate, DatasetWatcher watcher, IConfiguration configuration, ILogger<PipelineFunctions> logger)
{
    private const string Connection = "ServiceBus";

    private int MaxDeliveryCount => configuration.GetValue("Pipeline:MaxDeliveryCount", 5);

    [Function("Prepare")]
    [ServiceBusOutput("train", Connection = Connection)]
    public async Task<string[]> Prepare([ServiceBusTrigger("prepare", Connection = Connection)] ServiceBusReceivedMessage message, CancellationToken cancellationToken)
    {
        // Event Grid delivers BlobCreated events for datasets/ into this queue: turn the drop into a prepare message.
        if (BlobCreatedDataset(message.Body) is { } dataset)
        {
            await watcher.ScanAsync(dataset, cancellationToken);
            return [];
        }

        return await RunAsync(prepare, message, cancellationToken);
    }

    [Function("Train")]
    [ServiceBusOutput("evaluate", Connection = Connection)]
    public Task<string[]> Train([ServiceBusTrigger("train", Connection = Connection)] ServiceBusReceivedMessage message, CancellationToken cancellationToken) =>
        RunAsync(train, message, cancellationToken);

    [Function("Evaluate")]
    public async Task Evaluate([ServiceBusTrigger("evaluate", Connection = Connection)] ServiceBusReceivedMessage message, CancellationToken cancellationToken) =>
        await RunAsync(evaluate, message, cancellationToken);

    private async Task<string[]> RunAsync(IPipelineStage stage, ServiceBusReceivedMessage received, CancellationToken cancellationToken)
    {
        PipelineMessage message = PipelineMessage.FromJson(received.Body.ToString()) with { Attempt = received.DeliveryCount };
        try
        {
            IReadOnlyList<PipelineMessage> next = await stage.HandleAsync(message, cancellationToken);
            return [.. next.Select(m => m.ToJson())];
        }
        catch (PermanentStageException ex)
        {
            logger.LogWarning("Job {JobId} failed at {Stage}: {Reason}", message.JobId, stage.Stage, ex.Message);
            return [];
        }
        catch (Exception ex) when (received.DeliveryCount >= MaxDeliveryCount && ex is not OperationCanceledException)
        {
            await storage.Jobs.FailAsync(message.JobId, $"{PipelineStorage.QueueName(stage.Stage)}-dead-letter", $"{ex.GetType().Name}: {ex.Message}", cancellationToken: cancellationToken);
            throw;
        }
    }

    /// <summary>The dataset folder of an Event Grid BlobCreated event under datasets/, or null for any other body.</summary>
    private static string? BlobCreatedDataset(BinaryData body)
    {
        try
        {
            using JsonDocument json = JsonDocument.Parse(body);
            JsonElement root = json.RootElement.ValueKind == JsonValueKind.Array ? json.RootElement[0] : json.RootElement;
            if (root.TryGetProperty("eventType", out JsonElement type) && type.GetString() == "Microsoft.Storage.BlobCreated"
                && root.TryGetProperty("subject", out JsonElement subject))
            {
                // subject: /blobServices/default/containers/datasets/blobs/{dataset}/{file}
                const string Prefix = "/blobServices/default/containers/datasets/blobs/";
                string path = subject.GetString() ?? "";
                return path.StartsWith(Prefix, StringComparison.Ordinal) && path[Prefix.Length..].Split('/') is [var dataset, _, ..] ? dataset : null;
            }
        }
        catch (JsonException)
        {
            // not an event: a pipeline message
        }

        return null;
    }
}

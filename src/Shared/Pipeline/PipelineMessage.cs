using System.Text.Json;
using Recsys.Features;
using Recsys.Storage;

namespace Recsys.Pipeline;

/// <summary>The pipeline's stages, each with its own queue.</summary>
public enum PipelineStage
{
    Prepare,
    Train,
    Evaluate,
}

/// <summary>
/// A message on the <c>prepare</c>, <c>train</c> or <c>evaluate</c> queue (the same JSON on Service Bus and on
/// Storage Queues). Everything a stage needs travels in it; nothing depends on which transport delivered it.
/// </summary>
public sealed record PipelineMessage
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required PipelineStage Stage { get; init; }

    public required string JobId { get; init; }

    /// <summary>The folder under <c>datasets/</c>.</summary>
    public required string Dataset { get; init; }

    /// <summary>The prepared dataset (set by prepare for the stages after it).</summary>
    public string? ContentHash { get; init; }

    /// <summary>The registry name the trained versions go to.</summary>
    public string? Model { get; init; }

    /// <summary>Which model to train (train) or which trained version to evaluate (evaluate).</summary>
    public PlannedModel? Training { get; init; }

    public string? Version { get; init; }

    /// <summary>How many times this message has been delivered (filled in by the transport).</summary>
    public int Attempt { get; init; } = 1;

    public string ToJson() => JsonSerializer.Serialize(this, FeatureSpec.JsonOptions);

    /// <summary>Parses a message; anything that is not a message of a known schema is an <see cref="InvalidDataException"/>.</summary>
    public static PipelineMessage FromJson(string json)
    {
        PipelineMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<PipelineMessage>(json, FeatureSpec.JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Not a pipeline message: {ex.Message}", ex);
        }

        if (message is null || message.SchemaVersion != CurrentSchemaVersion)
        {
            throw new InvalidDataException($"Unsupported pipeline message schema {message?.SchemaVersion}.");
        }

        Storage.ResourceName.Require(message.JobId, "job");
        Storage.ResourceName.Require(message.Dataset, "dataset");
        return message;
    }
}

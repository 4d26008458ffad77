using System.Text.Json;
using Recsys.Features;

namespace Recsys.Models;

/// <summary>
/// The contract between training and serving, stored as <c>manifest.json</c> beside <c>model.onnx</c>:
/// what the graph is, what data it learned from, how well it did, and exactly which inputs it expects and
/// how to build them from a request (the feature spec). Training writes it; serving only reads it.
/// </summary>
public sealed record ModelManifest
{
    public const string FileName = "manifest.json";
    public const string ModelFile = "model.onnx";
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required string Name { get; init; }

    public required string Version { get; init; }

    public required DateTimeOffset Created { get; init; }

    /// <summary>e.g. "mf-bpr"; tells serving how the inputs are laid out.</summary>
    public required string Architecture { get; init; }

    /// <summary>
    /// The model name it was trained as (<c>recsys train --model</c>: "bpr", "ranknet", "multdae", ...), the name
    /// people see; several trained models share one <see cref="Architecture"/>. Absent in older packages.
    /// </summary>
    public string? TrainedAs { get; init; }

    /// <summary>The name to show people: <see cref="TrainedAs"/>, else <see cref="Architecture"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string DisplayName => TrainedAs ?? Architecture;

    /// <summary>Content hash of the prepared dataset it was trained on.</summary>
    public required string TrainingDataHash { get; init; }

    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public required FeatureSpec Features { get; init; }

    public required IReadOnlyList<TensorSpec> Inputs { get; init; }

    public required IReadOnlyList<TensorSpec> Outputs { get; init; }

    /// <summary>Item vectors for catalogue-wide retrieval, when the model has them.</summary>
    public ItemEmbeddingsSpec? ItemEmbeddings { get; init; }

    /// <summary>
    /// For a model that scores item text (an <c>item_text</c> input): the sentence encoder, as name@version, whose
    /// vectors it was trained on; serving encodes a new item's text with the same one or refuses the model.
    /// </summary>
    public string? TextEncoder { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, FeatureSpec.JsonOptions);

    public static ModelManifest FromJson(string json) =>
        JsonSerializer.Deserialize<ModelManifest>(json, FeatureSpec.JsonOptions) ?? throw new JsonException("manifest.json is empty.");
}

/// <summary>A graph input or output: name, element type ("int64", "float32") and shape ("batch" for dynamic dimensions).</summary>
public sealed record TensorSpec(string Name, string ElementType, IReadOnlyList<string> Shape);

/// <summary>Raw little-endian float32 [count, dimensions] in <see cref="File"/>; row i is item index i.</summary>
public sealed record ItemEmbeddingsSpec(string File, int Count, int Dimensions);

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Recsys.Features;

/// <summary>
/// How model inputs are built from ids and item metadata. Prepare writes it as <c>spec.json</c>, training
/// copies it into the model manifest, and serving encodes requests with it: one type on both sides is what
/// keeps training and serving from drifting apart.
/// </summary>
public sealed record FeatureSpec
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required EntitySpec Users { get; init; }

    public required EntitySpec Items { get; init; }

    public required LabelSpec Label { get; init; }

    public bool HasTimestamps { get; init; }

    /// <summary>Genre names in multi-hot order.</summary>
    public IReadOnlyList<string> Genres { get; init; } = [];

    public required TextFeatureSpec Text { get; init; }

    public HistorySpec History { get; init; } = new();

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static FeatureSpec FromJson(string json) =>
        JsonSerializer.Deserialize<FeatureSpec>(json, JsonOptions) ?? throw new JsonException("spec.json is empty.");
}

/// <summary>An id vocabulary: index 0 is padding and the index of every unknown id.</summary>
public sealed record EntitySpec(string Vocabulary, int Size, int UnknownIndex = 0);

public enum LabelKind
{
    Rating,
    Implicit,
}

public sealed record LabelSpec(LabelKind Kind, float Min, float Max);

/// <summary>Item text (title and tags) as token indices from a vocabulary built on the data.</summary>
public sealed record TextFeatureSpec
{
    public string Tokenizer { get; init; } = TextTokenizer.Name;

    public int MaxTokens { get; init; } = 32;

    public int PadIndex { get; init; }

    public int UnknownIndex { get; init; } = 1;

    /// <summary>Tokens by index; entries 0 and 1 are the padding and unknown markers.</summary>
    public IReadOnlyList<string> Vocabulary { get; init; } = ["<pad>", "<unk>"];
}

/// <summary>How a user's history is fed to sequential models: most recent last, left-padded.</summary>
public sealed record HistorySpec(int MaxLength = 50, int PadIndex = 0);

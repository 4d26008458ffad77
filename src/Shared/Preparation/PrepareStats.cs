using System.Text.Json;

namespace Recsys.Preparation;

/// <summary>The summary written as <c>stats.json</c> beside a prepared dataset (schema in docs/prepared-dataset.md).</summary>
public sealed record PrepareStats
{
    public required string Dataset { get; init; }

    public required string Format { get; init; }

    public required string ContentHash { get; init; }

    public required string Options { get; init; }

    public required RowCounts Rows { get; init; }

    public IReadOnlyDictionary<string, long> RejectedByReason { get; init; } = new Dictionary<string, long>();

    public int Users { get; init; }

    public int Items { get; init; }

    public long Interactions { get; init; }

    /// <summary>Feedback events merged in as interactions (before deduplication), when the preparation read events.</summary>
    public long FeedbackEvents { get; init; }

    /// <summary>Items shown to a user (served lists, impressions) and not clicked, kept as explicit negatives in <c>negatives.parquet</c>.</summary>
    public long ImpressionNegatives { get; init; }

    /// <summary>1 − interactions / (users × items).</summary>
    public double Sparsity { get; init; }

    public RatingRange? Rating { get; init; }

    public TimeRange? Timestamps { get; init; }

    public IReadOnlyDictionary<string, SplitCounts> Splits { get; init; } = new Dictionary<string, SplitCounts>();

    /// <summary>Rows of item metadata files that went to quarantine (not counted in <see cref="Rows"/>).</summary>
    public long ItemMetadataRejected { get; init; }

    public int ItemsWithMetadata { get; init; }

    public int Genres { get; init; }

    public int TextTokens { get; init; }

    public double ElapsedSeconds { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Features.FeatureSpec.JsonOptions);

    public static PrepareStats FromJson(string json) =>
        JsonSerializer.Deserialize<PrepareStats>(json, Features.FeatureSpec.JsonOptions) ?? throw new JsonException("stats.json is empty.");
}

/// <summary>Row accounting: read = accepted + rejected; accepted − duplicates − belowThreshold − removedByKCore = interactions.</summary>
public sealed record RowCounts(long Read, long Accepted, long Rejected, long Duplicates, long BelowThreshold, long RemovedByKCore);

public sealed record RatingRange(float Min, float Max, double Mean);

public sealed record TimeRange(long Min, long Max);

public sealed record SplitCounts(long Rows, int Users, int Items);

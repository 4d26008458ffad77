namespace Recsys.Serving.Feedback;

/// <summary>
/// One event of <c>events/</c>, schema <see cref="CurrentSchema"/> (docs/serving.md): an impression, click or
/// rating a client sends, or a <c>served</c> record the host writes for each ranked list (its request id and top
/// items with their positions' scores). A client's event names the list it reacts to by <see cref="RequestId"/>,
/// or carries the attribution fields itself (model, version, variant, position, score).
/// </summary>
public sealed record FeedbackEvent
{
    public const int CurrentSchema = 1;

    /// <summary>impression, click or rating from clients; served from the host.</summary>
    public const string Served = "served";

    /// <summary>The schema version the event was written under; set by the host on write.</summary>
    public int? Schema { get; init; }

    public string? UserId { get; init; }

    public string? ItemId { get; init; }

    /// <summary>impression, click, rating, or served.</summary>
    public string? Type { get; init; }

    /// <summary>The rating, when <see cref="Type"/> is rating.</summary>
    public double? Value { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The <c>requestId</c> of the rank or recommend response the event reacts to (or, for served, records).</summary>
    public string? RequestId { get; init; }

    public string? Model { get; init; }

    public string? Version { get; init; }

    /// <summary>The alias or profile variant that served the list (champion, challenger, …).</summary>
    public string? Variant { get; init; }

    /// <summary>1-based position of the item in the list it was shown in.</summary>
    public int? Position { get; init; }

    /// <summary>The score the list gave the item.</summary>
    public float? Score { get; init; }

    /// <summary>served only: the list's top items, in order (position i + 1).</summary>
    public IReadOnlyList<string>? Items { get; init; }

    /// <summary>served only: their scores, in the same order.</summary>
    public IReadOnlyList<float>? Scores { get; init; }
}

/// <summary><c>POST /api/feedback</c> body.</summary>
public sealed record FeedbackRequest(IReadOnlyList<FeedbackEvent>? Events);

/// <summary>How many events were accepted (all of them, or the request was refused as a whole).</summary>
public sealed record FeedbackResponse(int Accepted);

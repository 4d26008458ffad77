namespace Recsys.Serving.Feedback;

/// <summary>One impression, click or rating, as appended to <c>events/</c> for the next training round.</summary>
public sealed record FeedbackEvent
{
    public string? UserId { get; init; }

    public string? ItemId { get; init; }

    /// <summary>impression, click or rating.</summary>
    public string? Type { get; init; }

    /// <summary>The rating, when <see cref="Type"/> is rating.</summary>
    public double? Value { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public string? Model { get; init; }

    public string? Version { get; init; }
}

/// <summary><c>POST /api/feedback</c> body.</summary>
public sealed record FeedbackRequest(IReadOnlyList<FeedbackEvent>? Events);

/// <summary>How many events were accepted (all of them, or the request was refused as a whole).</summary>
public sealed record FeedbackResponse(int Accepted);

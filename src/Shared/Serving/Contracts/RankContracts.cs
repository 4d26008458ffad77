using System.Text.Json;

namespace Recsys.Serving.Contracts;

/// <summary>
/// <c>POST /api/rank</c>: score and order <see cref="Candidates"/> for a user. Only the candidates are required;
/// <see cref="Model"/> defaults to the configured model's champion, <see cref="Profile"/> fuses several models.
/// </summary>
public sealed record RankRequest
{
    public string? Model { get; init; }

    /// <summary>An alias of <see cref="Model"/> (default: champion).</summary>
    public string? Alias { get; init; }

    public string? UserId { get; init; }

    /// <summary>Item ids the user interacted with, oldest first; excluded from the result unless <see cref="ExcludeSeen"/> is false.</summary>
    public IReadOnlyList<string>? History { get; init; }

    public IReadOnlyList<RankCandidate>? Candidates { get; init; }

    public int? Top { get; init; }

    public string? Profile { get; init; }

    public IReadOnlyList<string>? Exclude { get; init; }

    public bool ExcludeSeen { get; init; } = true;

    /// <summary>Attribute filters, e.g. <c>{ "genres": ["Comedy"] }</c>: an item passes when it has any listed value.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Filters { get; init; }

    /// <summary>Maximal-marginal-relevance trade-off: 0 ranks by score only, 1 by novelty only.</summary>
    public double Diversity { get; init; }
}

public sealed record RankCandidate
{
    public string? Id { get; init; }

    /// <summary>Side features of the candidate; kept for models that take them.</summary>
    public JsonElement? Features { get; init; }

    /// <summary>
    /// The item's text (title, description…). A model that reads item text scores a candidate outside its catalogue
    /// from this; other models, and candidates they know, ignore it.
    /// </summary>
    public string? Text { get; init; }

    /// <summary>Longest <see cref="Text"/> accepted, in characters (the encoder reads about the first 256 tokens).</summary>
    public const int MaxTextLength = 2_000;
}

/// <summary>
/// The ranked result, which model, version and variant produced it, and the request id feedback events refer
/// to (the served top 10 is recorded under it, see <see cref="Feedback.FeedbackSink.TryRecordServed"/>).
/// </summary>
public sealed record RankResponse(string Model, string Version, string Variant, IReadOnlyList<RankedItem> Items, double TookMs)
{
    public string RequestId { get; init; } = NewRequestId();

    /// <summary>
    /// 32 hex digits, time-ordered (the version 7 UUID layout of RFC 9562: 48 bits of Unix milliseconds, then 74
    /// random bits), so logs and event files sort by when a list was served. The random bits come from
    /// <see cref="Random.Shared"/>: an id must be unique, not secret, and <see cref="Guid.CreateVersion7()"/> asks the
    /// operating system for its random bytes, a system call for every ranked list.
    /// </summary>
    public static string NewRequestId()
    {
        Span<byte> id = stackalloc byte[16];
        Random.Shared.NextBytes(id);
        long milliseconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int i = 0; i < 6; i++)
        {
            id[i] = (byte)(milliseconds >> (40 - (8 * i))); // big-endian, so the text sorts by time
        }

        id[6] = (byte)(0x70 | (id[6] & 0x0F)); // version 7
        id[8] = (byte)(0x80 | (id[8] & 0x3F)); // variant 10
        return Convert.ToHexStringLower(id);
    }
}

/// <summary>
/// One ranked item. The score is float32, as the models compute it, so it is written as the float it is
/// (0.7617831, not the widened 0.7617831230163574).
/// </summary>
public sealed record RankedItem(string Id, float Score);

/// <summary><c>POST /api/rank/batch</c>: several users; each request may omit the shared model or profile.</summary>
public sealed record BatchRankRequest
{
    public string? Model { get; init; }

    public string? Profile { get; init; }

    public IReadOnlyList<RankRequest>? Requests { get; init; }
}

public sealed record BatchRankResponse(IReadOnlyList<RankResponse> Results, double TookMs);

/// <summary><c>POST /api/recommend</c>: top-k over the whole catalogue, with the same exclusions and filters.</summary>
public sealed record RecommendRequest
{
    public string? Model { get; init; }

    public string? Alias { get; init; }

    public string? UserId { get; init; }

    public IReadOnlyList<string>? History { get; init; }

    public int? Top { get; init; }

    public IReadOnlyList<string>? Exclude { get; init; }

    public bool ExcludeSeen { get; init; } = true;

    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Filters { get; init; }

    public double Diversity { get; init; }
}

/// <summary><c>PUT /api/models/{name}/aliases/{alias}</c> body.</summary>
public sealed record AliasUpdate(string? Version);

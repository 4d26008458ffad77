namespace Recsys.Serving;

/// <summary>A host-agnostic HTTP answer: status, JSON body (a <see cref="ProblemDetails"/> for errors) and an optional ETag.</summary>
public sealed record ApiResult(int Status, object? Body, string? ETag = null)
{
    public const string JsonContentType = "application/json";
    public const string ProblemContentType = "application/problem+json";

    public string ContentType => Body is ProblemDetails ? ProblemContentType : JsonContentType;
}

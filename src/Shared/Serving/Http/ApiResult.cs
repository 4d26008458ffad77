using System.Text.Json;
using Recsys.Serving.Contracts;

namespace Recsys.Serving.Http;

/// <summary>A host-agnostic HTTP answer: status, JSON body (a <see cref="ProblemDetails"/> for errors) and an optional ETag.</summary>
public sealed record ApiResult(int Status, object? Body, string? ETag = null)
{
    public const string JsonContentType = "application/json";
    public const string ProblemContentType = "application/problem+json";

    public string ContentType => Body is ProblemDetails ? ProblemContentType : JsonContentType;

    /// <summary>
    /// The answer to the request at <paramref name="path"/>: a problem's <c>instance</c> names that request (RFC 9457),
    /// which only the host knows; the handlers fill in the route.
    /// </summary>
    public ApiResult At(string path) => Body is ProblemDetails problem ? this with { Body = problem with { Instance = path } } : this;

    /// <summary>Writes the body (if any) as JSON to <paramref name="stream"/>; a rank response takes the writer made for it.</summary>
    public Task WriteBodyAsync(Stream stream, JsonSerializerOptions options, CancellationToken cancellationToken) => Body switch
    {
        null => Task.CompletedTask,
        RankResponse rank => RankResponseJson.WriteAsync(stream, rank, options, cancellationToken),
        _ => JsonSerializer.SerializeAsync(stream, Body, Body.GetType(), options, cancellationToken),
    };
}

namespace Recsys.Serving.Http;

/// <summary>A request the API answers with problem details rather than a result.</summary>
public sealed class ProblemException : Exception
{
    public ProblemException(ProblemType type, string title, string? detail = null, Exception? innerException = null)
        : base(detail ?? title, innerException)
    {
        Type = type;
        Title = title;
        Detail = detail;
    }

    public ProblemException()
        : this(ProblemTypes.InvalidRequest, "Invalid request.")
    {
    }

    public ProblemException(string message)
        : this(ProblemTypes.InvalidRequest, "Invalid request.", message)
    {
    }

    public ProblemException(string message, Exception innerException)
        : this(ProblemTypes.InvalidRequest, "Invalid request.", message, innerException)
    {
    }

    public ProblemType Type { get; }

    public string Title { get; }

    public string? Detail { get; }

    public ProblemDetails ToProblem(string? instance = null) => new(Type.Uri, Title, Type.Status, Detail, instance);
}

/// <summary>RFC 9457 problem details, as serialised (application/problem+json).</summary>
public sealed record ProblemDetails(string Type, string Title, int Status, string? Detail, string? Instance);

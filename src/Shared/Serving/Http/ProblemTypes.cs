namespace Recsys.Serving.Http;

/// <summary>
/// The stable <c>type</c> of every RFC 9457 problem the API returns, with its HTTP status. Clients may branch
/// on these; they never change meaning.
/// </summary>
public static class ProblemTypes
{
    private const string Prefix = "urn:recsys:problem:";

    public static readonly ProblemType InvalidJson = new($"{Prefix}invalid-json", 400);
    public static readonly ProblemType InvalidRequest = new($"{Prefix}invalid-request", 400);
    public static readonly ProblemType InvalidName = new($"{Prefix}invalid-name", 400);
    public static readonly ProblemType TooManyCandidates = new($"{Prefix}too-many-candidates", 400);
    public static readonly ProblemType TopOutOfRange = new($"{Prefix}top-out-of-range", 400);
    public static readonly ProblemType DuplicateId = new($"{Prefix}duplicate-id", 400);
    public static readonly ProblemType BodyTooLarge = new($"{Prefix}body-too-large", 413);
    public static readonly ProblemType UnknownModel = new($"{Prefix}unknown-model", 404);
    public static readonly ProblemType UnknownProfile = new($"{Prefix}unknown-profile", 404);
    public static readonly ProblemType UnknownJob = new($"{Prefix}unknown-job", 404);
    public static readonly ProblemType UnknownVersion = new($"{Prefix}unknown-version", 404);
    public static readonly ProblemType AliasConflict = new($"{Prefix}alias-conflict", 409);
    public static readonly ProblemType VersionExists = new($"{Prefix}version-exists", 409);
    public static readonly ProblemType DatasetExists = new($"{Prefix}dataset-exists", 409);
    public static readonly ProblemType NoEmbeddings = new($"{Prefix}no-item-embeddings", 422);
    public static readonly ProblemType ModelUnavailable = new($"{Prefix}model-unavailable", 503);
    public static readonly ProblemType Overloaded = new($"{Prefix}overloaded", 503);
    public static readonly ProblemType NotConfigured = new($"{Prefix}not-configured", 503);
}

/// <summary>A problem <c>type</c> URI and the status it is returned with.</summary>
public sealed record ProblemType(string Uri, int Status);

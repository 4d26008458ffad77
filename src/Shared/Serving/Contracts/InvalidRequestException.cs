namespace Recsys.Serving.Contracts;

/// <summary>Which rule a request broke; clients see each as its own problem type.</summary>
public enum RequestRule
{
    /// <summary>A required field is missing or a value is malformed.</summary>
    WellFormed,
    CandidateLimit,
    TopInRange,
    UniqueIds,
    KnownFilter,
}

/// <summary>A rank, recommend or feedback request that breaks a <see cref="RequestRule"/>; the message names the field.</summary>
public sealed class InvalidRequestException(RequestRule rule, string message) : RefusalException(message)
{
    public RequestRule Rule { get; } = rule;
}

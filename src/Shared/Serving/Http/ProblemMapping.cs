using Recsys.Pipeline;
using Recsys.Serving.Contracts;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;
using Recsys.Storage;

namespace Recsys.Serving.Http;

/// <summary>
/// What each domain refusal is over HTTP: the one place that knows both the domain's exceptions and the problem
/// types clients branch on. The refusal's message becomes the problem's <c>detail</c>.
/// </summary>
internal static class ProblemMapping
{
    /// <summary>The problem type and title for <paramref name="refusal"/>; null for a refusal this surface does not know.</summary>
    public static (ProblemType Type, string Title)? Of(RefusalException refusal) => refusal switch
    {
        InvalidNameException e => (ProblemTypes.InvalidName, $"Invalid {e.What} name."),
        InvalidRequestException { Rule: RequestRule.WellFormed } => (ProblemTypes.InvalidRequest, "Invalid request."),
        InvalidRequestException { Rule: RequestRule.KnownFilter } => (ProblemTypes.InvalidRequest, "Unknown filter."),
        InvalidRequestException { Rule: RequestRule.CandidateLimit } => (ProblemTypes.TooManyCandidates, "Too many candidates."),
        InvalidRequestException { Rule: RequestRule.TopInRange } => (ProblemTypes.TopOutOfRange, "top is out of range."),
        InvalidRequestException { Rule: RequestRule.UniqueIds } => (ProblemTypes.DuplicateId, "Duplicate candidate id."),
        UnknownModelException => (ProblemTypes.UnknownModel, "Unknown model."),
        UnknownVersionException => (ProblemTypes.UnknownVersion, "Unknown model version."),
        UnknownProfileException => (ProblemTypes.UnknownProfile, "Unknown profile."),
        AliasConflictException e => (ProblemTypes.AliasConflict, e.Exists ? "Alias exists." : "Alias changed concurrently."),
        VersionExistsException => (ProblemTypes.VersionExists, "Version already published."),
        DatasetExistsException => (ProblemTypes.DatasetExists, "Dataset file exists."),
        DatasetTooLargeException => (ProblemTypes.BodyTooLarge, "Dataset file too large."),
        ModelUnavailableException => (ProblemTypes.ModelUnavailable, "Model cannot be loaded."),
        InvalidProfileException => (ProblemTypes.ModelUnavailable, "Profile cannot be used."),
        _ => null,
    };
}

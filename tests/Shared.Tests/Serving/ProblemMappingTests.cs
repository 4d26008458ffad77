using Recsys.Pipeline;
using Recsys.Serving.Contracts;
using Recsys.Serving.Http;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;
using Recsys.Storage;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>Every refusal the domain throws has exactly the problem type and title clients have always seen.</summary>
public sealed class ProblemMappingTests
{
    private static readonly (RefusalException Refusal, ProblemType Type, string Title)[] Expected =
    [
        (new InvalidNameException("model"), ProblemTypes.InvalidName, "Invalid model name."),
        (new InvalidRequestException(RequestRule.WellFormed, "x"), ProblemTypes.InvalidRequest, "Invalid request."),
        (new InvalidRequestException(RequestRule.KnownFilter, "x"), ProblemTypes.InvalidRequest, "Unknown filter."),
        (new InvalidRequestException(RequestRule.CandidateLimit, "x"), ProblemTypes.TooManyCandidates, "Too many candidates."),
        (new InvalidRequestException(RequestRule.TopInRange, "x"), ProblemTypes.TopOutOfRange, "top is out of range."),
        (new InvalidRequestException(RequestRule.UniqueIds, "x"), ProblemTypes.DuplicateId, "Duplicate candidate id."),
        (new UnknownModelException("m", "a"), ProblemTypes.UnknownModel, "Unknown model."),
        (new UnknownVersionException("m", "v"), ProblemTypes.UnknownVersion, "Unknown model version."),
        (new UnknownProfileException("p"), ProblemTypes.UnknownProfile, "Unknown profile."),
        (new AliasConflictException("m", "a", null), ProblemTypes.AliasConflict, "Alias exists."),
        (new AliasConflictException("m", "a", "\"0x1\""), ProblemTypes.AliasConflict, "Alias changed concurrently."),
        (new VersionExistsException("m", "v"), ProblemTypes.VersionExists, "Version already published."),
        (new DatasetExistsException("d", "f.csv"), ProblemTypes.DatasetExists, "Dataset file exists."),
        (new DatasetTooLargeException(10), ProblemTypes.BodyTooLarge, "Dataset file too large."),
        (new ModelUnavailableException("m/v: broken"), ProblemTypes.ModelUnavailable, "Model cannot be loaded."),
        (new InvalidProfileException("p", "bad"), ProblemTypes.ModelUnavailable, "Profile cannot be used."),
    ];

    [Fact]
    public void EachRefusal_MapsToItsProblemType()
    {
        foreach (var (refusal, type, title) in Expected)
        {
            Assert.Equal((type, title), ProblemMapping.Of(refusal));
        }
    }

    [Fact]
    public void EveryRefusalType_AndEveryRequestRule_IsCovered()
    {
        // A new refusal without a mapping would reach clients as a 500; this lists it here first.
        var declared = typeof(RefusalException).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(RefusalException)) && !t.IsAbstract).ToHashSet();
        Assert.Equal(declared.OrderBy(t => t.Name), Expected.Select(e => e.Refusal.GetType()).Distinct().OrderBy(t => t.Name));
        Assert.Equal(
            Enum.GetValues<RequestRule>(),
            Expected.Select(e => e.Refusal).OfType<InvalidRequestException>().Select(e => e.Rule).Order());
    }
}

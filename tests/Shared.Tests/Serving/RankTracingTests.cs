using System.Diagnostics;
using Recsys.Diagnostics;
using Recsys.Serving;
using Recsys.Serving.Contracts;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>A rank request is a span of the library's ActivitySource, tagged with what served it.</summary>
public sealed class RankTracingTests(ServingFixture fixture) : IClassFixture<ServingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARankRequest_IsASpan_WithTheModelVersionCandidatesAndFusion()
    {
        ModelRegistry registry = await fixture.NewRegistryWithChampionAsync();
        var options = new ServingOptions { RefreshInterval = TimeSpan.FromHours(1) };
        await using var host = new ModelHost(registry, options);
        var service = await fixture.NewRankServiceAsync(host, options);

        // Only spans under this test's own parent count: other tests run in parallel.
        using var parentSource = new ActivitySource("Recsys.Tests");
        var finished = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is RecsysTracing.SourceName or "Recsys.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a =>
            {
                lock (finished)
                {
                    finished.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        string parentId;
        using (Activity parent = parentSource.StartActivity("test")!)
        {
            parentId = parent.Id!;
            await service.RankAsync(new RankRequest { UserId = "1", Candidates = [.. new[] { "1", "2", "3" }.Select(id => new RankCandidate { Id = id })] }, Ct);
        }

        Activity span;
        lock (finished)
        {
            span = Assert.Single(finished, a => a.ParentId == parentId && a.Source.Name == RecsysTracing.SourceName);
        }

        Assert.Equal("rank", span.OperationName);
        Assert.Equal("movies", span.GetTagItem(RecsysTracing.Tags.Model));
        Assert.Equal("v1", span.GetTagItem(RecsysTracing.Tags.Version));
        Assert.Equal(3, span.GetTagItem(RecsysTracing.Tags.Candidates));
        Assert.Equal("none", span.GetTagItem(RecsysTracing.Tags.Fusion));
        Assert.True(span.Duration > TimeSpan.Zero);
    }
}

using System.Text.Json;
using Recsys.Serving;
using Recsys.Serving.Contracts;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>Profiles from blob storage, applied by the rank service to v1 (score = index) and v2 (score = −index).</summary>
public sealed class FusionProfileTests(ServingFixture fixture) : IClassFixture<ServingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly RankRequest AllSix = new() { UserId = "1", Candidates = [.. Enumerable.Range(1, 6).Select(i => new RankCandidate { Id = $"{i}" })] };

    private async Task<(ModelHost Host, RankService Service, ProfileStore Profiles)> ServeAsync()
    {
        var options = new ServingOptions { RefreshInterval = TimeSpan.FromHours(1) };
        ModelRegistry registry = await fixture.NewRegistryWithChampionAsync(challenger: true);
        var host = new ModelHost(registry, options);
        var profiles = new ProfileStore(await fixture.NewContainerAsync("profiles"), options.RefreshInterval);
        return (host, new RankService(host, profiles, options), profiles);
    }

    [Fact]
    public async Task WeightedProfile_HeavierChallenger_WinsTheOrder()
    {
        var (host, service, profiles) = await ServeAsync();
        await using var _ = host;
        await profiles.SaveAsync("blend", new FusionProfile
        {
            Method = FusionMethod.Weighted,
            Models = [new("movies", "champion", 1, ScoreNormalization.Rank), new("movies", "challenger", 3, ScoreNormalization.Rank)],
        }, Ct);

        RankResponse response = await service.RankAsync(AllSix with { Profile = "blend" }, Ct);

        Assert.Equal(["1", "2", "3", "4", "5", "6"], response.Items.Select(i => i.Id));
        Assert.Equal(3.0, response.Items[0].Score, 10);
        Assert.Equal(("blend", "movies@v1+movies@v2", "weighted"), (response.Model, response.Version, response.Variant));
    }

    [Fact]
    public async Task Cascade_CheapModelCutsToTwo_HeavyModelOrdersThem()
    {
        var (host, service, profiles) = await ServeAsync();
        await using var _ = host;
        await profiles.SaveAsync("cascade", new FusionProfile
        {
            Method = FusionMethod.Cascade,
            CascadeCut = 2,
            Models = [new("movies", "champion"), new("movies", "challenger")],
        }, Ct);

        RankResponse response = await service.RankAsync(AllSix with { Profile = "cascade" }, Ct);

        Assert.Equal(["5", "6"], response.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task SplitProfile_SendsEachUserToOneAlias_Consistently()
    {
        var (host, service, profiles) = await ServeAsync();
        await using var _ = host;
        await profiles.SaveAsync("ab", new FusionProfile
        {
            Method = FusionMethod.Split,
            Models = [new("movies", "champion", 0.5), new("movies", "challenger", 0.5)],
        }, Ct);

        var variants = new Dictionary<string, string>();
        for (int u = 0; u < 40; u++)
        {
            RankResponse first = await service.RankAsync(AllSix with { Profile = "ab", UserId = $"u{u}" }, Ct);
            RankResponse again = await service.RankAsync(AllSix with { Profile = "ab", UserId = $"u{u}" }, Ct);
            Assert.Equal(first.Version, again.Version);
            Assert.Equal(first.Version == "v1" ? "6" : "1", first.Items[0].Id);
            variants[$"u{u}"] = first.Variant;
        }

        Assert.Equal(["movies:challenger", "movies:champion"], variants.Values.Distinct().Order());
    }

    [Fact]
    public async Task UnknownProfile_AndAnInvalidOne_AreRefusedWithTheirName()
    {
        var (host, service, _) = await ServeAsync();
        await using var _ = host;
        var container = await fixture.NewContainerAsync("profiles");
        await container.UploadBlobAsync("bad.json", BinaryData.FromString("""{ "method": "cascade", "models": [ { "model": "movies" } ] }"""), Ct);
        var store = new ProfileStore(container, TimeSpan.FromMinutes(1));

        var unknown = await Assert.ThrowsAsync<UnknownProfileException>(() => service.RankAsync(AllSix with { Profile = "nope" }, Ct));
        var invalid = await Assert.ThrowsAsync<InvalidProfileException>(async () => await store.GetAsync("bad", Ct));

        Assert.Equal("There is no profile 'nope'.", unknown.Message);
        Assert.StartsWith("Profile 'bad' is invalid: ", invalid.Message, StringComparison.Ordinal);
        Assert.IsType<JsonException>(invalid.InnerException);
    }
}

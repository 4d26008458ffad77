using Recsys.Serving;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

public sealed class ModelRegistryTests(ServingFixture fixture) : IClassFixture<ServingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Publish_TwoVersionsAndAnAlias_ListsThemAll()
    {
        ModelRegistry registry = await fixture.NewRegistryAsync();

        await registry.PublishAsync("movies", fixture.Folder1, Ct);
        await registry.PublishAsync("movies", fixture.Folder2, Ct);
        await registry.SetAliasAsync("movies", "champion", "v1", ifMatch: null, Ct);

        Assert.Equal(["movies"], await registry.ListModelsAsync(Ct));
        ModelEntry entry = (await registry.GetModelAsync("movies", Ct))!;
        Assert.Equal(["v1", "v2"], entry.Versions);
        Assert.Equal("v1", entry.Aliases["champion"]);
    }

    [Fact]
    public async Task SetAlias_OnAnExistingAliasWithoutIfMatch_SaysItExists_NotThatItChanged()
    {
        ModelRegistry registry = await fixture.NewRegistryWithChampionAsync();

        var error = await Assert.ThrowsAsync<ProblemException>(() => registry.SetAliasAsync("movies", "champion", fixture.Version2, null, Ct));

        Assert.Equal((ProblemTypes.AliasConflict, "Alias exists."), (error.Type, error.Title));
        Assert.Contains("send its ETag in If-Match", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_SameVersionTwice_IsAConflictAndKeepsTheFirst()
    {
        ModelRegistry registry = await fixture.NewRegistryAsync();
        await registry.PublishAsync("movies", fixture.Folder1, Ct);

        var error = await Assert.ThrowsAsync<ProblemException>(() => registry.PublishAsync("movies", fixture.Folder1, Ct));

        Assert.Equal(ProblemTypes.VersionExists, error.Type);
    }

    [Fact]
    public async Task SetAlias_ConcurrentPromotionsWithTheSameETag_ExactlyOneWins()
    {
        ModelRegistry registry = await fixture.NewRegistryAsync();
        await registry.PublishAsync("movies", fixture.Folder1, Ct);
        await registry.PublishAsync("movies", fixture.Folder2, Ct);
        AliasPointer first = await registry.SetAliasAsync("movies", "champion", "v1", null, Ct);

        // Two promoters both read ETag `first` and race to move the alias.
        Task<AliasPointer>[] racers =
        [
            registry.SetAliasAsync("movies", "champion", "v2", first.ETag, Ct),
            registry.SetAliasAsync("movies", "champion", "v1", first.ETag, Ct),
        ];
        int won = 0, conflicts = 0;
        foreach (Task<AliasPointer> racer in racers)
        {
            try
            {
                await racer;
                won++;
            }
            catch (ProblemException ex) when (ex.Type == ProblemTypes.AliasConflict)
            {
                conflicts++;
            }
        }

        Assert.Equal((1, 1), (won, conflicts));
    }

    [Fact]
    public async Task SetAlias_WithoutETagWhenTheAliasExists_IsAConflict()
    {
        ModelRegistry registry = await fixture.NewRegistryAsync();
        await registry.PublishAsync("movies", fixture.Folder1, Ct);
        await registry.SetAliasAsync("movies", "champion", "v1", null, Ct);

        var error = await Assert.ThrowsAsync<ProblemException>(() => registry.SetAliasAsync("movies", "champion", "v1", null, Ct));

        Assert.Equal(409, error.Type.Status);
    }

    [Fact]
    public async Task SetAlias_ToAVersionThatDoesNotExist_IsRefused()
    {
        ModelRegistry registry = await fixture.NewRegistryAsync();
        await registry.PublishAsync("movies", fixture.Folder1, Ct);

        var error = await Assert.ThrowsAsync<ProblemException>(() => registry.SetAliasAsync("movies", "champion", "v9", null, Ct));

        Assert.Equal(ProblemTypes.UnknownVersion, error.Type);
        Assert.Null(await registry.ReadAliasAsync("movies", "champion", Ct));
    }

    [Theory]
    [InlineData("../models")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData(".hidden")]
    [InlineData("x..y")]
    [InlineData("name with space")]
    [InlineData("%2e%2e")]
    public async Task HostileNames_AreRefusedBeforeTouchingStorage(string name)
    {
        ModelRegistry registry = await fixture.NewRegistryAsync();

        var error = await Assert.ThrowsAsync<ProblemException>(() => registry.GetModelAsync(name, Ct));

        Assert.Equal(ProblemTypes.InvalidName, error.Type);
    }
}

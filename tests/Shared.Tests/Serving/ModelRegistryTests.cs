using Recsys.Serving.Runtime;
using Recsys.Storage;
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

        var error = await Assert.ThrowsAsync<AliasConflictException>(() => registry.SetAliasAsync("movies", "champion", fixture.Version2, null, Ct));

        Assert.True(error.Exists);
        Assert.Contains("send its ETag in If-Match", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_SameVersionTwice_IsAConflictAndKeepsTheFirst()
    {
        ModelRegistry registry = await fixture.NewRegistryAsync();
        await registry.PublishAsync("movies", fixture.Folder1, Ct);

        var error = await Assert.ThrowsAsync<VersionExistsException>(() => registry.PublishAsync("movies", fixture.Folder1, Ct));

        Assert.Equal($"movies/{fixture.Version1} exists; versions are immutable.", error.Message);
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
            catch (AliasConflictException ex) when (!ex.Exists)
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

        var error = await Assert.ThrowsAsync<AliasConflictException>(() => registry.SetAliasAsync("movies", "champion", "v1", null, Ct));

        Assert.True(error.Exists);
    }

    [Fact]
    public async Task SetAlias_ToAVersionThatDoesNotExist_IsRefused()
    {
        ModelRegistry registry = await fixture.NewRegistryAsync();
        await registry.PublishAsync("movies", fixture.Folder1, Ct);

        var error = await Assert.ThrowsAsync<UnknownVersionException>(() => registry.SetAliasAsync("movies", "champion", "v9", null, Ct));

        Assert.Equal("movies has no complete version 'v9'.", error.Message);
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

        var error = await Assert.ThrowsAsync<InvalidNameException>(() => registry.GetModelAsync(name, Ct));

        Assert.Equal("model", error.What);
    }
}

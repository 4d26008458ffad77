using Azure.Storage.Blobs;
using Recsys.Serving.Runtime;
using Xunit;

namespace Recsys.Testing;

/// <summary>A real Azurite plus two exported versions of the tiny model: v1 ranks high item indices first, v2 the reverse.</summary>
public sealed class ServingFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private readonly TempFolder _temp = new();

    public string Version1 { get; } = "v1";

    public string Version2 { get; } = "v2";

    public string Folder1 { get; private set; } = "";

    public string Folder2 { get; private set; } = "";

    public string Prepared { get; private set; } = "";

    public BlobServiceClient Storage => _azurite.BlobService;

    public string ConnectionString => _azurite.ConnectionString;

    public TempFolder Temp => _temp;

    /// <summary>A registry in a container of its own, so tests never see each other's models.</summary>
    public async Task<ModelRegistry> NewRegistryAsync() => new(await _azurite.CreateContainerAsync("models"));

    /// <summary>A fresh registry with both versions of "movies" published and champion on v1 (challenger on v2 when asked).</summary>
    public async Task<ModelRegistry> NewRegistryWithChampionAsync(bool challenger = false)
    {
        ModelRegistry registry = await NewRegistryAsync();
        await registry.PublishAsync("movies", Folder1);
        await registry.PublishAsync("movies", Folder2);
        await registry.SetAliasAsync("movies", "champion", Version1, null);
        if (challenger)
        {
            await registry.SetAliasAsync("movies", "challenger", Version2, null);
        }

        return registry;
    }

    public async Task<BlobContainerClient> NewContainerAsync(string prefix) => await _azurite.CreateContainerAsync(prefix);

    /// <summary>A rank service over <paramref name="host"/>, with a profile store in a container of its own.</summary>
    public async Task<Recsys.Serving.Ranking.RankService> NewRankServiceAsync(ModelHost host, Recsys.Serving.ServingOptions options) =>
        new(host, new Recsys.Serving.Ranking.ProfileStore(await NewContainerAsync("profiles"), options.RefreshInterval), options);

    public async ValueTask InitializeAsync()
    {
        await _azurite.InitializeAsync();
        Prepared = await TestModels.PrepareAsync(_temp);
        Folder1 = await TestModels.WritePackageAsync(Prepared, _temp.Combine("v1"), Version1, direction: 1);
        Folder2 = await TestModels.WritePackageAsync(Prepared, _temp.Combine("v2"), Version2, direction: -1);
    }

    public async ValueTask DisposeAsync()
    {
        await _azurite.DisposeAsync();
        _temp.Dispose();
    }
}

using Azure.Storage.Blobs;
using Recsys.Models;
using Recsys.Serving;
using Recsys.Serving.Contracts;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

public sealed class ModelHostTests(ServingFixture fixture) : IClassFixture<ServingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ServingOptions Options = new() { RefreshInterval = TimeSpan.FromHours(1) };

    private static RankRequest Request(params string[] ids) => new() { Candidates = [.. ids.Select(id => new RankCandidate { Id = id })] };

    private async Task<(ModelRegistry Registry, ModelHost Host, RankService Service)> ServeAsync(ServingOptions? options = null)
    {
        options ??= Options;
        ModelRegistry registry = await fixture.NewRegistryWithChampionAsync();
        var host = new ModelHost(registry, options);
        return (registry, host, await fixture.NewRankServiceAsync(host, options));
    }

    [Fact]
    public async Task Rank_ScoresThroughOnnxRuntime_InModelOrder()
    {
        var (_, host, service) = await ServeAsync();
        await using var _ = host;

        RankResponse response = await service.RankAsync(Request("2", "5", "3", "unknown-item"), Ct);

        // v1 scores item index i as i (ids 1..6 map to indices 1..6); the unknown id takes index 0.
        Assert.Equal(["5", "3", "2", "unknown-item"], response.Items.Select(i => i.Id));
        Assert.Equal([5f, 3f, 2f, 0f], response.Items.Select(i => i.Score));
        Assert.Equal(("movies", "v1", "champion"), (response.Model, response.Version, response.Variant));
    }

    [Fact]
    public async Task AnExpectedModelNotPublishedYet_IsDegradedWithTheReason_UntilItIsPublished()
    {
        ModelRegistry registry = await fixture.NewRegistryAsync();
        await using var host = new ModelHost(registry, Options);

        string? reason = await host.ExpectAsync("books", "champion", Ct);

        HealthReport waiting = host.Health();
        Assert.Equal("degraded", waiting.Status);
        Assert.Empty(waiting.Models);
        Assert.Equal(["books/champion: Model 'books' has no alias 'champion'."], waiting.Unavailable);
        Assert.Equal("Model 'books' has no alias 'champion'.", reason);

        await registry.PublishAsync("books", fixture.Folder1, Ct);
        await registry.SetAliasAsync("books", "champion", fixture.Version1, null, Ct);
        await host.RefreshAsync(Ct);

        HealthReport serving = host.Health();
        Assert.Equal("healthy", serving.Status);
        Assert.Empty(serving.Unavailable);
        Assert.Equal(("books", "v1"), (Assert.Single(serving.Models).Model, serving.Models[0].Version));
    }

    [Fact]
    public async Task ASlotEvictedWhileACallerWaitsAtItsGate_IsNotLoadedBehindTheHostsBack()
    {
        ModelRegistry registry = await fixture.NewRegistryWithChampionAsync(challenger: true);
        var log = new ListLogger();
        await using var host = new ModelHost(registry, Options with { MemoryBudgetBytes = 1 }, log); // room for one model at a time
        bool interfered = false;
        host.BeforeGate = async key =>
        {
            if (key.Alias == "champion" && !interfered)
            {
                // Before this caller reaches the gate, another loads champion and a third loads challenger,
                // which unloads champion and removes its slot from the host's table.
                interfered = true;
                using (await host.AcquireAsync("movies", "champion", Ct))
                {
                }

                using (await host.AcquireAsync("movies", "challenger", Ct))
                {
                }
            }
        };

        using ModelLease lease = await host.AcquireAsync("movies", "champion", Ct);

        // Champion was loaded twice (before and after the eviction), not a third time into the evicted slot, where
        // it would never have been served, retired or disposed.
        Assert.Equal(2, log.Lines.Count(l => l.StartsWith("Loaded movies/champion", StringComparison.Ordinal)));
        Assert.Equal("v1", lease.Model.Version);
        Assert.Contains(host.Health().Models, m => (m.Alias, m.Version) == ("champion", "v1"));
    }

    [Fact]
    public async Task Rank_TopExcludeAndSeenHistory_AreAppliedAfterScoring()
    {
        var (_, host, service) = await ServeAsync();
        await using var _ = host;

        RankResponse response = await service.RankAsync(Request("1", "2", "3", "4", "5", "6") with { History = ["6"], Exclude = ["5"], Top = 2 }, Ct);

        Assert.Equal(["4", "3"], response.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task Rank_GenreFilter_KeepsOnlyMatchingItems()
    {
        var (_, host, service) = await ServeAsync();
        await using var _ = host;

        RankResponse response = await service.RankAsync(
            Request("1", "2", "3", "4", "5", "6") with { Filters = new Dictionary<string, IReadOnlyList<string>> { ["genres"] = ["Action"] } }, Ct);

        Assert.Equal(["6", "3", "2"], response.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task Recommend_WholeCatalogue_ExactTopKWithoutSeenItems()
    {
        var (_, host, service) = await ServeAsync();
        await using var _ = host;

        RankResponse response = await service.RecommendAsync(new RecommendRequest { UserId = "1", History = ["6", "4"], Top = 3 }, Ct);

        Assert.Equal(["5", "3", "2"], response.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task Batch_ManyUsers_EachGetsItsOwnCandidates()
    {
        var (_, host, service) = await ServeAsync();
        await using var _ = host;

        BatchRankResponse response = await service.RankBatchAsync(new BatchRankRequest { Requests = [Request("1", "2"), Request("6", "3", "5") with { Top = 1 }] }, Ct);

        Assert.Equal(["2", "1"], response.Results[0].Items.Select(i => i.Id));
        Assert.Equal(["6"], response.Results[1].Items.Select(i => i.Id));
    }

    [Fact]
    public async Task Refresh_AfterPromotion_SwapsToTheNewVersion()
    {
        var (registry, host, service) = await ServeAsync();
        await using var _ = host;
        Assert.Equal("v1", (await service.RankAsync(Request("1", "2"), Ct)).Version);

        AliasPointer current = (await registry.ReadAliasAsync("movies", "champion", Ct))!;
        await registry.SetAliasAsync("movies", "champion", fixture.Version2, current.ETag, Ct);
        await host.RefreshAsync(Ct);

        RankResponse after = await service.RankAsync(Request("1", "2"), Ct);
        Assert.Equal("v2", after.Version);
        Assert.Equal(["1", "2"], after.Items.Select(i => i.Id));
        Assert.Equal("healthy", host.Health().Status);
    }

    [Fact]
    public async Task Lease_HeldAcrossASwap_KeepsScoringOnTheOldVersionUntilReleased()
    {
        var (registry, host, _) = await ServeAsync();
        await using var _ = host;
        ModelLease old = await host.AcquireAsync("movies", "champion", Ct);

        await registry.SetAliasAsync("movies", "champion", fixture.Version2, (await registry.ReadAliasAsync("movies", "champion", Ct))!.ETag, Ct);
        await host.RefreshAsync(Ct);

        // The in-flight request still scores on v1's session, which is not disposed under it.
        float[] scores = new float[2];
        old.Model.Score([new ScoringQuery(0, ReadOnlyMemory<int>.Empty, new[] { 1, 2 })], scores);
        Assert.Equal([1f, 2f], scores);
        old.Dispose();
        using ModelLease fresh = await host.AcquireAsync("movies", "champion", Ct);
        Assert.Equal("v2", fresh.Model.Version);
        Assert.Throws<ObjectDisposedException>(() => old.Model);
    }

    [Theory]
    [InlineData("corrupt-onnx")]
    [InlineData("missing-items")]
    [InlineData("manifest-mismatch")]
    public async Task Promotion_OfABrokenVersion_KeepsTheOldOneAndReportsDegraded(string fault)
    {
        var (registry, host, service) = await ServeAsync();
        await using var _ = host;
        await service.RankAsync(Request("1"), Ct);
        await PublishBrokenAsync(registry, fault);

        await registry.SetAliasAsync("movies", "champion", "broken", (await registry.ReadAliasAsync("movies", "champion", Ct))!.ETag, Ct);
        await host.RefreshAsync(Ct);

        RankResponse response = await service.RankAsync(Request("1", "2"), Ct);
        Assert.Equal("v1", response.Version);
        HealthReport health = host.Health();
        Assert.Equal("degraded", health.Status);
        Assert.Contains("broken", health.Models.Single().Degraded, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstUse_OfABrokenVersion_IsUnavailableWithTheReason()
    {
        ModelRegistry registry = await fixture.NewRegistryAsync();
        await PublishBrokenAsync(registry, "corrupt-onnx");
        await registry.SetAliasAsync("movies", "champion", "broken", null, Ct);
        await using var host = new ModelHost(registry, Options);

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(async () => await host.AcquireAsync("movies", "champion", Ct));

        Assert.Contains("does not load", error.Message, StringComparison.Ordinal);

        // Fixing the alias (a new ETag) is what lets it load; asking again meanwhile answers from memory.
        var again = await Assert.ThrowsAsync<ModelUnavailableException>(async () => await host.AcquireAsync("movies", "champion", Ct));
        Assert.Equal(error.Message, again.Message);
        await registry.PublishAsync("movies", fixture.Folder1, Ct);
        await registry.SetAliasAsync("movies", "champion", fixture.Version1, (await registry.ReadAliasAsync("movies", "champion", Ct))!.ETag, Ct);
        using ModelLease lease = await host.AcquireAsync("movies", "champion", Ct);
        Assert.Equal("v1", lease.Model.Version);
    }

    [Fact]
    public async Task Provider_WithoutCuda_FallsBackToCpu_AndHealthSaysSo()
    {
        var (_, host, service) = await ServeAsync();
        await using var _ = host;

        await service.RankAsync(Request("1"), Ct);

        // The CPU package lists no CUDA provider, so this machine (and CI) always takes the fallback.
        Assert.Equal(Recsys.Serving.Runtime.ExecutionProvider.Cpu, host.Provider);
        Assert.Equal(("Cpu", "Cpu"), (host.Health().ExecutionProvider, host.Health().Models.Single().Provider));
    }

    [Fact]
    public async Task UnknownModel_IsRefusedWithTheMissingAlias()
    {
        var (_, host, service) = await ServeAsync();
        await using var _ = host;

        var error = await Assert.ThrowsAsync<UnknownModelException>(() => service.RankAsync(Request("1") with { Model = "nope" }, Ct));

        Assert.Equal("Model 'nope' has no alias 'champion'.", error.Message);
    }

    [Fact]
    public async Task MemoryBudget_UnloadsTheLeastRecentlyUsedAlias()
    {
        var (registry, host, _) = await ServeAsync(Options with { MemoryBudgetBytes = 1 });
        await using var _ = host;
        await registry.SetAliasAsync("movies", "challenger", fixture.Version2, null, Ct);

        using (await host.AcquireAsync("movies", "champion", Ct))
        {
        }

        using (await host.AcquireAsync("movies", "challenger", Ct))
        {
        }

        Assert.Equal(["challenger"], host.Health().Models.Select(m => m.Alias));
    }

    [Fact]
    public async Task Metrics_RecordLatencyPerModelVersionAndSwaps()
    {
        var latencies = new System.Collections.Concurrent.ConcurrentBag<(double Value, string? Model, string? Version)>();
        long swaps = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ServingMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            KeyValuePair<string, object?>[] all = tags.ToArray();
            string? Tag(string key) => all.FirstOrDefault(t => t.Key == key).Value as string;
            if (Tag("model") == "metered")
            {
                latencies.Add((value, Tag("model"), Tag("version")));
            }
        });
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "recsys.model.swaps" && tags.ToArray().Any(t => t.Key == "model" && (string?)t.Value == "metered"))
            {
                Interlocked.Add(ref swaps, value);
            }
        });
        listener.Start();
        ModelRegistry registry = await fixture.NewRegistryAsync();
        await registry.PublishAsync("metered", fixture.Folder1, Ct);
        await registry.PublishAsync("metered", fixture.Folder2, Ct);
        await registry.SetAliasAsync("metered", "champion", fixture.Version1, null, Ct);
        await using var host = new ModelHost(registry, Options);
        var service = await fixture.NewRankServiceAsync(host, Options);

        await service.RankAsync(Request("1", "2") with { Model = "metered" }, Ct);
        await registry.SetAliasAsync("metered", "champion", fixture.Version2, (await registry.ReadAliasAsync("metered", "champion", Ct))!.ETag, Ct);
        await host.RefreshAsync(Ct);
        await service.RankAsync(Request("1", "2") with { Model = "metered" }, Ct);

        Assert.Equal(["v1", "v2"], latencies.Select(l => l.Version).Order());
        Assert.All(latencies, l => Assert.True(l.Value > 0));
        Assert.Equal(1, Interlocked.Read(ref swaps));
    }

    private async Task PublishBrokenAsync(ModelRegistry registry, string fault)
    {
        string folder = fixture.Temp.Combine($"broken-{fault}-{Guid.NewGuid():N}");
        await TestModels.WritePackageAsync(fixture.Prepared, folder, "broken", direction: 1);
        switch (fault)
        {
            case "corrupt-onnx":
                byte[] onnx = await File.ReadAllBytesAsync(Path.Combine(folder, ModelManifest.ModelFile), Ct);
                await File.WriteAllBytesAsync(Path.Combine(folder, ModelManifest.ModelFile), onnx[..(onnx.Length / 3)], Ct);
                break;
            case "missing-items":
                File.Delete(Path.Combine(folder, "items.parquet"));
                break;
            case "manifest-mismatch":
                string manifestPath = Path.Combine(folder, ModelManifest.FileName);
                ModelManifest manifest = ModelManifest.FromJson(await File.ReadAllTextAsync(manifestPath, Ct));
                await File.WriteAllTextAsync(manifestPath, (manifest with { Inputs = [new TensorSpec("user", "int64", ["batch"]), new TensorSpec("product", "int64", ["batch"])] }).ToJson(), Ct);
                break;
        }

        await registry.PublishAsync("movies", folder, Ct);
    }
}

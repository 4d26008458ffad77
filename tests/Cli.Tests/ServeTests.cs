using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Recsys.Cli.Serving;
using Recsys.Models;
using Recsys.Serving;
using Recsys.Serving.Contracts;
using Recsys.Serving.Runtime;
using Recsys.Testing;
using Xunit;

namespace Recsys.Cli.Tests;

/// <summary>The local rank host over real HTTP (Kestrel on loopback), real Azurite and real ONNX Runtime.</summary>
[Collection(ConsoleTests.Name)]
public sealed class ServeTests(ServingFixture fixture) : IClassFixture<ServingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly object SixCandidates = new { userId = "1", candidates = Enumerable.Range(1, 6).Select(i => new { id = $"{i}" }), top = 3 };

    private async Task<RankServer> StartAsync(string model)
    {
        var options = new ServingOptions { DefaultModel = model, RefreshInterval = TimeSpan.FromMilliseconds(200) };
        return await RankServer.StartAsync(fixture.ConnectionString, options, port: 0, cancellationToken: Ct);
    }

    private async Task PublishAsync(string model, string folder, string alias)
    {
        using var console = new ConsoleCapture();
        int exit = await RecsysCli.RunAsync(["models", "publish", "--connection-string", fixture.ConnectionString, "--name", model, "--from", folder, "--alias", alias]);
        Assert.True(exit == RecsysCli.Success, console.Error);
    }

    [Theory]
    [InlineData("GET", "/api/nothing-here", 404)]
    [InlineData("GET", "/api/rank", 405)]
    [InlineData("DELETE", "/api/models", 405)]
    public async Task WhatRoutingRefuses_IsProblemJson_WithTheRequestPath(string method, string path, int status)
    {
        await using RankServer server = await StartAsync("films");
        using var http = new HttpClient { BaseAddress = server.Address };

        using HttpResponseMessage response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(path, problem.RootElement.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task PublishThenRank_OverHttp_ServesTheChampion()
    {
        await PublishAsync("films", fixture.Folder1, "champion");
        await using RankServer server = await StartAsync("films");
        using var http = new HttpClient { BaseAddress = server.Address };

        using HttpResponseMessage response = await http.PostAsJsonAsync("/api/rank", SixCandidates, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        RankResponse body = (await response.Content.ReadFromJsonAsync<RankResponse>(Ct))!;
        Assert.Equal(["6", "5", "4"], body.Items.Select(i => i.Id));
        Assert.Equal(("films", "v1", "champion"), (body.Model, body.Version, body.Variant));
    }

    [Fact]
    public async Task ATextModel_RanksUnseenItemsByTheirText_AgainstTheUsersHistory()
    {
        // Twenty users watch only science fiction, twenty only love stories; every item has a description.
        string[] space = ["astronauts", "an alien invasion", "a starship crew", "robots on Mars", "a war between galaxies"];
        string[] romance = ["a wedding", "two lovers in Paris", "a first date", "a summer romance", "a couple falling in love"];
        string folder = fixture.Temp.Combine($"text-{Guid.NewGuid():N}"[..13]);
        Directory.CreateDirectory(folder);
        var random = new Random(9);
        await File.WriteAllLinesAsync(Path.Combine(folder, "plays.csv"), ["user,item", .. Enumerable.Range(1, 40).SelectMany(u =>
            Enumerable.Range(u <= 20 ? 1 : 21, 20).OrderBy(_ => random.Next()).Take(8).Select(i => $"u{u},i{i}"))], Ct);
        await File.WriteAllLinesAsync(Path.Combine(folder, "items.csv"), ["item,name,description", .. Enumerable.Range(1, 40).Select(i => i <= 20
            ? $"i{i},Star Story {i},a science fiction film about {space[i % 5]}"
            : $"i{i},Love Story {i},a romantic comedy about {romance[i % 5]}")], Ct);
        string model = Path.Combine(folder, "model");
        using (var console = new ConsoleCapture())
        {
            int exit = await RecsysCli.RunAsync(["train", "--dataset", Path.Combine(folder, "plays.csv"), "--format", "csv", "--items", Path.Combine(folder, "items.csv"),
                "--model", "text", "--epochs", "15", "--output", model]);
            Assert.True(exit == RecsysCli.Success, console.Error);
        }

        Assert.Equal(Text.MiniLmEncoder.Qualified, ModelManifest.FromJson(await File.ReadAllTextAsync(Path.Combine(model, ModelManifest.FileName), Ct)).TextEncoder);
        await PublishAsync("texts", model, "champion");
        await using RankServer server = await StartAsync("texts");
        using var http = new HttpClient { BaseAddress = server.Address };
        object[] unseen =
        [
            new { id = "new-romance", text = "A romantic drama: two strangers fall in love on a train" },
            new { id = "new-space", text = "Science fiction: astronauts fight robots on a distant planet" },
        ];

        async Task<string[]> RankFor(string user)
        {
            using HttpResponseMessage response = await http.PostAsJsonAsync("/api/rank", new { userId = user, candidates = unseen }, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return [.. (await response.Content.ReadFromJsonAsync<RankResponse>(Ct))!.Items.Select(i => i.Id)];
        }

        Assert.Equal(["new-space", "new-romance"], await RankFor("u3"));
        Assert.Equal(["new-romance", "new-space"], await RankFor("u33"));

        // Text of the wrong kind is a problem response, not a 5xx.
        using HttpResponseMessage tooLong = await http.PostAsJsonAsync("/api/rank", new { userId = "u3", candidates = new[] { new { id = "x", text = new string('a', 2_001) } } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        using HttpResponseMessage notText = await http.PostAsync("/api/rank", new StringContent("""{ "candidates": [ { "id": "x", "text": 42 } ] }""", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, notText.StatusCode);
    }

    [Fact]
    public async Task Promotion_WhileEightClientsRank_ZeroFailuresAndTheNewVersionTakesOver()
    {
        await PublishAsync("swap", fixture.Folder1, "champion");
        await PublishAsync("swap", fixture.Folder2, "challenger");
        await using RankServer server = await StartAsync("swap");
        using var http = new HttpClient { BaseAddress = server.Address };
        var failures = new ConcurrentBag<string>();
        var versions = new ConcurrentQueue<(long At, string Version, string First)>();
        using var stop = new CancellationTokenSource();
        long promotedAt = long.MaxValue;
        int settledResponses = 0;
        var servingV1 = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The clients run until the swap has settled (50 responses more than 1.5 s after the promotion), however
        // long a busy machine takes to get there; the test's own limit ends a swap that never happens.
        async Task ClientAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                using HttpResponseMessage response = await http.PostAsJsonAsync("/api/rank", SixCandidates, CancellationToken.None);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                    continue;
                }

                RankResponse body = (await response.Content.ReadFromJsonAsync<RankResponse>(CancellationToken.None))!;
                long at = Environment.TickCount64;
                versions.Enqueue((at, body.Version, body.Items[0].Id));
                if (versions.Count >= 100)
                {
                    servingV1.TrySetResult();
                }

                long promoted = Interlocked.Read(ref promotedAt);
                if (promoted != long.MaxValue && at > promoted + 1_500 && Interlocked.Increment(ref settledResponses) >= 50)
                {
                    settled.TrySetResult();
                }
            }
        }

        Task[] clients = [.. Enumerable.Range(0, 8).Select(_ => Task.Run(ClientAsync, Ct))];
        try
        {
            await servingV1.Task.WaitAsync(TestLimits.Scaled(TimeSpan.FromMinutes(1)), Ct);
            using (HttpResponseMessage current = await http.GetAsync("/api/models/swap", Ct))
            {
                Assert.Equal(HttpStatusCode.OK, current.StatusCode);
            }

            // Promote through the registry (as another process would); the server's poll picks it up.
            var registry = server.Serving.Registry;
            AliasPointer champion = (await registry.ReadAliasAsync("swap", "champion", Ct))!;
            await registry.SetAliasAsync("swap", "champion", fixture.Version2, champion.ETag, Ct);
            Interlocked.Exchange(ref promotedAt, Environment.TickCount64);
            await settled.Task.WaitAsync(TestLimits.Scaled(TimeSpan.FromMinutes(1)), Ct);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        Assert.Empty(failures);
        var all = versions.ToArray();
        Assert.Contains(all, v => v.Version == "v1");
        Assert.Contains(all, v => v.Version == "v2");

        // Every response is internally consistent, and after the swap settles only v2 answers.
        Assert.All(all, v => Assert.Equal(v.Version == "v1" ? "6" : "1", v.First));
        Assert.All(all.Where(v => v.At > promotedAt + 1_500), v => Assert.Equal("v2", v.Version));
    }

    [Fact]
    public async Task BrokenPromotion_OverHttp_KeepsServingAndHealthSaysDegraded()
    {
        await PublishAsync("fragile", fixture.Folder1, "champion");
        string broken = fixture.Temp.Combine($"broken-{Guid.NewGuid():N}");
        await TestModels.WritePackageAsync(fixture.Prepared, broken, "v3", direction: 1);
        await File.WriteAllBytesAsync(Path.Combine(broken, ModelManifest.ModelFile), [1, 2, 3], Ct);
        await PublishAsync("fragile", broken, "champion");
        await using RankServer server = await StartAsync("fragile");
        using var http = new HttpClient { BaseAddress = server.Address };

        using HttpResponseMessage first = await http.PostAsJsonAsync("/api/rank", SixCandidates, Ct);

        // The alias already points at the broken version: nothing loadable, so 503 with the reason.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal("application/problem+json", first.Content.Headers.ContentType!.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await first.Content.ReadAsStringAsync(Ct));
        Assert.Equal("urn:recsys:problem:model-unavailable", problem.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task BadRequests_OverHttp_AreProblemDetails()
    {
        await PublishAsync("strict", fixture.Folder1, "champion");
        await using RankServer server = await StartAsync("strict");
        using var http = new HttpClient { BaseAddress = server.Address };

        using HttpResponseMessage malformed = await http.PostAsync("/api/rank", new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json"), Ct);
        using HttpResponseMessage stale = await http.PutAsJsonAsync("/api/models/strict/aliases/champion", new { version = "v1" }, Ct);
        using HttpResponseMessage health = await http.GetAsync("/api/health", Ct);
        using HttpResponseMessage openApi = await http.GetAsync("/openapi/v1.json", Ct);

        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (malformed.StatusCode, malformed.Content.Headers.ContentType!.MediaType));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("healthy", JsonDocument.Parse(await health.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("status").GetString());
        string document = await openApi.Content.ReadAsStringAsync(Ct);
        Assert.Contains("/api/rank/batch", document, StringComparison.Ordinal);
        Assert.Contains("/api/models/{name}/aliases/{alias}", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExistingAlias_IsMovedOverHttp_WithTheETagReadFromIt()
    {
        await PublishAsync("movable", fixture.Folder1, "champion");
        await PublishAsync("movable", fixture.Folder2, "challenger");
        await using RankServer server = await StartAsync("movable");
        using var http = new HttpClient { BaseAddress = server.Address };

        using HttpResponseMessage read = await http.GetAsync("/api/models/movable/aliases/champion", Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("v1", JsonDocument.Parse(await read.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("version").GetString());
        string etag = read.Headers.ETag!.ToString();

        using var move = new HttpRequestMessage(HttpMethod.Put, "/api/models/movable/aliases/champion") { Content = JsonContent.Create(new { version = "v2" }) };
        move.Headers.TryAddWithoutValidation("If-Match", etag);
        using HttpResponseMessage moved = await http.SendAsync(move, Ct);
        using var stale = new HttpRequestMessage(HttpMethod.Put, "/api/models/movable/aliases/champion") { Content = JsonContent.Create(new { version = "v1" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        using HttpResponseMessage conflict = await http.SendAsync(stale, Ct);
        using HttpResponseMessage missing = await http.GetAsync("/api/models/movable/aliases/nightly", Ct);

        Assert.True(moved.StatusCode == HttpStatusCode.OK, await moved.Content.ReadAsStringAsync(Ct));
        Assert.NotEqual(etag, moved.Headers.ETag!.ToString());
        using JsonDocument changed = JsonDocument.Parse(await conflict.Content.ReadAsStringAsync(Ct));
        Assert.Equal((HttpStatusCode.Conflict, "Alias changed concurrently."), (conflict.StatusCode, changed.RootElement.GetProperty("title").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using JsonDocument unknown = JsonDocument.Parse(await missing.Content.ReadAsStringAsync(Ct));
        Assert.Equal("/api/models/movable/aliases/nightly", unknown.RootElement.GetProperty("instance").GetString());

        RankResponse ranked = (await (await http.PostAsJsonAsync("/api/rank", SixCandidates, Ct)).Content.ReadFromJsonAsync<RankResponse>(Ct))!;
        Assert.Equal("v2", ranked.Version);
    }

    [Fact]
    public async Task ServeFrom_AnExportedFolder_IsServedUnderTheFolderName_AndASecondStartReusesIt()
    {
        string folder = fixture.Temp.Combine($"picks-{Guid.NewGuid():N}"[..14]);
        await TestModels.WritePackageAsync(fixture.Prepared, folder, "v1", direction: 1);
        string name = Path.GetFileName(folder);

        FolderServing.Published first = await FolderServing.PublishAsync(fixture.Storage, folder, null, "champion", Ct);
        FolderServing.Published second = await FolderServing.PublishAsync(fixture.Storage, folder, null, "champion", Ct);

        Assert.Equal((name, "v1", "champion", (string?)null, true), (first.Model, first.Version, first.Alias, first.Previous, first.Uploaded));
        Assert.Equal((name, "v1", false), (second.Model, second.Version, second.Uploaded));
        await using RankServer server = await StartAsync(name);
        using var http = new HttpClient { BaseAddress = server.Address };
        RankResponse ranked = (await (await http.PostAsJsonAsync("/api/rank", SixCandidates, Ct)).Content.ReadFromJsonAsync<RankResponse>(Ct))!;
        Assert.Equal((name, "v1", "champion"), (ranked.Model, ranked.Version, ranked.Variant));
        Assert.Equal(["6", "5", "4"], ranked.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task DatasetUpload_DropsTheFileOnce_AndNeverOverwrites()
    {
        await PublishAsync("uploads", fixture.Folder1, "champion");
        await using RankServer server = await StartAsync("uploads");
        using var http = new HttpClient { BaseAddress = server.Address };

        using HttpResponseMessage first = await http.PostAsync("/api/datasets/shop?file=ratings.csv", new StringContent("userId,movieId,rating\n1,2,5\n"), Ct);
        using HttpResponseMessage again = await http.PostAsync("/api/datasets/shop?file=ratings.csv", new StringContent("other bytes"), Ct);
        using HttpResponseMessage hostile = await http.PostAsync("/api/datasets/shop?file=..%2Fmodels%2Fx", new StringContent("x"), Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, hostile.StatusCode);
        var blob = new Azure.Storage.Blobs.BlobServiceClient(fixture.ConnectionString).GetBlobContainerClient("datasets").GetBlobClient("shop/ratings.csv");
        Assert.Equal("userId,movieId,rating\n1,2,5\n", (await blob.DownloadContentAsync(Ct)).Value.Content.ToString());
    }

    [Fact]
    public async Task ModelsList_ShowsVersionsAndAliases()
    {
        await PublishAsync("listed", fixture.Folder1, "champion");
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["models", "list", "--connection-string", fixture.ConnectionString, "--json"]);

        Assert.Equal(RecsysCli.Success, exit);
        var entries = JsonSerializer.Deserialize<List<ModelEntry>>(console.Out, Features.FeatureSpec.JsonOptions)!;
        ModelEntry listed = entries.Single(e => e.Name == "listed");
        Assert.Equal(["v1"], listed.Versions);
        Assert.Equal("v1", listed.Aliases["champion"]);
    }

    [Fact]
    public async Task ModelsPublish_FromAFolderWithoutManifest_ExitsTwo()
    {
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["models", "publish", "--connection-string", fixture.ConnectionString, "--name", "x", "--from", fixture.Prepared]);

        Assert.Equal(RecsysCli.BadInput, exit);
        Assert.Contains("not an exported model folder", console.Error, StringComparison.Ordinal);
    }
}

using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Recsys.Serving;
using Recsys.Serving.Feedback;
using Recsys.Serving.Http;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>The route handlers: every bad input gets its status and stable problem type before any model work.</summary>
public sealed class RankApiTests(ServingFixture fixture) : IClassFixture<ServingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ServingOptions Options = new() { RefreshInterval = TimeSpan.FromHours(1), MaxCandidates = 50, MaxTop = 20, MaxBodyBytes = 8_192, MaxJsonDepth = 8 };

    private async Task<(RankApi Api, ModelHost Host, FeedbackSink Feedback, BlobContainerClient Events)> ApiAsync()
    {
        ModelRegistry registry = await fixture.NewRegistryWithChampionAsync();
        var host = new ModelHost(registry, Options);
        BlobContainerClient events = await fixture.NewContainerAsync("events");
        var feedback = new FeedbackSink(events);
        return (new RankApi(await fixture.NewRankServiceAsync(host, Options), host, feedback, Options), host, feedback, events);
    }

    private static MemoryStream Body(string json) => new(Encoding.UTF8.GetBytes(json));

    public static TheoryData<string, int, string> BadRankBodies => new()
    {
        { "", 400, "invalid-json" },
        { "{", 400, "invalid-json" },
        { "null", 400, "invalid-json" },
        { """{ "candidates": "1" }""", 400, "invalid-json" },
        { """{ "candidates": [ { "id": "1" } ], "top": "ten" }""", 400, "invalid-json" },
        { """{ "userId": "1" }""", 400, "invalid-request" },
        { """{ "candidates": [] }""", 400, "invalid-request" },
        { """{ "candidates": [ { "id": "" } ] }""", 400, "invalid-request" },
        { """{ "candidates": [ { "id": "  " } ] }""", 400, "invalid-request" },
        { """{ "candidates": [ null ] }""", 400, "invalid-request" },
        { """{ "candidates": [ { "id": "1" }, { "id": "1" } ] }""", 400, "duplicate-id" },
        { """{ "candidates": [ { "id": "1" } ], "top": 0 }""", 400, "top-out-of-range" },
        { """{ "candidates": [ { "id": "1" } ], "top": 21 }""", 400, "top-out-of-range" },
        { """{ "candidates": [ { "id": "1" } ], "diversity": 2 }""", 400, "invalid-request" },
        { """{ "candidates": [ { "id": "1" } ], "history": [ "" ] }""", 400, "invalid-request" },
        { """{ "candidates": [ { "id": "1" } ], "filters": { "colour": ["red"] } }""", 400, "invalid-request" },
        { """{ "candidates": [ { "id": "1" } ], "model": "../etc" }""", 400, "invalid-name" },
        { """{ "candidates": [ { "id": "1" } ], "model": "nope" }""", 404, "unknown-model" },
        { """{ "candidates": [ { "id": "1" } ], "profile": "nope" }""", 404, "unknown-profile" },
        { """{ "candidates": [ { "id": "1", "features": [[[[[[[[[[1]]]]]]]]]] } ] }""", 400, "invalid-json" },
    };

    [Theory]
    [MemberData(nameof(BadRankBodies))]
    public async Task Rank_BadBody_IsAProblemWithAStableType(string json, int status, string type)
    {
        var (api, host, feedback, _) = await ApiAsync();
        await using var _h = host;
        await using var _f = feedback;

        ApiResult result = await api.RankAsync(Body(json), Ct);

        Assert.Equal(status, result.Status);
        ProblemDetails problem = Assert.IsType<ProblemDetails>(result.Body);
        Assert.Equal($"urn:recsys:problem:{type}", problem.Type);
        Assert.Equal(status, problem.Status);
        Assert.Equal(ApiResult.ProblemContentType, result.ContentType);
    }

    [Fact]
    public async Task Rank_TooManyCandidatesAndTooLargeBody_AreRefused()
    {
        var (api, host, feedback, _) = await ApiAsync();
        await using var _h = host;
        await using var _f = feedback;
        string many = JsonSerializer.Serialize(new { candidates = Enumerable.Range(0, 51).Select(i => new { id = $"{i}" }) });
        string huge = JsonSerializer.Serialize(new { candidates = new[] { new { id = new string('x', 9_000) } } });

        ApiResult tooMany = await api.RankAsync(Body(many), Ct);
        ApiResult tooLarge = await api.RankAsync(Body(huge), Ct);

        Assert.Equal((400, "urn:recsys:problem:too-many-candidates"), (tooMany.Status, ((ProblemDetails)tooMany.Body!).Type));
        Assert.Equal((413, "urn:recsys:problem:body-too-large"), (tooLarge.Status, ((ProblemDetails)tooLarge.Body!).Type));
    }

    [Fact]
    public async Task Rank_ValidBody_IsOkWithTheContractShape()
    {
        var (api, host, feedback, _) = await ApiAsync();
        await using var _h = host;
        await using var _f = feedback;

        ApiResult result = await api.RankAsync(Body("""
            { "model": "movies", "userId": "42", "history": ["1","50"], "candidates": [{ "id": "1" }, { "id": "2", "features": { } }], "top": 10, "profile": null, "exclude": ["7"], "diversity": 0.0 }
            """), Ct);

        Assert.Equal(200, result.Status);
        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(result.Body, api.JsonOptions));
        JsonElement root = json.RootElement;
        Assert.Equal("movies", root.GetProperty("model").GetString());
        Assert.Equal("v1", root.GetProperty("version").GetString());
        Assert.Equal("champion", root.GetProperty("variant").GetString());
        Assert.Equal("2", root.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(1, root.GetProperty("items").GetArrayLength());
        Assert.True(root.GetProperty("tookMs").GetDouble() >= 0);
    }

    [Fact]
    public async Task Rank_Scores_AreWrittenAsTheFloat32TheModelComputed_NotWidened()
    {
        var (api, host, feedback, _) = await ApiAsync();
        await using var _h = host;
        await using var _f = feedback;

        string json = JsonSerializer.Serialize(new Recsys.Serving.Contracts.RankResponse("movies", "v1", "champion", [new("7", 0.7617831f)], 1.5), api.JsonOptions);

        Assert.Contains("\"score\":0.7617831}", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutProfile_PublishesAProfileTheNextRankUses_AndRefusesOneThatPointsAtNothing()
    {
        var (api, host, feedback, _) = await ApiAsync();
        await using var _h = host;
        await using var _f = feedback;
        const string Rank = """{ "candidates": [ { "id": "1" }, { "id": "2" } ], "profile": "blend" }""";
        Assert.Equal(404, (await api.RankAsync(Body(Rank), Ct)).Status);

        ApiResult published = await api.PutProfileAsync("blend", Body("""{ "method": "reciprocal-rank", "models": [ { "model": "movies" }, { "model": "movies", "weight": 2 } ] }"""), Ct);

        Assert.Equal(200, published.Status);
        Assert.Equal(FusionMethod.ReciprocalRank, Assert.IsType<FusionProfile>(published.Body).Method);
        Assert.Equal(200, (await api.RankAsync(Body(Rank), Ct)).Status);

        async Task<(int, string)> Refused(string name, string json)
        {
            ApiResult result = await api.PutProfileAsync(name, Body(json), Ct);
            return (result.Status, ((ProblemDetails)result.Body!).Type);
        }

        Assert.Equal((404, "urn:recsys:problem:unknown-model"), await Refused("x", """{ "models": [ { "model": "movies", "alias": "nope" } ] }"""));
        Assert.Equal((404, "urn:recsys:problem:unknown-model"), await Refused("x", """{ "models": [ { "model": "books" } ] }"""));
        Assert.Equal((400, "urn:recsys:problem:invalid-json"), await Refused("x", """{ "method": "cascade", "models": [ { "model": "movies" } ] }"""));
        Assert.Equal((400, "urn:recsys:problem:invalid-name"), await Refused("../x", """{ "models": [ { "model": "movies" } ] }"""));
    }

    [Fact]
    public async Task SetAlias_StaleETag_Is409()
    {
        var (api, host, feedback, _) = await ApiAsync();
        await using var _h = host;
        await using var _f = feedback;

        ApiResult result = await api.SetAliasAsync("movies", "champion", Body("""{ "version": "v1" }"""), "\"0x8D0000000000000\"", Ct);

        Assert.Equal((409, "urn:recsys:problem:alias-conflict"), (result.Status, ((ProblemDetails)result.Body!).Type));
    }

    [Fact]
    public async Task DomainRefusals_AreProblems_WithTheRouteAsInstance()
    {
        var (api, host, feedback, _) = await ApiAsync();
        await using var _h = host;
        await using var _f = feedback;

        ProblemDetails unknownVersion = (ProblemDetails)(await api.SetAliasAsync("movies", "champion", Body("""{ "version": "v9" }"""), null, Ct)).Body!;
        ProblemDetails badName = (ProblemDetails)(await api.GetAliasAsync("movies", "../x", Ct)).Body!;
        ApiResult noUploads = await api.UploadDatasetAsync("films", "ratings.csv", Body("a,b"), 3, Ct);

        Assert.Equal(
            ("urn:recsys:problem:unknown-version", 404, "Unknown model version.", "movies has no complete version 'v9'.", "/api/models/{name}/aliases/{alias}"),
            (unknownVersion.Type, unknownVersion.Status, unknownVersion.Title, unknownVersion.Detail, unknownVersion.Instance));
        Assert.Equal(("urn:recsys:problem:invalid-name", "Invalid alias name."), (badName.Type, badName.Title));
        Assert.Equal((503, "urn:recsys:problem:not-configured"), (noUploads.Status, ((ProblemDetails)noUploads.Body!).Type));
    }

    [Fact]
    public async Task Feedback_AcceptedEvents_AreAllAppendedByShutdown()
    {
        var (api, host, feedback, events) = await ApiAsync();
        await using var _h = host;
        var bodies = Enumerable.Range(0, 15).Select(b => JsonSerializer.Serialize(new
        {
            events = Enumerable.Range(0, 100).Select(i => new { userId = $"u{b}", itemId = $"{i}", type = i % 3 == 0 ? "click" : "impression" }),
        }));

        int accepted = 0;
        foreach (string body in bodies)
        {
            ApiResult result = await api.FeedbackAsync(Body(body), Ct);
            Assert.Equal(202, result.Status);
            accepted += ((FeedbackResponse)result.Body!).Accepted;
        }

        await feedback.DisposeAsync();

        int lines = 0;
        await foreach (BlobItem blob in events.GetBlobsAsync(new GetBlobsOptions(), Ct))
        {
            Assert.Matches(@"^\d{4}/\d{2}/\d{2}/.+\.jsonl$", blob.Name);
            string text = (await events.GetBlobClient(blob.Name).DownloadContentAsync(Ct)).Value.Content.ToString();
            lines += text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        }

        Assert.Equal((1_500, 1_500), (accepted, lines));
        Assert.Equal(1_500, feedback.Written);
    }

    [Fact]
    public async Task RankAndRecommend_EachListGetsARequestId_AndIsRecordedAsServedUnderIt()
    {
        var (api, host, feedback, events) = await ApiAsync();
        await using var _h = host;
        ApiResult ranked = await api.RankAsync(Body("""{ "userId": "42", "candidates": [{ "id": "1" }, { "id": "2" }, { "id": "3" }] }"""), Ct);
        ApiResult batch = await api.RankBatchAsync(Body("""{ "requests": [ { "userId": "7", "candidates": [{ "id": "2" }] }, { "userId": "8", "candidates": [{ "id": "3" }] } ] }"""), Ct);
        var rank = (Recsys.Serving.Contracts.RankResponse)ranked.Body!;
        var batched = ((Recsys.Serving.Contracts.BatchRankResponse)batch.Body!).Results;
        // Feedback that names the list: a click on the item shown second.
        string click = JsonSerializer.Serialize(new { events = new[] { new { userId = "42", itemId = rank.Items[1].Id, type = "click", requestId = rank.RequestId, position = 2 } } });
        Assert.Equal(202, (await api.FeedbackAsync(Body(click), Ct)).Status);

        await feedback.DisposeAsync();

        string[] ids = [rank.RequestId, batched[0].RequestId, batched[1].RequestId];
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(3, ids.Distinct().Count());
        var written = new List<FeedbackEvent>();
        await foreach (BlobItem blob in events.GetBlobsAsync(new GetBlobsOptions(), Ct))
        {
            string text = (await events.GetBlobClient(blob.Name).DownloadContentAsync(Ct)).Value.Content.ToString();
            written.AddRange(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonSerializer.Deserialize<FeedbackEvent>(line, api.JsonOptions)!));
        }

        Assert.All(written, e => Assert.Equal(FeedbackEvent.CurrentSchema, e.Schema));
        FeedbackEvent served = Assert.Single(written, e => e.Type == FeedbackEvent.Served && e.RequestId == rank.RequestId);
        Assert.Equal(("42", "movies", "v1", "champion"), (served.UserId, served.Model, served.Version, served.Variant));
        Assert.Equal(rank.Items.Select(i => i.Id), served.Items!);
        Assert.Equal(rank.Items.Select(i => i.Score), served.Scores!);
        Assert.Equal("8", Assert.Single(written, e => e.RequestId == batched[1].RequestId).UserId);
        FeedbackEvent clicked = Assert.Single(written, e => e.Type == "click");
        Assert.Equal((rank.RequestId, 2, rank.Items[1].Id), (clicked.RequestId, clicked.Position, clicked.ItemId));
    }

    [Fact]
    public async Task Online_ReadsTheServedListsAndClicksBack_AndRefusesABadWindow()
    {
        var (api, host, feedback, _) = await ApiAsync();
        await using var _h = host;
        var ranked = (Recsys.Serving.Contracts.RankResponse)(await api.RankAsync(Body("""{ "userId": "42", "candidates": [{ "id": "1" }, { "id": "2" }] }"""), Ct)).Body!;
        string click = JsonSerializer.Serialize(new { events = new[] { new { userId = "42", itemId = ranked.Items[0].Id, type = "click", requestId = ranked.RequestId } } });
        Assert.Equal(202, (await api.FeedbackAsync(Body(click), Ct)).Status);
        await feedback.DisposeAsync();

        ApiResult online = await api.GetOnlineAsync("movies", null, null, Ct);
        ApiResult backwards = await api.GetOnlineAsync("movies", "2026-12-02", "2026-12-01", Ct);
        ApiResult tooLong = await api.GetOnlineAsync("movies", "2026-01-01", "2026-12-01", Ct);

        OnlineVariant champion = Assert.Single(Assert.IsType<OnlineReport>(online.Body).Variants);
        Assert.Equal(("champion", "v1", 1, 2L, 1L, 1.0), (champion.Variant, champion.Version, champion.Users, champion.Impressions, champion.Clicks, champion.CtrAtPosition[0]));
        Assert.Equal((400, "urn:recsys:problem:invalid-request"), (backwards.Status, ((ProblemDetails)backwards.Body!).Type));
        Assert.Contains("longer than 31 days", ((ProblemDetails)tooLong.Body!).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "events": [] }""")]
    [InlineData("""{ "events": [ { "userId": "1", "itemId": "2", "type": "purchase" } ] }""")]
    [InlineData("""{ "events": [ { "userId": "1", "itemId": "2", "type": "rating" } ] }""")]
    [InlineData("""{ "events": [ { "userId": "", "itemId": "2", "type": "click" } ] }""")]
    [InlineData("""{ "events": [ { "userId": "1", "itemId": "2", "type": "served" } ] }""")]
    [InlineData("""{ "events": [ { "userId": "1", "itemId": "2", "type": "click", "position": 0 } ] }""")]
    [InlineData("""{ "events": [ { "userId": "1", "itemId": "2", "type": "click", "requestId": "" } ] }""")]
    [InlineData("""{ "events": [ { "userId": "1", "itemId": "2", "type": "click", "model": "../x" } ] }""")]
    [InlineData("""{ "events": [ { "userId": "1", "itemId": "2", "type": "click", "items": ["2"] } ] }""")]
    [InlineData("""{ "events": [ { "userId": "1", "itemId": "2", "type": "click", "position": "first" } ] }""")]
    public async Task Feedback_BadEvents_AreRefusedAsAWhole(string json)
    {
        var (api, host, feedback, _) = await ApiAsync();
        await using var _h = host;
        await using var _f = feedback;

        ApiResult result = await api.FeedbackAsync(Body(json), Ct);

        Assert.Equal(400, result.Status);
    }
}

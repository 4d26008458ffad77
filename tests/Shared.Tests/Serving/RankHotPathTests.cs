using System.Text;
using System.Text.Json;
using Recsys.Serving;
using Recsys.Serving.Contracts;
using Recsys.Serving.Feedback;
using Recsys.Serving.Http;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>
/// The rank hot path (ids resolved from the body's bytes, pooled arrays) against the general path (a request
/// object through <see cref="RankService.RankAsync(RankRequest, CancellationToken)"/>) on the same model: every
/// body gets the same answer, ranked items and scores or the same problem.
/// </summary>
public sealed class RankHotPathTests(ServingFixture fixture) : IClassFixture<ServingFixture>, IAsyncLifetime
{
    private static readonly ServingOptions Options = new() { RefreshInterval = TimeSpan.FromHours(1), MaxCandidates = 12, MaxTop = 8, MaxIdLength = 20, MaxHistory = 5 };

    private readonly List<IAsyncDisposable> _owned = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (IAsyncDisposable owned in _owned)
        {
            await owned.DisposeAsync();
        }
    }

    /// <summary>The hot path's service, and an API over it with the hot path on and one with it off (same host).</summary>
    private async Task<(RankService Service, RankApi Hot, RankApi General)> StartAsync(bool batching)
    {
        ServingOptions options = Options with { DynamicBatching = batching };
        var host = new ModelHost(await fixture.NewRegistryWithChampionAsync(), options);
        var feedback = new FeedbackSink(await fixture.NewContainerAsync("events"));
        _owned.AddRange([feedback, host]);
        RankService service = await fixture.NewRankServiceAsync(host, options);
        return (service, new RankApi(service, host, feedback, options), new RankApi(service, host, feedback, options) { HotPath = false });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RandomBodies_GetTheSameAnswer_FromTheHotPathAndTheGeneralPath(bool batching)
    {
        (RankService service, RankApi hotApi, RankApi generalApi) = await StartAsync(batching);
        var random = new Random(11);

        (int ranked, int problems, int hot) = await CompareAsync(
            600, () => RandomRankObject(random), hotApi, generalApi, static (api, body) => api.RankAsync(body), body => TookTheHotPath(service, body));

        // Both outcomes, and the hot path itself, are exercised.
        Assert.InRange(ranked, 150, 450);
        Assert.InRange(problems, 150, 450);
        Assert.InRange(hot, 120, ranked);
    }

    [Fact]
    public async Task RandomBatches_GetTheSameAnswer_FromTheHotPathAndTheGeneralPath()
    {
        (RankService service, RankApi hotApi, RankApi generalApi) = await StartAsync(batching: false);
        var random = new Random(12);
        string RandomBatch()
        {
            // Mostly entries for the same model, so the hot path (one model for all) is reached; sometimes a
            // null entry, an entry of another model, a batch-wide model or profile, or no entries.
            var fields = new List<string>();
            int count = random.Next(8) == 0 ? 0 : random.Next(1, 4);
            string[] entries = [.. Enumerable.Range(0, count).Select(_ => random.Next(15) == 0 ? "null" : RandomRankObject(random, modelShare: 8))];
            fields.Add(random.Next(20) == 0 ? "\"requests\":null" : $"\"requests\":[{string.Join(",", entries)}]");
            if (random.Next(4) == 0)
            {
                fields.Add($"\"model\":{random.GetItems(["\"movies\"", "\"nope\"", "null"], 1)[0]}");
            }

            if (random.Next(15) == 0)
            {
                fields.Add("\"profile\":\"nope\"");
            }

            return "{" + string.Join(",", fields.OrderBy(_ => random.Next())) + "}";
        }

        (int ranked, int problems, int hot) = await CompareAsync(
            400, RandomBatch, hotApi, generalApi, static (api, body) => api.RankBatchAsync(body), body => TookTheBatchHotPath(service, body));

        Assert.InRange(ranked, 60, 340);
        Assert.InRange(problems, 60, 340);
        Assert.InRange(hot, 40, ranked);
    }

    /// <summary>
    /// Sends <paramref name="count"/> generated bodies to both APIs and compares what a client sees; counts the
    /// bodies ranked, refused, and taken by the hot path.
    /// </summary>
    private static async Task<(int Ranked, int Problems, int Hot)> CompareAsync(
        int count, Func<string> generate, RankApi hotApi, RankApi generalApi, Func<RankApi, Stream, Task<ApiResult>> route, Func<byte[], Task<bool>> tookTheHotPath)
    {
        int hot = 0, ranked = 0, problems = 0;
        for (int n = 0; n < count; n++)
        {
            byte[] body = Encoding.UTF8.GetBytes(generate());
            ApiResult fast = await route(hotApi, new MemoryStream(body));
            ApiResult general = await route(generalApi, new MemoryStream(body));
            Assert.Equal(Describe(general), Describe(fast));
            (ranked, problems) = fast.Status == 200 ? (ranked + 1, problems) : (ranked, problems + 1);
            hot += await tookTheHotPath(body) ? 1 : 0;
        }

        return (ranked, problems, hot);
    }

    /// <summary>
    /// A random rank object: known ids 1–6 (scores rise with the index), unknown ids (which tie; numbers among them), ids with escapes
    /// (one of them is "1"), non-ASCII, blank, too long and null ids, and repeats; the other fields sometimes, in
    /// any order. A model is named in one of <paramref name="modelShare"/> objects.
    /// </summary>
    private static string RandomRankObject(Random random, int modelShare = 2)
    {
        string[] ids = ["\"1\"", "\"2\"", "\"3\"", "\"4\"", "\"5\"", "\"6\"", "\"7\"", "\"01\"", "\"0\"", "\"1234567\"", "\"12345678\"", "\"x\"", "\"é\"", "\"\\u0031\"", "\"a\\u00e9\"", "\"\"", "\" \"", $"\"{new string('y', 21)}\"", $"\"{new string('é', 15)}\"", "null"];
        string[] listIds = ["\"1\"", "\"3\"", "\"6\"", "\"x\"", "\"é\""];
        var fields = new List<string>();
        string[] candidates = random.Next(12) == 0 ? [.. Enumerable.Repeat(ids[0], 13)] : random.GetItems(ids[..6], 6).Distinct().Take(random.Next(0, 7)).ToArray();
        if (candidates.Length > 0 && random.Next(3) == 0)
        {
            candidates[random.Next(candidates.Length)] = ids[random.Next(ids.Length)]; // anything, a repeat included
        }

        fields.Add($"\"candidates\":[{string.Join(",", candidates.Select(id => $"{{\"id\":{id}}}"))}]");
        Maybe(2, () => $"\"userId\":{random.GetItems(["\"1\"", "\"2\"", "\"zz\"", "null", "\"\""], 1)[0]}");
        Maybe(modelShare, () => $"\"model\":{random.GetItems(["\"movies\"", "\"nope\"", "null"], 1)[0]}");
        Maybe(2, () => $"\"history\":[{string.Join(",", random.GetItems(listIds, random.Next(0, 7)))}]");
        Maybe(2, () => $"\"exclude\":[{string.Join(",", random.GetItems(listIds, random.Next(0, 3)))}]");
        Maybe(2, () => $"\"excludeSeen\":{(random.Next(2) == 0 ? "true" : "false")}");
        Maybe(2, () => $"\"top\":{random.Next(0, 10)}");
        Maybe(2, () => $"\"diversity\":{random.GetItems(["0", "0", "0.5", "2"], 1)[0]}");
        return "{" + string.Join(",", fields.OrderBy(_ => random.Next())) + "}";

        void Maybe(int oneIn, Func<string> field)
        {
            if (random.Next(oneIn) == 0)
            {
                fields.Add(field());
            }
        }
    }

    [Fact]
    public async Task AResponse_IsWrittenAsTheSerialiserWritesIt()
    {
        (_, RankApi api, _) = await StartAsync(batching: false);
        var response = new RankResponse("movies", "v1", "champion", [new("1", 0.7617831f), new("<é&\"'>", -1.5e-8f), new("x", float.MaxValue)], 0.123456789);
        using var written = new MemoryStream();

        await new ApiResult(200, response).WriteBodyAsync(written, api.JsonOptions, CancellationToken.None);

        string expected = JsonSerializer.Serialize(response, api.JsonOptions);
        Assert.Equal(expected, Encoding.UTF8.GetString(written.ToArray()));
        Assert.Contains("\"score\":0.7617831}", expected, StringComparison.Ordinal); // the float as it is, not widened
    }

    private static Task<bool> TookTheHotPath(RankService service, byte[] body) =>
        Took(RankBody.TryRead(body, Options.MaxJsonDepth), async plain => await service.TryRankAsync(plain, body, CancellationToken.None));

    private static Task<bool> TookTheBatchHotPath(RankService service, byte[] body) =>
        Took(BatchBody.TryRead(body, Options.MaxJsonDepth), async plain => await service.TryRankBatchAsync(plain, body, CancellationToken.None));

    /// <summary>Whether the hot path answers a body it read (<paramref name="plain"/>; null: not the usual shape) without a problem.</summary>
    private static async Task<bool> Took<TBody>(TBody? plain, Func<TBody, Task<object?>> rank)
        where TBody : class, IDisposable
    {
        using (plain)
        {
            try
            {
                return plain is not null && await rank(plain) is not null;
            }
            catch (Exception ex) when (ex is InvalidRequestException or RefusalException)
            {
                return false;
            }
        }
    }

    /// <summary>What a client sees, less the request id and timing.</summary>
    private static string Describe(ApiResult result) => result.Body switch
    {
        RankResponse r => Describe(result.Status, r),
        BatchRankResponse b => $"{result.Status} {string.Join(" | ", b.Results.Select(r => Describe(result.Status, r)))}",
        ProblemDetails p => $"{result.Status} {p.Type} {p.Title} {p.Detail}",
        var other => $"{result.Status} {other}",
    };

    private static string Describe(int status, RankResponse r) =>
        $"{status} {r.Model} {r.Version} {r.Variant} [{string.Join(", ", r.Items.Select(i => $"{i.Id}={i.Score:R}"))}]";
}

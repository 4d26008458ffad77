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
        // Known ids 1–6 (scores rise with the index), unknown ids (which tie), ids with escapes (one of them is
        // "1"), non-ASCII, blank, too long and null ids, and repeats.
        string[] ids = ["\"1\"", "\"2\"", "\"3\"", "\"4\"", "\"5\"", "\"6\"", "\"7\"", "\"x\"", "\"é\"", "\"\\u0031\"", "\"a\\u00e9\"", "\"\"", "\" \"", $"\"{new string('y', 21)}\"", $"\"{new string('é', 15)}\"", "null"];
        string[] listIds = ["\"1\"", "\"3\"", "\"6\"", "\"x\"", "\"é\""];
        var random = new Random(11);
        int hot = 0, ranked = 0, problems = 0;
        for (int n = 0; n < 600; n++)
        {
            var fields = new List<string>();
            string[] candidates = random.Next(12) == 0 ? [.. Enumerable.Repeat(ids[0], 13)] : random.GetItems(ids[..6], 6).Distinct().Take(random.Next(0, 7)).ToArray();
            if (candidates.Length > 0 && random.Next(3) == 0)
            {
                candidates[random.Next(candidates.Length)] = ids[random.Next(ids.Length)]; // anything, a repeat included
            }

            fields.Add($"\"candidates\":[{string.Join(",", candidates.Select(id => $"{{\"id\":{id}}}"))}]");
            Maybe(() => $"\"userId\":{random.GetItems(["\"1\"", "\"2\"", "\"zz\"", "null", "\"\""], 1)[0]}");
            Maybe(() => $"\"model\":{random.GetItems(["\"movies\"", "\"nope\"", "null"], 1)[0]}");
            Maybe(() => $"\"history\":[{string.Join(",", random.GetItems(listIds, random.Next(0, 7)))}]");
            Maybe(() => $"\"exclude\":[{string.Join(",", random.GetItems(listIds, random.Next(0, 3)))}]");
            Maybe(() => $"\"excludeSeen\":{(random.Next(2) == 0 ? "true" : "false")}");
            Maybe(() => $"\"top\":{random.Next(0, 10)}");
            Maybe(() => $"\"diversity\":{random.GetItems(["0", "0", "0.5", "2"], 1)[0]}");
            fields = [.. fields.OrderBy(_ => random.Next())];
            byte[] body = Encoding.UTF8.GetBytes("{" + string.Join(",", fields) + "}");

            ApiResult fast = await hotApi.RankAsync(new MemoryStream(body));
            ApiResult general = await generalApi.RankAsync(new MemoryStream(body));
            Assert.Equal(Describe(general), Describe(fast));
            (ranked, problems) = fast.Status == 200 ? (ranked + 1, problems) : (ranked, problems + 1);
            hot += await TookTheHotPath(service, body) ? 1 : 0;

            void Maybe(Func<string> field)
            {
                if (random.Next(2) == 0)
                {
                    fields.Add(field());
                }
            }
        }

        // Both outcomes, and the hot path itself, are exercised.
        Assert.InRange(ranked, 150, 450);
        Assert.InRange(problems, 150, 450);
        Assert.InRange(hot, 120, ranked);
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

    private static async Task<bool> TookTheHotPath(RankService service, byte[] body)
    {
        using RankBody? plain = RankBody.TryRead(body, Options.MaxJsonDepth);
        try
        {
            return plain is not null && await service.TryRankAsync(plain, body, CancellationToken.None) is not null;
        }
        catch (Exception ex) when (ex is InvalidRequestException or RefusalException)
        {
            return false;
        }
    }

    /// <summary>What a client sees, less the request id and timing.</summary>
    private static string Describe(ApiResult result) => result.Body switch
    {
        RankResponse r => $"{result.Status} {r.Model} {r.Version} {r.Variant} [{string.Join(", ", r.Items.Select(i => $"{i.Id}={i.Score:R}"))}]",
        ProblemDetails p => $"{result.Status} {p.Type} {p.Title} {p.Detail}",
        var other => $"{result.Status} {other}",
    };
}

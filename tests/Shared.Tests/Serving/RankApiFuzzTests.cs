using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Recsys.Serving;
using Recsys.Serving.Feedback;
using Recsys.Serving.Http;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>
/// Generated bodies for every POST route: malformed JSON, wrong types, huge arrays, deep nesting, unicode and
/// control characters in ids, empty strings, duplicates. Every answer is a 2xx or a 4xx with problem details,
/// never a 5xx, never a hang.
/// </summary>
public sealed class RankApiFuzzTests(ServingFixture fixture) : IClassFixture<ServingFixture>, IAsyncLifetime
{
    private static readonly ServingOptions Options = new() { RefreshInterval = TimeSpan.FromHours(1), MaxCandidates = 200, MaxTop = 50, MaxBodyBytes = 64 * 1024 };

    private RankApi _api = null!;
    private ModelHost _host = null!;
    private FeedbackSink _feedback = null!;

    public async ValueTask InitializeAsync()
    {
        ModelRegistry registry = await fixture.NewRegistryWithChampionAsync();
        _host = new ModelHost(registry, Options);
        _feedback = new FeedbackSink(await fixture.NewContainerAsync("events"));
        _api = new RankApi(await fixture.NewRankServiceAsync(_host, Options), _host, _feedback, Options);
    }

    public async ValueTask DisposeAsync()
    {
        await _feedback.DisposeAsync();
        await _host.DisposeAsync();
    }

    private static Gen<string> Ids() => Gen.OneOf(
        ArbMap.Default.GeneratorFor<string>().Where(s => s is not null),
        Gen.Elements("1", "2", "6", "", " ", "\u0000", "\t\n", "💥", "../models", "\"", "\\", "é", new string('x', 300), "\ud800"));

    private static Gen<string> Bodies() => Gen.OneOf(
        // arbitrary text, and JSON's own scalars
        ArbMap.Default.GeneratorFor<string>().Where(s => s is not null),
        Gen.Elements("", "null", "true", "0", "[]", "{}", "\"x\"", "{\"candidates\":", "{\"candidates\": null}"),
        // well-formed shapes with hostile values
        from ids in Gen.ListOf(Ids())
        from top in Gen.Choose(-3, 80)
        from diversity in Gen.Choose(-1, 3)
        from model in Gen.Elements<string?>(null, "movies", "nope", "../x", "", "a/b")
        select JsonSerializer.Serialize(new { model, candidates = ids.Select(id => new { id }), top, diversity = diversity / 2.0, history = ids.Take(3) }),
        // wrong types
        Gen.Elements(
            """{ "candidates": "1" }""", """{ "candidates": [1, 2] }""", """{ "candidates": [{ "id": 5 }] }""", """{ "candidates": [{ "id": "1" }], "top": "ten" }""",
            """{ "candidates": [{ "id": "1" }], "filters": { "genres": "Drama" } }""", """{ "requests": {} }""", """{ "events": [{ "type": 3 }] }"""),
        // deep nesting inside an otherwise valid request
        from depth in Gen.Choose(1, 400)
        select $$"""{ "candidates": [{ "id": "1", "features": {{new string('[', depth)}}{{new string(']', depth)}} }] }""",
        // more candidates than allowed, and duplicates
        from n in Gen.Choose(150, 400)
        select JsonSerializer.Serialize(new { candidates = Enumerable.Range(0, n).Select(i => new { id = (i % 180).ToString(System.Globalization.CultureInfo.InvariantCulture) }) }));

    private static bool Acceptable(ApiResult result) =>
        (result.Status is >= 200 and < 300 && result.Body is not ProblemDetails)
        || (result.Status is >= 400 and < 500 && result.Body is ProblemDetails { Type: var type } && type.StartsWith("urn:recsys:problem:", StringComparison.Ordinal));

    private static bool Run(Func<Stream, CancellationToken, Task<ApiResult>> route, string body)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Task<ApiResult> call = route(new MemoryStream(Encoding.UTF8.GetBytes(body)), timeout.Token);
        return call.Wait(TimeSpan.FromSeconds(10)) && Acceptable(call.Result);
    }

    [Property(MaxTest = 400)]
    public Property Rank_AnyBody_IsASuccessOrAProblem() =>
        Prop.ForAll(Bodies().ToArbitrary(), body => Run(_api.RankAsync, body));

    [Property(MaxTest = 200)]
    public Property RankBatch_AnyBody_IsASuccessOrAProblem() =>
        Prop.ForAll(Bodies().Select(b => b.StartsWith('{') ? $$"""{ "requests": [{{b}}, {{b}}] }""" : b).ToArbitrary(), body => Run(_api.RankBatchAsync, body));

    [Property(MaxTest = 200)]
    public Property Recommend_AnyBody_IsASuccessOrAProblem() =>
        Prop.ForAll(Bodies().ToArbitrary(), body => Run(_api.RecommendAsync, body));

    [Property(MaxTest = 200)]
    public Property Feedback_AnyBody_IsASuccessOrAProblem() =>
        Prop.ForAll(
            Gen.OneOf(Bodies(), from ids in Gen.ListOf(Ids()) from type in Gen.Elements("click", "impression", "rating", "x", "")
                                select JsonSerializer.Serialize(new { events = ids.Select(id => new { userId = id, itemId = id, type, value = 4 }) })).ToArbitrary(),
            body => Run(_api.FeedbackAsync, body));
}

using System.Diagnostics;
using Recsys.Diagnostics;
using Recsys.Evaluation;
using Recsys.Serving.Contracts;
using Recsys.Serving.Runtime;

namespace Recsys.Serving.Ranking;

/// <summary>
/// Answers rank, batch and recommend requests: resolves the model or profile, scores every request of a call
/// in one session run per model, fuses, re-ranks and reports which version served. Host-agnostic: Kestrel and
/// the Functions app call it the same way.
/// </summary>
public sealed partial class RankService
{
    private readonly ModelHost _host;
    private readonly ProfileStore _profiles;
    private readonly ServingOptions _options;
    private readonly RequestValidator _validator;
    private readonly CandidateTexts _texts = new();

    /// <summary>Where the fusion profiles this service reads are kept (the API publishes them there).</summary>
    internal ProfileStore Profiles => _profiles;

    public RankService(ModelHost host, ProfileStore profiles, ServingOptions options)
    {
        _host = host;
        _profiles = profiles;
        _options = options;
        _validator = new RequestValidator(options);
    }

    public async Task<RankResponse> RankAsync(RankRequest request, CancellationToken cancellationToken = default)
    {
        long started = Stopwatch.GetTimestamp();
        _validator.Check(request);
        Plan plan = await PlanAsync(request.Model, request.Alias, request.Profile, cancellationToken);
        return (await RankManyAsync(plan, [request], started, "rank", cancellationToken))[0];
    }

    public async Task<BatchRankResponse> RankBatchAsync(BatchRankRequest request, CancellationToken cancellationToken = default)
    {
        long started = Stopwatch.GetTimestamp();
        _validator.Check(request);

        // Requests sharing a model or profile are scored together; usually that is all of them.
        var results = new RankResponse[request.Requests!.Count];
        foreach (var group in request.Requests.Select((r, i) => (Request: r, Index: i))
                     .GroupBy(x => (Model: x.Request.Model ?? request.Model, x.Request.Alias, Profile: x.Request.Profile ?? request.Profile)))
        {
            Plan plan = await PlanAsync(group.Key.Model, group.Key.Alias, group.Key.Profile, cancellationToken);
            var members = group.ToList();
            IReadOnlyList<RankResponse> ranked = await RankManyAsync(plan, [.. members.Select(m => m.Request)], started, "rank-batch", cancellationToken);
            for (int i = 0; i < members.Count; i++)
            {
                results[members[i].Index] = ranked[i];
            }
        }

        return new BatchRankResponse(results, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    public async Task<RankResponse> RecommendAsync(RecommendRequest request, CancellationToken cancellationToken = default)
    {
        long started = Stopwatch.GetTimestamp();
        _validator.Check(request);
        using Activity? span = RecsysTracing.Source.StartActivity("recommend");
        using ModelLease lease = await _host.AcquireAsync(request.Model ?? _options.DefaultModel, request.Alias ?? _options.DefaultAlias, cancellationToken);
        ScoringModel model = lease.Model;
        span?.SetTag(RecsysTracing.Tags.Route, "recommend").SetTag(RecsysTracing.Tags.Model, model.Name).SetTag(RecsysTracing.Tags.Version, model.Version)
            .SetTag(RecsysTracing.Tags.Candidates, model.ItemCount - 1).SetTag(RecsysTracing.Tags.Fusion, "none");
        int top = request.Top ?? 10;
        int[] history = Indices(model, request.History);
        var scores = new float[model.ItemCount];
        model.ScoreAll(new ScoringQuery(model.UserIndex(request.UserId), history, ReadOnlyMemory<int>.Empty), scores, cancellationToken);

        // Masked items score −∞, which top-k never returns.
        scores[0] = float.NegativeInfinity;
        if (request.ExcludeSeen)
        {
            Mask(scores, history);
        }

        Mask(scores, Indices(model, request.Exclude));
        HashSet<string>? genres = Reranker.GenresFilter(request.Filters);
        if (genres is not null)
        {
            for (int item = 1; item < scores.Length; item++)
            {
                if (!model.ItemGenres[item].Split('|').Any(genres.Contains))
                {
                    scores[item] = float.NegativeInfinity;
                }
            }
        }

        // With diversity, MMR picks from a wider pool of the best-scored items.
        int[] pool = new int[Math.Min(model.ItemCount, request.Diversity > 0 ? top * 5 : top)];
        int found = TopK.Select(scores, pool, firstItem: 1);
        int[] items = pool[..found];
        var poolScores = ScoreFusion.Fused.Of([.. items.Select(i => scores[i])]);
        int[] chosen = Reranker.Select(items, poolScores, _ => false, null, Attributes(model), request.Diversity, top);
        var result = chosen.Select(p => new RankedItem(model.ItemId(items[p]), scores[items[p]])).ToList();
        double took = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        ServingMetrics.Served("recommend", model, took);
        return new RankResponse(model.Name, model.Version, lease.Alias, result, took);
    }

    private async Task<IReadOnlyList<RankResponse>> RankManyAsync(Plan plan, IReadOnlyList<RankRequest> requests, long started, string route, CancellationToken cancellationToken)
    {
        using Activity? span = StartSpan(route, requests.Count, requests.Sum(r => r.Candidates?.Count ?? 0), plan.Method?.ToString().ToLowerInvariant() ?? "none");
        var leases = new List<ModelLease>(plan.Members.Count);
        try
        {
            foreach (FusionMember member in plan.Members)
            {
                leases.Add(await _host.AcquireAsync(member.Model, member.Alias, cancellationToken));
            }

            span?.SetTag(RecsysTracing.Tags.Model, string.Join(",", leases.Select(l => l.Model.Name)))
                .SetTag(RecsysTracing.Tags.Version, string.Join(",", leases.Select(l => l.Model.Version)));

            return plan.Method switch
            {
                null => Single(leases[0], requests, started, route, cancellationToken),
                FusionMethod.Split => Split(plan, leases, requests, started, route, cancellationToken),
                FusionMethod.Cascade => Cascade(plan, leases, requests, started, route, cancellationToken),
                FusionMethod method => Fuse(plan, method, leases, requests, started, route, cancellationToken),
            };
        }
        catch (Exception ex) when (span is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            foreach (ModelLease lease in leases)
            {
                lease.Dispose();
            }
        }
    }

    private RankResponse[] Single(ModelLease lease, IReadOnlyList<RankRequest> requests, long started, string route, CancellationToken cancellationToken)
    {
        Scored[] scored = ScoreAll(lease.Model, requests, checkDuplicates: true, _texts, cancellationToken);
        var responses = new RankResponse[requests.Count];
        for (int r = 0; r < requests.Count; r++)
        {
            responses[r] = Respond(requests[r], lease.Model, scored[r].Items, ScoreFusion.Fused.Of(scored[r].Scores), lease.Model.Name, lease.Model.Version, lease.Alias, started, route);
        }

        return responses;
    }

    private RankResponse[] Fuse(Plan plan, FusionMethod method, List<ModelLease> leases, IReadOnlyList<RankRequest> requests, long started, string route, CancellationToken cancellationToken)
    {
        Scored[][] byModel = [.. leases.Select((l, m) => ScoreAll(l.Model, requests, checkDuplicates: m == 0, _texts, cancellationToken))];
        var responses = new RankResponse[requests.Count];
        for (int r = 0; r < requests.Count; r++)
        {
            ScoreFusion.Fused fused = ScoreFusion.Combine(method, [.. byModel.Select(m => m[r].Scores)], plan.Members, plan.Profile!);
            responses[r] = Respond(requests[r], leases[0].Model, byModel[0][r].Items, fused, plan.Name, Plan.Versions(leases), method.ToString().ToLowerInvariant(), started, route);
        }

        return responses;
    }

    private RankResponse[] Split(Plan plan, List<ModelLease> leases, IReadOnlyList<RankRequest> requests, long started, string route, CancellationToken cancellationToken)
    {
        var responses = new RankResponse[requests.Count];
        foreach (var group in requests.Select((r, i) => (Request: r, Index: i)).GroupBy(x => ScoreFusion.SplitMember(x.Request.UserId, plan.Members)))
        {
            ModelLease lease = leases[group.Key];
            var members = group.ToList();
            RankResponse[] ranked = Single(lease, [.. members.Select(m => m.Request)], started, route, cancellationToken);
            for (int i = 0; i < members.Count; i++)
            {
                responses[members[i].Index] = ranked[i] with { Variant = lease.Alias == plan.Members[group.Key].Alias ? $"{plan.Members[group.Key].Model}:{lease.Alias}" : lease.Alias };
            }
        }

        return responses;
    }

    private RankResponse[] Cascade(Plan plan, List<ModelLease> leases, IReadOnlyList<RankRequest> requests, long started, string route, CancellationToken cancellationToken)
    {
        int cut = plan.Profile!.CascadeCut;
        Scored[] cheap = ScoreAll(leases[0].Model, requests, checkDuplicates: true, _texts, cancellationToken);

        // The heavy model only sees each request's best `cut` candidates, all in one run.
        var shortlisted = new RankRequest[requests.Count];
        for (int r = 0; r < requests.Count; r++)
        {
            int[] best = ScoreFusion.Fused.Of(cheap[r].Scores).Best(cut, static _ => true);
            shortlisted[r] = requests[r] with { Candidates = [.. best.Select(p => requests[r].Candidates![p])] };
        }

        Scored[] heavy = ScoreAll(leases[1].Model, shortlisted, checkDuplicates: false, _texts, cancellationToken);
        var responses = new RankResponse[requests.Count];
        for (int r = 0; r < requests.Count; r++)
        {
            responses[r] = Respond(shortlisted[r], leases[1].Model, heavy[r].Items, ScoreFusion.Fused.Of(heavy[r].Scores), plan.Name, Plan.Versions(leases), "cascade", started, route);
        }

        return responses;
    }

    /// <summary>Scores every request's candidates with one model in a single session run (after the duplicate check, if asked).</summary>
    private static Scored[] ScoreAll(ScoringModel model, IReadOnlyList<RankRequest> requests, bool checkDuplicates, CandidateTexts texts, CancellationToken cancellationToken)
    {
        var queries = new ScoringQuery[requests.Count];
        var candidateItems = new int[requests.Count][];
        int total = 0;
        for (int r = 0; r < requests.Count; r++)
        {
            IReadOnlyList<RankCandidate> candidates = requests[r].Candidates!;
            int[] items = new int[candidates.Count];
            for (int i = 0; i < items.Length; i++)
            {
                items[i] = model.ItemIndex(candidates[i].Id!);
            }

            if (checkDuplicates)
            {
                DuplicateCheck.Throw(candidates, items, model.ItemCount, requests.Count > 1 ? $"requests[{r}]." : "");
            }

            candidateItems[r] = items;
            queries[r] = new ScoringQuery(model.UserIndex(requests[r].UserId), Indices(model, requests[r].History), items, texts.For(model, candidates, items, cancellationToken));
            total += items.Length;
        }

        float[] flat = new float[total];
        model.Score(queries, flat, cancellationToken);
        if (requests.Count == 1)
        {
            return [new Scored(flat, candidateItems[0])];
        }

        var result = new Scored[requests.Count];
        int offset = 0;
        for (int r = 0; r < requests.Count; r++)
        {
            int n = queries[r].Candidates.Length;
            result[r] = new Scored(flat[offset..(offset + n)], candidateItems[r]);
            offset += n;
        }

        return result;
    }

    private static RankResponse Respond(RankRequest request, ScoringModel primary, int[] items, ScoreFusion.Fused fused, string model, string version, string variant, long started, string route)
    {
        IReadOnlyList<RankCandidate> candidates = request.Candidates!;
        HashSet<string>? excluded = null;
        if (request.Exclude is { Count: > 0 } || (request.ExcludeSeen && request.History is { Count: > 0 }))
        {
            excluded = new HashSet<string>(request.Exclude ?? [], StringComparer.Ordinal);
            if (request.ExcludeSeen)
            {
                excluded.UnionWith(request.History ?? []);
            }
        }

        int top = request.Top ?? candidates.Count;
        int[] chosen = Reranker.Select(
            items, fused, excluded is null ? static _ => false : p => excluded.Contains(candidates[p].Id!), request.Filters, Attributes(primary), request.Diversity, top);
        var result = new RankedItem[chosen.Length];
        for (int i = 0; i < chosen.Length; i++)
        {
            // The model's float32 score as it is (a fused score, computed in double, rounded once to float).
            result[i] = new RankedItem(candidates[chosen[i]].Id!, (float)fused.Scores[chosen[i]]);
        }

        double took = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        ServingMetrics.Served(route, primary, took);
        return new RankResponse(model, version, variant, result, took);
    }

    private async ValueTask<Plan> PlanAsync(string? model, string? alias, string? profileName, CancellationToken cancellationToken)
    {
        if (profileName is null)
        {
            return new Plan(model ?? _options.DefaultModel, null, [new FusionMember(model ?? _options.DefaultModel, alias ?? _options.DefaultAlias)], null);
        }

        FusionProfile profile = await _profiles.GetAsync(profileName, cancellationToken);
        return new Plan(profileName, profile.Method, profile.Models, profile);
    }

    private static Activity? StartSpan(string route, int requests, int candidates, string fusion) =>
        RecsysTracing.Source.StartActivity(route)
            ?.SetTag(RecsysTracing.Tags.Route, route)
            .SetTag(RecsysTracing.Tags.Requests, requests)
            .SetTag(RecsysTracing.Tags.Candidates, candidates)
            .SetTag(RecsysTracing.Tags.Fusion, fusion);

    private static Reranker.ItemAttributes Attributes(ScoringModel model) => new(model.ItemGenres, model.ItemEmbeddings, model.EmbeddingDimensions);

    private static int[] Indices(ScoringModel model, IReadOnlyList<string>? ids) =>
        ids is null ? [] : [.. ids.Select(model.ItemIndex)];

    private static void Mask(float[] scores, int[] items)
    {
        foreach (int item in items)
        {
            scores[item] = float.NegativeInfinity;
        }
    }

    /// <summary>One request's scores and the model's item indices of its candidates, position by position.</summary>
    private sealed record Scored(float[] Scores, int[] Items);

    /// <summary>The models a request is scored with and how they combine (no method: a single model).</summary>
    private sealed record Plan(string Name, FusionMethod? Method, IReadOnlyList<FusionMember> Members, FusionProfile? Profile)
    {
        public static string Versions(List<ModelLease> leases) => string.Join('+', leases.Select(l => $"{l.Model.Name}@{l.Model.Version}"));
    }
}

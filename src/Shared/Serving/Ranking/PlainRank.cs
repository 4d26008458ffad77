using System.Buffers;
using System.Diagnostics;
using Recsys.Diagnostics;
using Recsys.Serving.Contracts;
using Recsys.Serving.Http;
using Recsys.Serving.Runtime;

namespace Recsys.Serving.Ranking;

public sealed partial class RankService
{
    /// <summary>
    /// The hot path of <c>POST /api/rank</c>: one model, no profile, filters, diversity or text. Candidate ids are
    /// resolved to item indices from the body's bytes, scored in pooled arrays and ordered where they are, so
    /// nothing is allocated per candidate. Null, with nothing done, when the body needs more than this (or would
    /// fail a rule whose problem the general path reports): the caller then takes <see cref="RankAsync(RankRequest, CancellationToken)"/>.
    /// Every check runs in the general path's order, so both answer every body alike, problems included.
    /// </summary>
    internal async Task<RankResponse?> TryRankAsync(RankBody body, ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        if (body.Profile is not null || body.Diversity != 0 || !CandidatesPass(body, utf8.Span))
        {
            return null;
        }

        _validator.CheckCommon(body.Model, body.Alias, body.UserId, body.History, body.Exclude, body.Top, body.Diversity, string.Empty);
        using Activity? span = StartSpan("rank", 1, body.CandidateCount, "none");
        using ModelLease lease = await _host.AcquireAsync(body.Model ?? _options.DefaultModel, body.Alias ?? _options.DefaultAlias, cancellationToken);
        span?.SetTag(RecsysTracing.Tags.Model, lease.Model.Name).SetTag(RecsysTracing.Tags.Version, lease.Model.Version);
        return lease.Model.TextDimensions > 0 ? null : await RankAsync(body, utf8, lease, started, cancellationToken);
    }

    /// <summary>
    /// The hot path of <c>POST /api/rank/batch</c>: every entry as <see cref="TryRankAsync"/> takes it, all for one
    /// model (no profile), scored in one session run. Null, with nothing done, when the batch needs more (the
    /// caller then takes <see cref="RankBatchAsync"/>); checks run in the general path's order.
    /// </summary>
    internal async Task<BatchRankResponse?> TryRankBatchAsync(BatchBody batch, ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        if (batch.Profile is not null || batch.Requests is not { Count: > 0 } requests || requests.Count > _options.MaxBatchUsers)
        {
            return null;
        }

        string? model = requests[0].Model ?? batch.Model;
        string? alias = requests[0].Alias;
        long total = 0;
        foreach (RankBody entry in requests)
        {
            if (entry.Profile is not null || entry.Diversity != 0 || (entry.Model ?? batch.Model) != model || entry.Alias != alias || !CandidatesPass(entry, utf8.Span))
            {
                return null;
            }

            total += entry.CandidateCount;
        }

        for (int r = 0; r < requests.Count; r++)
        {
            RankBody entry = requests[r];
            _validator.CheckCommon(entry.Model, entry.Alias, entry.UserId, entry.History, entry.Exclude, entry.Top, entry.Diversity, $"requests[{r}].");
        }

        if (total > (long)_options.MaxCandidates * 4)
        {
            return null;
        }

        using Activity? span = StartSpan("rank-batch", requests.Count, (int)total, "none");
        using ModelLease lease = await _host.AcquireAsync(model ?? _options.DefaultModel, alias ?? _options.DefaultAlias, cancellationToken);
        span?.SetTag(RecsysTracing.Tags.Model, lease.Model.Name).SetTag(RecsysTracing.Tags.Version, lease.Model.Version);
        return lease.Model.TextDimensions > 0 ? null : RankBatch(requests, utf8, lease, (int)total, started, cancellationToken);
    }

    private static BatchRankResponse RankBatch(IReadOnlyList<RankBody> requests, ReadOnlyMemory<byte> utf8, ModelLease lease, int total, long started, CancellationToken cancellationToken)
    {
        ScoringModel model = lease.Model;
        int[] items = ArrayPool<int>.Shared.Rent(total);
        float[] scores = ArrayPool<float>.Shared.Rent(total);
        try
        {
            var queries = new ScoringQuery[requests.Count];
            int offset = 0;
            for (int r = 0; r < requests.Count; r++)
            {
                queries[r] = Query(requests[r], utf8, model, items, offset, requests.Count > 1 ? $"requests[{r}]." : "");
                offset += requests[r].CandidateCount;
            }

            model.Score(queries, scores.AsSpan(0, total), cancellationToken);
            var results = new RankResponse[requests.Count];
            offset = 0;
            for (int r = 0; r < requests.Count; r++)
            {
                results[r] = Respond(requests[r], utf8, lease, items, scores, offset, "rank-batch", started);
                offset += requests[r].CandidateCount;
            }

            return new BatchRankResponse(results, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(items);
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    private static async Task<RankResponse> RankAsync(RankBody body, ReadOnlyMemory<byte> utf8, ModelLease lease, long started, CancellationToken cancellationToken)
    {
        ScoringModel model = lease.Model;
        int n = body.CandidateCount;
        int[] items = ArrayPool<int>.Shared.Rent(n);
        float[] scores = ArrayPool<float>.Shared.Rent(n);
        try
        {
            await model.ScoreAsync(Query(body, utf8, model, items, offset: 0, at: ""), scores.AsMemory(0, n), cancellationToken);
            return Respond(body, utf8, lease, items, scores, offset: 0, "rank", started);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(items);
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    /// <summary>
    /// The body's candidates resolved into <paramref name="items"/> from <paramref name="offset"/>, checked for
    /// repeats (problems prefixed by <paramref name="at"/>), and the query that scores them.
    /// </summary>
    private static ScoringQuery Query(RankBody body, ReadOnlyMemory<byte> utf8, ScoringModel model, int[] items, int offset, string at)
    {
        int n = body.CandidateCount;
        Resolve(body, utf8.Span, model, items.AsSpan(offset, n));
        DuplicateCheck.Throw(items.AsSpan(offset, n), model.ItemCount, i => body.IdString(utf8.Span, i)!, at);
        return new ScoringQuery(model.UserIndex(body.UserId), Indices(model, body.History), items.AsMemory(offset, n));
    }

    /// <summary>The body's response from its scores (from <paramref name="offset"/>), counted under <paramref name="route"/>.</summary>
    private static RankResponse Respond(RankBody body, ReadOnlyMemory<byte> utf8, ModelLease lease, int[] items, float[] scores, int offset, string route, long started)
    {
        ScoringModel model = lease.Model;
        RankedItem[] result = Best(body, utf8, model, items, scores, offset);
        double took = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        ServingMetrics.Served(route, model, took);
        return new RankResponse(model.Name, model.Version, lease.Alias, result, took);
    }

    private static void Resolve(RankBody body, ReadOnlySpan<byte> utf8, ScoringModel model, Span<int> items)
    {
        bool numeric = model.NumericItemIds; // a catalogue of other ids is never read as numbers
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = numeric && body.TryNumber(utf8, i, out int number) ? model.ItemIndex(number)
                : body.IsEscaped(i) ? model.ItemIndex(body.IdString(utf8, i)!)
                : model.ItemIndex(body.IdBytes(utf8, i));
        }
    }

    /// <summary>
    /// The best <c>top</c> candidates, less the general path's exclusions (the exclude list, and the history unless
    /// excludeSeen is false), matched by item index; the body's items and scores start at <paramref name="offset"/>.
    /// </summary>
    private static RankedItem[] Best(RankBody body, ReadOnlyMemory<byte> utf8, ScoringModel model, int[] items, float[] scores, int offset)
    {
        int n = body.CandidateCount;
        bool[]? excluded = null;
        HashSet<string>? excludedUnknown = null;
        try
        {
            if (body.Exclude is { Count: > 0 } || (body.ExcludeSeen && body.History is { Count: > 0 }))
            {
                excluded = ArrayPool<bool>.Shared.Rent(model.ItemCount);
                Array.Clear(excluded, 0, model.ItemCount);
                foreach (string id in (body.Exclude ?? []).Concat(body.ExcludeSeen ? body.History ?? [] : []))
                {
                    int index = model.ItemIndex(id);
                    if (index > 0)
                    {
                        excluded[index] = true;
                    }
                    else
                    {
                        (excludedUnknown ??= new HashSet<string>(StringComparer.Ordinal)).Add(id);
                    }
                }
            }

            bool[]? marks = excluded;
            Func<int, bool> keep = marks is null ? static _ => true : p => items[offset + p] > 0
                ? !marks[items[offset + p]]
                : excludedUnknown is null || !excludedUnknown.Contains(body.IdString(utf8.Span, p)!);
            int[] chosen = TopPositions.Best<float>(scores.AsSpan(offset, n), default, body.Top ?? n, keep);
            var result = new RankedItem[chosen.Length];
            for (int i = 0; i < chosen.Length; i++)
            {
                int p = chosen[i];
                int item = items[offset + p];
                result[i] = new RankedItem(item > 0 ? model.ItemId(item) : body.IdString(utf8.Span, p)!, scores[offset + p]);
            }

            return result;
        }
        finally
        {
            if (excluded is not null)
            {
                ArrayPool<bool>.Shared.Return(excluded);
            }
        }
    }

    /// <summary>
    /// Whether the candidates pass the general path's rules (present, within the limit, every id non-blank and
    /// short enough) without a string per id; false leaves the body, and the problem, to the general path.
    /// </summary>
    private bool CandidatesPass(RankBody body, ReadOnlySpan<byte> utf8)
    {
        if (body.CandidateCount < 1 || body.CandidateCount > _options.MaxCandidates)
        {
            return false;
        }

        if (body.PlainIdBytes is >= 0 and var longest && longest <= _options.MaxIdLength)
        {
            return true; // what the loop below finds id by id, known from the scan
        }

        for (int i = 0; i < body.CandidateCount; i++)
        {
            if (body.IsNullId(i))
            {
                return false;
            }

            // Most ids: ASCII that starts with a visible character and has no more bytes than the limit has characters.
            ReadOnlySpan<byte> id = body.IdBytes(utf8, i);
            if (!body.IsEscaped(i) && id.Length > 0 && id.Length <= _options.MaxIdLength && id[0] is > 0x20 and < 0x80)
            {
                continue;
            }

            string? text = body.IdString(utf8, i);
            if (string.IsNullOrWhiteSpace(text) || text.Length > _options.MaxIdLength)
            {
                return false;
            }
        }

        return true;
    }
}

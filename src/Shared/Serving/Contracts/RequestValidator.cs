using Recsys.Serving.Feedback;
using Recsys.Serving.Ranking;
using Recsys.Storage;

namespace Recsys.Serving.Contracts;

/// <summary>Checks a request against the configured limits before any model is touched; each failure is an <see cref="InvalidRequestException"/>.</summary>
public sealed class RequestValidator
{
    private readonly ServingOptions _options;

    public RequestValidator(ServingOptions options) => _options = options;

    public void Check(RankRequest request, string at = "")
    {
        IReadOnlyList<RankCandidate>? candidates = request.Candidates;
        if (candidates is null || candidates.Count == 0)
        {
            throw Invalid($"{at}candidates is required and must not be empty.");
        }

        if (candidates.Count > _options.MaxCandidates)
        {
            throw new InvalidRequestException(RequestRule.CandidateLimit, $"{at}candidates has {candidates.Count} items; the limit is {_options.MaxCandidates}.");
        }

        // Duplicates are found later, on the model's item indices (see DuplicateCheck): far cheaper than hashing every id here.
        for (int i = 0; i < candidates.Count; i++)
        {
            CheckId(candidates[i]?.Id, at, "candidates", i, ".id");
            if (candidates[i].Text is { } text && (text.Length > RankCandidate.MaxTextLength || string.IsNullOrWhiteSpace(text)))
            {
                throw Invalid($"{at}candidates[{i}].text must be 1–{RankCandidate.MaxTextLength:N0} characters of text, not {(text.Length == 0 || string.IsNullOrWhiteSpace(text) ? "blank" : $"{text.Length:N0} characters")}.");
            }
        }

        CheckCommon(request.Model, request.Alias, request.UserId, request.History, request.Exclude, request.Top, request.Diversity, at);
        if (request.Profile is not null)
        {
            ResourceName.Require(request.Profile, "profile");
        }

        Reranker.GenresFilter(request.Filters);
    }

    public void Check(BatchRankRequest request)
    {
        if (request.Requests is null || request.Requests.Count == 0)
        {
            throw Invalid("requests is required and must not be empty.");
        }

        if (request.Requests.Count > _options.MaxBatchUsers)
        {
            throw Invalid($"requests has {request.Requests.Count} entries; the limit is {_options.MaxBatchUsers}.");
        }

        long total = 0;
        for (int i = 0; i < request.Requests.Count; i++)
        {
            RankRequest entry = request.Requests[i] ?? throw Invalid($"requests[{i}] is null.");
            Check(entry, $"requests[{i}].");
            total += entry.Candidates!.Count;
        }

        if (total > (long)_options.MaxCandidates * 4)
        {
            throw new InvalidRequestException(RequestRule.CandidateLimit, $"The batch has {total} candidates in all; the limit is {_options.MaxCandidates * 4}.");
        }
    }

    public void Check(RecommendRequest request) =>
        CheckCommon(request.Model, request.Alias, request.UserId, request.History, request.Exclude, request.Top, request.Diversity, string.Empty);

    public void Check(FeedbackRequest request)
    {
        if (request.Events is null || request.Events.Count == 0)
        {
            throw Invalid("events is required and must not be empty.");
        }

        if (request.Events.Count > _options.MaxFeedbackEvents)
        {
            throw Invalid($"events has {request.Events.Count} entries; the limit is {_options.MaxFeedbackEvents}.");
        }

        for (int i = 0; i < request.Events.Count; i++)
        {
            FeedbackEvent e = request.Events[i] ?? throw Invalid($"events[{i}] is null.");
            CheckId(e.UserId, "", "events", i, ".userId");
            CheckId(e.ItemId, "", "events", i, ".itemId");
            if (e.Type is not ("impression" or "click" or "rating"))
            {
                throw Invalid($"events[{i}].type must be impression, click or rating (served records are written by the host).");
            }

            if (e.Type == "rating" && (e.Value is not { } v || !double.IsFinite(v)))
            {
                throw Invalid($"events[{i}] is a rating without a finite value.");
            }

            // The attribution fields are optional, but well formed when sent.
            foreach ((string? value, string name) in (ReadOnlySpan<(string?, string)>)[(e.RequestId, ".requestId"), (e.Variant, ".variant"), (e.Version, ".version")])
            {
                if (value is not null)
                {
                    CheckId(value, "", "events", i, name);
                }
            }

            if (e.Model is not null)
            {
                ResourceName.Require(e.Model, $"events[{i}].model");
            }

            if (e.Position is < 1)
            {
                throw Invalid($"events[{i}].position is {e.Position}; positions start at 1.");
            }

            if (e.Score is { } score && !float.IsFinite(score))
            {
                throw Invalid($"events[{i}].score must be a finite number.");
            }

            if (e.Items is not null || e.Scores is not null)
            {
                throw Invalid($"events[{i}] has items or scores: only the host's served records list them.");
            }
        }
    }

    /// <summary>The rules every rank and recommend request shares (the rank hot path checks candidates itself).</summary>
    internal void CheckCommon(string? model, string? alias, string? userId, IReadOnlyList<string>? history, IReadOnlyList<string>? exclude, int? top, double diversity, string at)
    {
        if (model is not null)
        {
            ResourceName.Require(model, "model");
        }

        if (alias is not null)
        {
            ResourceName.Require(alias, "alias");
        }

        if (userId is not null)
        {
            CheckId(userId, at, "userId");
        }

        CheckIds(history, at, "history", _options.MaxHistory);
        CheckIds(exclude, at, "exclude", _options.MaxCandidates);
        if (top is { } t && (t < 1 || t > _options.MaxTop))
        {
            throw new InvalidRequestException(RequestRule.TopInRange, $"{at}top is {t}; it must be between 1 and {_options.MaxTop}.");
        }

        if (!(diversity >= 0 && diversity <= 1))
        {
            throw Invalid($"{at}diversity must be between 0 and 1.");
        }
    }

    private void CheckIds(IReadOnlyList<string>? ids, string at, string field, int limit)
    {
        if (ids is null)
        {
            return;
        }

        if (ids.Count > limit)
        {
            throw Invalid($"{at}{field} has {ids.Count} ids; the limit is {limit}.");
        }

        for (int i = 0; i < ids.Count; i++)
        {
            CheckId(ids[i], at, field, i);
        }
    }

    /// <summary>The field's path (e.g. <c>requests[2].candidates[7].id</c>) is only formatted when the check fails: this runs once per candidate.</summary>
    private string CheckId(string? id, string at, string field, int index = -1, string suffix = "")
    {
        if (id is null || id.Length == 0 || id.Length > _options.MaxIdLength || (char.IsWhiteSpace(id[0]) && string.IsNullOrWhiteSpace(id)))
        {
            throw BadId(id, at, field, index, suffix);
        }

        return id;
    }

    private InvalidRequestException BadId(string? id, string at, string field, int index, string suffix)
    {
        string path = index < 0 ? $"{at}{field}{suffix}" : $"{at}{field}[{index}]{suffix}";
        return Invalid(id is { Length: > 0 } && id.Length > _options.MaxIdLength
            ? $"{path} is longer than {_options.MaxIdLength} characters."
            : $"{path} is missing or empty.");
    }

    private static InvalidRequestException Invalid(string detail) => new(RequestRule.WellFormed, detail);
}

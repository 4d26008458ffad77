using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Recsys.Serving.Contracts;
using Recsys.Serving.Feedback;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;
using Recsys.Storage;

namespace Recsys.Serving.Http;

/// <summary>
/// The HTTP routes as plain methods: a body stream in, an <see cref="ApiResult"/> out. The body size limit and
/// JSON depth limit apply while reading, so an oversized or deeply nested body costs no more than the limit.
/// Both hosts (<c>recsys serve</c> and the Functions app) map their requests onto these methods.
/// </summary>
public sealed class RankApi
{
    private readonly RankService _rank;
    private readonly ModelHost _host;
    private readonly FeedbackSink _feedback;
    private readonly ServingOptions _options;
    private readonly RequestValidator _validator;
    private readonly ILogger _logger;
    private readonly JsonBodyReader _body;
    private readonly Pipeline.JobStore? _jobs;
    private readonly Pipeline.DatasetDropZone? _drop;

    public RankApi(
        RankService rank, ModelHost host, FeedbackSink feedback, ServingOptions options, ILogger? logger = null, Pipeline.JobStore? jobs = null, Pipeline.DatasetDropZone? drop = null)
    {
        _jobs = jobs;
        _drop = drop;
        _rank = rank;
        _host = host;
        _feedback = feedback;
        _options = options;
        _validator = new RequestValidator(options);
        _logger = logger ?? NullLogger.Instance;
        _body = new JsonBodyReader(options);
    }

    /// <summary>
    /// Whether rank and batch bodies of the usual shape take <see cref="RankService.TryRankAsync"/> and
    /// <see cref="RankService.TryRankBatchAsync"/>; off only to test them against the general path.
    /// </summary>
    internal bool HotPath { get; init; } = true;

    /// <summary>Serialiser settings of every response body.</summary>
    public JsonSerializerOptions JsonOptions => _body.Options;

    public Task<ApiResult> RankAsync(Stream body, CancellationToken cancellationToken = default) =>
        HandleAsync("/api/rank", async () =>
        {
            using PooledBody bytes = await _body.ReadBytesAsync(body, cancellationToken);
            using RankBody? plain = RankBody.TryRead(bytes.Span, _body.MaxDepth);
            if (plain is not null && HotPath && await _rank.TryRankAsync(plain, bytes.Memory, cancellationToken) is { } ranked)
            {
                return Ok(Served(plain.UserId, ranked));
            }

            RankRequest request = plain?.ToRequest(bytes.Span) ?? _body.Parse<RankRequest>(bytes.Span);
            return Ok(Served(request.UserId, await _rank.RankAsync(request, cancellationToken)));
        });

    public Task<ApiResult> RankBatchAsync(Stream body, CancellationToken cancellationToken = default) =>
        HandleAsync("/api/rank/batch", async () =>
        {
            using PooledBody bytes = await _body.ReadBytesAsync(body, cancellationToken);
            using BatchBody? plain = BatchBody.TryRead(bytes.Span, _body.MaxDepth);
            if (plain is not null && HotPath && await _rank.TryRankBatchAsync(plain, bytes.Memory, cancellationToken) is { } ranked)
            {
                return Ok(Served(plain.Requests!, static r => r.UserId, ranked));
            }

            BatchRankRequest request = plain?.ToRequest(bytes.Span) ?? _body.Parse<BatchRankRequest>(bytes.Span);
            return Ok(Served(request.Requests!, static r => r?.UserId, await _rank.RankBatchAsync(request, cancellationToken)));
        });

    public Task<ApiResult> RecommendAsync(Stream body, CancellationToken cancellationToken = default) =>
        HandleAsync("/api/recommend", async () =>
        {
            RecommendRequest request = await _body.ReadAsync<RecommendRequest>(body, cancellationToken);
            return Ok(Served(request.UserId, await _rank.RecommendAsync(request, cancellationToken)));
        });

    /// <summary>Records the served list under its request id, so feedback naming it can be attributed.</summary>
    private RankResponse Served(string? userId, RankResponse response)
    {
        _feedback.TryRecordServed(userId, response);
        return response;
    }

    /// <summary>Records each served list of a batch under the user of its entry.</summary>
    private BatchRankResponse Served<T>(IReadOnlyList<T> entries, Func<T, string?> userId, BatchRankResponse response)
    {
        for (int i = 0; i < response.Results.Count; i++)
        {
            Served(userId(entries[i]), response.Results[i]);
        }

        return response;
    }

    public Task<ApiResult> FeedbackAsync(Stream body, CancellationToken cancellationToken = default) =>
        HandleAsync("/api/feedback", async () =>
        {
            FeedbackRequest request = await _body.ReadAsync<FeedbackRequest>(body, cancellationToken);
            _validator.Check(request);
            return _feedback.TryAccept(request.Events!)
                ? new ApiResult(202, new FeedbackResponse(request.Events!.Count))
                : throw new ProblemException(ProblemTypes.Overloaded, "Feedback not accepted.", "The feedback queue is full (storage is slow or unreachable) or the server is stopping; none of these events were kept: send them again later.");
        });

    public Task<ApiResult> ListModelsAsync(CancellationToken cancellationToken = default) =>
        HandleAsync("/api/models", async () =>
        {
            var models = new List<ModelEntry>();
            foreach (string name in await _host.Registry.ListModelsAsync(cancellationToken))
            {
                if (ResourceName.IsValid(name) && await _host.Registry.GetModelAsync(name, cancellationToken) is { } entry)
                {
                    models.Add(entry);
                }
            }

            return Ok(models);
        });

    public Task<ApiResult> GetModelAsync(string name, CancellationToken cancellationToken = default) =>
        HandleAsync("/api/models/{name}", async () =>
            Ok(await _host.Registry.GetModelAsync(name, cancellationToken)
                ?? throw new ProblemException(ProblemTypes.UnknownModel, "Unknown model.", $"There is no model '{name}'.")));

    /// <summary>
    /// Click-through per variant and version over a window of at most <see cref="MaxOnlineDays"/> days (default:
    /// the last 7), read from the feedback events (docs/serving.md, "Online metrics").
    /// </summary>
    public Task<ApiResult> GetOnlineAsync(string name, string? since, string? until, CancellationToken cancellationToken = default) =>
        HandleAsync("/api/models/{name}/online", async () =>
        {
            ResourceName.Require(name, "model");
            DateTimeOffset start, end;
            try
            {
                (start, end) = OnlineWindow.Parse(since, until, DateTimeOffset.UtcNow, MaxOnlineDays);
            }
            catch (FormatException ex)
            {
                throw new ProblemException(ProblemTypes.InvalidRequest, "Bad window.", ex.Message);
            }

            return Ok(await OnlineMetrics.ReadAsync(_feedback.Container, name, start, end, cancellationToken));
        });

    /// <summary>The longest window <see cref="GetOnlineAsync"/> reads: a request never reads more than a month of events.</summary>
    public const int MaxOnlineDays = 31;

    /// <summary>The version an alias points at, with its ETag (also the response's <c>ETag</c>) to send as <c>If-Match</c> when moving it.</summary>
    public Task<ApiResult> GetAliasAsync(string name, string alias, CancellationToken cancellationToken = default) =>
        HandleAsync("/api/models/{name}/aliases/{alias}", async () =>
        {
            ResourceName.Require(name, "model");
            ResourceName.Require(alias, "alias");
            AliasPointer pointer = await _host.Registry.ReadAliasAsync(name, alias, cancellationToken)
                ?? throw new ProblemException(ProblemTypes.UnknownModel, "Unknown alias.", $"Model '{name}' has no alias '{alias}'.");
            return new ApiResult(200, pointer, pointer.ETag);
        });

    /// <summary>Moves an alias; <paramref name="ifMatch"/> is the alias's current ETag (none: create only).</summary>
    public Task<ApiResult> SetAliasAsync(string name, string alias, Stream body, string? ifMatch, CancellationToken cancellationToken = default) =>
        HandleAsync("/api/models/{name}/aliases/{alias}", async () =>
        {
            AliasUpdate update = await _body.ReadAsync<AliasUpdate>(body, cancellationToken);
            if (string.IsNullOrEmpty(update.Version))
            {
                throw new ProblemException(ProblemTypes.InvalidRequest, "Invalid request.", "version is required.");
            }

            AliasPointer pointer = await _host.Registry.SetAliasAsync(name, alias, update.Version, string.IsNullOrEmpty(ifMatch) ? null : ifMatch, cancellationToken);
            await _host.RefreshAsync(name, alias, cancellationToken);
            return new ApiResult(200, pointer, pointer.ETag);
        });

    /// <summary>
    /// <c>PUT /api/profiles/{name}</c>: publishes a fusion profile (a winner of <c>recsys experiment --profile</c>),
    /// replacing one of that name. Every member's model and alias must be published already, so a profile never
    /// points requests at nothing; the next request that names it reads the new one.
    /// </summary>
    public Task<ApiResult> PutProfileAsync(string name, Stream body, CancellationToken cancellationToken = default) =>
        HandleAsync("/api/profiles/{name}", async () =>
        {
            ResourceName.Require(name, "profile");
            FusionProfile profile = await _body.ReadAsync<FusionProfile>(body, cancellationToken);
            profile.Check();
            foreach (FusionMember member in profile.Models)
            {
                _ = await _host.Registry.ReadAliasAsync(member.Model, member.Alias, cancellationToken)
                    ?? throw new ProblemException(ProblemTypes.UnknownModel, "Unknown profile member.", $"Model '{member.Model}' has no alias '{member.Alias}' to fuse.");
            }

            await _rank.Profiles.SaveAsync(name, profile, cancellationToken);
            return Ok(profile);
        });

    public ApiResult Health() => new(200, _host.Health());

    /// <summary><c>POST /api/datasets/{name}?file=...</c>: drops a dataset file (201), never overwriting one.</summary>
    public Task<ApiResult> UploadDatasetAsync(string name, string? file, Stream body, long? length, CancellationToken cancellationToken = default) =>
        HandleAsync("/api/datasets/{name}", async () =>
        {
            Pipeline.DatasetDropZone drop = _drop ?? throw new ProblemException(ProblemTypes.NotConfigured, "Uploads are not configured.", "This host has no dataset drop zone.");
            Pipeline.DatasetUpload upload = await drop.UploadAsync(name, file, body, length, cancellationToken);
            return new ApiResult(201, upload, upload.ETag);
        });

    /// <summary><c>GET /api/jobs/{id}</c>: a pipeline job's stages with status, timings, counts and errors.</summary>
    public Task<ApiResult> GetJobAsync(string id, CancellationToken cancellationToken = default) =>
        HandleAsync("/api/jobs/{id}", async () =>
        {
            Pipeline.JobView? job = _jobs is null ? null : await _jobs.GetAsync(id, cancellationToken);
            return job is null
                ? throw new ProblemException(ProblemTypes.UnknownJob, "Unknown job.", $"There is no job '{id}'.")
                : Ok(job);
        });

    private async Task<ApiResult> HandleAsync(string route, Func<Task<ApiResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (ProblemException ex)
        {
            return new ApiResult(ex.Type.Status, ex.ToProblem(route));
        }
        catch (RefusalException ex) when (ProblemMapping.Of(ex) is { } problem)
        {
            return new ApiResult(problem.Type.Status, new ProblemDetails(problem.Type.Uri, problem.Title, problem.Type.Status, ex.Message, route));
        }
        catch (JsonException ex)
        {
            // The parser's message names the position (line, byte) and the path, never the body itself.
            string where = ex.Path is null ? string.Empty : $" at {ex.Path}";
            return new ApiResult(400, new ProblemException(ProblemTypes.InvalidJson, "The body is not valid JSON for this route.", $"Malformed or mistyped JSON{where} (line {ex.LineNumber}, byte {ex.BytePositionInLine}).").ToProblem(route));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ServingLog.UnhandledError(_logger, ex, route);
            return new ApiResult(500, new ProblemDetails("about:blank", "Internal error.", 500, "The request failed; it has been logged.", route));
        }
    }

    private static ApiResult Ok(object body) => new(200, body);
}

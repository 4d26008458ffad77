using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Recsys.Serving;
using Recsys.Serving.Http;

namespace Recsys.Functions.Rank;

/// <summary>
/// The routes of ARCHITECTURE.md, each one line onto <see cref="RankApi"/>. Ranking needs a function key; model
/// management, datasets and jobs need the admin (master) key; health is open for probes.
/// </summary>
public sealed class RankFunctions(RankApi api, IOptions<ServingOptions> options)
{
    [Function("Rank")]
    public async Task<IActionResult> Rank([HttpTrigger(AuthorizationLevel.Function, "post", Route = "rank")] HttpRequest request, CancellationToken cancellationToken) =>
        Reply(await api.RankAsync(request.Body, cancellationToken));

    [Function("RankBatch")]
    public async Task<IActionResult> RankBatch([HttpTrigger(AuthorizationLevel.Function, "post", Route = "rank/batch")] HttpRequest request, CancellationToken cancellationToken) =>
        Reply(await api.RankBatchAsync(request.Body, cancellationToken));

    [Function("Recommend")]
    public async Task<IActionResult> Recommend([HttpTrigger(AuthorizationLevel.Function, "post", Route = "recommend")] HttpRequest request, CancellationToken cancellationToken) =>
        Reply(await api.RecommendAsync(request.Body, cancellationToken));

    [Function("Feedback")]
    public async Task<IActionResult> Feedback([HttpTrigger(AuthorizationLevel.Function, "post", Route = "feedback")] HttpRequest request, CancellationToken cancellationToken) =>
        Reply(await api.FeedbackAsync(request.Body, cancellationToken));

    [Function("ListModels")]
    public async Task<IActionResult> ListModels([HttpTrigger(AuthorizationLevel.Admin, "get", Route = "models")] HttpRequest request, CancellationToken cancellationToken) =>
        Reply(await api.ListModelsAsync(cancellationToken));

    [Function("GetModel")]
    public async Task<IActionResult> GetModel([HttpTrigger(AuthorizationLevel.Admin, "get", Route = "models/{name}")] HttpRequest request, string name, CancellationToken cancellationToken) =>
        Reply(await api.GetModelAsync(name, cancellationToken));

    [Function("GetOnline")]
    public async Task<IActionResult> GetOnline([HttpTrigger(AuthorizationLevel.Admin, "get", Route = "models/{name}/online")] HttpRequest request, string name, CancellationToken cancellationToken) =>
        Reply(await api.GetOnlineAsync(name, request.Query["since"], request.Query["until"], cancellationToken));

    [Function("GetAlias")]
    public async Task<IActionResult> GetAlias(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "models/{name}/aliases/{alias}")] HttpRequest request, string name, string alias, CancellationToken cancellationToken) =>
        Reply(await api.GetAliasAsync(name, alias, cancellationToken));

    [Function("SetAlias")]
    public async Task<IActionResult> SetAlias(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "models/{name}/aliases/{alias}")] HttpRequest request, string name, string alias, CancellationToken cancellationToken) =>
        Reply(await api.SetAliasAsync(name, alias, request.Body, request.Headers.IfMatch.ToString(), cancellationToken));

    [Function("PutProfile")]
    public async Task<IActionResult> PutProfile(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "profiles/{name}")] HttpRequest request, string name, CancellationToken cancellationToken) =>
        Reply(await api.PutProfileAsync(name, request.Body, cancellationToken));

    [Function("UploadDataset")]
    public async Task<IActionResult> UploadDataset(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "datasets/{name}")] HttpRequest request, string name, CancellationToken cancellationToken)
    {
        // Kestrel in the worker stops at 30 MB by default; uploads take up to MaxUploadBytes (the host's own limit).
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.Value.MaxUploadBytes;
        }

        return Reply(await api.UploadDatasetAsync(name, request.Query["file"], request.Body, request.ContentLength, cancellationToken));
    }

    [Function("GetJob")]
    public async Task<IActionResult> GetJob([HttpTrigger(AuthorizationLevel.Admin, "get", Route = "jobs/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        Reply(await api.GetJobAsync(id, cancellationToken));

    [Function("Health")]
    public IActionResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        Reply(api.Health());

    private ApiActionResult Reply(ApiResult result) => new(result, api.JsonOptions);
}

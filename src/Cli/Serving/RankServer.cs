using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Recsys.Pipeline;
using Recsys.Serving;
using Recsys.Serving.Contracts;
using Recsys.Serving.Feedback;
using Recsys.Serving.Http;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;

namespace Recsys.Cli.Serving;

/// <summary>
/// The local rank host: Kestrel on loopback exposing the routes of <see cref="RankApi"/>, plus an OpenAPI
/// document at <c>/openapi/v1.json</c>. Each route is one line onto the shared handlers, exactly as in the
/// Functions app.
/// </summary>
internal sealed class RankServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServingHost _serving;

    private RankServer(WebApplication app, ServingHost serving)
    {
        _app = app;
        _serving = serving;
    }

    /// <summary>The address it listens on (with the real port when started on port 0).</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1");

    public ServingHost Serving => _serving;

    public static async Task<RankServer> StartAsync(string connectionString, ServingOptions options, int port, LogLevel logLevel = LogLevel.Warning, CancellationToken cancellationToken = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(logLevel)
            .AddFilter("Microsoft", LogLevel.Warning); // no per-request lines from the host on the hot path
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, port);

            // Kestrel's own cap is a backstop; RankApi answers oversized bodies with a problem first.
            // Dataset uploads stream to storage under MaxUploadBytes; the cap is lifted for that route (see Map).
            k.Limits.MaxRequestBodySize = (long)options.MaxBodyBytes * 2;
        });

        // Read into a buffer at once instead of first waiting for data with a zero-byte read: one system call less per
        // read, which on this kind of VM is 12-16 % more requests/s at 8 connections (docs/serving.md, Host settings),
        // for a 4 KB buffer held by each idle connection.
        builder.WebHost.UseSockets(o => o.WaitForDataBeforeAllocatingBuffer = false);

        builder.Services.AddOpenApi();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage"] = connectionString });
        builder.Services.AddRecsysServing(builder.Configuration, options);

        // Serving instruments and spans go to an OTLP collector when one is configured the standard way; with none,
        // nothing listens, so requests create no spans (`--trace` attaches its own listener).
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            builder.Services.AddOpenTelemetry()
                .WithMetrics(metrics => metrics.AddMeter(ServingMetrics.MeterName).AddOtlpExporter())
                .WithTracing(tracing => tracing.AddSource(Diagnostics.RecsysTracing.SourceName).AddOtlpExporter());
        }

        WebApplication app = builder.Build();
        ServingHost serving = app.Services.GetRequiredService<ServingHost>();

        // What the routing itself refuses (unknown route, wrong method, wrong media type) is problem+json too.
        app.UseStatusCodePages(async context =>
        {
            HttpResponse response = context.HttpContext.Response;
            response.ContentType = "application/problem+json";
            var problem = new ProblemDetails("about:blank", ReasonPhrases.GetReasonPhrase(response.StatusCode), response.StatusCode, null, context.HttpContext.Request.Path);
            await JsonSerializer.SerializeAsync(response.Body, problem, serving.Api.JsonOptions, context.HttpContext.RequestAborted);
        });
        Map(app, serving.Api, options.MaxUploadBytes);
        var server = new RankServer(app, serving);
        try
        {
            // Loaded before the port opens, so the first request and the health check see the model.
            await serving.WarmAsync(options, cancellationToken);
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Address = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    /// <summary>Stops the server; disposing the app's services flushes feedback and unloads the models.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static void Map(WebApplication app, RankApi api, long maxUploadBytes)
    {
        app.MapOpenApi();
        app.MapPost("/api/rank", (HttpRequest r, CancellationToken ct) => Reply(api, api.RankAsync(r.Body, ct)))
            .Accepts<RankRequest>("application/json").Produces<RankResponse>().ProducesProblem(400);
        app.MapPost("/api/rank/batch", (HttpRequest r, CancellationToken ct) => Reply(api, api.RankBatchAsync(r.Body, ct)))
            .Accepts<BatchRankRequest>("application/json").Produces<BatchRankResponse>().ProducesProblem(400);
        app.MapPost("/api/recommend", (HttpRequest r, CancellationToken ct) => Reply(api, api.RecommendAsync(r.Body, ct)))
            .Accepts<RecommendRequest>("application/json").Produces<RankResponse>().ProducesProblem(400);
        app.MapPost("/api/feedback", (HttpRequest r, CancellationToken ct) => Reply(api, api.FeedbackAsync(r.Body, ct)))
            .Accepts<FeedbackRequest>("application/json").Produces<FeedbackResponse>(202).ProducesProblem(400);
        app.MapGet("/api/models", (CancellationToken ct) => Reply(api, api.ListModelsAsync(ct))).Produces<IReadOnlyList<ModelEntry>>();
        app.MapGet("/api/models/{name}", (string name, CancellationToken ct) => Reply(api, api.GetModelAsync(name, ct))).Produces<ModelEntry>().ProducesProblem(404);
        app.MapGet("/api/models/{name}/online", (string name, string? since, string? until, CancellationToken ct) => Reply(api, api.GetOnlineAsync(name, since, until, ct)))
            .Produces<OnlineReport>().ProducesProblem(400);
        app.MapGet("/api/models/{name}/aliases/{alias}", (string name, string alias, CancellationToken ct) => Reply(api, api.GetAliasAsync(name, alias, ct)))
            .Produces<AliasPointer>().ProducesProblem(404);
        app.MapPut("/api/models/{name}/aliases/{alias}", (string name, string alias, HttpRequest r, CancellationToken ct) =>
                Reply(api, api.SetAliasAsync(name, alias, r.Body, r.Headers.IfMatch.ToString(), ct)))
            .Accepts<AliasUpdate>("application/json").Produces<AliasPointer>().ProducesProblem(409);
        app.MapPut("/api/profiles/{name}", (string name, HttpRequest r, CancellationToken ct) => Reply(api, api.PutProfileAsync(name, r.Body, ct)))
            .Accepts<FusionProfile>("application/json").Produces<FusionProfile>().ProducesProblem(400).ProducesProblem(404);
        app.MapPost("/api/datasets/{name}", (string name, string? file, HttpRequest r, CancellationToken ct) =>
            {
                // Kestrel's cap (a backstop for the JSON routes) is lifted to the upload limit for this route only.
                if (r.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                {
                    limit.MaxRequestBodySize = maxUploadBytes;
                }

                return Reply(api, api.UploadDatasetAsync(name, file, r.Body, r.ContentLength, ct));
            })
            .Produces<DatasetUpload>(201).ProducesProblem(409);
        app.MapGet("/api/jobs/{id}", (string id, CancellationToken ct) => Reply(api, api.GetJobAsync(id, ct))).Produces<JobView>().ProducesProblem(404);
        app.MapGet("/api/health", () => Reply(api, Task.FromResult(api.Health()))).Produces<HealthReport>();
    }

    private static async Task<IResult> Reply(RankApi api, Task<ApiResult> pending) => new JsonReply(await pending, api.JsonOptions);

    private sealed class JsonReply(ApiResult answer, JsonSerializerOptions options) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            ApiResult result = answer.At(httpContext.Request.PathBase + httpContext.Request.Path);
            HttpResponse response = httpContext.Response;
            response.StatusCode = result.Status;
            response.ContentType = result.ContentType;
            if (result.ETag is not null)
            {
                response.Headers.ETag = result.ETag;
            }

            await result.WriteBodyAsync(response.Body, options, httpContext.RequestAborted);
        }
    }
}

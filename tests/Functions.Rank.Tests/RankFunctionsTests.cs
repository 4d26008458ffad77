using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Recsys.Pipeline;
using Recsys.Serving;
using Recsys.Serving.Http;
using Recsys.Serving.Runtime;
using Recsys.Testing;
using Xunit;

namespace Recsys.Functions.Rank.Tests;

/// <summary>The function classes as the host calls them, composed by <c>AddRecsysServing</c> over a real Azurite and ONNX Runtime.</summary>
public sealed class RankFunctionsTests : IClassFixture<ServingFixture>, IAsyncLifetime
{
    private readonly ServingFixture _fixture;
    private ServiceProvider _services = null!;

    public RankFunctionsTests(ServingFixture fixture) => _fixture = fixture;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var registry = new ModelRegistry(_fixture.Storage.GetBlobContainerClient(ModelRegistry.ContainerName));
        if (await registry.ReadAliasAsync("movies", "champion", Ct) is null)
        {
            await registry.PublishAsync("movies", _fixture.Folder1, Ct);
            await registry.SetAliasAsync("movies", "champion", _fixture.Version1, null, Ct);
        }

        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage"] = _fixture.ConnectionString,
            ["Serving:MaxUploadBytes"] = (12L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        _services = new ServiceCollection().AddLogging().AddRecsysServing(configuration).BuildServiceProvider();
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    private RankFunctions Functions => new(_services.GetRequiredService<RankApi>(), _services.GetRequiredService<IOptions<ServingOptions>>());

    [Fact]
    public async Task Rank_ScoresWithTheChampion()
    {
        HttpContext context = Context("""{ "userId": "1", "candidates": [ { "id": "1" }, { "id": "2" }, { "id": "4" } ] }""");

        (int status, JsonElement body) = await ExecuteAsync(await Functions.Rank(context.Request, Ct), context);

        Assert.Equal(200, status);
        Assert.Equal(_fixture.Version1, body.GetProperty("version").GetString());
        Assert.Equal(3, body.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Rank_WithABadBody_IsAProblem()
    {
        HttpContext context = Context("""{ "candidates": "none" }""");

        (int status, JsonElement body) = await ExecuteAsync(await Functions.Rank(context.Request, Ct), context);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal(ProblemTypes.InvalidJson.Uri, body.GetProperty("type").GetString());
    }

    [Fact]
    public async Task AProblemsInstance_IsTheRequestPath_NotTheRouteTemplate()
    {
        HttpContext context = Context("");
        context.Request.Method = "GET";
        context.Request.PathBase = "/api";
        context.Request.Path = "/models/no-such-model";

        (int status, JsonElement body) = await ExecuteAsync(await Functions.GetModel(context.Request, "no-such-model", Ct), context);

        Assert.Equal(404, status);
        Assert.Equal(ProblemTypes.UnknownModel.Uri, body.GetProperty("type").GetString());
        Assert.Equal("/api/models/no-such-model", body.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task UploadDataset_RaisesTheServersBodyLimitToMaxUploadBytes_AndStoresTheWholeFile()
    {
        // 11.2 MB: above the 8 MB the server started this request with, below this configuration's 12 MiB.
        byte[] file = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("1,2,5,978300760\n", 700_000)));
        var limit = new BodySizeLimit { MaxRequestBodySize = 8_000_000 };
        HttpContext context = Context(file, limit);
        context.Request.QueryString = new QueryString("?file=ratings.csv");
        string dataset = $"upload-{Guid.NewGuid():N}";

        (int status, JsonElement body) = await ExecuteAsync(await Functions.UploadDataset(context.Request, dataset, Ct), context);

        Assert.Equal(12L << 20, limit.MaxRequestBodySize);
        Assert.Equal(201, status);
        Assert.Equal("ratings.csv", body.GetProperty("file").GetString());
        var stored = await _fixture.Storage.GetBlobContainerClient(PipelineStorage.Datasets).GetBlobClient($"{dataset}/ratings.csv").GetPropertiesAsync(cancellationToken: Ct);
        Assert.Equal(file.Length, stored.Value.ContentLength);
    }

    [Fact]
    public async Task UploadDataset_ASecondTime_IsADatasetExistsProblem_AndKeepsTheFirst()
    {
        string dataset = $"twice-{Guid.NewGuid():N}";
        async Task<(int, JsonElement)> UploadAsync(string content)
        {
            HttpContext context = Context(Encoding.UTF8.GetBytes(content), new BodySizeLimit());
            context.Request.QueryString = new QueryString("?file=ratings.csv");
            return await ExecuteAsync(await Functions.UploadDataset(context.Request, dataset, Ct), context);
        }

        (int first, _) = await UploadAsync("1,2,5\n");
        (int second, JsonElement problem) = await UploadAsync("9,9,1\n");

        Assert.Equal((201, 409), (first, second));
        Assert.Equal(ProblemTypes.DatasetExists.Uri, problem.GetProperty("type").GetString());
        var stored = await _fixture.Storage.GetBlobContainerClient(PipelineStorage.Datasets).GetBlobClient($"{dataset}/ratings.csv").DownloadContentAsync(Ct);
        Assert.Equal("1,2,5\n", stored.Value.Content.ToString());
    }

    [Fact]
    public async Task UploadDataset_AboveMaxUploadBytes_IsA413Problem()
    {
        byte[] file = new byte[(12 << 20) + 1];
        HttpContext context = Context(file, new BodySizeLimit());
        context.Request.QueryString = new QueryString("?file=ratings.csv");

        (int status, _) = await ExecuteAsync(await Functions.UploadDataset(context.Request, $"big-{Guid.NewGuid():N}", Ct), context);

        Assert.Equal(413, status);
    }

    private static DefaultHttpContext Context(string json, IHttpMaxRequestBodySizeFeature? limit = null) => Context(Encoding.UTF8.GetBytes(json), limit);

    private static DefaultHttpContext Context(byte[] body, IHttpMaxRequestBodySizeFeature? limit)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Response.Body = new MemoryStream();
        if (limit is not null)
        {
            context.Features.Set(limit);
        }

        return context;
    }

    private static async Task<(int Status, JsonElement Body)> ExecuteAsync(IActionResult result, HttpContext context)
    {
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        context.Response.Body.Position = 0;
        using JsonDocument body = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: Ct);
        return (context.Response.StatusCode, body.RootElement.Clone());
    }

    /// <summary>The feature Kestrel puts on each request; this one only records the limit the function sets.</summary>
    private sealed class BodySizeLimit : IHttpMaxRequestBodySizeFeature
    {
        public bool IsReadOnly => false;

        public long? MaxRequestBodySize { get; set; }
    }
}

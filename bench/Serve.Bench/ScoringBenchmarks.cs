using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using Recsys.Local;
using Recsys.Models;
using Recsys.Serving;
using Recsys.Serving.Contracts;
using Recsys.Serving.Http;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;

namespace Recsys.Bench;

/// <summary>
/// The rank pipeline (validation, id lookup, pooled inputs, one session run, ordering, response) against a bare
/// <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// on the same model with the same user and items, for one user and N candidates.
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private AzuriteHost? _azurite;
    private ServingHost? _serving;
    private InferenceSession? _session;
    private RunOptions? _run;
    private OrtValue? _user;
    private OrtValue? _item;
    private RankRequest? _request;
    private RankService? _service;
    private byte[] _json = [];

    [Params(100, 1_000, 10_000)]
    public int Candidates { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        string folder = await BenchModel.EnsureAsync();
        _azurite = await AzuriteHost.StartAsync();
        var options = new ServingOptions { DefaultModel = "bench", RefreshInterval = TimeSpan.FromHours(1), MaxCandidates = 10_000 };
        _serving = ServingHost.Create(new BlobServiceClient(_azurite.ConnectionString), options);
        ModelManifest manifest = await _serving.Registry.PublishAsync("bench", folder);
        await _serving.Registry.SetAliasAsync("bench", "champion", manifest.Version, null);
        await _serving.WarmAsync(options);
        _service = new RankService(_serving.Host, _serving.Profiles, options);

        string[] itemIds = [.. (await Preparation.PreparedDatasetReader.ReadTextColumnsAsync(folder, Preparation.PreparedFiles.Items))["id"]];
        string[] userIds = [.. (await Preparation.PreparedDatasetReader.ReadTextColumnsAsync(folder, Preparation.PreparedFiles.Users))["id"]];
        int n = Math.Min(Candidates, itemIds.Length);
        _request = new RankRequest { UserId = userIds[0], Candidates = [.. itemIds.Take(n).Select(id => new RankCandidate { Id = id })], Top = 10 };
        _json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(_request, Features.FeatureSpec.JsonOptions));

        // Bare baseline: the same ONNX bytes, user index 1 and item indices 1..n, inputs built once.
        _session = OnnxSessionFactory.Create(await File.ReadAllBytesAsync(Path.Combine(folder, ModelManifest.ModelFile)), ExecutionProvider.Cpu);
        _run = new RunOptions();
        _user = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, n).ToArray(), [n]);
        _item = OrtValue.CreateTensorValueFromMemory(Enumerable.Range(1, n).Select(i => (long)i).ToArray(), [n]);
    }

    [Benchmark(Baseline = true)]
    public float BareSessionRun()
    {
        using IDisposableReadOnlyCollection<OrtValue> outputs = _session!.Run(_run!, ["user", "item"], [_user!, _item!], ["score"]);
        return outputs[0].GetTensorDataAsSpan<float>()[0];
    }

    /// <summary>The whole handler as a host runs it: the JSON body's bytes in, the response's JSON bytes out.</summary>
    [Benchmark]
    public async Task<int> RankApiFromJson()
    {
        ApiResult result = await _serving!.Api.RankAsync(new MemoryStream(_json, writable: false));
        await result.WriteBodyAsync(Stream.Null, _serving.Api.JsonOptions, CancellationToken.None);
        return result.Status;
    }

    /// <summary>
    /// The hot path alone, bytes in and bytes out: what <see cref="RankApiFromJson"/> does less queueing the served
    /// list for the event log (whose writer appends to the local Azurite, on the same two cores).
    /// </summary>
    [Benchmark]
    public async Task<int> HotPathFromJson()
    {
        using RankBody body = RankBody.TryRead(_json, 16)!;
        RankResponse response = (await _service!.TryRankAsync(body, _json, CancellationToken.None))!;
        await new ApiResult(200, response).WriteBodyAsync(Stream.Null, _serving!.Api.JsonOptions, CancellationToken.None);
        return response.Items.Count;
    }

    /// <summary>The pipeline without JSON: validation, lookup, scoring, ordering, response.</summary>
    [Benchmark]
    public async Task<int> RankServiceFromObject() => (await _service!.RankAsync(_request!)).Items.Count;

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _user?.Dispose();
        _item?.Dispose();
        _run?.Dispose();
        _session?.Dispose();
        if (_serving is not null)
        {
            await _serving.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}

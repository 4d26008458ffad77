using System.Diagnostics;
using Azure.Storage.Blobs;
using Recsys.Local;
using Recsys.Models;
using Recsys.Serving;
using Recsys.Serving.Contracts;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;

namespace Recsys.Bench;

internal static class Parts
{
    public static async Task RunAsync()
    {
        string folder = await BenchModel.EnsureAsync();
        await using var azurite = await AzuriteHost.StartAsync();
        var options = new ServingOptions { DefaultModel = "bench", RefreshInterval = TimeSpan.FromHours(1) };
        await using var serving = ServingHost.Create(new BlobServiceClient(azurite.ConnectionString), options);
        ModelManifest manifest = await serving.Registry.PublishAsync("bench", folder);
        await serving.Registry.SetAliasAsync("bench", "champion", manifest.Version, null);
        using var lease = await serving.Host.AcquireAsync("bench", "champion");
        var model = lease.Model;
        string[] ids = [.. (await Preparation.PreparedDatasetReader.ReadTextColumnsAsync(folder, Preparation.PreparedFiles.Items))["id"].Take(1000)];
        var request = new RankRequest { UserId = "1", Candidates = [.. ids.Select(i => new RankCandidate { Id = i })], Top = 10 };
        byte[] body = System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(request, Features.FeatureSpec.JsonOptions));
        var validator = new RequestValidator(options);
        int[] items = new int[1000];
        float[] scores = new float[1000];
        var service = new RankService(serving.Host, serving.Profiles, options);
        void Time(string name, Action a)
        {
            for (int i = 0; i < 2000; i++) a();
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 10000; i++) a();
            Console.WriteLine($"{name,-12} {sw.Elapsed.TotalMicroseconds / 10000:0.0} us");
        }
        for (int round = 0; round < 2; round++)
        {
            Console.WriteLine($"round {round}");
            Time("validate", () => validator.Check(request));
            Time("lookup", () => { for (int i = 0; i < 1000; i++) items[i] = model.ItemIndex(ids[i]); });
            Time("score", () => model.Score([new ScoringQuery(1, ReadOnlyMemory<int>.Empty, items)], scores));
            Time("best", () => ScoreFusion.Fused.Of(scores).Best(10, static _ => true));
            Time("service", () => service.RankAsync(request).GetAwaiter().GetResult());
            Time("parse", () => System.Text.Json.JsonSerializer.Deserialize<RankRequest>(body, serving.Api.JsonOptions));
            Time("parse fast", () => Serving.Http.RankRequestReader.TryRead(body, 64));
            Time("tokens", () => { var r = new System.Text.Json.Utf8JsonReader(body); while (r.Read()) { } });
            Time("utf8 valid", () => System.Text.Unicode.Utf8.IsValid(body));
            Time("read body", () => { using var b = Serving.Http.RankBody.TryRead(body, 64); });
            Time("hot", () => { using var b = Serving.Http.RankBody.TryRead(body, 64)!; service.TryRankAsync(b, body, default).GetAwaiter().GetResult(); });
            Time("api", () => serving.Api.RankAsync(new MemoryStream(body, writable: false)).GetAwaiter().GetResult());
        }
    }
}

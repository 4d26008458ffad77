using Recsys.Preparation;
using Recsys.Serving.Contracts;
using Recsys.Training;
using Recsys.Training.Trainer;

namespace Recsys.Bench;

/// <summary>An NCF-size model for serving benchmarks: NeuMF trained briefly on the bundled ml-latest-small sample, exported once and reused.</summary>
internal static class BenchModel
{
    public static string Folder { get; } = Path.Combine(Path.GetTempPath(), "recsys-bench-serve", "neumf");

    public static async Task<string> EnsureAsync()
    {
        if (File.Exists(Path.Combine(Folder, Models.ModelManifest.FileName)))
        {
            return Folder;
        }

        string sample = Path.Combine(Local.RepositoryRoot.Find() ?? ".", "data", "sample", "ml-latest-small");
        await TrainingRun.TrainAsync(new TrainRequest
        {
            Dataset = new PrepareOptions { Dataset = sample },
            Model = "neumf",
            Output = Folder,
            Training = NeuralDefaults.For("neumf") with { Epochs = 1, RefitOnAllTraining = false, PreferCuda = false },
        });
        return Folder;
    }

    /// <summary>A rank request for the first user with the first <paramref name="candidates"/> items of the model.</summary>
    public static async Task<string> RankBodyAsync(int candidates)
    {
        string folder = await EnsureAsync();
        string[] items = (await PreparedDatasetReader.ReadTextColumnsAsync(folder, PreparedFiles.Items))["id"];
        string[] users = (await PreparedDatasetReader.ReadTextColumnsAsync(folder, PreparedFiles.Users))["id"];
        var request = new Serving.Contracts.RankRequest
        {
            UserId = users[0],
            Candidates = [.. items.Take(candidates).Select(id => new Serving.Contracts.RankCandidate { Id = id })],
            Top = 10,
        };
        return System.Text.Json.JsonSerializer.Serialize(request, CompactJson);
    }

    /// <summary>A batch body of <paramref name="users"/> rank requests (the first users), each with the same candidates.</summary>
    public static async Task<string> BatchBodyAsync(int users, int candidates)
    {
        string folder = await EnsureAsync();
        string[] items = (await PreparedDatasetReader.ReadTextColumnsAsync(folder, PreparedFiles.Items))["id"];
        string[] userIds = (await PreparedDatasetReader.ReadTextColumnsAsync(folder, PreparedFiles.Users))["id"];
        Serving.Contracts.RankCandidate[] shared = [.. items.Take(candidates).Select(id => new Serving.Contracts.RankCandidate { Id = id })];
        var request = new Serving.Contracts.BatchRankRequest
        {
            Requests = [.. userIds.Take(users).Select(user => new Serving.Contracts.RankRequest { UserId = user, Candidates = shared, Top = 10 })],
        };
        return System.Text.Json.JsonSerializer.Serialize(request, CompactJson);
    }

    private static readonly System.Text.Json.JsonSerializerOptions CompactJson = new(Features.FeatureSpec.JsonOptions) { WriteIndented = false };
}

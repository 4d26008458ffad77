using Microsoft.ML.OnnxRuntime;
using Recsys.Data;
using Recsys.Models;
using Recsys.Preparation;
using Recsys.Testing;
using Recsys.Training.Trainer;
using Xunit;

namespace Recsys.Training.Tests;

public sealed class TrainingRunTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private Task<TrainResult> TrainAsync(string model = "bpr", int epochs = 2, bool resume = false) => TrainingRun.TrainAsync(new TrainRequest
    {
        Dataset = new PrepareOptions { Dataset = TestData.MovieLens100K, Split = SplitMethod.LeaveLastOut },
        Model = model,
        Output = _temp.Path,
        Training = new TrainingOptions { Epochs = epochs, Resume = resume, PreferCuda = false },
    }, cancellationToken: TestContext.Current.CancellationToken);

    [Theory]
    [InlineData("bpr", "mf-bpr")]
    [InlineData("dcn", "dcn-v2")]
    [InlineData("content", "content")]
    public async Task Train_WritesAPackageWhoseManifestMatchesTheGraph(string model, string architecture)
    {
        TrainResult result = await TrainAsync(model);

        ModelManifest manifest = ModelManifest.FromJson(await File.ReadAllTextAsync(_temp.Combine(ModelManifest.FileName), TestContext.Current.CancellationToken));
        Assert.Equal(architecture, manifest.Architecture);
        Assert.Equal(result.Manifest.Version, manifest.Version);
        Assert.Equal(944, manifest.Features.Users.Size);
        Assert.True(manifest.Metrics["ndcg@10"] > 0);
        using var session = new InferenceSession(_temp.Combine(ModelManifest.ModelFile));
        Assert.Equal(manifest.Inputs.Select(i => i.Name).Order(), session.InputMetadata.Keys.Order());
        Assert.Equal(manifest.Outputs.Select(o => o.Name), session.OutputMetadata.Keys);
        ItemEmbeddingsSpec embeddings = manifest.ItemEmbeddings!;
        Assert.Equal((long)embeddings.Count * embeddings.Dimensions * sizeof(float), new FileInfo(_temp.Combine(embeddings.File)).Length);
        Assert.True(File.Exists(_temp.Combine(PreparedFiles.Items)));
        Assert.True(File.Exists(_temp.Combine("checkpoints", "checkpoint.bin")));
    }

    [Fact]
    public async Task Train_WithResume_ContinuesFromTheCheckpoint()
    {
        await TrainAsync(epochs: 2);

        TrainResult resumed = await TrainAsync(epochs: 3, resume: true);

        Assert.True(resumed.Outcome.Resumed);
        Assert.Equal(1, resumed.Outcome.EpochsRun);
    }

    [Fact]
    public async Task Train_UnknownModel_FailsWithTheTrainableModels()
    {
        var error = await Assert.ThrowsAsync<DatasetException>(() => TrainAsync("bert4rec"));

        Assert.Equal("Unknown model 'bert4rec' for training. Trainable models: bpr, ranknet, neumf, dcn, dcn-text, content, content-text, text, multdae, sasrec, ease, itemknn.", error.Message);
    }

    public void Dispose() => _temp.Dispose();
}

using System.Runtime.InteropServices;
using Recsys.Data;
using Recsys.Evaluation;
using Recsys.Features;
using Recsys.Models;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Storage;
using Recsys.Training.Models;
using Recsys.Training.Onnx;
using Recsys.Training.Trainer;

namespace Recsys.Training;

/// <summary>What <c>recsys train</c> does: which data, which model, how, and where the exported model goes.</summary>
public sealed record TrainRequest
{
    /// <summary>A raw dataset (prepared first) or a prepared dataset folder (with stats.json).</summary>
    public required PrepareOptions Dataset { get; init; }

    public required string Model { get; init; }

    public required string Output { get; init; }

    /// <summary>Training settings; null takes the model's defaults.</summary>
    public TrainingOptions? Training { get; init; }

    /// <summary>The model name in the manifest (default: the dataset name).</summary>
    public string? ModelName { get; init; }

    /// <summary>The version in the manifest (default: creation time and data hash); the pipeline sets one per job so a rerun names the same version.</summary>
    public string? Version { get; init; }
}

/// <summary>The exported model and how training went.</summary>
public sealed record TrainResult(ModelManifest Manifest, TrainingOutcome Outcome, string Folder);

/// <summary>
/// Trains one model on a prepared dataset and exports it as a model package: <c>model.onnx</c>, vocabularies,
/// item embeddings, validation <c>metrics.json</c>, and <c>manifest.json</c> written last (a package without
/// it is incomplete). Checkpoints go to <c>{output}/checkpoints</c> so <c>--resume</c> can continue.
/// </summary>
public static class TrainingRun
{
    public const string CheckpointsFolder = "checkpoints";
    public const string MetricsFile = "metrics.json";
    public const string ItemEmbeddingsFile = "item_embeddings.bin";

    public static IReadOnlyList<string> TrainableModels => NeuralModels.Exportable;

    /// <summary>Where a run into <paramref name="output"/> keeps its latest checkpoint (what <c>--resume</c> continues).</summary>
    public static string CheckpointFile(string output) => Path.Combine(output, CheckpointsFolder, Trainer.Checkpoint.FileName);

    public static async Task<TrainResult> TrainAsync(TrainRequest request, IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        NeuralModels.Require(request.Model);

        TrainingOptions settings = request.Training ?? NeuralDefaults.For(request.Model);
        if (settings.Epochs <= 0)
        {
            throw new DatasetException($"--epochs must be positive, not {settings.Epochs}.");
        }

        Directory.CreateDirectory(request.Output);
        string prepared = await PreparedFolderAsync(request, cancellationToken);
        FeatureSpec spec = await PreparedDatasetReader.ReadSpecAsync(prepared, cancellationToken);
        PrepareStats stats = await PreparedDatasetReader.ReadStatsAsync(prepared, cancellationToken);
        PreparedSplit train = (await PreparedDatasetReader.ReadSplitAsync(prepared, PreparedFiles.Train, cancellationToken))!;
        PreparedSplit? validation = await PreparedDatasetReader.ReadSplitAsync(prepared, PreparedFiles.Validation, cancellationToken);
        var matrix = InteractionMatrix.FromSplit(train, spec.Users.Size, spec.Items.Size)
            .WithNegatives(await PreparedDatasetReader.ReadSplitAsync(prepared, PreparedFiles.Negatives, cancellationToken));

        TrainingOptions options = settings with { CheckpointFolder = Path.Combine(request.Output, CheckpointsFolder) };
        InteractionMatrix fit = matrix;
        if (validation is not { Count: > 0 })
        {
            (PreparedSplit rows, validation) = NeuralModels.CarveValidation(request.Model, train, options);
            fit = matrix.CarryNegativesTo(InteractionMatrix.FromSplit(rows, spec.Users.Size, spec.Items.Size));
        }

        if (NeuralArchitectures.Get(request.Model).UsesTextVectors && !Text.ItemTextVectors.Exists(prepared))
        {
            using var encoder = new Text.MiniLmEncoder(options.PreferCuda);
            await Text.ItemTextVectors.BuildAsync(prepared, encoder, Text.ItemTextVectors.DefaultCache, cancellationToken: cancellationToken);
        }

        ItemContent? content = NeuralModels.UsesContent(request.Model)
            ? await ItemContent.ReadAsync(prepared, spec, NeuralArchitectures.Get(request.Model).UsesTextVectors, cancellationToken)
            : null;
        using (ITrainedModel model = NeuralModels.Fit(request.Model, fit, validation, options, progress, cancellationToken, content))
        {
            // Validation metrics of the exported weights; the test split stays untouched for experiments.
            IReadOnlyDictionary<string, double> metrics = RankingEvaluator.Evaluate(model.Scorer, fit, validation, options.K, cancellationToken: cancellationToken).Metrics;

            DateTimeOffset created = DateTimeOffset.UtcNow;
            var manifest = new ModelManifest
            {
                Name = request.ModelName ?? request.Dataset.Name ?? stats.Dataset,
                Version = request.Version ?? $"{created:yyyyMMdd-HHmmss}-{stats.ContentHash[..6]}",
                Created = created,
                Architecture = model.Architecture,
                TrainedAs = request.Model.ToLowerInvariant(),
                TrainingDataHash = stats.ContentHash,
                Metrics = metrics,
                Features = spec,
                Inputs = model.Inputs,
                Outputs = model.Outputs,
                ItemEmbeddings = model.EmbeddingDimensions > 0 ? new ItemEmbeddingsSpec(ItemEmbeddingsFile, spec.Items.Size, model.EmbeddingDimensions) : null,
                TextEncoder = model.Inputs.Any(i => i.Name == Onnx.ContentTwoTowerExporter.TextInput) ? Text.MiniLmEncoder.Qualified : null,
            };

            string output = request.Output;
            await File.WriteAllBytesAsync(Path.Combine(output, ModelManifest.ModelFile), model.ExportOnnx(), cancellationToken);
            if (model.EmbeddingDimensions > 0)
            {
                await File.WriteAllBytesAsync(Path.Combine(output, ItemEmbeddingsFile), MemoryMarshal.AsBytes(model.ItemEmbeddings).ToArray(), cancellationToken);
            }
            File.Copy(Path.Combine(prepared, PreparedFiles.Users), Path.Combine(output, PreparedFiles.Users), overwrite: true);
            File.Copy(Path.Combine(prepared, PreparedFiles.Items), Path.Combine(output, PreparedFiles.Items), overwrite: true);
            await File.WriteAllTextAsync(Path.Combine(output, MetricsFile), System.Text.Json.JsonSerializer.Serialize(metrics, FeatureSpec.JsonOptions), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(output, ModelManifest.FileName), manifest.ToJson(), cancellationToken);
            return new TrainResult(manifest, model.Outcome, output);
        }
    }

    private static async Task<string> PreparedFolderAsync(TrainRequest request, CancellationToken cancellationToken)
    {
        string dataset = request.Dataset.Dataset;
        if (Directory.Exists(dataset) && File.Exists(Path.Combine(dataset, PreparedFiles.Stats)) && File.Exists(Path.Combine(dataset, PreparedFiles.Spec)))
        {
            return dataset;
        }

        string folder = Path.Combine(request.Output, "prepared");
        await DatasetPreparer.PrepareAsync(request.Dataset, new LocalPreparedOutput(folder), cancellationToken: cancellationToken);
        return folder;
    }
}

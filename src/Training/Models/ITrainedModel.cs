using Recsys.Features;
using Recsys.Models;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Training.Onnx;
using Recsys.Training.Trainer;

namespace Recsys.Training.Models;

/// <summary>
/// A trained neural model: how it scores in managed code, how it exports to ONNX, and its item vectors.
/// Owns its libtorch module; dispose it when done.
/// </summary>
internal interface ITrainedModel : IDisposable
{
    string Architecture { get; }

    TrainingOutcome Outcome { get; }

    /// <summary>Scores with weights copied out of libtorch; ready to use (already fitted).</summary>
    IRecommender Scorer { get; }

    IReadOnlyList<TensorSpec> Inputs { get; }

    IReadOnlyList<TensorSpec> Outputs { get; }

    int EmbeddingDimensions { get; }

    ReadOnlySpan<float> ItemEmbeddings { get; }

    byte[] ExportOnnx();
}

/// <summary>The neural models <c>recsys train</c> and experiments can fit by name.</summary>
internal static class NeuralModels
{
    public static IReadOnlyList<string> Names { get; } = ["bpr", "ranknet", "neumf", "dcn", "content", "multdae", "sasrec"];

    /// <summary>The models <c>recsys train</c> can export to ONNX.</summary>
    public static IReadOnlyList<string> Exportable => Names;

    /// <summary>Models that learn from item content (genres, title and tag tokens) as well as interactions.</summary>
    public static bool UsesContent(string name) => name.ToLowerInvariant() is "dcn" or "content";

    /// <summary>
    /// Held-out training items for early stopping: each user's latest item for sequential models (they learn
    /// from order), a seeded share of each user's items otherwise.
    /// </summary>
    public static (PreparedSplit Fit, PreparedSplit Validation) CarveValidation(string name, PreparedSplit train, TrainingOptions options) =>
        name.Equals("sasrec", StringComparison.OrdinalIgnoreCase)
            ? ValidationCarve.Latest(train)
            : ValidationCarve.Carve(train, options.ValidationShare, options.Seed);

    /// <summary>
    /// Trains <paramref name="name"/> on <paramref name="fit"/>, early-stopped on <paramref name="validation"/>,
    /// or for exactly the configured epochs when there is no validation split.
    /// </summary>
    public static ITrainedModel Fit(
        string name, InteractionMatrix fit, PreparedSplit? validation, TrainingOptions options, IProgress<EpochReport>? progress, CancellationToken cancellationToken,
        ItemContent? content = null)
    {
        switch (name.ToLowerInvariant())
        {
            case "bpr":
            {
                var model = new MatrixFactorization(fit.Users, fit.Items, options.Dimensions, options.Seed);
                return Trained(model, () => PairwiseTrainer.Train(model, fit, validation, options, gradedShare: 0, progress, cancellationToken), m => new TrainedMatrixFactorization(m, name));
            }

            case "ranknet":
            {
                var model = new MatrixFactorization(fit.Users, fit.Items, options.Dimensions, options.Seed);
                return Trained(model, () => PairwiseTrainer.Train(model, fit, validation, options, PairwiseTrainer.RankNetGradedShare, progress, cancellationToken), m => new TrainedMatrixFactorization(m, name));
            }

            case "neumf":
            {
                var model = new NeuMF(fit.Users, fit.Items, options.Dimensions, options.Seed);
                return Trained(model, () => PointwiseTrainer.Train(model, fit, validation, options, progress, cancellationToken), m => new TrainedNeuMF(m, name));
            }

            case "dcn":
            {
                var model = new DcnV2(fit.Users, fit.Items, content ?? ItemContent.Empty(fit.Items), options.Dimensions, options.Seed);
                return Trained(model, () => PointwiseTrainer.Train(model, fit, validation, options, progress, cancellationToken), m => new TrainedPairModel(m, name, DcnV2Exporter.Architecture, m.Content, () => DcnV2Exporter.Export(m)));
            }

            case "content":
            {
                var model = new ContentTwoTower(fit.Users, content ?? ItemContent.Empty(fit.Items), options.Dimensions, options.Seed);
                return Trained(model, () => PointwiseTrainer.Train(model, fit, validation, options, progress, cancellationToken), m => new TrainedPairModel(m, name, ContentTwoTowerExporter.Architecture, m.Content, () => ContentTwoTowerExporter.Export(m)));
            }

            case "multdae":
            {
                var model = new MultDae(fit.Items, options.Dimensions, options.Seed);
                return Trained(model, () => MultDaeTrainer.Train(model, fit, validation, options, progress, cancellationToken), m => new TrainedMultDae(m, name, fit));
            }

            case "sasrec":
            {
                var shape = new SasRecShape(options.Dimensions, options.SequenceLength, options.Blocks, options.Heads, options.Dropout);
                var model = new SasRec(fit.Items, shape, options.Seed);
                return Trained(model, () => SasRecTrainer.Train(model, fit, validation, options, progress, cancellationToken), m => new TrainedSasRec(m, name, fit));
            }

            default:
                throw Unknown(name);
        }
    }

    /// <summary>Fails fast, before any data is read, on a name that is not a trainable model.</summary>
    public static void Require(string name)
    {
        if (!Exportable.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            throw Unknown(name);
        }
    }

    private static Data.DatasetException Unknown(string name) =>
        new($"Unknown model '{name}' for training. Trainable models: {string.Join(", ", Exportable)}.");

    private static TrainedModel Trained<TModel>(TModel model, Func<TrainingOutcome> train, Func<TModel, TrainedModel> wrap)
        where TModel : TorchSharp.torch.nn.Module
    {
        try
        {
            TrainingOutcome outcome = train();
            TrainedModel trained = wrap(model);
            trained.Outcome = outcome;
            return trained;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private abstract class TrainedModel : ITrainedModel
    {
        public abstract string Architecture { get; }

        public TrainingOutcome Outcome { get; set; } = null!;

        public abstract IRecommender Scorer { get; }

        public abstract IReadOnlyList<TensorSpec> Inputs { get; }

        public abstract IReadOnlyList<TensorSpec> Outputs { get; }

        public abstract int EmbeddingDimensions { get; }

        public abstract ReadOnlySpan<float> ItemEmbeddings { get; }

        public abstract byte[] ExportOnnx();

        public abstract void Dispose();
    }

    private sealed class TrainedMatrixFactorization(MatrixFactorization model, string name) : TrainedModel
    {
        private readonly EmbeddingScorer _scorer = EmbeddingScorer.From(name, model);

        public override string Architecture => name == "ranknet" ? "mf-ranknet" : MatrixFactorizationExporter.Architecture;

        public override IRecommender Scorer => _scorer;

        public override IReadOnlyList<TensorSpec> Inputs => MatrixFactorizationExporter.Inputs;

        public override IReadOnlyList<TensorSpec> Outputs => MatrixFactorizationExporter.Outputs;

        public override int EmbeddingDimensions => _scorer.Dimensions;

        public override ReadOnlySpan<float> ItemEmbeddings => _scorer.ItemEmbeddings;

        public override byte[] ExportOnnx() => MatrixFactorizationExporter.Export(model);

        public override void Dispose() => model.Dispose();
    }

    private sealed class TrainedNeuMF(NeuMF model, string name) : TrainedModel
    {
        private readonly PairModelScorer _scorer = new(name, model);
        private readonly float[] _itemEmbeddings = CopyItems(model);

        public override string Architecture => NeuMFExporter.Architecture;

        public override IRecommender Scorer => _scorer;

        public override IReadOnlyList<TensorSpec> Inputs => NeuMFExporter.Inputs;

        public override IReadOnlyList<TensorSpec> Outputs => NeuMFExporter.Outputs;

        public override int EmbeddingDimensions => model.Dimensions;

        /// <summary>The GMF item table: the part of NeuMF that is a dot-product space.</summary>
        public override ReadOnlySpan<float> ItemEmbeddings => _itemEmbeddings;

        public override byte[] ExportOnnx() => NeuMFExporter.Export(model);

        public override void Dispose() => model.Dispose();

        private static float[] CopyItems(NeuMF model)
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            return model.Embeddings.GmfItems.detach().cpu().contiguous().data<float>().ToArray();
        }
    }

    /// <summary>A content-aware pair model; its item vectors (for retrieval) are the content tower's.</summary>
    private sealed class TrainedPairModel(TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> model, string name, string architecture, ContentTower content, Func<byte[]> export) : TrainedModel
    {
        private readonly PairModelScorer _scorer = new(name, model);
        private readonly float[] _itemVectors = content.AllVectors();

        public override string Architecture => architecture;

        public override IRecommender Scorer => _scorer;

        public override IReadOnlyList<TensorSpec> Inputs => MatrixFactorizationExporter.Inputs;

        public override IReadOnlyList<TensorSpec> Outputs => MatrixFactorizationExporter.Outputs;

        public override int EmbeddingDimensions => content.Dimensions;

        public override ReadOnlySpan<float> ItemEmbeddings => _itemVectors;

        public override byte[] ExportOnnx() => export();

        public override void Dispose() => model.Dispose();
    }

    private sealed class TrainedSasRec(SasRec model, string name, InteractionMatrix history) : TrainedModel
    {
        private readonly EmbeddingScorer _scorer = SasRecScorer.From(name, model, history);

        public override string Architecture => SasRecExporter.Architecture;

        public override IRecommender Scorer => _scorer;

        public override IReadOnlyList<TensorSpec> Inputs => SasRecExporter.Inputs(model.Shape.MaxLength);

        public override IReadOnlyList<TensorSpec> Outputs => SasRecExporter.Outputs(history.Items);

        public override int EmbeddingDimensions => model.Shape.Dimensions;

        public override ReadOnlySpan<float> ItemEmbeddings => _scorer.ItemEmbeddings;

        public override byte[] ExportOnnx() => SasRecExporter.Export(model);

        public override void Dispose() => model.Dispose();
    }

    private sealed class TrainedMultDae(MultDae model, string name, InteractionMatrix history) : TrainedModel
    {
        private readonly MultDaeScorer _scorer = MultDaeScorer.From(name, model, history);

        public override string Architecture => MultDaeExporter.Architecture;

        public override IRecommender Scorer => _scorer;

        public override IReadOnlyList<TensorSpec> Inputs => MultDaeExporter.Inputs(history.Items);

        public override IReadOnlyList<TensorSpec> Outputs => MultDaeExporter.Outputs(history.Items);

        public override int EmbeddingDimensions => _scorer.Dimensions;

        public override ReadOnlySpan<float> ItemEmbeddings => _scorer.ItemEmbeddings;

        public override byte[] ExportOnnx() => MultDaeExporter.Export(model, history.Items);

        public override void Dispose() => model.Dispose();
    }
}

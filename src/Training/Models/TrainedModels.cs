using Recsys.Features;
using Recsys.Models;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Training.Onnx;
using Recsys.Training.Trainer;

namespace Recsys.Training.Models;

/// <summary>A trained module wrapped for scoring and export, one kind per graph family.</summary>
internal abstract class TrainedModel : ITrainedModel
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

internal sealed class TrainedMatrixFactorization(MatrixFactorization model, string name) : TrainedModel
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

internal sealed class TrainedNeuMF(NeuMF model, string name) : TrainedModel
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
internal sealed class TrainedPairModel(
    TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> model, string name, string architecture, ContentTower content,
    Func<byte[]> export, IRecommender? scorer = null) : TrainedModel
{
    private readonly IRecommender _scorer = scorer ?? new PairModelScorer(name, model);
    private readonly float[] _itemVectors = content.AllVectors();

    public override string Architecture => architecture;

    public override IRecommender Scorer => _scorer;

    public override IReadOnlyList<TensorSpec> Inputs => ContentTwoTowerExporter.Inputs(content);

    public override IReadOnlyList<TensorSpec> Outputs => MatrixFactorizationExporter.Outputs;

    public override int EmbeddingDimensions => content.Dimensions;

    public override ReadOnlySpan<float> ItemEmbeddings => _itemVectors;

    public override byte[] ExportOnnx() => export();

    public override void Dispose() => model.Dispose();
}

internal sealed class TrainedSasRec(SasRec model, string name, InteractionMatrix history) : TrainedModel
{
    private readonly SasRecScorer _scorer = SasRecScorer.From(name, model, history);

    public override string Architecture => SasRecExporter.Architecture;

    public override IRecommender Scorer => _scorer;

    public override IReadOnlyList<TensorSpec> Inputs => SasRecExporter.Inputs(model.Shape.MaxLength);

    public override IReadOnlyList<TensorSpec> Outputs => SasRecExporter.Outputs(history.Items);

    public override int EmbeddingDimensions => model.Shape.Dimensions;

    public override ReadOnlySpan<float> ItemEmbeddings => _scorer.ItemEmbeddings;

    public override byte[] ExportOnnx() => SasRecExporter.Export(model);

    public override void Dispose() => model.Dispose();
}

internal sealed class TrainedMultDae(MultDae model, string name, InteractionMatrix history) : TrainedModel
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

/// <summary>
/// An item-item baseline (EASE, item-kNN) fitted in closed form (no module, nothing to dispose), exported over the
/// multi-hot history layout so the best baseline can be served. It has no item embeddings: similar-item
/// lookups answer that it has none. <see cref="Scorer"/> is the fit the validation items were held out from;
/// the exported one, refit on them too, would score them as training items.
/// </summary>
internal sealed class TrainedItemItem(string architecture, IRecommender validated, Func<byte[]> export, int items) : TrainedModel
{
    public override string Architecture => architecture;

    public override IRecommender Scorer => validated;

    public override IReadOnlyList<TensorSpec> Inputs => MultDaeExporter.Inputs(items);

    public override IReadOnlyList<TensorSpec> Outputs => MultDaeExporter.Outputs(items);

    public override int EmbeddingDimensions => 0;

    public override ReadOnlySpan<float> ItemEmbeddings => [];

    public override byte[] ExportOnnx() => export();

    public override void Dispose()
    {
    }
}

using Recsys.Features;
using Recsys.Models;
using Recsys.Preparation;
using Recsys.Recommenders;
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

/// <summary>Fits the neural models by name; what each one is lives in <see cref="NeuralArchitectures"/>.</summary>
internal static class NeuralModels
{
    /// <summary>The models <c>recsys train</c> can export to ONNX.</summary>
    public static IReadOnlyList<string> Exportable => NeuralArchitectures.Names;

    /// <summary>Models that learn from item content (genres, title and tag tokens) as well as interactions.</summary>
    public static bool UsesContent(string name) => NeuralArchitectures.Get(name).UsesContent;

    /// <summary>
    /// Held-out training items for early stopping: each user's latest item for sequential models (they learn
    /// from order), a seeded share of each user's items otherwise.
    /// </summary>
    public static (PreparedSplit Fit, PreparedSplit Validation) CarveValidation(string name, PreparedSplit train, TrainingOptions options) =>
        NeuralArchitectures.Get(name).Sequential
            ? ValidationCarve.Latest(train)
            : ValidationCarve.Carve(train, options.ValidationShare, options.Seed);

    /// <summary>
    /// Trains <paramref name="name"/> on <paramref name="fit"/>, early-stopped on <paramref name="validation"/>,
    /// or for exactly the configured epochs when there is no validation split.
    /// </summary>
    public static ITrainedModel Fit(
        string name, InteractionMatrix fit, PreparedSplit? validation, TrainingOptions options, IProgress<EpochReport>? progress, CancellationToken cancellationToken,
        ItemContent? content = null) =>
        NeuralArchitectures.Get(name).Train(new TrainingInputs(name, fit, validation, options, progress, content, cancellationToken));

    /// <summary>Fails fast, before any data is read, on a name that is not a trainable model.</summary>
    public static void Require(string name) => NeuralArchitectures.Get(name);
}

using Recsys.Features;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Training.Models;
using Recsys.Training.Trainer;

namespace Recsys.Training;

/// <summary>
/// A neural model as an <see cref="IRecommender"/> for the evaluator and experiments. <see cref="Fit"/> holds
/// out a share of each user's training items for early stopping, then scores with the best epoch's weights.
/// </summary>
public sealed class NeuralRecommender(string name, TrainingOptions? options = null, IProgress<EpochReport>? progress = null) : IRecommender, IContentAware, ISeededModel, IDisposable
{
    private TrainingOptions _options = options ?? NeuralDefaults.For(name);
    private ITrainedModel? _trained;
    private ItemContent? _content;

    public string Name => name;

    public TrainingOutcome? Outcome { get; private set; }

    /// <summary>Item metadata for the content-aware models (dcn, content); the others ignore it.</summary>
    public void UseContent(ItemContent content) => _content = content;

    /// <summary>The training seed: initial weights, sample order, negatives and dropout masks all follow it.</summary>
    public void UseSeed(int seed) => _options = _options with { Seed = seed };

    public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default)
    {
        _trained?.Dispose();
        var (rows, validation) = NeuralModels.CarveValidation(name, train.ToSplit(), _options);
        InteractionMatrix fit = train.CarryNegativesTo(InteractionMatrix.FromSplit(rows, train.Users, train.Items));
        ITrainedModel trained = NeuralModels.Fit(name, fit, validation, _options, progress, cancellationToken, _content);
        Outcome = trained.Outcome;
        if (_options.RefitOnAllTraining)
        {
            int epochs = Math.Max(1, trained.Outcome.BestEpoch);
            trained.Dispose();
            trained = NeuralModels.Fit(name, train, validation: null, _options with { Epochs = epochs, Resume = false, CheckpointFolder = null }, progress, cancellationToken, _content);
        }

        // Kept alive: some scorers (NeuMF's) run the module itself. Score from everything the user had in training.
        _trained = trained;
        _trained.Scorer.Fit(train, cancellationToken);
    }

    public void Score(int user, Span<float> scores) =>
        (_trained ?? throw new InvalidOperationException("Fit first.")).Scorer.Score(user, scores);

    public void Dispose()
    {
        _trained?.Dispose();
        _trained = null;
    }
}

/// <summary>Per-model training defaults, fixed before any test evaluation (declared in <see cref="NeuralArchitectures"/>).</summary>
public static class NeuralDefaults
{
    public static TrainingOptions For(string name) => NeuralArchitectures.Find(name)?.Defaults ?? new TrainingOptions();
}

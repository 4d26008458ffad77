using Recsys.Recommenders;
using Recsys.Training.Models;
using Recsys.Training.Trainer;

namespace Recsys.Training;

/// <summary>
/// Matrix factorisation trained with BPR, as an <see cref="IRecommender"/> the evaluator and experiments use.
/// <see cref="Fit"/> holds out a share of each user's training items for early stopping.
/// </summary>
public sealed class BprRecommender(TrainingOptions? options = null, IProgress<EpochReport>? progress = null) : IRecommender
{
    private readonly TrainingOptions _options = options ?? new TrainingOptions();
    private EmbeddingScorer? _scorer;

    public string Name => "bpr";

    public TrainingOutcome? Outcome { get; private set; }

    public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default)
    {
        var (model, outcome) = BprTrainer.Fit(train, validation: null, _options, progress, cancellationToken);
        using (model)
        {
            Outcome = outcome;
            _scorer = EmbeddingScorer.From(Name, model);
        }
    }

    public void Score(int user, Span<float> scores) =>
        (_scorer ?? throw new InvalidOperationException("Fit first.")).Score(user, scores);
}

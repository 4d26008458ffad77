namespace Recsys.Recommenders;

/// <summary>
/// A model the evaluator can fit and query. <see cref="Score"/> must be safe to call from several threads
/// at once after <see cref="Fit"/> returns; it fills one score per catalogue item (higher ranks first).
/// </summary>
public interface IRecommender
{
    string Name { get; }

    void Fit(InteractionMatrix train, CancellationToken cancellationToken = default);

    /// <summary>Scores every item for <paramref name="user"/>; <paramref name="scores"/> has one slot per item index.</summary>
    void Score(int user, Span<float> scores);
}

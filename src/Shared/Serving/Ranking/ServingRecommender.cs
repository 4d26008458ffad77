using System.Buffers;
using Recsys.Recommenders;
using Recsys.Serving.Runtime;

namespace Recsys.Serving.Ranking;

/// <summary>
/// Evaluates a loaded model exactly as it serves: the evaluator's dataset indices are mapped to the model's
/// vocabulary by id, each user's training items (in time order) are the history, and scores come from the
/// same <see cref="ScoringModel"/> the rank API uses. Works for a model trained on another version of the
/// dataset too (items it never saw score lowest).
/// </summary>
public sealed class ServingRecommender : IRecommender
{
    private readonly ScoringModel _model;
    private readonly int[] _modelItem;
    private readonly int[] _modelUser;
    private InteractionMatrix? _train;

    /// <param name="itemIds">The dataset's item id of index i + 1 (its items vocabulary).</param>
    /// <param name="userIds">The dataset's user id of index i + 1.</param>
    public ServingRecommender(ScoringModel model, IReadOnlyList<string> itemIds, IReadOnlyList<string> userIds)
    {
        _model = model;
        _modelItem = [0, .. itemIds.Select(model.ItemIndex)];
        _modelUser = [0, .. userIds.Select(id => model.UserIndex(id))];
    }

    public string Name => $"{_model.Name}@{_model.Version}";

    /// <summary>Nothing is learned here; the training items become each user's history.</summary>
    public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default) => _train = train;

    public void Score(int user, Span<float> scores)
    {
        InteractionMatrix train = _train ?? throw new InvalidOperationException("Call Fit with the training interactions first.");
        int[] history = [.. train.ItemsByTime(user).Select(i => _modelItem[i]).Where(i => i > 0)];
        float[] all = ArrayPool<float>.Shared.Rent(_model.ItemCount);
        try
        {
            _model.ScoreAll(new ScoringQuery(_modelUser[user], history, ReadOnlyMemory<int>.Empty), all);
            for (int i = 0; i < scores.Length; i++)
            {
                int item = i < _modelItem.Length ? _modelItem[i] : 0;
                scores[i] = item > 0 ? all[item] : float.MinValue;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(all);
        }
    }
}

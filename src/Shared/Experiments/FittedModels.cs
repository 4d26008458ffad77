using Recsys.Recommenders;

namespace Recsys.Experiments;

/// <summary>
/// The models one split of an experiment has fitted with their default settings, kept to lend to a fusion
/// profile that names them as members, so that a profile is scored from the very fits its members were
/// evaluated with instead of fitting each member again (a neural member costs minutes). A model is lent only
/// for the training rows it was fitted on. The experiment owns the models and disposes them; a borrower never does.
/// </summary>
internal sealed class FittedModels : IDisposable
{
    private readonly Dictionary<string, (IRecommender Model, InteractionMatrix On, double Seconds)> _models = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string name, IRecommender model, InteractionMatrix on, double fitSeconds)
    {
        if (_models.TryGetValue(name, out var replaced) && !ReferenceEquals(replaced.Model, model))
        {
            (replaced.Model as IDisposable)?.Dispose();
        }

        _models[name] = (model, on, fitSeconds);
    }

    /// <summary>The model fitted as <paramref name="name"/> on exactly <paramref name="train"/>, and how long that fit took.</summary>
    public bool TryLend(string name, InteractionMatrix train, out IRecommender model, out double fitSeconds)
    {
        if (_models.TryGetValue(name, out var entry) && ReferenceEquals(entry.On, train))
        {
            (model, fitSeconds) = (entry.Model, entry.Seconds);
            return true;
        }

        (model, fitSeconds) = (null!, 0);
        return false;
    }

    public void Dispose()
    {
        foreach (var (model, _, _) in _models.Values)
        {
            (model as IDisposable)?.Dispose();
        }

        _models.Clear();
    }
}

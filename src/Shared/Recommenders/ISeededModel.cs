namespace Recsys.Recommenders;

/// <summary>
/// A model whose fit or scores draw random numbers from a seed of its own. An experiment repeated over seeds on a
/// split that has no seed (leave-last-out) varies this seed instead, so the spread it reports is the training's.
/// </summary>
public interface ISeededModel
{
    /// <summary>The seed the next <see cref="IRecommender.Fit"/> uses.</summary>
    void UseSeed(int seed);
}

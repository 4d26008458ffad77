namespace Recsys.Recommenders;

/// <summary>Scores every item by how many training users interacted with it: the same list for everyone.</summary>
public sealed class PopularityRecommender : IRecommender
{
    private float[] _popularity = [];

    public string Name => "pop";

    public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default) =>
        _popularity = [.. train.UsersPerItem.Select(c => (float)c)];

    public void Score(int user, Span<float> scores) => _popularity.CopyTo(scores);
}

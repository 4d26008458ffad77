using Recsys.Preparation;

namespace Recsys.Recommenders;

/// <summary>The floor: seeded random scores, different per user and the same on every run.</summary>
public sealed class RandomRecommender(int seed = 42) : IRecommender, ISeededModel
{
    private int _seed = seed;

    public string Name => "random";

    public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default)
    {
    }

    public void UseSeed(int seed) => _seed = seed;

    public void Score(int user, Span<float> scores)
    {
        var random = new StableRandom(((ulong)(uint)_seed << 32) | (uint)user);
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = (random.NextUInt64() >> 40) * (1f / (1 << 24));
        }
    }
}

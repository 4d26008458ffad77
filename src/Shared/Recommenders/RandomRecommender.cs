using Recsys.Preparation;

namespace Recsys.Recommenders;

/// <summary>The floor: seeded random scores, different per user and the same on every run.</summary>
public sealed class RandomRecommender(int seed = 42) : IRecommender
{
    public string Name => "random";

    public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default)
    {
    }

    public void Score(int user, Span<float> scores)
    {
        var random = new StableRandom(((ulong)(uint)seed << 32) | (uint)user);
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = (random.NextUInt64() >> 40) * (1f / (1 << 24));
        }
    }
}

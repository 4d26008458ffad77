using Recsys.Recommenders;
using Recsys.Serving.Ranking;

namespace Recsys.Experiments;

/// <summary>
/// A fitted model's scores restricted to the cold items of a cold-items split: every other item gets
/// <see cref="ScoreFusion.NoScore"/>, so a top-k list ranks the cold items among themselves (while at least k of
/// them are unseen by the user, which the split's 20 % of a catalogue always gives).
/// </summary>
internal sealed class ColdCandidates(IRecommender model, bool[] cold) : IRecommender
{
    public string Name => model.Name;

    /// <summary>Items with test interactions and none in training: the items the split held out.</summary>
    public static bool[] Of(InteractionMatrix train, Preparation.PreparedSplit test)
    {
        bool[] cold = new bool[train.Items];
        foreach (int item in test.Items)
        {
            cold[item] = true;
        }

        for (int user = 0; user < train.Users; user++)
        {
            foreach (int item in train.ItemsOf(user))
            {
                cold[item] = false;
            }
        }

        return cold;
    }

    public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("ColdCandidates wraps a fitted model.");

    public void Score(int user, Span<float> scores)
    {
        model.Score(user, scores);
        for (int i = 0; i < scores.Length; i++)
        {
            if (!cold[i])
            {
                scores[i] = ScoreFusion.NoScore;
            }
        }
    }
}

using Recsys.Features;
using Recsys.Recommenders;
using Recsys.Serving.Ranking;

namespace Recsys.Experiments;

/// <summary>
/// A fusion profile evaluated as one model, so a profile can be compared with its members on the same split
/// before it is published: every member (a catalogue model, by the profile's <c>model</c> names) is fitted on
/// the same training data, and each user's scores over the whole catalogue are combined as the rank service
/// combines a request's candidates (<see cref="ScoreFusion"/>). The user's training items are set to
/// <see cref="ScoreFusion.NoScore"/> first: the evaluator never ranks them, so they must not take ranks, cascade
/// places or normalisation range from the items that are ranked.
/// </summary>
public sealed class FusionRecommender(string name, FusionProfile profile, IReadOnlyList<IRecommender> members) : IRecommender, IContentAware, ISeededModel, IDisposable
{
    private InteractionMatrix? _train;

    // The members that score: each one of this fusion's own, or a model lent by the experiment.
    private readonly IRecommender[] _scoring = [.. members];

    /// <summary>The profile scores are combined by; a weight search changes it between evaluations, with no refit.</summary>
    internal FusionProfile Profile { get; set; } = profile;

    public string Name => name;

    /// <summary>Models the experiment has already fitted, which <see cref="Fit"/> borrows for members of the same name.</summary>
    internal FittedModels? Lender { get; set; }

    /// <summary>The fit time of the members the last <see cref="Fit"/> borrowed, which a report adds to the profile's own.</summary>
    internal double BorrowedFitSeconds { get; private set; }

    public void UseContent(ItemContent content)
    {
        foreach (IContentAware member in members.OfType<IContentAware>())
        {
            member.UseContent(content);
        }
    }

    /// <summary>Seeds the members the profile fits itself; a borrowed member was seeded by whoever fitted it.</summary>
    public void UseSeed(int seed)
    {
        foreach (ISeededModel member in members.OfType<ISeededModel>())
        {
            member.UseSeed(seed);
        }
    }

    public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default)
    {
        BorrowedFitSeconds = 0;
        for (int m = 0; m < members.Count; m++)
        {
            if (Lender?.TryLend(Profile.Models[m].Model, train, out IRecommender lent, out double seconds) == true)
            {
                _scoring[m] = lent;
                BorrowedFitSeconds += seconds;
            }
            else
            {
                _scoring[m] = members[m];
                members[m].Fit(train, cancellationToken);
            }
        }

        _train = train;
    }

    public void Score(int user, Span<float> scores)
    {
        InteractionMatrix train = _train ?? throw new InvalidOperationException("Fit first.");
        float[][] byMember = new float[members.Count][];
        for (int m = 0; m < members.Count; m++)
        {
            byMember[m] = new float[scores.Length];
            _scoring[m].Score(user, byMember[m]);
            byMember[m][0] = ScoreFusion.NoScore; // the padding index is no item
            foreach (int seen in train.ItemsOf(user))
            {
                byMember[m][seen] = ScoreFusion.NoScore;
            }
        }

        if (Profile.Method == FusionMethod.Cascade)
        {
            Cascade(byMember[0], byMember[1], scores);
            return;
        }

        double[] fused = ScoreFusion.Combine(Profile.Method, byMember, Profile.Models, Profile).Scores;
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = (float)fused[i];
        }
    }

    // Only its own members: lent ones belong to the experiment.
    public void Dispose()
    {
        foreach (IDisposable member in members.OfType<IDisposable>())
        {
            member.Dispose();
        }
    }

    // The first model's top CascadeCut keep the second model's scores, above every other item, which keep
    // the first model's order below them.
    private void Cascade(float[] first, float[] second, Span<float> scores)
    {
        int[] ranks = ScoreFusion.Ranks(first);
        float lowest = second.Where(s => s > ScoreFusion.NoScore).DefaultIfEmpty(0).Min();
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = ranks[i] <= Profile.CascadeCut
                ? second[i]
                : lowest - 1 - ((float)ranks[i] / scores.Length); // below every kept item, still in the first model's order
        }
    }

    /// <summary>
    /// The profile as an experiment model: its members made from <paramref name="catalog"/>; refused for a split
    /// profile (an A/B test sends each user to one model: evaluate the models themselves). With <c>--tune</c>
    /// the members' weights are chosen on validation (<see cref="FusionWeights"/>), from one fit of the members.
    /// </summary>
    public static ModelDescriptor Describe(string name, FusionProfile profile, ModelCatalog catalog)
    {
        if (profile.Method == FusionMethod.Split)
        {
            throw new Data.DatasetException($"Profile '{name}' is a split (an A/B test sends each user to one model): evaluate its models with --models instead.");
        }

        ModelDescriptor[] members = [.. profile.Models.Select(m => catalog.Resolve(m.Model) is [var one] && one.Name.Equals(m.Model, StringComparison.OrdinalIgnoreCase)
            ? one
            : throw new Data.DatasetException($"Profile '{name}': '{m.Model}' is not one model of the catalogue."))];
        FusionRecommender Create(FusionProfile weighted) => new(name, weighted, [.. members.Select(m => m.Create())]);
        return new ModelDescriptor(name, $"Fusion profile ({profile.Method}): {FusionWeights.Label(profile)}.", () => Create(profile))
        {
            Members = [.. members.Select(m => m.Name)],
            // A cascade has no weights to choose.
            Search = profile.Method == FusionMethod.Cascade || profile.Models.Count < 2 ? null : (fit, score, cancellationToken) =>
            {
                using FusionRecommender fusion = Create(profile);
                fusion.Fit(fit, cancellationToken);
                var trials = new Dictionary<string, double>(StringComparer.Ordinal);
                (FusionProfile Profile, double Score) best = (profile, double.NegativeInfinity);
                foreach (FusionProfile weighted in FusionWeights.Candidates(profile))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    fusion.Profile = weighted;
                    double value = score(fusion);
                    trials[FusionWeights.Label(weighted)] = value;
                    if (value > best.Score)
                    {
                        best = (weighted, value);
                    }
                }

                return new SettingSearch(new ModelSetting(FusionWeights.Label(best.Profile), () => Create(best.Profile)), trials);
            },
        };
    }
}

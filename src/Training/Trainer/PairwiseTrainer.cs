using Recsys.Evaluation;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Training.Models;

namespace Recsys.Training.Trainer;

/// <summary>
/// Trains matrix factorisation on pairs: each epoch visits every training interaction once in a seeded order and
/// pairs it with a second item, then steps Adam on mini-batches of the RankNet loss. With
/// <c>gradedShare</c> 0 every partner is a sampled unobserved item and the loss is exactly BPR (−log σ(s⁺ − s⁻));
/// above 0, that share of pairs is drawn between two items the user rated differently (a 5 above a 3), which BPR
/// cannot express. After each epoch: validation nDCG@k, best weights, checkpoint, patience. Every epoch's
/// randomness derives from (seed, epoch), so a resumed run matches an uninterrupted one.
/// </summary>
internal static class PairwiseTrainer
{
    /// <summary>RankNet's share of pairs between two rated items (when the user has differently rated ones).</summary>
    public const double RankNetGradedShare = 0.5;

    public static TrainingOutcome Train(
        MatrixFactorization model, InteractionMatrix train, PreparedSplit? validation, TrainingOptions options, double gradedShare,
        IProgress<EpochReport>? progress, CancellationToken cancellationToken) =>
        Train(model, model.Penalty, () => EmbeddingScorer.From("validation", model), train, validation, options, gradedShare, progress, cancellationToken);

    /// <summary>
    /// Any (user, item) → score model on pairs; <paramref name="penalty"/> (user, first, second) is added times
    /// the regularisation weight when given, and <paramref name="validationScorer"/> scores the validation users.
    /// </summary>
    public static TrainingOutcome Train(
        nn.Module<Tensor, Tensor, Tensor> model, Func<Tensor, Tensor, Tensor, Tensor>? penalty, Func<IRecommender> validationScorer,
        InteractionMatrix train, PreparedSplit? validation, TrainingOptions options, double gradedShare,
        IProgress<EpochReport>? progress, CancellationToken cancellationToken)
    {
        PreparedSplit rows = train.ToSplit();
        return EpochLoop.Train(
            model, options,
            (optimizer, device, epoch) => RunEpoch(model, penalty, optimizer, train, rows, options, gradedShare, epoch, device, cancellationToken),
            EpochLoop.ValidationNdcg(validationScorer, train, validation, options, cancellationToken),
            progress, cancellationToken);
    }

    private static EpochResult RunEpoch(
        nn.Module<Tensor, Tensor, Tensor> model, Func<Tensor, Tensor, Tensor, Tensor>? penalty, optim.Optimizer optimizer, InteractionMatrix train,
        PreparedSplit rows, TrainingOptions options, double gradedShare, int epoch, Device device, CancellationToken cancellationToken)
    {
        var sampler = new NegativeSampler(train, options.Seed, epoch);
        var random = new Random(unchecked((options.Seed * 7919) + epoch));
        int[] order = sampler.Shuffle(rows.Count);
        long[] users = new long[options.BatchSize];
        long[] firsts = new long[options.BatchSize];
        long[] seconds = new long[options.BatchSize];
        float[] targets = new float[options.BatchSize];
        // Held for the epoch: an implicitly converted scalar can be finalized while libtorch still reads it.
        using Scalar regularization = options.Regularization.ToScalar();
        double total = 0;
        int steps = 0;
        for (int start = 0; start < order.Length; start += options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(options.BatchSize, order.Length - start);
            for (int b = 0; b < n; b++)
            {
                int row = order[start + b];
                int user = rows.Users[row];
                users[b] = user;
                firsts[b] = rows.Items[row];
                (seconds[b], targets[b]) = gradedShare > 0 && random.NextDouble() < gradedShare
                    ? GradedPartner(train, sampler, random, user, rows.Labels[row])
                    : (sampler.Next(user), 1f);
            }

            using var scope = NewDisposeScope();
            Tensor u = tensor(users.AsSpan(0, n).ToArray(), device: device);
            Tensor i = tensor(firsts.AsSpan(0, n).ToArray(), device: device);
            Tensor j = tensor(seconds.AsSpan(0, n).ToArray(), device: device);
            Tensor target = tensor(targets.AsSpan(0, n).ToArray(), device: device);
            optimizer.zero_grad();
            Tensor loss = PairwiseLoss.RankNet(model.forward(u, i), model.forward(u, j), target);
            if (penalty is not null)
            {
                loss = loss + penalty(u, i, j).mul(regularization);
            }

            total += GradientStep.Apply(model, optimizer, loss, options.ClipNorm) * n;
            steps++;
        }

        return new EpochResult(total / Math.Max(1, order.Length), steps, order.Length);
    }

    /// <summary>Another item the user rated differently, with P(first ≻ second); a sampled unobserved item when none is found.</summary>
    private static (long Item, float Target) GradedPartner(InteractionMatrix train, NegativeSampler sampler, Random random, int user, float grade)
    {
        ReadOnlySpan<int> items = train.ItemsOf(user);
        ReadOnlySpan<float> grades = train.ValuesOf(user);
        for (int attempt = 0; attempt < 3; attempt++)
        {
            int k = random.Next(items.Length);
            if (grades[k] != grade)
            {
                return (items[k], grade > grades[k] ? 1f : 0f);
            }
        }

        return (sampler.Next(user), 1f);
    }
}

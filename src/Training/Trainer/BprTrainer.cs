using Recsys.Evaluation;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Recsys.Training.Trainer;

/// <summary>
/// Trains matrix factorisation with the BPR loss: each epoch visits every training interaction once in a
/// seeded order, pairs it with a sampled negative, and steps Adam on mini-batches. After each epoch it
/// measures validation nDCG@k, keeps the best weights, checkpoints, and stops when patience runs out.
/// Every epoch's randomness derives from (seed, epoch), so a resumed run matches an uninterrupted one.
/// </summary>
internal static class BprTrainer
{
    public static TrainingOutcome Train(
        MatrixFactorization model, InteractionMatrix train, PreparedSplit? validation, TrainingOptions options,
        IProgress<EpochReport>? progress, CancellationToken cancellationToken)
    {
        PreparedSplit rows = train.ToSplit();
        return EpochLoop.Train(
            model, options,
            (optimizer, device, epoch) => RunEpoch(model, optimizer, train, rows, options, epoch, device, cancellationToken),
            EpochLoop.ValidationNdcg(() => EmbeddingScorer.From("validation", model), train, validation, options, cancellationToken),
            progress, cancellationToken);
    }

    private static EpochResult RunEpoch(
        MatrixFactorization model, optim.Optimizer optimizer, InteractionMatrix train, PreparedSplit rows, TrainingOptions options,
        int epoch, Device device, CancellationToken cancellationToken)
    {
        var sampler = new NegativeSampler(train, options.Seed, epoch);
        int[] order = sampler.Shuffle(rows.Count);
        long[] users = new long[options.BatchSize];
        long[] positives = new long[options.BatchSize];
        long[] negatives = new long[options.BatchSize];
        double total = 0;
        int steps = 0;
        for (int start = 0; start < order.Length; start += options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(options.BatchSize, order.Length - start);
            for (int b = 0; b < n; b++)
            {
                int row = order[start + b];
                users[b] = rows.Users[row];
                positives[b] = rows.Items[row];
                negatives[b] = sampler.Next(rows.Users[row]);
            }

            using var scope = NewDisposeScope();
            Tensor u = tensor(users.AsSpan(0, n).ToArray(), device: device);
            Tensor p = tensor(positives.AsSpan(0, n).ToArray(), device: device);
            Tensor q = tensor(negatives.AsSpan(0, n).ToArray(), device: device);
            optimizer.zero_grad();
            Tensor loss = PairwiseLoss.Bpr(model.forward(u, p), model.forward(u, q)) + (options.Regularization * model.Penalty(u, p, q));
            total += GradientStep.Apply(model, optimizer, loss, options.ClipNorm) * n;
            steps++;
        }

        return new EpochResult(total / Math.Max(1, order.Length), steps, order.Length);
    }
}

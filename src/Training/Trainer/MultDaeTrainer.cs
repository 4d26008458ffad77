using Recsys.Evaluation;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Training.Models;

namespace Recsys.Training.Trainer;

/// <summary>
/// Trains Mult-DAE on mini-batches of users with the multinomial (full-softmax) log-likelihood,
/// −Σᵢ xᵢ log softmax(f(x̃))ᵢ. The dropout mask comes from a generator seeded per epoch, so a resumed run
/// matches an uninterrupted one.
/// </summary>
internal static class MultDaeTrainer
{
    public static TrainingOutcome Train(
        MultDae model, InteractionMatrix train, PreparedSplit? validation, TrainingOptions options,
        IProgress<EpochReport>? progress, CancellationToken cancellationToken)
    {
        int[] users = train.UsersWithItems();
        return EpochLoop.Train(
            model, options,
            (optimizer, device, epoch) => RunEpoch(model, optimizer, train, users, options, epoch, device, cancellationToken),
            EpochLoop.ValidationNdcg(() => MultDaeScorer.From("validation", model, train), train, validation, options, cancellationToken),
            progress, cancellationToken);
    }

    private static EpochResult RunEpoch(
        MultDae model, optim.Optimizer optimizer, InteractionMatrix train, int[] users, TrainingOptions options, int epoch, Device device,
        CancellationToken cancellationToken)
    {
        var order = (int[])users.Clone();
        var random = new StableRandom(((ulong)(uint)options.Seed << 32) ^ (ulong)(uint)(epoch + 1));
        random.Shuffle(order.AsSpan());
        using var generator = new Generator((ulong)(uint)(options.Seed * 7919 + epoch), CPU);
        int batchSize = Math.Min(options.BatchSize, 256);
        float[] batch = new float[batchSize * train.Items];
        double total = 0;
        int steps = 0;
        using IDisposable masks = SeededDropout.DrawFrom(model, generator);
        for (int start = 0; start < order.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(batchSize, order.Length - start);
            Array.Clear(batch);
            for (int b = 0; b < n; b++)
            {
                foreach (int item in train.ItemsOf(order[start + b]))
                {
                    batch[(b * train.Items) + item] = 1;
                }
            }

            using var scope = NewDisposeScope();
            Tensor x = tensor(batch.AsSpan(0, n * train.Items).ToArray(), [n, train.Items]).to(device);
            optimizer.zero_grad();
            Tensor logits = model.forward(x);
            Tensor loss = -(nn.functional.log_softmax(logits, 1) * x).sum(1).mean();
            total += GradientStep.Apply(model, optimizer, loss, options.ClipNorm) * n;
            steps++;
        }

        return new EpochResult(total / Math.Max(1, order.Length), steps, order.Length);
    }
}

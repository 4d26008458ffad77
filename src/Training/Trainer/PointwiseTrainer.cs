using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Training.Models;

namespace Recsys.Training.Trainer;

/// <summary>
/// Trains a (user, item) → logit model point-wise (NeuMF, DCN-v2, the content two-tower): every training
/// interaction is a positive (label 1) with <see cref="NegativesPerPositive"/> sampled unseen items as
/// negatives (label 0), binary cross-entropy on logits.
/// </summary>
internal static class PointwiseTrainer
{
    public const int NegativesPerPositive = 4;

    public static TrainingOutcome Train(
        nn.Module<Tensor, Tensor, Tensor> model, InteractionMatrix train, PreparedSplit? validation, TrainingOptions options,
        IProgress<EpochReport>? progress, CancellationToken cancellationToken, Func<IRecommender>? validationScorer = null)
    {
        PreparedSplit rows = train.ToSplit();
        return EpochLoop.Train(
            model, options,
            (optimizer, device, epoch) => RunEpoch(model, optimizer, train, rows, options, epoch, device, cancellationToken),
            EpochLoop.ValidationNdcg(validationScorer ?? (() => new PairModelScorer("validation", model)), train, validation, options, cancellationToken),
            progress, cancellationToken);
    }

    private static EpochResult RunEpoch(
        nn.Module<Tensor, Tensor, Tensor> model, optim.Optimizer optimizer, InteractionMatrix train, PreparedSplit rows, TrainingOptions options,
        int epoch, Device device, CancellationToken cancellationToken)
    {
        var sampler = new NegativeSampler(train, options.Seed, epoch);
        int[] order = sampler.Shuffle(rows.Count);
        int group = 1 + NegativesPerPositive;
        int positivesPerBatch = Math.Max(1, options.BatchSize / group);
        double total = 0;
        int steps = 0;
        for (int start = 0; start < order.Length; start += positivesPerBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(positivesPerBatch, order.Length - start);
            long[] users = new long[n * group];
            long[] items = new long[n * group];
            float[] labels = new float[n * group];
            for (int b = 0; b < n; b++)
            {
                int row = order[start + b];
                for (int g = 0; g < group; g++)
                {
                    users[(b * group) + g] = rows.Users[row];
                    items[(b * group) + g] = g == 0 ? rows.Items[row] : sampler.Next(rows.Users[row]);
                    labels[(b * group) + g] = g == 0 ? 1 : 0;
                }
            }

            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            Tensor logits = model.forward(tensor(users).to(device), tensor(items).to(device));
            Tensor loss = nn.functional.binary_cross_entropy_with_logits(logits, tensor(labels).to(device));
            total += GradientStep.Apply(model, optimizer, loss, options.ClipNorm) * n;
            steps++;
        }

        return new EpochResult(total / Math.Max(1, order.Length), steps, order.Length);
    }
}

using Recsys.Evaluation;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Training.Models;

namespace Recsys.Training.Trainer;

/// <summary>
/// Trains SASRec on each user's most recent items: at every position the next item is the target of a
/// softmax over the catalogue (cross-entropy; padding ignored), full or sampled with log-Q correction.
/// </summary>
internal static class SasRecTrainer
{
    public static TrainingOutcome Train(
        SasRec model, InteractionMatrix train, PreparedSplit? validation, TrainingOptions options,
        IProgress<EpochReport>? progress, CancellationToken cancellationToken)
    {
        int[][] sequences = [.. train.UsersWithItems().Select(train.ItemsByTime).Where(s => s.Length >= 2)];
        using Tensor? sampling = options.SampledNegatives > 0 ? SamplingDistribution(train) : null;
        return EpochLoop.Train(
            model, options,
            (optimizer, device, epoch) => RunEpoch(model, optimizer, sequences, options, epoch, device, sampling, cancellationToken),
            EpochLoop.ValidationNdcg(() => SasRecScorer.From("validation", model, train), train, validation, options, cancellationToken),
            progress, cancellationToken);
    }

    private static EpochResult RunEpoch(
        SasRec model, optim.Optimizer optimizer, int[][] sequences, TrainingOptions options, int epoch, Device device, Tensor? sampling,
        CancellationToken cancellationToken)
    {
        using var generator = new Generator((ulong)(uint)((options.Seed * 7919) + epoch), CPU);
        int length = model.Shape.MaxLength;
        int[] order = [.. Enumerable.Range(0, sequences.Length)];
        new StableRandom(((ulong)(uint)options.Seed << 32) ^ (ulong)(uint)(epoch + 1)).Shuffle(order.AsSpan());
        int batchSize = Math.Min(options.BatchSize, 128);
        long[] inputs = new long[batchSize * length];
        long[] targets = new long[batchSize * length];
        double total = 0;
        int steps = 0;
        for (int start = 0; start < order.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(batchSize, order.Length - start);
            Array.Clear(inputs);
            Array.Clear(targets);
            for (int b = 0; b < n; b++)
            {
                // Input s[t] predicts s[t+1], for the last `length` steps, right-aligned (left padding).
                int[] s = sequences[order[start + b]];
                int m = Math.Min(s.Length - 1, length);
                for (int t = 0; t < m; t++)
                {
                    inputs[(b * length) + length - m + t] = s[s.Length - 1 - m + t];
                    targets[(b * length) + length - m + t] = s[s.Length - m + t];
                }
            }

            using var scope = NewDisposeScope();
            Tensor x = tensor(inputs.AsSpan(0, n * length).ToArray(), [n, length]).to(device);
            Tensor y = tensor(targets.AsSpan(0, n * length).ToArray(), [n * length]).to(device);
            optimizer.zero_grad();
            Tensor hidden = model.forward(x);
            Tensor loss = sampling is null
                ? nn.functional.cross_entropy(hidden.matmul(model.ItemWeights.t()).view(n * length, -1), y, ignore_index: 0)
                : SampledLoss(model, hidden.view(n * length, -1), y, sampling, options.SampledNegatives, generator);
            total += GradientStep.Apply(model, optimizer, loss, options.ClipNorm) * n;
            steps++;
        }

        return new EpochResult(total / Math.Max(1, order.Length), steps, order.Length);
    }

    /// <summary>
    /// Sampled softmax (Jean et al., 2015; Yi et al., 2019): the target against <paramref name="count"/> shared
    /// negatives drawn from Q, every logit corrected by −log Q(i) so the estimate stays unbiased towards the
    /// full softmax; a negative that happens to be the target is masked out.
    /// </summary>
    private static Tensor SampledLoss(SasRec model, Tensor hidden, Tensor targets, Tensor sampling, int count, Generator generator)
    {
        Tensor valid = targets.ne(0).nonzero().squeeze(1);
        Tensor h = hidden.index_select(0, valid);
        Tensor y = targets.index_select(0, valid);
        Tensor negatives = multinomial(sampling, count, true, generator).to(h.device);
        Tensor logQ = sampling.to(h.device).log();
        Tensor positive = (h * model.ItemWeights.index_select(0, y)).sum(1, keepdim: true) - logQ.index_select(0, y).unsqueeze(1);
        Tensor negative = h.matmul(model.ItemWeights.index_select(0, negatives).t()) - logQ.index_select(0, negatives).unsqueeze(0);
        negative = negative.masked_fill(negatives.unsqueeze(0).eq(y.unsqueeze(1)), -1e9);
        Tensor logits = cat([positive, negative], 1);
        return nn.functional.cross_entropy(logits, zeros(logits.shape[0], dtype: int64, device: logits.device));
    }

    // Popularity^0.75 (as in word2vec), never zero, over item indices; index 0 (padding) is never drawn.
    private static Tensor SamplingDistribution(InteractionMatrix train)
    {
        float[] weights = new float[train.Items];
        for (int i = 1; i < train.Items; i++)
        {
            weights[i] = MathF.Pow(train.UsersPerItem[i] + 1, 0.75f);
        }

        float sum = weights.Sum();
        return tensor(weights.Select(w => w / sum).ToArray());
    }
}

using Recsys.Evaluation;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Recsys.Training.Trainer;

/// <summary>
/// Trains SASRec on each user's most recent items: at every position the next item is the target of a full
/// softmax over the catalogue (cross-entropy; padding ignored).
/// </summary>
internal static class SasRecTrainer
{
    public static TrainingOutcome Train(
        SasRec model, InteractionMatrix train, PreparedSplit? validation, TrainingOptions options,
        IProgress<EpochReport>? progress, CancellationToken cancellationToken)
    {
        Device device = TrainingDevice.Select(options.PreferCuda);
        model.to(device);
        using var optimizer = optim.Adam(model.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);
        int[][] sequences = [.. train.UsersWithItems().Select(train.ItemsByTime).Where(s => s.Length >= 2)];
        return EpochLoop.Run(
            model, optimizer, options,
            epoch => RunEpoch(model, optimizer, sequences, options, epoch, device, cancellationToken),
            validation is null ? null : () => RankingEvaluator.Evaluate(SasRecScorer.From("validation", model, train), train, validation, options.K, cancellationToken: cancellationToken).Metrics[MetricNames.Ndcg(options.K)],
            progress, cancellationToken);
    }

    private static EpochResult RunEpoch(
        SasRec model, optim.Optimizer optimizer, int[][] sequences, TrainingOptions options, int epoch, Device device, CancellationToken cancellationToken)
    {
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
            Tensor logits = model.forward(x).matmul(model.ItemWeights.t());
            Tensor loss = nn.functional.cross_entropy(logits.view(n * length, -1), y, ignore_index: 0);
            total += GradientStep.Apply(model, optimizer, loss, options.ClipNorm) * n;
            steps++;
        }

        return new EpochResult(total / Math.Max(1, order.Length), steps, order.Length);
    }
}

using System.Diagnostics;
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
    /// <summary>
    /// A new model trained on <paramref name="train"/>, early-stopped on <paramref name="validation"/> or, without
    /// one, on a seeded share of each user's training items. The caller owns the returned model.
    /// </summary>
    public static (MatrixFactorization Model, TrainingOutcome Outcome) Fit(
        InteractionMatrix train, PreparedSplit? validation, TrainingOptions options, IProgress<EpochReport>? progress, CancellationToken cancellationToken)
    {
        InteractionMatrix fit = train;
        if (validation is not { Count: > 0 })
        {
            (PreparedSplit rows, validation) = ValidationCarve.Carve(train.ToSplit(), options.ValidationShare, options.Seed);
            fit = InteractionMatrix.FromSplit(rows, train.Users, train.Items);
        }

        var model = new MatrixFactorization(train.Users, train.Items, options.Dimensions, options.Seed);
        try
        {
            return (model, Train(model, fit, validation, options, progress, cancellationToken));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public static TrainingOutcome Train(
        MatrixFactorization model, InteractionMatrix train, PreparedSplit validation, TrainingOptions options,
        IProgress<EpochReport>? progress, CancellationToken cancellationToken)
    {
        Device device = TrainingDevice.Select(options.PreferCuda);
        model.to(device);
        using var optimizer = optim.Adam(model.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);
        PreparedSplit rows = train.ToSplit();

        int startEpoch = 0;
        var state = new Checkpoint.State(-1, -1, double.NegativeInfinity, 0);
        byte[] best = Checkpoint.Snapshot(model);
        bool resumed = false;
        if (options.Resume && options.CheckpointFolder is not null && Checkpoint.Load(options.CheckpointFolder, model, optimizer) is { } restored)
        {
            (state, best) = restored;
            startEpoch = state.Epoch + 1;
            resumed = true;
        }

        int epoch = startEpoch;
        bool stoppedEarly = false;
        for (; epoch < options.Epochs; epoch++)
        {
            if (state.EpochsWithoutImprovement >= options.Patience)
            {
                stoppedEarly = true;
                break;
            }

            cancellationToken.ThrowIfCancellationRequested();
            double lr = options.LearningRate * Math.Pow(options.LearningRateDecay, epoch);
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = lr;
            }

            long started = Stopwatch.GetTimestamp();
            (double loss, int steps) = RunEpoch(model, optimizer, train, rows, options, epoch, device, cancellationToken);
            double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

            double metric = Validate(model, train, validation, options.K, cancellationToken);
            bool improved = metric > state.BestMetric;
            if (improved)
            {
                best = Checkpoint.Snapshot(model);
            }

            state = improved
                ? new Checkpoint.State(epoch, epoch, metric, 0)
                : state with { Epoch = epoch, EpochsWithoutImprovement = state.EpochsWithoutImprovement + 1 };
            if (options.CheckpointFolder is not null)
            {
                Checkpoint.Save(options.CheckpointFolder, state, model, optimizer, best);
            }

            progress?.Report(new EpochReport(epoch + 1, options.Epochs, steps, loss, rows.Count / seconds, metric, improved));
        }

        Checkpoint.Restore(model, best);
        return new TrainingOutcome(epoch - startEpoch, state.BestEpoch + 1, state.BestMetric, stoppedEarly, resumed);
    }

    private static (double Loss, int Steps) RunEpoch(
        MatrixFactorization model, optim.Optimizer optimizer, InteractionMatrix train, PreparedSplit rows, TrainingOptions options,
        int epoch, Device device, CancellationToken cancellationToken)
    {
        model.train();
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
            loss.backward();
            if (options.ClipNorm > 0)
            {
                nn.utils.clip_grad_norm_(model.parameters(), options.ClipNorm);
            }

            optimizer.step();
            total += loss.item<float>() * n;
            steps++;
        }

        return (total / Math.Max(1, order.Length), steps);
    }

    private static double Validate(MatrixFactorization model, InteractionMatrix train, PreparedSplit validation, int k, CancellationToken cancellationToken)
    {
        model.eval();
        using var noGrad = no_grad();
        EmbeddingScorer scorer = EmbeddingScorer.From("validation", model);
        return RankingEvaluator.Evaluate(scorer, train, validation, k, cancellationToken: cancellationToken).Metrics[MetricNames.Ndcg(k)];
    }
}

using System.Diagnostics;
using Recsys.Diagnostics;
using Recsys.Evaluation;
using Recsys.Preparation;
using Recsys.Recommenders;

namespace Recsys.Training.Trainer;

/// <summary>What one epoch of a model-specific trainer did.</summary>
internal readonly record struct EpochResult(double Loss, int Steps, int Samples);

/// <summary>
/// The part of training every model shares: learning-rate schedule, an epoch at a time, validation after each,
/// best weights kept, a checkpoint per epoch, early stopping, and resuming from the last checkpoint. The
/// model-specific trainer supplies one epoch's work and the validation metric (none for a refit).
/// </summary>
internal static class EpochLoop
{
    /// <summary>Moves the model to the training device, makes its Adam optimiser, and runs the loop.</summary>
    public static TrainingOutcome Train(
        nn.Module model, TrainingOptions options, Func<optim.Optimizer, Device, int, EpochResult> runEpoch, Func<double>? validate,
        IProgress<EpochReport>? progress, CancellationToken cancellationToken)
    {
        Device device = TrainingDevice.Select(options.PreferCuda);
        model.to(device);
        using var optimizer = optim.Adam(model.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);
        return Run(model, optimizer, options, epoch => runEpoch(optimizer, device, epoch), validate, progress, cancellationToken);
    }

    /// <summary>Validation nDCG@k of the scorer the current weights give, or null (no early stopping) without validation.</summary>
    public static Func<double>? ValidationNdcg(
        Func<IRecommender> scorer, InteractionMatrix train, PreparedSplit? validation, TrainingOptions options, CancellationToken cancellationToken) =>
        validation is null
            ? null
            : () => RankingEvaluator.Evaluate(scorer(), train, validation, options.K, cancellationToken: cancellationToken).Metrics[MetricNames.Ndcg(options.K)];

    public static TrainingOutcome Run(
        nn.Module model, optim.Optimizer optimizer, TrainingOptions options,
        Func<int, EpochResult> runEpoch, Func<double>? validate,
        IProgress<EpochReport>? progress, CancellationToken cancellationToken)
    {
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
            // Set from the epoch number, not accumulated, so a resumed run uses the same rate.
            double lr = options.LearningRate * Math.Pow(options.LearningRateDecay, epoch);
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = lr;
            }

            long started = Stopwatch.GetTimestamp();
            using Activity? span = RecsysTracing.Source.StartActivity("epoch")?.SetTag(RecsysTracing.Tags.Epoch, epoch + 1);
            model.train();
            EpochResult result = runEpoch(epoch);
            double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

            model.eval();
            double metric = double.NaN;
            if (validate is not null)
            {
                using (no_grad())
                {
                    metric = validate();
                }
            }

            // Without validation (a refit for a chosen number of epochs) the latest weights are the result.
            bool improved = validate is null || metric > state.BestMetric;
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

            span?.SetTag(RecsysTracing.Tags.Loss, result.Loss).SetTag(RecsysTracing.Tags.SamplesPerSecond, result.Samples / seconds).SetTag(RecsysTracing.Tags.ValidationNdcg, metric);
            progress?.Report(new EpochReport(epoch + 1, options.Epochs, result.Steps, result.Loss, result.Samples / seconds, metric, improved));
        }

        Checkpoint.Restore(model, best);
        model.eval();
        return new TrainingOutcome(epoch - startEpoch, state.BestEpoch + 1, state.BestMetric, stoppedEarly, resumed);
    }
}

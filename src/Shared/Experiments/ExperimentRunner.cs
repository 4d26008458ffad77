using System.Diagnostics;
using Recsys.Data;
using Recsys.Evaluation;
using Recsys.Features;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Storage;

namespace Recsys.Experiments;

/// <summary>What <c>recsys experiment</c> runs.</summary>
public sealed record ExperimentOptions
{
    /// <summary>Dataset options; the protocol decides the split.</summary>
    public required PrepareOptions Dataset { get; init; }

    public required Protocol Protocol { get; init; }

    public required IReadOnlyList<ModelDescriptor> Models { get; init; }

    public int K { get; init; } = 10;

    /// <summary>Folder for the prepared dataset, metrics.json and report.html.</summary>
    public required string Output { get; init; }

    /// <summary>Choose each model's hyperparameters on validation data (never on test) before the final fit.</summary>
    public bool Tune { get; init; }

    /// <summary>
    /// Splits to run, with the protocol's seed and the ones after it; above 1 every metric is the mean over
    /// the splits, with its standard deviation.
    /// </summary>
    public int Seeds { get; init; } = 1;

    /// <summary>Where item text vectors are cached between preparations (models that read them trigger the encoding).</summary>
    public string TextVectorCache { get; init; } = Text.ItemTextVectors.DefaultCache;
}

/// <summary>Progress of an experiment: a stage line, and per model fit/evaluate.</summary>
public sealed record ExperimentProgress(string Stage, string? Model = null);

/// <summary>Prepare → fit → evaluate for each model, on one split, with one evaluator per protocol.</summary>
public static class ExperimentRunner
{
    public const string PreparedFolder = "prepared";
    public const string MetricsFile = "metrics.json";

    public static async Task<ExperimentResult> RunAsync(
        ExperimentOptions options, IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (options.K <= 0)
        {
            throw new DatasetException($"--k must be a positive number of items, not {options.K}.");
        }

        PrepareOptions dataset = options.Protocol.Apply(options.Dataset);
        if (options.Seeds < 1)
        {
            throw new DatasetException($"--seeds must be at least 1, not {options.Seeds}.");
        }

        int[] seeds = [.. Enumerable.Range(dataset.Seed, options.Seeds)];
        // A split with a seed varies it; one without (leave-last-out) is the same each time, so the models' own
        // seeds vary instead (ISeededModel). A single run keeps every default.
        bool splitSeeds = options.Protocol.HasRandomSplit();
        var splits = new List<(PrepareResult Prepared, List<ModelRun> Runs)>();
        foreach (int seed in seeds)
        {
            // One split keeps the folder it always had; several get one folder per seed.
            string folder = seeds.Length == 1 ? Path.Combine(options.Output, PreparedFolder) : Path.Combine(options.Output, PreparedFolder, $"seed-{seed}");
            string stage = seeds.Length == 1 ? "preparing" : $"preparing (seed {seed})";
            int? trainingSeed = seeds.Length > 1 && !splitSeeds ? seed : null;
            splits.Add(await RunSplitAsync(options, splitSeeds ? dataset with { Seed = seed } : dataset, folder, stage, trainingSeed, progress, cancellationToken));
        }

        IReadOnlyList<ModelRun> runs = seeds.Length == 1 ? splits[0].Runs : SeedSummary.Combine(splits.Select(s => s.Runs).ToList());
        var result = new ExperimentResult(splits[0].Prepared.Stats.Dataset, options.Protocol, options.K, splits[0].Prepared, runs) { Seeds = seeds };
        await File.WriteAllTextAsync(Path.Combine(options.Output, MetricsFile), result.ToJson(), cancellationToken);
        return result;
    }

    private static async Task<(PrepareResult Prepared, List<ModelRun> Runs)> RunSplitAsync(
        ExperimentOptions options, PrepareOptions dataset, string preparedFolder, string stage, int? trainingSeed,
        IProgress<ExperimentProgress>? progress, CancellationToken cancellationToken)
    {
        progress?.Report(new ExperimentProgress(stage));
        PrepareResult prepared = await DatasetPreparer.PrepareAsync(dataset, new LocalPreparedOutput(preparedFolder), cancellationToken: cancellationToken);
        if (options.Models.Any(m => m.UsesTextVectors) && !Text.ItemTextVectors.Exists(preparedFolder))
        {
            progress?.Report(new ExperimentProgress("encoding item text"));
            using var encoder = new Text.MiniLmEncoder();
            if (await Text.ItemTextVectors.BuildAsync(preparedFolder, encoder, options.TextVectorCache, cancellationToken: cancellationToken) is null)
            {
                throw new DatasetException(
                    $"{string.Join(", ", options.Models.Where(m => m.UsesTextVectors).Select(m => m.Name))} read item text, and no item of this dataset has any (titles, genres, tags or an --items file).");
            }
        }
        var spec = await PreparedDatasetReader.ReadSpecAsync(preparedFolder, cancellationToken);
        PreparedSplit train = (await PreparedDatasetReader.ReadSplitAsync(preparedFolder, PreparedFiles.Train, cancellationToken))!;
        PreparedSplit? test = await PreparedDatasetReader.ReadSplitAsync(preparedFolder, PreparedFiles.Test, cancellationToken);
        PreparedSplit? validation = await PreparedDatasetReader.ReadSplitAsync(preparedFolder, PreparedFiles.Validation, cancellationToken);
        if (test is null || test.Count == 0 || train.Count == 0)
        {
            throw new DatasetException(
                $"The dataset is too small for the {options.Protocol.ToName()} protocol: {train.Count:N0} training and {test?.Count ?? 0:N0} test interactions " +
                "(every user needs at least two interactions).");
        }

        var matrix = InteractionMatrix.FromSplit(train, spec.Users.Size, spec.Items.Size)
            .WithNegatives(await PreparedDatasetReader.ReadSplitAsync(preparedFolder, PreparedFiles.Negatives, cancellationToken));
        // Leave-last-out: models fit on everything before the test item (train + validation), as is standard,
        // so the test item is predicted from the user's full history; tuning still uses validation alone.
        InteractionMatrix final = validation is { Count: > 0 } && options.Protocol is not (Protocol.Recommenders or Protocol.RecommendersPerUser)
            ? matrix.CarryNegativesTo(InteractionMatrix.FromSplit(train.Concat(validation), spec.Users.Size, spec.Items.Size))
            : matrix;
        IReadOnlyList<IReadOnlySet<int>> genres = await ItemGenres.ReadAsync(preparedFolder, spec, cancellationToken);
        var runs = new List<ModelRun>();
        ItemContent? content = null;
        bool[]? cold = null;
        (InteractionMatrix Fit, PreparedSplit Validation)? tuningData = null;
        // Models a later profile combines are kept, fitted, to lend to it (FittedModels).
        var members = new HashSet<string>(options.Models.SelectMany(m => m.Members), StringComparer.OrdinalIgnoreCase);
        using var fitted = new FittedModels();
        foreach (ModelDescriptor descriptor in options.Models)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TuningOutcome? tuning = null;
            Func<IRecommender> create = descriptor.Create;
            if (options.Tune && descriptor.IsTunable)
            {
                progress?.Report(new ExperimentProgress("tuning", descriptor.Name));
                tuningData ??= TuningData(train, validation, dataset.Split, spec.Users.Size, spec.Items.Size);
                if (descriptor.UsesContent)
                {
                    content ??= await ItemContent.ReadAsync(preparedFolder, spec, options.Models.Any(m => m.UsesTextVectors), cancellationToken);
                }

                (ModelSetting best, tuning) = HyperparameterSearch.Select(descriptor, tuningData.Value.Fit, tuningData.Value.Validation, options.K, cancellationToken, content);
                create = best.Create;
            }

            IRecommender model = create();
            if (trainingSeed is int modelSeed && model is ISeededModel seeded)
            {
                seeded.UseSeed(modelSeed);
            }

            if (model is IContentAware aware)
            {
                aware.UseContent(content ??= await ItemContent.ReadAsync(preparedFolder, spec, options.Models.Any(m => m.UsesTextVectors), cancellationToken));
            }

            var fusion = model as FusionRecommender;
            if (fusion is not null)
            {
                fusion.Lender = fitted;
            }

            progress?.Report(new ExperimentProgress("fitting", descriptor.Name));
            long started = Stopwatch.GetTimestamp();
            model.Fit(final, cancellationToken);
            // A profile's fit time counts the fits of the members it borrowed.
            double fitSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds + (fusion?.BorrowedFitSeconds ?? 0);

            progress?.Report(new ExperimentProgress("evaluating", descriptor.Name));
            EvaluationResult Rank(IRecommender ranked) =>
                RankingEvaluator.Evaluate(ranked, final, test, options.K, itemFeatures: genres, graded: spec.Label.Kind == LabelKind.Rating, cancellationToken: cancellationToken);
            if (options.Protocol == Protocol.Sampled)
            {
                runs.Add(new ModelRun(descriptor.Name, descriptor.Description, fitSeconds, SampledEvaluator.Evaluate(model, final, test, options.K, cancellationToken: cancellationToken)) { Tuning = tuning });
            }
            else if (options.Protocol == Protocol.ColdItems)
            {
                cold ??= ColdCandidates.Of(final, test);
                runs.Add(new ModelRun(descriptor.Name, descriptor.Description + " Ranked among the cold items.", fitSeconds, Rank(new ColdCandidates(model, cold))) { Tuning = tuning });
                runs.Add(new ModelRun($"{descriptor.Name} · all items", descriptor.Description + " Ranked among all items.", fitSeconds, Rank(model)) { Tuning = tuning });
            }
            else
            {
                runs.Add(new ModelRun(descriptor.Name, descriptor.Description, fitSeconds, Rank(model)) { Tuning = tuning });
            }

            // Lent only as fitted with its defaults: a tuned setting is not what the profile names.
            if (tuning is null && fusion is null && members.Contains(descriptor.Name))
            {
                fitted.Add(descriptor.Name, model, final, fitSeconds);
            }
            else
            {
                (model as IDisposable)?.Dispose();
            }
        }

        return (prepared, runs);
    }

    // Leave-last-out prepares its own validation split. Otherwise 10 % of the training rows are held out, drawn the
    // way the test rows were: per item for the per-item split (so validation prefers what test prefers), else per user.
    private static (InteractionMatrix Fit, PreparedSplit Validation) TuningData(
        PreparedSplit train, PreparedSplit? validation, SplitMethod split, int users, int items)
    {
        if (validation is { Count: > 0 })
        {
            return (InteractionMatrix.FromSplit(train, users, items), validation);
        }

        var (fit, held) = split == SplitMethod.StratifiedByItem
            ? ValidationCarve.CarveByItem(train, 0.1, seed: 7)
            : ValidationCarve.Carve(train, 0.1, seed: 7);
        return (InteractionMatrix.FromSplit(fit, users, items), held);
    }
}

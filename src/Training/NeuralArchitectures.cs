using Recsys.Features;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Training.Models;
using Recsys.Training.Onnx;
using Recsys.Training.Trainer;

namespace Recsys.Training;

/// <summary>
/// One trainable architecture, declared once: the name <c>recsys train --model</c>, experiments and plans use, what
/// <c>recsys models</c> says of it, its training defaults (fixed before any test evaluation), whether it reads item
/// content, how its validation items are carved, and how it is built, trained and wrapped for export (which fixes
/// its ONNX graph and so the input layout serving reads).
/// </summary>
public sealed record NeuralArchitecture(string Name, string Description, TrainingOptions Defaults)
{
    /// <summary>Learns from item content (genres, title and tag tokens) as well as interactions.</summary>
    public bool UsesContent { get; init; }

    /// <summary>Reads the items' sentence-encoder vectors, which the prepared dataset must have (<c>--text-vectors</c>).</summary>
    public bool UsesTextVectors { get; init; }

    /// <summary>Learns from order: early stopping holds out each user's latest item, not a random share.</summary>
    public bool Sequential { get; init; }

    /// <summary>
    /// Also a classical baseline by the same name: experiments fit it as that baseline (with its tuning grid);
    /// this entry is what trains, exports and serves it.
    /// </summary>
    public bool Baseline { get; init; }

    internal Func<TrainingInputs, ITrainedModel> Train { get; init; } = _ => throw new InvalidOperationException("An architecture needs a Train function.");
}

/// <summary>What an architecture is trained on.</summary>
internal sealed record TrainingInputs(
    string Name, InteractionMatrix Fit, PreparedSplit? Validation, TrainingOptions Options, IProgress<EpochReport>? Progress, ItemContent? Content, CancellationToken CancellationToken);

/// <summary>The table of <see cref="NeuralArchitecture"/>s: the one place that names the neural models.</summary>
public static class NeuralArchitectures
{
    private static readonly TrainingOptions Pointwise = new() { Epochs = 40, BatchSize = 1280, Dimensions = 32, LearningRate = 1e-3f, LearningRateDecay = 1f, Patience = 4 };

    public static IReadOnlyList<NeuralArchitecture> All { get; } =
    [
        new("bpr", "Matrix factorisation with the BPR pair-wise loss (64 dimensions, early stopping on validation nDCG@10).", new TrainingOptions())
        {
            Train = i => Fitted(new MatrixFactorization(i.Fit.Users, i.Fit.Items, i.Options.Dimensions, i.Options.Seed),
                m => PairwiseTrainer.Train(m, i.Fit, i.Validation, i.Options, gradedShare: 0, i.Progress, i.CancellationToken), m => new TrainedMatrixFactorization(m, i.Name)),
        },
        new("ranknet", "Matrix factorisation with the RankNet pair-wise loss on graded pairs (5 above 3, rated above unobserved).", new TrainingOptions())
        {
            Train = i => Fitted(new MatrixFactorization(i.Fit.Users, i.Fit.Items, i.Options.Dimensions, i.Options.Seed),
                m => PairwiseTrainer.Train(m, i.Fit, i.Validation, i.Options, PairwiseTrainer.RankNetGradedShare, i.Progress, i.CancellationToken), m => new TrainedMatrixFactorization(m, i.Name)),
        },
        new("neumf", "NeuMF: GMF and MLP towers, point-wise binary cross-entropy with 4 sampled negatives per positive.", Pointwise)
        {
            Train = i => Fitted(new NeuMF(i.Fit.Users, i.Fit.Items, i.Options.Dimensions, i.Options.Seed),
                m => PointwiseTrainer.Train(m, i.Fit, i.Validation, i.Options, i.Progress, i.CancellationToken), m => new TrainedNeuMF(m, i.Name)),
        },
        new("dcn", "DCN-v2: user, item and item-content vectors through cross layers and an MLP, point-wise with 4 sampled negatives.", Pointwise)
        {
            UsesContent = true,
            Train = i => Dcn(i, i.Content ?? ItemContent.Empty(i.Fit.Items)),
        },
        new("dcn-text", $"DCN-v2 whose item content also reads a projection of the item's {Text.MiniLmEncoder.ModelName} sentence vector.",
            Pointwise with { ItemText = ItemTextInput.Both })
        {
            UsesContent = true,
            UsesTextVectors = true,
            Train = i => Dcn(i, WithTextVectors(i.Content, i.Name)),
        },
        new("content", "Content two-tower: user embedding · content vector (genres and title/tag tokens); scores items without interactions.", Pointwise)
        {
            UsesContent = true,
            Train = i => TwoTower(i, i.Content ?? ItemContent.Empty(i.Fit.Items),
                m => PointwiseTrainer.Train(m, i.Fit, i.Validation, i.Options, i.Progress, i.CancellationToken, () => EmbeddingScorer.From("validation", m))),
        },
        new("content-text", $"Content two-tower reading text twice: title/tag tokens and a projection of the item's {Text.MiniLmEncoder.ModelName} sentence vector, plus genres.",
            Pointwise with { ItemText = ItemTextInput.Both })
        {
            UsesContent = true,
            UsesTextVectors = true,
            Train = i => TwoTower(i, WithTextVectors(i.Content, i.Name),
                m => PointwiseTrainer.Train(m, i.Fit, i.Validation, i.Options, i.Progress, i.CancellationToken, () => EmbeddingScorer.From("validation", m))),
        },
        new("text", $"Text two-tower: user embedding · projection of the item's {Text.MiniLmEncoder.ModelName} sentence vector plus its genres, BPR pair-wise; scores items without interactions.",
            new TrainingOptions { ItemText = ItemTextInput.Vectors })
        {
            UsesContent = true,
            UsesTextVectors = true,
            Train = i => TwoTower(i, WithTextVectors(i.Content, i.Name),
                m => PairwiseTrainer.Train(m, penalty: null, () => EmbeddingScorer.From("validation", m), i.Fit, i.Validation, i.Options, gradedShare: 0, i.Progress, i.CancellationToken)),
        },
        new("multdae", "Mult-DAE: denoising autoencoder with a full-softmax list-wise loss (600 hidden units).",
            // Adam 1e-3, batches of users, patience for its slower, noisier validation curve.
            new TrainingOptions { Epochs = 200, BatchSize = 128, Dimensions = 600, LearningRate = 1e-3f, LearningRateDecay = 1f, Patience = 15, WeightDecay = 0, Dropout = 0.5 })
        {
            Train = i => Fitted(new MultDae(i.Fit.Items, i.Options.Dimensions, i.Options.Dropout, i.Options.Seed),
                m => MultDaeTrainer.Train(m, i.Fit, i.Validation, i.Options, i.Progress, i.CancellationToken), m => new TrainedMultDae(m, i.Name, i.Fit)),
        },
        new("sasrec", "SASRec-style transformer over each user's last 50 items (1 block, 64 wide, next-item softmax over 256 sampled negatives).",
            // Long patience: on small data the validation curve can sit flat for 10+ epochs before it climbs again.
            new TrainingOptions { Epochs = 200, BatchSize = 128, Dimensions = 64, SequenceLength = 50, Blocks = 1, Heads = 1, Dropout = 0.2, SampledNegatives = 256, LearningRate = 1e-3f, LearningRateDecay = 1f, Patience = 50 })
        {
            Sequential = true,
            Train = i => Fitted(
                new SasRec(i.Fit.Items, new SasRecShape(i.Options.Dimensions, i.Options.SequenceLength, i.Options.Blocks, i.Options.Heads, i.Options.Dropout), i.Options.Seed),
                m => SasRecTrainer.Train(m, i.Fit, i.Validation, i.Options, i.Progress, i.CancellationToken), m => new TrainedSasRec(m, i.Name, i.Fit)),
        },
        new("ease", "EASE: closed-form item-item weights (λ = 500, up to the 20,000 most popular items); not neural, listed here so it trains, exports and serves like the rest.",
            new TrainingOptions { Epochs = 1 })
        {
            Baseline = true,
            Train = i => ClosedForm(i, EaseExporter.Architecture, () => new EaseRecommender(inverter: TorchGramInverter.Instance), EaseExporter.Export),
        },
        new("itemknn", "Item-kNN: cosine similarity with shrinkage (100 neighbours, shrink 10); not neural, listed here so it trains, exports and serves like the rest.",
            new TrainingOptions { Epochs = 1 })
        {
            Baseline = true,
            Train = i => ClosedForm(i, ItemKnnExporter.Architecture, () => new ItemKnnRecommender(), ItemKnnExporter.Export),
        },
    ];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(a => a.Name)];

    /// <summary>What a training plan may name, and which of those read item text (the prepare stage encodes it for them).</summary>
    public static global::Recsys.Pipeline.TrainableArchitectures Trainable { get; } = new(Names, [.. All.Where(a => a.UsesTextVectors).Select(a => a.Name)]);

    public static NeuralArchitecture? Find(string name) => All.FirstOrDefault(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The architecture called <paramref name="name"/>; bad input, naming the trainable ones, otherwise.</summary>
    public static NeuralArchitecture Get(string name) =>
        Find(name) ?? throw new Data.DatasetException($"Unknown model '{name}' for training. Trainable models: {string.Join(", ", Names)}.");

    /// <summary>A content two-tower over <paramref name="content"/>, trained by <paramref name="train"/>; it scores through its factored form.</summary>
    private static TrainedModel TwoTower(TrainingInputs i, ItemContent content, Func<ContentTwoTower, TrainingOutcome> train) =>
        Fitted(new ContentTwoTower(i.Fit.Users, content, i.Options.Dimensions, i.Options.Seed, i.Options.ItemText), train,
            m => new TrainedPairModel(m, i.Name, ContentTwoTowerExporter.Architecture, m.Content, () => ContentTwoTowerExporter.Export(m), EmbeddingScorer.From(i.Name, m)));

    private static TrainedModel Dcn(TrainingInputs i, ItemContent content) =>
        Fitted(new DcnV2(i.Fit.Users, i.Fit.Items, content, i.Options.Dimensions, i.Options.Seed, i.Options.ItemText),
            m => PointwiseTrainer.Train(m, i.Fit, i.Validation, i.Options, i.Progress, i.CancellationToken),
            m => new TrainedPairModel(m, i.Name, DcnV2Exporter.Architecture, m.Content, () => DcnV2Exporter.Export(m)));

    private static ItemContent WithTextVectors(ItemContent? content, string model) =>
        content?.TextVectors is not null
            ? content
            : throw new Data.DatasetException($"'{model}' reads item text vectors, and the prepared dataset has none: prepare it with --text-vectors (and item text).");

    /// <summary>
    /// An item-item baseline has no epochs: one fit scored on the held-out validation items (its outcome reads
    /// like a trained model's), then, with nothing to stop early, a refit on every training item, as
    /// experiments fit it; <paramref name="export"/> writes the refit model's graph.
    /// </summary>
    private static TrainedItemItem ClosedForm<TModel>(TrainingInputs i, string architecture, Func<TModel> create, Func<TModel, int, byte[]> export)
        where TModel : IRecommender
    {
        TrainedItemItem Wrapped(TModel exported, TModel validated, double validation) =>
            new(architecture, validated, () => export(exported, i.Fit.Items), i.Fit.Items)
            {
                Outcome = new TrainingOutcome(EpochsRun: 1, BestEpoch: 1, validation, StoppedEarly: false, Resumed: false),
            };

        TModel held = create();
        held.Fit(i.Fit, i.CancellationToken);
        if (i.Validation is not { Count: > 0 })
        {
            return Wrapped(held, held, 0);
        }

        double validation = Evaluation.RankingEvaluator.Evaluate(held, i.Fit, i.Validation, i.Options.K, cancellationToken: i.CancellationToken)
            .Metrics[Evaluation.MetricNames.Ndcg(i.Options.K)];
        TModel refit = create();
        refit.Fit(i.Fit.CarryNegativesTo(InteractionMatrix.FromSplit(i.Fit.ToSplit().Concat(i.Validation), i.Fit.Users, i.Fit.Items)), i.CancellationToken);
        return Wrapped(refit, held, validation);
    }

    /// <summary>Builds the module, trains it, and wraps it for scoring and export; the module is disposed if training fails.</summary>
    private static TrainedModel Fitted<TModel>(TModel model, Func<TModel, TrainingOutcome> train, Func<TModel, TrainedModel> wrap)
        where TModel : TorchSharp.torch.nn.Module
    {
        try
        {
            TrainingOutcome outcome = train(model);
            TrainedModel trained = wrap(model);
            trained.Outcome = outcome;
            return trained;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}

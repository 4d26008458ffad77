namespace Recsys.Training.Trainer;

/// <summary>How a neural model is trained. Defaults suit MovieLens-sized data on a laptop CPU.</summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 40;

    public int BatchSize { get; init; } = 1024;

    public float LearningRate { get; init; } = 0.005f;

    /// <summary>Learning rate multiplier per epoch (1: constant).</summary>
    public float LearningRateDecay { get; init; } = 0.97f;

    /// <summary>Adam's L2 weight decay on all parameters.</summary>
    public float WeightDecay { get; init; }

    /// <summary>L2 penalty on the embedding rows each batch uses (the BPR regulariser).</summary>
    public float Regularization { get; init; } = 1e-4f;

    /// <summary>Gradients are clipped to this global norm (0: off).</summary>
    public double ClipNorm { get; init; } = 5;

    /// <summary>Embedding or hidden width.</summary>
    public int Dimensions { get; init; } = 64;

    /// <summary>Sequential models: items of history the model sees (the most recent ones).</summary>
    public int SequenceLength { get; init; } = 50;

    /// <summary>Sequential models: self-attention blocks.</summary>
    public int Blocks { get; init; } = 2;

    /// <summary>Sequential models: attention heads per block.</summary>
    public int Heads { get; init; } = 1;

    /// <summary>Dropout rate inside the network (sequential models).</summary>
    public double Dropout { get; init; } = 0.2;

    /// <summary>
    /// Sequential models: 0 trains with a full softmax over the catalogue; N &gt; 0 with a sampled softmax over
    /// N uniformly drawn negatives per sequence (far cheaper on large catalogues).
    /// </summary>
    public int SampledNegatives { get; init; }

    public int Seed { get; init; } = 42;

    /// <summary>Stop after this many epochs without a better validation nDCG@k.</summary>
    public int Patience { get; init; } = 4;

    public int K { get; init; } = 10;

    /// <summary>Share of each user's training items held out for early stopping when no validation split is given.</summary>
    public double ValidationShare { get; init; } = 0.1;

    /// <summary>Folder for per-epoch checkpoints (none when null).</summary>
    public string? CheckpointFolder { get; init; }

    /// <summary>Continue from the checkpoint in <see cref="CheckpointFolder"/> when there is one.</summary>
    public bool Resume { get; init; }

    public bool PreferCuda { get; init; } = true;

    /// <summary>Content models: which item text they read (vectors need a dataset prepared with them).</summary>
    public ItemTextInput ItemText { get; init; } = ItemTextInput.Tokens;

    /// <summary>
    /// After early stopping has chosen the number of epochs on held-out items, train a fresh model on all
    /// training items for that many epochs. Experiments do this; <c>recsys train</c> keeps the early-stopped
    /// weights so that its checkpoints and --resume describe the exported model.
    /// </summary>
    public bool RefitOnAllTraining { get; init; } = true;
}

/// <summary>How a content tower reads an item's text.</summary>
public enum ItemTextInput
{
    /// <summary>Learned embeddings of the title and tag tokens, averaged (the only choice without vectors).</summary>
    Tokens,

    /// <summary>A learned projection of the frozen sentence-encoder vector.</summary>
    Vectors,

    /// <summary>Both, summed.</summary>
    Both,
}

/// <summary>What one epoch did, for progress bars and job records.</summary>
public sealed record EpochReport(int Epoch, int Epochs, int Steps, double Loss, double SamplesPerSecond, double ValidationMetric, bool Improved);

/// <summary>How training ended.</summary>
public sealed record TrainingOutcome(int EpochsRun, int BestEpoch, double BestValidationMetric, bool StoppedEarly, bool Resumed);

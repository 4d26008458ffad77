using Recsys.Recommenders;
using Recsys.Training.Trainer;

namespace Recsys.Training;

/// <summary>Registers the neural models of this library in a <see cref="ModelCatalog"/>.</summary>
public static class TrainingModels
{
    /// <summary>The architecture names <c>recsys train</c> and the train stage accept.</summary>
    public static IReadOnlyCollection<string> Names { get; } = [.. new ModelCatalog().WithTrainingModels().All.Select(m => m.Name)];

    public static ModelCatalog WithTrainingModels(this ModelCatalog catalog, IProgress<EpochReport>? progress = null) => catalog
        .Add(new ModelDescriptor("bpr", "Matrix factorisation with the BPR pair-wise loss (64 dimensions, early stopping on validation nDCG@10).", () => new NeuralRecommender("bpr", progress: progress)))
        .Add(new ModelDescriptor("ranknet", "Matrix factorisation with the RankNet pair-wise loss on graded pairs (5 above 3, rated above unobserved).", () => new NeuralRecommender("ranknet", progress: progress)))
        .Add(new ModelDescriptor("neumf", "NeuMF: GMF and MLP towers, point-wise binary cross-entropy with 4 sampled negatives per positive.", () => new NeuralRecommender("neumf", progress: progress)))
        .Add(new ModelDescriptor("dcn", "DCN-v2: user, item and item-content vectors through cross layers and an MLP, point-wise with 4 sampled negatives.", () => new NeuralRecommender("dcn", progress: progress)))
        .Add(new ModelDescriptor("content", "Content two-tower: user embedding · content vector (genres and title/tag tokens); scores items without interactions.", () => new NeuralRecommender("content", progress: progress)))
        .Add(new ModelDescriptor("sasrec", "SASRec-style transformer over each user's last 50 items (2 blocks, 64 wide, full-softmax next-item loss).", () => new NeuralRecommender("sasrec", progress: progress)))
        .Add(new ModelDescriptor("multdae", "Mult-DAE: denoising autoencoder with a full-softmax list-wise loss (600 hidden units).", () => new NeuralRecommender("multdae", progress: progress)));
}

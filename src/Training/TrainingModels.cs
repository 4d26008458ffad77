using Recsys.Recommenders;
using Recsys.Training.Trainer;

namespace Recsys.Training;

/// <summary>Registers the neural models of this library in a <see cref="ModelCatalog"/>.</summary>
public static class TrainingModels
{
    public static ModelCatalog WithTrainingModels(this ModelCatalog catalog, IProgress<EpochReport>? progress = null) => catalog
        .Add(new ModelDescriptor("bpr", "Matrix factorisation with the BPR pair-wise loss (64 dimensions, early stopping on validation nDCG@10).", () => new BprRecommender(progress: progress)));
}

using Recsys.Recommenders;
using Recsys.Training.Trainer;

namespace Recsys.Training;

/// <summary>
/// Registers the neural models of this library (<see cref="NeuralArchitectures"/>) in a <see cref="ModelCatalog"/>,
/// and EASE on libtorch's Cholesky inverse, which takes catalogues five times as large as the managed one.
/// </summary>
public static class TrainingModels
{
    public static ModelCatalog WithTrainingModels(this ModelCatalog catalog, IProgress<EpochReport>? progress = null)
    {
        foreach (NeuralArchitecture architecture in NeuralArchitectures.All.Where(a => !a.Baseline))
        {
            catalog.Add(new ModelDescriptor(architecture.Name, architecture.Description, () => new NeuralRecommender(architecture.Name, progress: progress))
            {
                UsesTextVectors = architecture.UsesTextVectors,
            });
        }

        return catalog.Add(Ease);
    }

    /// <summary>EASE inverting on libtorch, with its tuning grid: exact up to 20,000 items.</summary>
    public static ModelDescriptor Ease => ModelCatalog.Ease(Models.TorchGramInverter.Instance);
}

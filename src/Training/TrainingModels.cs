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
                UsesContent = architecture.UsesContent,
                UsesTextVectors = architecture.UsesTextVectors,
                Grid = architecture.UsesTextVectors ? TextInputs(architecture, progress) : [],
            });
        }

        return catalog.Add(Ease);
    }

    /// <summary>
    /// A text model's tuning grid: which item text its content tower reads (tokens, the sentence vector, or both),
    /// so <c>--tune</c> chooses by validation whether the pretrained encoder helps on a dataset.
    /// </summary>
    private static ModelSetting[] TextInputs(NeuralArchitecture architecture, IProgress<EpochReport>? progress) =>
    [
        .. Enum.GetValues<ItemTextInput>().Select(text => new ModelSetting(
            $"text={text.ToString().ToLowerInvariant()}", () => new NeuralRecommender(architecture.Name, architecture.Defaults with { ItemText = text }, progress))),
    ];

    /// <summary>EASE inverting on libtorch, with its tuning grid: exact up to 20,000 items.</summary>
    public static ModelDescriptor Ease => ModelCatalog.Ease(Models.TorchGramInverter.Instance);
}

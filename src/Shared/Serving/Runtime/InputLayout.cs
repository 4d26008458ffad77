using Recsys.Models;

namespace Recsys.Serving.Runtime;

/// <summary>How a model's graph takes its inputs, read from the manifest's tensor specs.</summary>
public enum InputLayout
{
    /// <summary>int64 <c>user</c> and <c>item</c> of shape [batch] → one score per pair (MF, NeuMF).</summary>
    Pairs,

    /// <summary>
    /// As <see cref="Pairs"/>, plus float32 <c>item_text</c> [batch, d]: sentence vectors of candidates outside the
    /// catalogue (zero rows for the rest), so new items are scored from their text (the text two-tower).
    /// </summary>
    PairsWithText,

    /// <summary>float32 multi-hot history [batch, items] → a score for every item (Mult-DAE, EASE).</summary>
    MultiHotHistory,

    /// <summary>int64 item sequence [batch, length], left-padded, latest last → a score for every item (SASRec).</summary>
    Sequence,
}

internal static class InputLayouts
{
    public const string UserInput = "user";
    public const string ItemInput = "item";
    public const string TextInput = "item_text";

    public static InputLayout Detect(ModelManifest manifest)
    {
        IReadOnlyList<TensorSpec> inputs = manifest.Inputs;
        if (manifest.Outputs.Count != 1)
        {
            throw new ModelLoadException($"The manifest lists {manifest.Outputs.Count} outputs; serving expects exactly one score output.");
        }

        if (inputs.Count == 2 && inputs.Any(i => i.Name == UserInput) && inputs.Any(i => i.Name == ItemInput)
            && inputs.All(i => i is { ElementType: "int64", Shape.Count: 1 }) && manifest.Outputs[0].Shape.Count == 1)
        {
            return InputLayout.Pairs;
        }

        if (inputs.Count == 3 && manifest.Outputs[0].Shape.Count == 1
            && inputs.Count(i => i is { Name: UserInput or ItemInput, ElementType: "int64", Shape.Count: 1 }) == 2
            && inputs.Any(i => i is { Name: TextInput, ElementType: "float32", Shape.Count: 2 }))
        {
            return InputLayout.PairsWithText;
        }

        if (inputs.Count == 1 && inputs[0].Shape.Count == 2 && manifest.Outputs[0].Shape.Count == 2)
        {
            switch (inputs[0].ElementType)
            {
                case "float32":
                    return InputLayout.MultiHotHistory;
                case "int64":
                    return InputLayout.Sequence;
            }
        }

        throw new ModelLoadException(
            $"Inputs ({string.Join(", ", inputs.Select(i => $"{i.Name}:{i.ElementType}[{string.Join(',', i.Shape)}]"))}) match no layout serving knows.");
    }
}

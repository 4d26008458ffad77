using Recsys.Recommenders;

namespace Recsys.Training.Onnx;

/// <summary>
/// Writes fitted item-kNN as an ONNX graph over the multi-hot history layout, sparse as the model is: each
/// item's neighbour indices and similarities as [items, k] tables (short lists padded with similarity 0 on
/// index 0), every history entry times its item's similarities, and ScatterElements with add-reduction
/// (opset 16+) summing them into the neighbours' scores. The graph grows with items × k, not items², so
/// it exports at any catalogue size; scores equal the managed scorer's (0 for an item no neighbour reaches).
/// </summary>
internal static class ItemKnnExporter
{
    public const string Architecture = "itemknn";

    public static byte[] Export(ItemKnnRecommender knn, int items)
    {
        (int[] offsets, int[] neighbours, float[] similarities) = knn.Fitted;
        int k = Math.Max(1, Enumerable.Range(0, items).Max(i => offsets[i + 1] - offsets[i]));
        long[] table = new long[items * k];
        float[] weights = new float[items * k];
        for (int i = 0; i < items; i++)
        {
            for (int j = offsets[i]; j < offsets[i + 1]; j++)
            {
                table[(i * k) + j - offsets[i]] = neighbours[j];
                weights[(i * k) + j - offsets[i]] = similarities[j];
            }
        }

        var graph = new OnnxGraphBuilder("itemknn");
        OnnxDim batch = OnnxDim.Dynamic("batch");
        graph.AddInput(MultDaeExporter.HistoryInput, OnnxElementType.Float, batch, OnnxDim.Fixed(items));
        graph.AddOutput(MultDaeExporter.ScoreOutput, OnnxElementType.Float, batch, OnnxDim.Fixed(items));
        graph.AddInitializer("neighbours", table, 1, (long)items * k);
        graph.AddInitializer("similarities", weights, items, k);
        graph.AddInitializer("last_axis", [2L], 1);
        graph.AddInitializer("flat", [0L, -1L], 2);
        graph.AddInitializer("zero", [0f]);

        // [batch, items, 1] × [items, k]: what each history item gives each of its neighbours.
        string history = graph.AddNode("Unsqueeze", [MultDaeExporter.HistoryInput, "last_axis"], "history_column");
        string given = graph.AddNode("Mul", [history, "similarities"], "given");
        string flat = graph.AddNode("Reshape", [given, "flat"], "given_flat");
        string shape = graph.AddNode("Shape", [flat], "given_shape");
        string targets = graph.AddNode("Expand", ["neighbours", shape], "given_targets");
        string zeros = graph.AddNode("Mul", [MultDaeExporter.HistoryInput, "zero"], "zeros");
        graph.AddNode("ScatterElements", [zeros, targets, flat], MultDaeExporter.ScoreOutput,
            new OnnxAttribute("axis", Int: 1), new OnnxAttribute("reduction", Text: "add"));
        return graph.ToBytes();
    }
}

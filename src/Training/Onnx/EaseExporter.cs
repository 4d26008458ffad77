using Recsys.Models;
using Recsys.Recommenders;

namespace Recsys.Training.Onnx;

/// <summary>
/// Writes fitted EASE as an ONNX graph over the multi-hot history layout Mult-DAE serves with: the history's
/// columns of the items that take part (Gather), times B (MatMul), scattered back into a [batch, items] score
/// where every other item (and the padding index) scores <see cref="Floor"/>, below any real score, as the
/// managed scorer ranks them lowest. B stays [n, n] over the items that take part, not [items, items].
/// </summary>
internal static class EaseExporter
{
    public const string Architecture = "ease";

    /// <summary>The score of items outside EASE's item set: far below any weight sum, far above float's minimum.</summary>
    public const float Floor = -1e30f;

    public static byte[] Export(EaseRecommender ease, int items)
    {
        (int[] columns, float[] weights) = ease.Fitted;
        int n = columns.Length;
        var graph = new OnnxGraphBuilder("ease");
        OnnxDim batch = OnnxDim.Dynamic("batch");
        graph.AddInput(MultDaeExporter.HistoryInput, OnnxElementType.Float, batch, OnnxDim.Fixed(items));
        graph.AddOutput(MultDaeExporter.ScoreOutput, OnnxElementType.Float, batch, OnnxDim.Fixed(items));
        long[] indices = [.. columns.Select(c => (long)c)];
        graph.AddInitializer("columns", indices, n);
        graph.AddInitializer("column_row", indices, 1, n);
        graph.AddInitializer("weights", weights, n, n);
        graph.AddInitializer("zero", [0f]);
        graph.AddInitializer("floor", [Floor]);

        string taking = graph.AddNode("Gather", [MultDaeExporter.HistoryInput, "columns"], "history_taking_part", new OnnxAttribute("axis", Int: 1));
        string scores = graph.AddNode("MatMul", [taking, "weights"], "scores_taking_part");
        // Every item starts at the floor (the history times zero keeps the batch dimension), then EASE's items get their scores.
        string zeros = graph.AddNode("Mul", [MultDaeExporter.HistoryInput, "zero"], "zeros");
        string floor = graph.AddNode("Add", [zeros, "floor"], "floor_scores");
        string shape = graph.AddNode("Shape", [scores], "scores_shape");
        string where = graph.AddNode("Expand", ["column_row", shape], "score_columns");
        graph.AddNode("ScatterElements", [floor, where, scores], MultDaeExporter.ScoreOutput, new OnnxAttribute("axis", Int: 1));
        return graph.ToBytes();
    }
}

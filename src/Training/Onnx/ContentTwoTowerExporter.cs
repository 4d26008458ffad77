using Recsys.Models;
using Recsys.Training.Models;

namespace Recsys.Training.Onnx;

/// <summary>
/// Writes the content two-tower as an ONNX graph: σ(ReduceSum(user embedding ⊙ item content vector)), the
/// content vectors of every catalogue item stored as one table. A tower that reads sentence-encoder vectors also
/// takes them as an input, <c>item_text</c> [batch, d]: the item's vector is its table row plus the projected
/// input, so an item outside the catalogue (index 0, a zero row) is scored from its text alone, and a known item
/// with a zero text row scores as before.
/// </summary>
internal static class ContentTwoTowerExporter
{
    public const string Architecture = "content";
    public const string TextInput = "item_text";

    /// <summary>The graph's inputs: user and item, and item_text when the tower reads vectors.</summary>
    public static IReadOnlyList<TensorSpec> Inputs(ContentTower content) => content.TextProjection is { } projection
        ? [.. MatrixFactorizationExporter.Inputs, new(TextInput, "float32", ["batch", $"{projection.weight!.shape[1]}"])]
        : MatrixFactorizationExporter.Inputs;

    public static byte[] Export(ContentTwoTower model)
    {
        long d = model.Dimensions;
        var pair = new PairGraph("content_two_tower");
        OnnxGraphBuilder graph = pair.Graph;
        string item = pair.Lookup("item_content", model.Content.AllVectors(), d, byUser: false);
        if (model.Content.TextProjection is { } projection)
        {
            long width = projection.weight!.shape[1];
            graph.AddInput(TextInput, OnnxElementType.Float, OnnxDim.Dynamic("batch"), OnnxDim.Fixed(width));
            using (Tensor transposed = projection.weight!.t())
            {
                graph.AddInitializer("text_projection", PairGraph.Values(transposed), width, d);
            }

            string projected = graph.AddNode("MatMul", [TextInput, "text_projection"], "item_text_projected");
            item = graph.AddNode("Add", [item, projected], "item_vector");
        }

        string product = graph.AddNode("Mul", [pair.Lookup("users", PairGraph.Values(model.Users.weight!), d, byUser: true), item], "product");
        string logit = graph.AddNode("ReduceSum", [product, PairGraph.FeatureAxis], "logit", new OnnxAttribute("keepdims", Int: 1));
        return pair.ProbabilityFrom(logit);
    }
}

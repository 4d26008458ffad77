using Recsys.Models;
using Recsys.Training.Models;

namespace Recsys.Training.Onnx;

/// <summary>
/// Writes the content two-tower as an ONNX graph: σ(ReduceSum(user vector ⊙ item content vector)), every user's
/// vector (embedding plus projected own text) and the content vectors of every catalogue item stored as tables
/// (<see cref="PairGraph.ItemContent"/>, which also takes the <c>item_text</c> input of a tower that reads
/// sentence-encoder vectors).
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
        string item = pair.ItemContent(model.Content);
        string product = graph.AddNode("Mul", [pair.Lookup("users", model.Users.AllVectors(), d, byUser: true), item], "product");
        string logit = graph.AddNode("ReduceSum", [product, PairGraph.FeatureAxis], "logit", new OnnxAttribute("keepdims", Int: 1));
        return pair.ProbabilityFrom(logit);
    }
}

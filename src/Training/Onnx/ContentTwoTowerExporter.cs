using Recsys.Training.Models;

namespace Recsys.Training.Onnx;

/// <summary>
/// Writes the content two-tower as an ONNX graph: σ(ReduceSum(user embedding ⊙ item content vector)), the
/// content vectors of every catalogue item stored as one table.
/// </summary>
internal static class ContentTwoTowerExporter
{
    public const string Architecture = "content";

    public static byte[] Export(ContentTwoTower model)
    {
        long d = model.Dimensions;
        var pair = new PairGraph("content_two_tower");
        OnnxGraphBuilder graph = pair.Graph;
        string product = graph.AddNode("Mul",
        [
            pair.Lookup("users", PairGraph.Values(model.Users.weight!), d, byUser: true),
            pair.Lookup("item_content", model.Content.AllVectors(), d, byUser: false),
        ], "product");
        string logit = graph.AddNode("ReduceSum", [product, PairGraph.FeatureAxis], "logit", new OnnxAttribute("keepdims", Int: 1));
        return pair.ProbabilityFrom(logit);
    }
}

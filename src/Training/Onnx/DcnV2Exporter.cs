using Recsys.Models;
using Recsys.Training.Models;
using TorchSharp.Modules;

namespace Recsys.Training.Onnx;

/// <summary>
/// Writes DCN-v2 as an ONNX graph over (user, item) pairs. Item content is fixed per item, so the content
/// tower's output for every catalogue item is stored as one table and looked up like an embedding (plus the
/// projected <c>item_text</c> input where the tower reads sentence-encoder vectors); the cross
/// layers (x₀ ⊙ (W x + b) + x) and the ReLU MLP follow, then σ(logit).
/// </summary>
internal static class DcnV2Exporter
{
    public const string Architecture = "dcn-v2";

    public static byte[] Export(DcnV2 model)
    {
        long d = model.Dimensions;
        var pair = new PairGraph("dcn_v2");
        OnnxGraphBuilder graph = pair.Graph;
        string x0 = graph.AddNode("Concat",
        [
            pair.Lookup("users", PairGraph.Values(model.Users.weight!), d, byUser: true),
            pair.Lookup("items", PairGraph.Values(model.Items.weight!), d, byUser: false),
            pair.ItemContent(model.Content),
        ], "x0", new OnnxAttribute("axis", Int: 1));

        string x = x0;
        int layer = 0;
        foreach (Linear cross in model.Cross)
        {
            string mixed = graph.AddNode("Mul", [x0, pair.Dense(cross, x, $"cross{layer}")], $"cross{layer}_mul");
            x = graph.AddNode("Add", [mixed, x], $"cross{layer++}_out");
        }

        string h = x0;
        layer = 0;
        foreach (Linear deep in model.Deep)
        {
            h = graph.AddNode("Relu", [pair.Dense(deep, h, $"deep{layer}")], $"deep{layer++}_relu");
        }

        string joined = graph.AddNode("Concat", [x, h], "joined", new OnnxAttribute("axis", Int: 1));
        return pair.ProbabilityFrom(pair.Dense(model.Predict, joined, "logit"));
    }
}

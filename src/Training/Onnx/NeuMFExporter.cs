using Recsys.Models;
using Recsys.Training.Models;
using TorchSharp.Modules;

namespace Recsys.Training.Onnx;

/// <summary>
/// Writes NeuMF as an ONNX graph over (user, item) pairs: the GMF product and the ReLU MLP tower, joined by the
/// prediction layer; the output is the probability σ(logit), as a point-wise model's consumers expect.
/// </summary>
internal static class NeuMFExporter
{
    public const string Architecture = "neumf";

    public static IReadOnlyList<TensorSpec> Inputs => MatrixFactorizationExporter.Inputs;

    public static IReadOnlyList<TensorSpec> Outputs => MatrixFactorizationExporter.Outputs;

    public static byte[] Export(NeuMF model)
    {
        var (gmfUsers, gmfItems, mlpUsers, mlpItems) = model.Embeddings;
        long d = model.Dimensions;
        var pair = new PairGraph("neumf");
        OnnxGraphBuilder graph = pair.Graph;
        string gmf = graph.AddNode("Mul", [pair.Lookup("gmf_users", PairGraph.Values(gmfUsers), d, byUser: true), pair.Lookup("gmf_items", PairGraph.Values(gmfItems), d, byUser: false)], "gmf");
        string h = graph.AddNode("Concat", [pair.Lookup("mlp_users", PairGraph.Values(mlpUsers), d, byUser: true), pair.Lookup("mlp_items", PairGraph.Values(mlpItems), d, byUser: false)], "mlp_in", new OnnxAttribute("axis", Int: 1));
        int layer = 0;
        foreach (Linear linear in model.Mlp)
        {
            h = graph.AddNode("Relu", [pair.Dense(linear, h, $"mlp{layer}")], $"mlp{layer++}_relu");
        }

        string joined = graph.AddNode("Concat", [gmf, h], "joined", new OnnxAttribute("axis", Int: 1));
        return pair.ProbabilityFrom(pair.Dense(model.Predict, joined, "logit"));
    }
}

using Recsys.Models;
using Recsys.Training.Models;
using TorchSharp.Modules;

namespace Recsys.Training.Onnx;

/// <summary>
/// Writes NeuMF as an ONNX graph over (user, item) pairs: the GMF product and the ReLU MLP tower (its first layer
/// folded into per-user and per-item tables), joined by the prediction layer; the output is the probability
/// σ(logit), as a point-wise model's consumers expect.
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

        // The first MLP layer is linear in the concatenated embeddings, W·[u; i] + b = W_u·u + (W_i·i + b), so each
        // half is applied once per user and per item here and served as a table: a row lookup per candidate
        // instead of the 2d × d product, which is most of the tower's arithmetic. The ReLU follows the sum.
        IReadOnlyList<Linear> mlp = model.Mlp;
        Linear first = mlp[0];
        float[] userHalf, itemHalf;
        using (NewDisposeScope())
        using (no_grad())
        {
            Tensor w = first.weight!.detach();
            userHalf = PairGraph.Values(mlpUsers.detach().matmul(w.narrow(1, 0, d).t()));
            itemHalf = PairGraph.Values(mlpItems.detach().matmul(w.narrow(1, d, d).t()) + first.bias!.detach());
        }

        long width = first.weight!.shape[0];
        string sum = graph.AddNode("Add", [pair.Lookup("mlp0_users", userHalf, width, byUser: true), pair.Lookup("mlp0_items", itemHalf, width, byUser: false)], "mlp0");
        string h = graph.AddNode("Relu", [sum], "mlp0_relu");
        for (int layer = 1; layer < mlp.Count; layer++)
        {
            h = graph.AddNode("Relu", [pair.Dense(mlp[layer], h, $"mlp{layer}")], $"mlp{layer}_relu");
        }

        string joined = graph.AddNode("Concat", [gmf, h], "joined", new OnnxAttribute("axis", Int: 1));
        return pair.ProbabilityFrom(pair.Dense(model.Predict, joined, "logit"));
    }
}

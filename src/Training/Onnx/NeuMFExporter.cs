using Recsys.Models;
using Recsys.Training.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

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
        using var scope = NewDisposeScope();
        static float[] Values(Tensor t) => t.detach().cpu().contiguous().data<float>().ToArray();
        var (gmfUsers, gmfItems, mlpUsers, mlpItems) = model.Embeddings;
        var graph = new OnnxGraphBuilder("neumf");
        OnnxDim batch = OnnxDim.Dynamic("batch");
        graph.AddInput(MatrixFactorizationExporter.UserInput, OnnxElementType.Int64, batch);
        graph.AddInput(MatrixFactorizationExporter.ItemInput, OnnxElementType.Int64, batch);
        graph.AddOutput(MatrixFactorizationExporter.ScoreOutput, OnnxElementType.Float, batch);
        foreach (var (name, table) in new[] { ("gmf_users", gmfUsers), ("gmf_items", gmfItems), ("mlp_users", mlpUsers), ("mlp_items", mlpItems) })
        {
            graph.AddInitializer(name, Values(table), table.shape[0], table.shape[1]);
        }

        graph.AddInitializer("squeeze_axes", [1L], 1);
        string Lookup(string table, string input) =>
            graph.AddNode("Gather", [table, input], $"{table}_rows", new OnnxAttribute("axis", Int: 0));

        string gmf = graph.AddNode("Mul", [Lookup("gmf_users", MatrixFactorizationExporter.UserInput), Lookup("gmf_items", MatrixFactorizationExporter.ItemInput)], "gmf");
        string h = graph.AddNode("Concat", [Lookup("mlp_users", MatrixFactorizationExporter.UserInput), Lookup("mlp_items", MatrixFactorizationExporter.ItemInput)], "mlp_in", new OnnxAttribute("axis", Int: 1));
        int layer = 0;
        foreach (Linear linear in model.Mlp)
        {
            string dense = Gemm(graph, linear, h, $"mlp{layer}");
            h = graph.AddNode("Relu", [dense], $"mlp{layer++}_relu");
        }

        string joined = graph.AddNode("Concat", [gmf, h], "joined", new OnnxAttribute("axis", Int: 1));
        string logit = Gemm(graph, model.Predict, joined, "logit");
        string probability = graph.AddNode("Sigmoid", [logit], "probability");
        graph.AddNode("Squeeze", [probability, "squeeze_axes"], MatrixFactorizationExporter.ScoreOutput);
        return graph.ToBytes();

        static string Gemm(OnnxGraphBuilder graph, Linear linear, string input, string name)
        {
            Tensor w = linear.weight!;
            graph.AddInitializer($"{name}_w", Values(w), w.shape[0], w.shape[1]);
            graph.AddInitializer($"{name}_b", Values(linear.bias!), w.shape[0]);
            return graph.AddNode("Gemm", [input, $"{name}_w", $"{name}_b"], name, new OnnxAttribute("transB", Int: 1));
        }
    }
}

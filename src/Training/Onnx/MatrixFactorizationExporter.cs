using Recsys.Models;
using Recsys.Training.Models;

namespace Recsys.Training.Onnx;

/// <summary>
/// Writes matrix factorisation as an ONNX graph: score = ReduceSum(Gather(P, user) ⊙ Gather(Q, item)) +
/// b_user + b_item, with a dynamic batch dimension.
/// </summary>
internal static class MatrixFactorizationExporter
{
    public const string Architecture = "mf-bpr";
    public const string UserInput = "user";
    public const string ItemInput = "item";
    public const string ScoreOutput = "score";

    public static IReadOnlyList<TensorSpec> Inputs { get; } =
        [new(UserInput, "int64", ["batch"]), new(ItemInput, "int64", ["batch"])];

    public static IReadOnlyList<TensorSpec> Outputs { get; } = [new(ScoreOutput, "float32", ["batch"])];

    public static byte[] Export(MatrixFactorization model, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var scope = NewDisposeScope();
        static float[] Values(Tensor t) => t.detach().cpu().contiguous().data<float>().ToArray();
        return Export(Values(model.UserWeights), Values(model.ItemWeights), Values(model.UserBias), Values(model.ItemBias), model.Dimensions, metadata);
    }

    /// <summary>The same graph from plain row-major weights ([users, d], [items, d]) and biases.</summary>
    public static byte[] Export(float[] userWeights, float[] itemWeights, float[] userBias, float[] itemBias, long d, IReadOnlyDictionary<string, string>? metadata = null)
    {
        long users = userBias.Length;
        long items = itemBias.Length;
        OnnxGraphBuilder graph = new PairGraph("mf_bpr").Graph;
        graph.AddInitializer("user_embedding", userWeights, users, d);
        graph.AddInitializer("item_embedding", itemWeights, items, d);
        graph.AddInitializer("user_bias", userBias, users);
        graph.AddInitializer("item_bias", itemBias, items);

        string p = graph.AddNode("Gather", ["user_embedding", UserInput], "p", new OnnxAttribute("axis", Int: 0));
        string q = graph.AddNode("Gather", ["item_embedding", ItemInput], "q", new OnnxAttribute("axis", Int: 0));
        string product = graph.AddNode("Mul", [p, q], "pq");
        string dot = graph.AddNode("ReduceSum", [product, PairGraph.FeatureAxis], "dot", new OnnxAttribute("keepdims", Int: 0));
        string bu = graph.AddNode("Gather", ["user_bias", UserInput], "bu", new OnnxAttribute("axis", Int: 0));
        string bi = graph.AddNode("Gather", ["item_bias", ItemInput], "bi", new OnnxAttribute("axis", Int: 0));
        string withUser = graph.AddNode("Add", [dot, bu], "dot_bu");
        graph.AddNode("Add", [withUser, bi], ScoreOutput);
        return graph.ToBytes(metadata: metadata);
    }
}

using Recsys.Training.Models;
using TorchSharp.Modules;

namespace Recsys.Training.Onnx;

/// <summary>
/// The pieces every (user, item) → score graph shares: int64 <c>user</c> and <c>item</c> inputs with a dynamic
/// batch, the float <c>score</c> output, embedding lookups, dense layers, and σ(logit) for point-wise models.
/// </summary>
internal sealed class PairGraph
{
    /// <summary>An int64 [1] initializer holding 1: the feature axis to reduce or squeeze.</summary>
    public const string FeatureAxis = "feature_axis";

    private readonly OnnxGraphBuilder _graph;

    public PairGraph(string name)
    {
        _graph = new OnnxGraphBuilder(name);
        OnnxDim batch = OnnxDim.Dynamic("batch");
        _graph.AddInput(MatrixFactorizationExporter.UserInput, OnnxElementType.Int64, batch);
        _graph.AddInput(MatrixFactorizationExporter.ItemInput, OnnxElementType.Int64, batch);
        _graph.AddOutput(MatrixFactorizationExporter.ScoreOutput, OnnxElementType.Float, batch);
        _graph.AddInitializer(FeatureAxis, [1L], 1);
    }

    public OnnxGraphBuilder Graph => _graph;

    public static float[] Values(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().cpu().contiguous().data<float>().ToArray();
    }

    /// <summary>Rows of a [rows, d] table for the user or item input: Gather on axis 0.</summary>
    public string Lookup(string table, float[] values, long d, bool byUser)
    {
        _graph.AddInitializer(table, values, values.Length / d, d);
        return _graph.AddNode("Gather", [table, byUser ? MatrixFactorizationExporter.UserInput : MatrixFactorizationExporter.ItemInput], $"{table}_rows", new OnnxAttribute("axis", Int: 0));
    }

    /// <summary>
    /// Each item's content vector: its row of the content tower's table and, for a tower that reads sentence-encoder
    /// vectors, plus the projection of the <c>item_text</c> input [batch, text width]. An item outside the catalogue
    /// (index 0, a zero row) is then placed by its text alone, and a known item sent zeros scores as before.
    /// </summary>
    public string ItemContent(ContentTower content)
    {
        long d = content.Dimensions;
        string item = Lookup("item_content", content.AllVectors(), d, byUser: false);
        if (content.TextProjection is not { } projection)
        {
            return item;
        }

        long width = projection.weight!.shape[1];
        _graph.AddInput(ContentTwoTowerExporter.TextInput, OnnxElementType.Float, OnnxDim.Dynamic("batch"), OnnxDim.Fixed(width));
        using (Tensor transposed = projection.weight!.t())
        {
            _graph.AddInitializer("text_projection", Values(transposed), width, d);
        }

        string projected = _graph.AddNode("MatMul", [ContentTwoTowerExporter.TextInput, "text_projection"], "item_text_projected");
        return _graph.AddNode("Add", [item, projected], "item_vector");
    }

    /// <summary>y = x·Wᵀ + b for a TorchSharp linear layer.</summary>
    public string Dense(Linear linear, string input, string name)
    {
        Tensor w = linear.weight!;
        _graph.AddInitializer($"{name}_w", Values(w), w.shape[0], w.shape[1]);
        _graph.AddInitializer($"{name}_b", Values(linear.bias!), w.shape[0]);
        return _graph.AddNode("Gemm", [input, $"{name}_w", $"{name}_b"], name, new OnnxAttribute("transB", Int: 1));
    }

    /// <summary>Ends the graph: score = σ(logit) with the trailing unit axis of a [batch, 1] logit removed.</summary>
    public byte[] ProbabilityFrom(string logit)
    {
        string probability = _graph.AddNode("Sigmoid", [logit], "probability");
        _graph.AddNode("Squeeze", [probability, FeatureAxis], MatrixFactorizationExporter.ScoreOutput);
        return _graph.ToBytes();
    }
}

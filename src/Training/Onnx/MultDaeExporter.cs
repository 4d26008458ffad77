using Recsys.Models;
using Recsys.Training.Models;

namespace Recsys.Training.Onnx;

/// <summary>
/// Writes Mult-DAE as an ONNX graph: the user's item history as a multi-hot [batch, items] input,
/// L2-normalised, through Gemm → Tanh → Gemm to one score per item.
/// </summary>
internal static class MultDaeExporter
{
    public const string Architecture = "mult-dae";
    public const string HistoryInput = "history";
    public const string ScoreOutput = "score";

    public static IReadOnlyList<TensorSpec> Inputs(int items) => [new(HistoryInput, "float32", ["batch", items.ToString(System.Globalization.CultureInfo.InvariantCulture)])];

    public static IReadOnlyList<TensorSpec> Outputs(int items) => [new(ScoreOutput, "float32", ["batch", items.ToString(System.Globalization.CultureInfo.InvariantCulture)])];

    public static byte[] Export(MultDae model, int items)
    {
        using var scope = NewDisposeScope();
        static float[] Values(Tensor t) => t.detach().cpu().contiguous().data<float>().ToArray();
        int hidden = model.Hidden;
        var graph = new OnnxGraphBuilder("mult_dae");
        OnnxDim batch = OnnxDim.Dynamic("batch");
        graph.AddInput(HistoryInput, OnnxElementType.Float, batch, OnnxDim.Fixed(items));
        graph.AddOutput(ScoreOutput, OnnxElementType.Float, batch, OnnxDim.Fixed(items));
        graph.AddInitializer("encoder_weight", Values(model.EncoderWeight), hidden, items);
        graph.AddInitializer("encoder_bias", Values(model.EncoderBias), hidden);
        graph.AddInitializer("decoder_weight", Values(model.DecoderWeight), items, hidden);
        graph.AddInitializer("decoder_bias", Values(model.DecoderBias), items);
        graph.AddInitializer("feature_axis", [1L], 1);
        graph.AddInitializer("epsilon", [1e-12f]);

        // x / max(‖x‖₂, ε), as torch.nn.functional.normalize.
        string squares = graph.AddNode("Mul", [HistoryInput, HistoryInput], "squares");
        string sum = graph.AddNode("ReduceSum", [squares, "feature_axis"], "sum_squares", new OnnxAttribute("keepdims", Int: 1));
        string norm = graph.AddNode("Sqrt", [sum], "norm");
        string safe = graph.AddNode("Max", [norm, "epsilon"], "safe_norm");
        string normalized = graph.AddNode("Div", [HistoryInput, safe], "normalized");
        string encoded = graph.AddNode("Gemm", [normalized, "encoder_weight", "encoder_bias"], "encoded", new OnnxAttribute("transB", Int: 1));
        string hiddenLayer = graph.AddNode("Tanh", [encoded], "hidden");
        graph.AddNode("Gemm", [hiddenLayer, "decoder_weight", "decoder_bias"], ScoreOutput, new OnnxAttribute("transB", Int: 1));
        return graph.ToBytes();
    }
}

using System.Globalization;
using Recsys.Models;
using Recsys.Training.Models;
using TorchSharp.Modules;

namespace Recsys.Training.Onnx;

/// <summary>
/// Writes SASRec as an ONNX graph: a left-padded item sequence [batch, length] in, one score per item for the
/// next position out [batch, items]. Attention is spelled out with MatMul/Softmax and opset 17's
/// LayerNormalization, the causal mask is an additive constant, padding keys get −1e9 from the input, and
/// Reshape's 0 keeps the batch dynamic.
/// </summary>
internal static class SasRecExporter
{
    public const string Architecture = "sasrec";
    public const string SequenceInput = "sequence";
    public const string ScoreOutput = "score";

    public static IReadOnlyList<TensorSpec> Inputs(int length) => [new(SequenceInput, "int64", ["batch", length.ToString(CultureInfo.InvariantCulture)])];

    public static IReadOnlyList<TensorSpec> Outputs(int items) => [new(ScoreOutput, "float32", ["batch", items.ToString(CultureInfo.InvariantCulture)])];

    public static byte[] Export(SasRec model)
    {
        using var scope = NewDisposeScope();
        SasRecShape shape = model.Shape;
        long d = shape.Dimensions;
        long length = shape.MaxLength;
        long items = model.ItemWeights.shape[0];
        var graph = new OnnxGraphBuilder("sasrec");
        graph.AddInput(SequenceInput, OnnxElementType.Int64, OnnxDim.Dynamic("batch"), OnnxDim.Fixed(length));
        graph.AddOutput(ScoreOutput, OnnxElementType.Float, OnnxDim.Dynamic("batch"), OnnxDim.Fixed(items));

        float[] itemWeights = Values(model.ItemWeights);
        graph.AddInitializer("item_embedding", itemWeights, items, d);
        graph.AddInitializer("item_embedding_t", Values(model.ItemWeights.t()), d, items);
        graph.AddInitializer("positions", Values(model.PositionWeights[..(int)length]), length, d);
        graph.AddInitializer("scale", [(float)Math.Sqrt(d)]);
        graph.AddInitializer("zero", [0L]);
        graph.AddInitializer("last_axis", [-1L], 1);
        graph.AddInitializer("last_position", [length - 1]);
        graph.AddInitializer("causal", CausalMask(length), length, length);
        graph.AddInitializer("one", [1f]);
        graph.AddInitializer("pad_penalty", [1e9f]);
        graph.AddInitializer("key_axes", [1L, 2L], 2);

        // x = E[seq]·√d + P, zeroed at padding.
        string embedded = graph.AddNode("Gather", ["item_embedding", SequenceInput], "embedded", new OnnxAttribute("axis", Int: 0));
        string scaled = graph.AddNode("Mul", [embedded, "scale"], "scaled");
        string x = graph.AddNode("Add", [scaled, "positions"], "x0");
        string isPad = graph.AddNode("Equal", [SequenceInput, "zero"], "is_pad");
        string notPad = graph.AddNode("Not", [isPad], "not_pad");
        string keepFlat = graph.AddNode("Cast", [notPad], "keep_flat", new OnnxAttribute("to", Int: (long)OnnxElementType.Float));
        string keep = graph.AddNode("Unsqueeze", [keepFlat, "last_axis"], "keep");
        x = graph.AddNode("Mul", [x, keep], "x0_kept");
        // −1e9 on padding keys, 0 elsewhere, [batch, 1, 1, length]: no position attends to padding (as in training).
        string padShift = graph.AddNode("Sub", [keepFlat, "one"], "pad_shift");
        string padFlat = graph.AddNode("Mul", [padShift, "pad_penalty"], "pad_flat");
        string padMask = graph.AddNode("Unsqueeze", [padFlat, "key_axes"], "pad_mask");

        int b = 0;
        foreach (CausalSelfAttentionBlock block in model.Blocks)
        {
            x = Block(graph, block, x, keep, padMask, d, length, $"b{b++}");
        }

        string normed = LayerNorm(graph, model.FinalNorm, x, "final");
        string last = graph.AddNode("Gather", [normed, "last_position"], "last", new OnnxAttribute("axis", Int: 1));
        graph.AddNode("MatMul", [last, "item_embedding_t"], ScoreOutput);
        return graph.ToBytes();
    }

    private static string Block(OnnxGraphBuilder graph, CausalSelfAttentionBlock block, string x, string keep, string padMask, long d, long length, string p)
    {
        var layers = block.Layers;
        long heads = block.Heads;
        long headWidth = d / heads;
        graph.AddInitializer($"{p}_split_shape", [0L, length, heads, headWidth], 4);
        graph.AddInitializer($"{p}_merge_shape", [0L, length, d], 3);
        graph.AddInitializer($"{p}_head_scale", [(float)Math.Sqrt(headWidth)]);

        string h = LayerNorm(graph, layers.AttentionNorm, x, $"{p}_attention_norm");
        string Heads(Linear projection, string name, long[] permutation)
        {
            string projected = Dense(graph, projection, h, $"{p}_{name}");
            string split = graph.AddNode("Reshape", [projected, $"{p}_split_shape"], $"{p}_{name}_split");
            return graph.AddNode("Transpose", [split], $"{p}_{name}_heads", new OnnxAttribute("perm", Ints: permutation));
        }

        string q = Heads(layers.Query, "q", [0, 2, 1, 3]);
        string kT = Heads(layers.Key, "k", [0, 2, 3, 1]);
        string v = Heads(layers.Value, "v", [0, 2, 1, 3]);
        string raw = graph.AddNode("MatMul", [q, kT], $"{p}_scores_raw");
        string scores = graph.AddNode("Div", [raw, $"{p}_head_scale"], $"{p}_scores");
        string causal = graph.AddNode("Add", [scores, "causal"], $"{p}_scores_causal");
        string masked = graph.AddNode("Add", [causal, padMask], $"{p}_scores_masked");
        string weights = graph.AddNode("Softmax", [masked], $"{p}_weights", new OnnxAttribute("axis", Int: -1));
        string attended = graph.AddNode("MatMul", [weights, v], $"{p}_attended");
        string merged = graph.AddNode("Transpose", [attended], $"{p}_attended_t", new OnnxAttribute("perm", Ints: [0, 2, 1, 3]));
        string joined = graph.AddNode("Reshape", [merged, $"{p}_merge_shape"], $"{p}_joined");
        string output = Dense(graph, layers.Output, joined, $"{p}_out");
        x = graph.AddNode("Add", [x, output], $"{p}_x1");

        string f = LayerNorm(graph, layers.FeedForwardNorm, x, $"{p}_ff_norm");
        string expanded = Dense(graph, layers.Expand, f, $"{p}_expand");
        string relu = graph.AddNode("Relu", [expanded], $"{p}_relu");
        string contracted = Dense(graph, layers.Contract, relu, $"{p}_contract");
        string x2 = graph.AddNode("Add", [x, contracted], $"{p}_x2");
        return graph.AddNode("Mul", [x2, keep], $"{p}_x2_kept");
    }

    // y = x·Wᵀ + b on the last axis of a [batch, length, d] tensor (Gemm is 2-D only).
    private static string Dense(OnnxGraphBuilder graph, Linear layer, string x, string name)
    {
        Tensor w = layer.weight!;
        graph.AddInitializer($"{name}_w", Values(w.t()), w.shape[1], w.shape[0]);
        graph.AddInitializer($"{name}_b", Values(layer.bias!), w.shape[0]);
        string product = graph.AddNode("MatMul", [x, $"{name}_w"], $"{name}_mm");
        return graph.AddNode("Add", [product, $"{name}_b"], name);
    }

    private static string LayerNorm(OnnxGraphBuilder graph, LayerNorm norm, string x, string name)
    {
        graph.AddInitializer($"{name}_scale", Values(norm.weight!), norm.weight!.shape[0]);
        graph.AddInitializer($"{name}_bias", Values(norm.bias!), norm.bias!.shape[0]);
        return graph.AddNode("LayerNormalization", [x, $"{name}_scale", $"{name}_bias"], name,
            new OnnxAttribute("axis", Int: -1), new OnnxAttribute("epsilon", Float: 1e-5f));
    }

    // −1e9 above the diagonal: after Softmax a position gives no weight to later positions (as masked_fill does).
    private static float[] CausalMask(long length)
    {
        float[] mask = new float[length * length];
        for (long i = 0; i < length; i++)
        {
            for (long j = i + 1; j < length; j++)
            {
                mask[(i * length) + j] = -1e9f;
            }
        }

        return mask;
    }

    private static float[] Values(Tensor t) => t.detach().cpu().contiguous().data<float>().ToArray();
}

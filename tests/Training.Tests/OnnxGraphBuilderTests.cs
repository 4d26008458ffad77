using Microsoft.ML.OnnxRuntime;
using Recsys.Serving.Runtime;
using Recsys.Training.Onnx;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Recsys.Training.Tests;

public sealed class OnnxGraphBuilderTests
{
    private const int Users = 20;
    private const int Items = 30;
    private const int Dim = 8;

    /// <summary>Embedding lookup for user and item, concatenated, through a ReLU MLP to a sigmoid score.</summary>
    private sealed class TinyRanker : nn.Module<Tensor, Tensor, Tensor>
    {
        public readonly TorchSharp.Modules.Embedding UserEmbedding = nn.Embedding(Users, Dim);
        public readonly TorchSharp.Modules.Embedding ItemEmbedding = nn.Embedding(Items, Dim);
        public readonly TorchSharp.Modules.Linear Hidden = nn.Linear(2 * Dim, 16);
        public readonly TorchSharp.Modules.Linear Output = nn.Linear(16, 1);

        public TinyRanker()
            : base(nameof(TinyRanker))
        {
            RegisterComponents();
        }

        public override Tensor forward(Tensor user, Tensor item)
        {
            using var scope = NewDisposeScope();
            Tensor joined = cat([UserEmbedding.forward(user), ItemEmbedding.forward(item)], 1);
            return Output.forward(nn.functional.relu(Hidden.forward(joined))).sigmoid().squeeze(1).MoveToOuterDisposeScope();
        }
    }

    private static float[] Values(Tensor t) => t.detach().contiguous().data<float>().ToArray();

    private static byte[] Export(TinyRanker model)
    {
        var graph = new OnnxGraphBuilder("tiny_ranker");
        OnnxDim batch = OnnxDim.Dynamic("batch");
        graph.AddInput("user", OnnxElementType.Int64, batch);
        graph.AddInput("item", OnnxElementType.Int64, batch);
        graph.AddOutput("score", OnnxElementType.Float, batch);
        graph.AddInitializer("user_emb", Values(model.UserEmbedding.weight!), Users, Dim);
        graph.AddInitializer("item_emb", Values(model.ItemEmbedding.weight!), Items, Dim);
        // Gemm with transB=1 takes the weight in TorchSharp's (out, in) layout as is.
        graph.AddInitializer("w1", Values(model.Hidden.weight!), 16, 2 * Dim);
        graph.AddInitializer("b1", Values(model.Hidden.bias!), 16);
        graph.AddInitializer("w2", Values(model.Output.weight!), 1, 16);
        graph.AddInitializer("b2", Values(model.Output.bias!), 1);
        graph.AddInitializer("squeeze_axes", [1L], 1);

        string u = graph.AddNode("Gather", ["user_emb", "user"], "u", new OnnxAttribute("axis", Int: 0));
        string i = graph.AddNode("Gather", ["item_emb", "item"], "i", new OnnxAttribute("axis", Int: 0));
        string joined = graph.AddNode("Concat", [u, i], "joined", new OnnxAttribute("axis", Int: 1));
        string hidden = graph.AddNode("Gemm", [joined, "w1", "b1"], "hidden", new OnnxAttribute("transB", Int: 1));
        string relu = graph.AddNode("Relu", [hidden], "relu");
        string logit = graph.AddNode("Gemm", [relu, "w2", "b2"], "logit", new OnnxAttribute("transB", Int: 1));
        string prob = graph.AddNode("Sigmoid", [logit], "prob");
        graph.AddNode("Squeeze", [prob, "squeeze_axes"], "score");
        return graph.ToBytes(metadata: new Dictionary<string, string> { ["architecture"] = "tiny-ranker" });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void ExportedGraph_OnOnnxRuntime_MatchesTheTorchSharpForwardPass(int batch)
    {
        random.manual_seed(11);
        using var model = new TinyRanker();
        model.eval();
        var rng = new Random(batch);
        long[] users = [.. Enumerable.Range(0, batch).Select(_ => (long)rng.Next(Users))];
        long[] items = [.. Enumerable.Range(0, batch).Select(_ => (long)rng.Next(Items))];

        float[] expected;
        using (no_grad())
        using (Tensor u = tensor(users))
        using (Tensor i = tensor(items))
        using (Tensor scores = model.forward(u, i))
        {
            expected = Values(scores);
        }

        using InferenceSession session = OnnxSessionFactory.Create(Export(model), OnnxSessionFactory.SelectProvider());
        using OrtValue userInput = OrtValue.CreateTensorValueFromMemory(users, [batch]);
        using OrtValue itemInput = OrtValue.CreateTensorValueFromMemory(items, [batch]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, ["user", "item"], [userInput, itemInput], ["score"]);
        float[] actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        Assert.Equal(batch, actual.Length);
        float maxDifference = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(maxDifference <= 1e-5f, $"max |torch - onnx| = {maxDifference}");
        Assert.Equal("tiny-ranker", session.ModelMetadata.CustomMetadataMap["architecture"]);
    }

    [Fact]
    public void AddNode_ReusedValueName_IsRefused()
    {
        var graph = new OnnxGraphBuilder("g");
        graph.AddInput("x", OnnxElementType.Float, OnnxDim.Dynamic("batch"));
        graph.AddNode("Relu", ["x"], "y");

        Assert.Throws<InvalidOperationException>(() => graph.AddNode("Sigmoid", ["x"], "y"));
        Assert.Throws<InvalidOperationException>(() => graph.AddNode("Sigmoid", ["y"], "x"));
    }

    [Fact]
    public void ExportedGraph_DeclaresADynamicBatchDimension()
    {
        using var model = new TinyRanker();
        using var session = new InferenceSession(Export(model));

        Assert.Equal([-1], session.InputMetadata["user"].Dimensions);
        Assert.Equal("batch", session.InputMetadata["user"].SymbolicDimensions[0]);
        Assert.Equal(typeof(float), session.OutputMetadata["score"].ElementType);
    }
}

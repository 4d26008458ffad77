using Microsoft.ML.OnnxRuntime;
using Recsys.Serving.Runtime;
using static TorchSharp.torch;

namespace Recsys.Training.Tests;

/// <summary>
/// Runs random (user, item) pairs (index 0 included) through a pair model's TorchSharp forward pass, as σ(logit),
/// and through its exported graph on ONNX Runtime (CPU); returns both outputs for comparison.
/// </summary>
internal static class PairParity
{
    public static (float[] Torch, float[] Onnx) Run(nn.Module<Tensor, Tensor, Tensor> model, byte[] onnx, int users, int items, int pairs = 200)
    {
        model.eval();
        var random = new Random(3);
        long[] userIds = [0, .. Enumerable.Range(0, pairs - 1).Select(_ => (long)random.Next(users))];
        long[] itemIds = [0, .. Enumerable.Range(0, pairs - 1).Select(_ => (long)random.Next(items))];
        float[] expected;
        using (no_grad())
        using (Tensor probabilities = model.forward(tensor(userIds), tensor(itemIds)).sigmoid())
        {
            expected = probabilities.data<float>().ToArray();
        }

        using InferenceSession session = OnnxSessionFactory.Create(onnx, ExecutionProvider.Cpu);
        using OrtValue user = OrtValue.CreateTensorValueFromMemory(userIds, [userIds.Length]);
        using OrtValue item = OrtValue.CreateTensorValueFromMemory(itemIds, [itemIds.Length]);
        using var run = new RunOptions();
        if (session.InputMetadata.TryGetValue("item_text", out NodeMetadata? text))
        {
            // Catalogue items come with no text of their own: a zero row leaves their table vector as it is.
            int width = text.Dimensions[1];
            using OrtValue zeros = OrtValue.CreateTensorValueFromMemory(new float[pairs * width], [pairs, width]);
            using var withText = session.Run(run, ["user", "item", "item_text"], [user, item, zeros], ["score"]);
            return (expected, withText[0].GetTensorDataAsSpan<float>().ToArray());
        }

        using var outputs = session.Run(run, ["user", "item"], [user, item], ["score"]);
        return (expected, outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    public static float MaxDifference((float[] Torch, float[] Onnx) outputs) =>
        outputs.Torch.Zip(outputs.Onnx, (e, a) => Math.Abs(e - a)).Max();
}

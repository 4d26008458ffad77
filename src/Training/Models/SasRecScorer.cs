using Recsys.Recommenders;

namespace Recsys.Training.Models;

/// <summary>
/// SASRec scoring in managed memory: each user's representation is the last hidden state over their most
/// recent items in <c>history</c>, computed once in batches; a score is its dot product with an item embedding.
/// </summary>
internal static class SasRecScorer
{
    public static EmbeddingScorer From(string name, SasRec model, InteractionMatrix history)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        bool training = model.training;
        model.eval();
        int d = model.Shape.Dimensions;
        int length = model.Shape.MaxLength;
        Device device = model.ItemWeights.device;
        float[] users = new float[history.Users * d];
        int[] withItems = history.UsersWithItems();
        const int Batch = 256;
        for (int start = 0; start < withItems.Length; start += Batch)
        {
            int n = Math.Min(Batch, withItems.Length - start);
            long[] sequence = new long[n * length];
            for (int b = 0; b < n; b++)
            {
                int[] items = history.ItemsByTime(withItems[start + b]);
                int m = Math.Min(items.Length, length);
                for (int t = 0; t < m; t++)
                {
                    sequence[(b * length) + length - m + t] = items[items.Length - m + t];
                }
            }

            using var inner = NewDisposeScope();
            float[] last = model.forward(tensor(sequence, [n, length]).to(device))[.., -1, ..].cpu().contiguous().data<float>().ToArray();
            for (int b = 0; b < n; b++)
            {
                last.AsSpan(b * d, d).CopyTo(users.AsSpan(withItems[start + b] * d, d));
            }
        }

        float[] itemVectors = model.ItemWeights.detach().cpu().contiguous().data<float>().ToArray();
        model.train(training);
        return new EmbeddingScorer(name, users, itemVectors, new float[history.Users], new float[itemVectors.Length / d], d);
    }
}

using Recsys.Recommenders;

namespace Recsys.Training.Models;

/// <summary>
/// SASRec scoring in managed memory: each user's representation is the last hidden state over their most
/// recent items in the history given to <see cref="Fit"/>, computed once in batches; a score is its dot
/// product with an item embedding. Fitting again with a longer history (training plus validation items)
/// re-reads the sequences with the same weights, so a test item is predicted from everything before it.
/// </summary>
internal sealed class SasRecScorer(string name, SasRec model) : IRecommender
{
    private EmbeddingScorer? _states;

    public string Name => name;

    public ReadOnlySpan<float> ItemEmbeddings => (_states ?? throw new InvalidOperationException("Fit first.")).ItemEmbeddings;

    public static SasRecScorer From(string name, SasRec model, InteractionMatrix history)
    {
        var scorer = new SasRecScorer(name, model);
        scorer.Fit(history);
        return scorer;
    }

    public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default) => _states = States(name, model, train);

    public void Score(int user, Span<float> scores) => (_states ?? throw new InvalidOperationException("Fit first.")).Score(user, scores);

    private static EmbeddingScorer States(string name, SasRec model, InteractionMatrix history)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        bool training = model.training;
        model.eval();
        int d = model.Shape.Dimensions;
        int length = model.Shape.MaxLength;
        Device device = model.ItemWeights.device;
        float[] users = new float[history.Users * d];
        // Shortest histories first, each batch only as wide as its longest window (padding is masked anyway).
        int[] withItems = [.. history.UsersWithItems().OrderBy(u => history.ItemsOf(u).Length)];
        const int Batch = 256;
        for (int start = 0; start < withItems.Length; start += Batch)
        {
            int n = Math.Min(Batch, withItems.Length - start);
            int width = Math.Min(history.ItemsOf(withItems[start + n - 1]).Length, length);
            long[] sequence = new long[n * width];
            for (int b = 0; b < n; b++)
            {
                int[] items = history.ItemsByTime(withItems[start + b]);
                int m = Math.Min(items.Length, width);
                for (int t = 0; t < m; t++)
                {
                    sequence[(b * width) + width - m + t] = items[items.Length - m + t];
                }
            }

            using var inner = NewDisposeScope();
            float[] last = model.forward(tensor(sequence, [n, width]).to(device))[.., -1, ..].cpu().contiguous().data<float>().ToArray();
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

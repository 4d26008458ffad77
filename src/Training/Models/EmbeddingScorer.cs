using System.Numerics.Tensors;
using Recsys.Recommenders;

namespace Recsys.Training.Models;

/// <summary>
/// Scores with copies of trained embeddings in managed memory: score(u, i) = ⟨p_u, q_i⟩ + b_u + b_i. Used for
/// evaluation after (and during) training, so ranking the catalogue never round-trips through libtorch.
/// </summary>
internal sealed class EmbeddingScorer(string name, float[] users, float[] items, float[] userBias, float[] itemBias, int dimensions) : IRecommender
{
    public string Name => name;

    public int Dimensions => dimensions;

    public ReadOnlySpan<float> ItemEmbeddings => items;

    /// <summary>Nothing to do: the scores depend on the trained embeddings only, not on the user's history.</summary>
    public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default)
    {
    }

    public void Score(int user, Span<float> scores)
    {
        ReadOnlySpan<float> p = users.AsSpan(user * dimensions, dimensions);
        float bias = userBias[user];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = TensorPrimitives.Dot(p, items.AsSpan(i * dimensions, dimensions)) + itemBias[i] + bias;
        }
    }

    /// <summary>
    /// The content two-tower factors the same way: user embeddings against every item's content vector, computed
    /// once (a forward pass per user would recompute the whole catalogue's towers for each of them).
    /// </summary>
    public static EmbeddingScorer From(string name, ContentTwoTower model)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        float[] users = model.Users.AllVectors();
        float[] items = model.Content.AllVectors();
        return new EmbeddingScorer(name, users, items, new float[users.Length / model.Dimensions], new float[items.Length / model.Dimensions], model.Dimensions);
    }

    public static EmbeddingScorer From(string name, MatrixFactorization model)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        static float[] Copy(TorchSharp.torch.Tensor t) => t.detach().cpu().contiguous().data<float>().ToArray();
        return new EmbeddingScorer(name, Copy(model.UserWeights), Copy(model.ItemWeights), Copy(model.UserBias), Copy(model.ItemBias), model.Dimensions);
    }
}

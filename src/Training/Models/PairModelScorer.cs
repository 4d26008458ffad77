using Recsys.Recommenders;

namespace Recsys.Training.Models;

/// <summary>
/// Scoring with a (user, item) → logit module whose towers do not factor into dot products (NeuMF, DCN-v2): a
/// user's scores come from one batched forward pass over the whole catalogue (under no_grad).
/// </summary>
internal sealed class PairModelScorer(string name, nn.Module<Tensor, Tensor, Tensor> model) : IRecommender
{
    private readonly Lock _gate = new();

    public string Name => name;

    /// <summary>Nothing to do: scores depend on the trained weights only.</summary>
    public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default)
    {
    }

    public void Score(int user, Span<float> scores)
    {
        float[] values;
        // One forward at a time: concurrent evaluator threads would otherwise oversubscribe libtorch's own threads.
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Device device = model.parameters().First().device;
            Tensor items = arange(scores.Length, dtype: int64, device: device);
            Tensor users = full(scores.Length, user, dtype: int64, device: device);
            values = model.forward(users, items).cpu().data<float>().ToArray();
        }

        values.CopyTo(scores);
    }
}

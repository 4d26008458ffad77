using TorchSharp.Modules;

namespace Recsys.Training.Models;

/// <summary>
/// NeuMF (He et al., WWW 2017): a generalised matrix factorisation tower (p_u ⊙ q_i) and an MLP tower over
/// concatenated user and item embeddings, joined by a final linear layer into one logit. Point-wise:
/// trained with binary cross-entropy against sampled negatives.
/// </summary>
internal sealed class NeuMF : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding _gmfUsers;
    private readonly Embedding _gmfItems;
    private readonly Embedding _mlpUsers;
    private readonly Embedding _mlpItems;
    private readonly ModuleList<Linear> _mlp;
    private readonly Linear _predict;

    /// <param name="dimensions">Width of each tower's embeddings; the MLP halves it layer by layer from 2·d.</param>
    public NeuMF(int users, int items, int dimensions, int seed)
        : base(nameof(NeuMF))
    {
        _gmfUsers = nn.Embedding(users, dimensions);
        _gmfItems = nn.Embedding(items, dimensions);
        _mlpUsers = nn.Embedding(users, dimensions);
        _mlpItems = nn.Embedding(items, dimensions);
        _mlp = nn.ModuleList(nn.Linear(2 * dimensions, dimensions), nn.Linear(dimensions, dimensions / 2), nn.Linear(dimensions / 2, dimensions / 4));
        _predict = nn.Linear(dimensions + (dimensions / 4), 1);
        RegisterComponents();
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)(uint)seed, CPU);
        foreach (var (name, parameter) in named_parameters())
        {
            if (parameter.dim() == 2)
            {
                SeededInit.Normal(parameter, name.Contains("Users", StringComparison.Ordinal) || name.Contains("Items", StringComparison.Ordinal) ? 0.01 : Math.Sqrt(2.0 / (parameter.shape[0] + parameter.shape[1])), generator);
            }
            else
            {
                using var noGrad = no_grad();
                parameter.zero_();
            }
        }
    }

    public int Dimensions => (int)_gmfUsers.weight!.shape[1];

    public (Tensor GmfUsers, Tensor GmfItems, Tensor MlpUsers, Tensor MlpItems) Embeddings =>
        (_gmfUsers.weight!, _gmfItems.weight!, _mlpUsers.weight!, _mlpItems.weight!);

    public IReadOnlyList<Linear> Mlp => [.. _mlp];

    public Linear Predict => _predict;

    /// <summary>Logits for (user, item) pairs, both int64 [batch].</summary>
    public override Tensor forward(Tensor user, Tensor item)
    {
        using var scope = NewDisposeScope();
        Tensor gmf = _gmfUsers.forward(user) * _gmfItems.forward(item);
        Tensor h = cat([_mlpUsers.forward(user), _mlpItems.forward(item)], 1);
        foreach (Linear layer in _mlp)
        {
            h = nn.functional.relu(layer.forward(h));
        }

        return _predict.forward(cat([gmf, h], 1)).squeeze(1).MoveToOuterDisposeScope();
    }
}

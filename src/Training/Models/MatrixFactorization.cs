using TorchSharp.Modules;

namespace Recsys.Training.Models;

/// <summary>
/// Matrix factorisation: score(u, i) = ⟨p_u, q_i⟩ + b_u + b_i. Trained pair-wise with the BPR loss, it is
/// the classic personalised ranking model (Rendle et al., 2009); index 0 of both tables is padding/unknown.
/// </summary>
internal sealed class MatrixFactorization : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding _users;
    private readonly Embedding _items;
    private readonly Embedding _userBias;
    private readonly Embedding _itemBias;

    /// <param name="seed">
    /// Seeds the model's own generator: the global libtorch generator is shared by every thread in the
    /// process, so two models initialised concurrently would otherwise perturb each other.
    /// </param>
    public MatrixFactorization(int users, int items, int dimensions, int seed)
        : base(nameof(MatrixFactorization))
    {
        _users = nn.Embedding(users, dimensions);
        _items = nn.Embedding(items, dimensions);
        _userBias = nn.Embedding(users, 1);
        _itemBias = nn.Embedding(items, 1);
        RegisterComponents();
        // Reading .weight makes a new tensor handle each time; the scope releases them (the weights stay).
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)(uint)seed, CPU);
        SeededInit.Normal(_users.weight!, 0.01, generator);
        SeededInit.Normal(_items.weight!, 0.01, generator);
        using (no_grad())
        {
            nn.init.zeros_(_userBias.weight!);
            nn.init.zeros_(_itemBias.weight!);
        }
    }

    public int Dimensions => (int)_users.weight!.shape[1];

    public Tensor UserWeights => _users.weight!;

    public Tensor ItemWeights => _items.weight!;

    public Tensor UserBias => _userBias.weight!;

    public Tensor ItemBias => _itemBias.weight!;

    /// <summary>Scores of (user, item) pairs: both tensors int64 [batch]; returns float32 [batch].</summary>
    public override Tensor forward(Tensor user, Tensor item)
    {
        using var scope = NewDisposeScope();
        Tensor dot = (_users.forward(user) * _items.forward(item)).sum(1);
        return (dot + _userBias.forward(user).squeeze(1) + _itemBias.forward(item).squeeze(1)).MoveToOuterDisposeScope();
    }

    /// <summary>The L2 penalty of the rows a batch touched (regularising only what was used, as BPR does).</summary>
    public Tensor Penalty(Tensor user, Tensor positive, Tensor negative)
    {
        using var scope = NewDisposeScope();
        // Scalars held to the end of the call: an implicitly converted one can be finalized while libtorch reads it.
        using Scalar two = 2.ToScalar();
        using Scalar batch = user.shape[0].ToScalar();
        Tensor sum = _users.forward(user).pow(two).sum() + _items.forward(positive).pow(two).sum() + _items.forward(negative).pow(two).sum();
        return sum.div(batch).MoveToOuterDisposeScope();
    }
}

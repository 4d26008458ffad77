using Recsys.Features;
using Recsys.Training.Trainer;
using TorchSharp.Modules;

namespace Recsys.Training.Models;

/// <summary>
/// DCN-v2 (Wang et al., WWW 2021), parallel form: the input x₀ = [user embedding, item embedding, item content
/// vector] goes through full-rank cross layers x_{l+1} = x₀ ⊙ (W_l x_l + b_l) + x_l and, side by side, a ReLU
/// MLP; a linear layer over both gives one logit. The content vector (genres and title/tag tokens) lets items
/// with few or no interactions still score by what they are. Point-wise: binary cross-entropy with sampled negatives.
/// </summary>
internal sealed class DcnV2 : nn.Module<Tensor, Tensor, Tensor>
{
    public const int CrossLayers = 2;

    private readonly Embedding _users;
    private readonly Embedding _items;
    private readonly ContentTower _content;
    private readonly ModuleList<Linear> _cross;
    private readonly ModuleList<Linear> _deep;
    private readonly Linear _predict;

    public DcnV2(int users, int items, ItemContent content, int dimensions, int seed, ItemTextInput text = ItemTextInput.Tokens)
        : base(nameof(DcnV2))
    {
        int width = 3 * dimensions;
        using var generator = new Generator((ulong)(uint)seed, CPU);
        _users = nn.Embedding(users, dimensions);
        _items = nn.Embedding(items, dimensions);
        _content = new ContentTower(content, dimensions, generator, text);
        _cross = nn.ModuleList([.. Enumerable.Range(0, CrossLayers).Select(_ => nn.Linear(width, width))]);
        _deep = nn.ModuleList(nn.Linear(width, dimensions), nn.Linear(dimensions, dimensions / 2));
        _predict = nn.Linear(width + (dimensions / 2), 1);
        RegisterComponents();
        using var scope = NewDisposeScope();
        SeededInit.Normal(_users.weight!, 0.01, generator);
        SeededInit.Normal(_items.weight!, 0.01, generator);
        foreach (Linear layer in _cross.Concat(_deep).Append(_predict))
        {
            SeededInit.Normal(layer.weight!, Math.Sqrt(2.0 / (layer.weight!.shape[0] + layer.weight.shape[1])), generator);
            using var noGrad = no_grad();
            layer.bias!.zero_();
        }
    }

    public int Dimensions => (int)_users.weight!.shape[1];

    public Embedding Users => _users;

    public Embedding Items => _items;

    public ContentTower Content => _content;

    public IReadOnlyList<Linear> Cross => [.. _cross];

    public IReadOnlyList<Linear> Deep => [.. _deep];

    public Linear Predict => _predict;

    /// <summary>Logits for (user, item) pairs, both int64 [batch].</summary>
    public override Tensor forward(Tensor user, Tensor item)
    {
        using var scope = NewDisposeScope();
        Tensor x0 = cat([_users.forward(user), _items.forward(item), _content.forward(item)], 1);
        Tensor x = x0;
        foreach (Linear layer in _cross)
        {
            x = (x0 * layer.forward(x)) + x;
        }

        Tensor h = x0;
        foreach (Linear layer in _deep)
        {
            h = nn.functional.relu(layer.forward(h));
        }

        return _predict.forward(cat([x, h], 1)).squeeze(1).MoveToOuterDisposeScope();
    }
}

using Recsys.Features;
using Recsys.Training.Trainer;
using TorchSharp.Modules;

namespace Recsys.Training.Models;

/// <summary>
/// The content tower on its own: score = user embedding · content vector of the item. Items are represented
/// only by their genres and text, so a new item is scored as soon as it has metadata, and items that share
/// words share what users learned about them; a user who wrote text (<see cref="UserTower"/>) is placed by it as
/// well. Point-wise (binary cross-entropy with sampled negatives) or pair-wise, as the architecture trains it.
/// </summary>
internal sealed class ContentTwoTower : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly UserTower _users;
    private readonly ContentTower _content;

    public ContentTwoTower(int users, ItemContent content, int dimensions, int seed, ItemTextInput text = ItemTextInput.Tokens)
        : base(nameof(ContentTwoTower))
    {
        using var generator = new Generator((ulong)(uint)seed, CPU);
        // The users' own text goes with the item text: a tower that reads item vectors reads theirs too.
        float[]? userText = text == ItemTextInput.Tokens ? null : content.UserTextVectors;
        _users = new UserTower(users, dimensions, userText, content.TextDimensions);
        _content = new ContentTower(content, dimensions, generator, text);
        RegisterComponents();
        SeededInit.Normal(_users.Embeddings.weight!, 0.1, generator);
        if (_users.TextProjection is { } projection)
        {
            SeededInit.Normal(projection.weight!, 0.01, generator);
        }
    }

    public int Dimensions => (int)_users.Embeddings.weight!.shape[1];

    public UserTower Users => _users;

    public ContentTower Content => _content;

    /// <summary>Logits for (user, item) pairs, both int64 [batch].</summary>
    public override Tensor forward(Tensor user, Tensor item)
    {
        using var scope = NewDisposeScope();
        return (_users.forward(user) * _content.forward(item)).sum(1).MoveToOuterDisposeScope();
    }
}

using TorchSharp.Modules;

namespace Recsys.Training.Models;

/// <summary>
/// A user's vector: a learned embedding plus, where the dataset has text the users wrote themselves (their own
/// tags), a learned projection of that text's frozen sentence-encoder vector, so users who describe the same
/// tastes start alike and a user with text but few interactions is placed by it. The text is a constant tensor,
/// outside the parameter list; users who wrote nothing have a zero row and keep their embedding alone.
/// </summary>
internal sealed class UserTower : nn.Module<Tensor, Tensor>
{
    private readonly Embedding _embeddings;
    private readonly Linear? _textProjection;
    private Tensor? _text;

    /// <param name="textVectors">users × <paramref name="textDimensions"/> floats, or null for the embedding alone.</param>
    public UserTower(int users, int dimensions, float[]? textVectors, int textDimensions)
        : base(nameof(UserTower))
    {
        _embeddings = nn.Embedding(users, dimensions);
        if (textVectors is not null)
        {
            if (textVectors.Length != (long)users * textDimensions)
            {
                throw new ArgumentException($"User text vectors must be {users} users × {textDimensions} values, not {textVectors.Length}.", nameof(textVectors));
            }

            _textProjection = nn.Linear(textDimensions, dimensions, hasBias: false);
            _text = tensor(textVectors).reshape(users, textDimensions);
        }

        RegisterComponents();
    }

    public Embedding Embeddings => _embeddings;

    /// <summary>The projection of the user's text vector; null when the dataset has no user text.</summary>
    public Linear? TextProjection => _textProjection;

    /// <summary>User vectors [batch, d] of user indices (int64 [batch]).</summary>
    public override Tensor forward(Tensor users)
    {
        if (_textProjection is null)
        {
            return _embeddings.forward(users);
        }

        if (_text!.device_type != users.device_type || _text.device_index != users.device_index)
        {
            Tensor moved = _text.to(users.device).DetachFromDisposeScope();
            _text.Dispose();
            _text = moved;
        }

        using var scope = NewDisposeScope();
        return (_embeddings.forward(users) + _textProjection.forward(_text.index_select(0, users))).MoveToOuterDisposeScope();
    }

    /// <summary>Every user's vector [users, d], as the exported graph looks them up.</summary>
    public float[] AllVectors()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor weight = _embeddings.weight!;
        return forward(arange(weight.shape[0], dtype: int64, device: weight.device)).cpu().contiguous().data<float>().ToArray();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _text?.Dispose();
        }

        base.Dispose(disposing);
    }
}

using Recsys.Features;
using Recsys.Training.Trainer;
using TorchSharp.Modules;

namespace Recsys.Training.Models;

/// <summary>
/// An item's vector from its content alone: the mean of its text-token embeddings plus a projection of its
/// genres (multi-hot, each row normalised to sum 1) plus, where the dataset has them, a learned projection of
/// its frozen sentence-encoder vector (<see cref="ItemTextInput"/> chooses tokens, vectors or both). An item
/// nobody has interacted with gets a vector as good as its metadata. The item metadata is held as constant
/// tensors; only the embeddings and projections learn.
/// </summary>
internal sealed class ContentTower : nn.Module<Tensor, Tensor>
{
    private readonly Embedding _tokenEmbeddings;
    private readonly Linear? _genreProjection;
    private readonly Linear? _textProjection;
    private readonly bool _useTokens;
    private Tensor _tokens;
    private Tensor _genres;
    private Tensor? _text;

    public ContentTower(ItemContent content, int dimensions, Generator generator, ItemTextInput text = ItemTextInput.Tokens)
        : base(nameof(ContentTower))
    {
        bool vectors = content.TextVectors is not null && text != ItemTextInput.Tokens;
        _useTokens = !vectors || text != ItemTextInput.Vectors;
        _tokenEmbeddings = nn.Embedding(content.Vocabulary, dimensions);
        _genreProjection = content.GenreCount > 0 ? nn.Linear(content.GenreCount, dimensions, hasBias: false) : null;
        _textProjection = vectors ? nn.Linear(content.TextDimensions, dimensions, hasBias: false) : null;
        RegisterComponents();
        SeededInit.Normal(_tokenEmbeddings.weight!, 0.01, generator);
        if (_genreProjection is not null)
        {
            SeededInit.Normal(_genreProjection.weight!, 0.01, generator);
        }

        if (_textProjection is not null)
        {
            // Unit-length 384-wide inputs: this scale starts the projection at the token bag's magnitude.
            SeededInit.Normal(_textProjection.weight!, 0.01, generator);
            // Row 0 (padding, and an unknown item at serve time) stays zero: the exported graph adds a request's
            // text projection to it.
            float[] itemText = (float[])content.TextVectors!.Clone();
            Array.Clear(itemText, 0, content.TextDimensions);
            _text = tensor(itemText).reshape(content.Items, content.TextDimensions);
        }

        // Constant inputs, kept outside the parameter and buffer lists so checkpoints hold learned weights only.
        _tokens = tensor(content.Tokens.ToArray(), dtype: int64).reshape(content.Items, content.MaxTokens);
        float[] genres = new float[content.Items * Math.Max(1, content.GenreCount)];
        for (int i = 0; i < content.Items; i++)
        {
            foreach (int g in content.Genres[i])
            {
                genres[(i * content.GenreCount) + g] = 1f / content.Genres[i].Length;
            }
        }

        _genres = tensor(genres).reshape(content.Items, Math.Max(1, content.GenreCount));
    }

    public int Dimensions => (int)_tokenEmbeddings.weight!.shape[1];

    public Embedding TokenEmbeddings => _tokenEmbeddings;

    public Linear? GenreProjection => _genreProjection;

    /// <summary>The learned projection of the sentence-encoder vector; null when the tower reads no vectors.</summary>
    public Linear? TextProjection => _textProjection;

    /// <summary>Content vectors [batch, d] of item indices (int64 [batch]).</summary>
    public override Tensor forward(Tensor items)
    {
        MoveContentTo(items.device);
        using var scope = NewDisposeScope();
        Tensor vector = zeros(items.shape[0], Dimensions, device: items.device);
        if (_useTokens)
        {
            Tensor tokens = _tokens.index_select(0, items);
            // Scalars held to the end of the call: an implicitly converted one can be finalized while libtorch reads it.
            using Scalar paddingToken = 0.ToScalar();
            using Scalar one = 1.ToScalar();
            Tensor mask = tokens.ne(paddingToken).to(float32).unsqueeze(2);
            vector = vector + ((_tokenEmbeddings.forward(tokens) * mask).sum(1) / mask.sum(1).clamp_min(one));
        }

        if (_genreProjection is not null)
        {
            vector = vector + _genreProjection.forward(_genres.index_select(0, items));
        }

        if (_textProjection is not null)
        {
            vector = vector + _textProjection.forward(_text!.index_select(0, items));
        }

        return vector.MoveToOuterDisposeScope();
    }

    /// <summary>Every item's content vector [items, d], as the exported graph looks them up.</summary>
    public float[] AllVectors()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Device device = _tokenEmbeddings.weight!.device;
        return forward(arange(_tokens.shape[0], dtype: int64, device: device)).cpu().contiguous().data<float>().ToArray();
    }

    /// <summary>The metadata follows the batch to its device once (not per step), outside any dispose scope.</summary>
    private void MoveContentTo(Device device)
    {
        if (_tokens.device_type == device.type && _tokens.device_index == device.index)
        {
            return;
        }

        Tensor tokens = _tokens.to(device).DetachFromDisposeScope(), genres = _genres.to(device).DetachFromDisposeScope();
        Tensor? text = _text?.to(device).DetachFromDisposeScope();
        _tokens.Dispose();
        _genres.Dispose();
        _text?.Dispose();
        (_tokens, _genres, _text) = (tokens, genres, text);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _tokens.Dispose();
            _genres.Dispose();
            _text?.Dispose();
        }

        base.Dispose(disposing);
    }
}

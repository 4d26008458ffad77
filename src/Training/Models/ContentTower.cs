using Recsys.Features;
using TorchSharp.Modules;

namespace Recsys.Training.Models;

/// <summary>
/// An item's vector from its content alone: the mean of its text-token embeddings plus a projection of its
/// genres (multi-hot, each row normalised to sum 1). An item nobody has interacted with gets a vector as good
/// as its metadata. The item metadata is held as constant tensors; only the embeddings and projection learn.
/// </summary>
internal sealed class ContentTower : nn.Module<Tensor, Tensor>
{
    private readonly Embedding _tokenEmbeddings;
    private readonly Linear? _genreProjection;
    private Tensor _tokens;
    private Tensor _genres;

    public ContentTower(ItemContent content, int dimensions, Generator generator)
        : base(nameof(ContentTower))
    {
        _tokenEmbeddings = nn.Embedding(content.Vocabulary, dimensions);
        _genreProjection = content.GenreCount > 0 ? nn.Linear(content.GenreCount, dimensions, hasBias: false) : null;
        RegisterComponents();
        SeededInit.Normal(_tokenEmbeddings.weight!, 0.01, generator);
        if (_genreProjection is not null)
        {
            SeededInit.Normal(_genreProjection.weight!, 0.01, generator);
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

    /// <summary>Content vectors [batch, d] of item indices (int64 [batch]).</summary>
    public override Tensor forward(Tensor items)
    {
        MoveContentTo(items.device);
        using var scope = NewDisposeScope();
        Tensor tokens = _tokens.index_select(0, items);
        Tensor mask = tokens.ne(0).to(float32).unsqueeze(2);
        Tensor text = (_tokenEmbeddings.forward(tokens) * mask).sum(1) / mask.sum(1).clamp_min(1);
        if (_genreProjection is not null)
        {
            text = text + _genreProjection.forward(_genres.index_select(0, items));
        }

        return text.MoveToOuterDisposeScope();
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
        _tokens.Dispose();
        _genres.Dispose();
        (_tokens, _genres) = (tokens, genres);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _tokens.Dispose();
            _genres.Dispose();
        }

        base.Dispose(disposing);
    }
}
